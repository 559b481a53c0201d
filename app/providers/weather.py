"""Weather from Open-Meteo's forecast API: hourly cloud cover, air temperature and wind speed.

``GET https://api.open-meteo.com/v1/forecast`` with ``hourly=cloud_cover,temperature_2m,
wind_speed_10m``, ``wind_speed_unit=ms``, ``timeformat=unixtime``, ``timezone=GMT`` and
``start_date``/``end_date`` (UTC dates). No key is needed.

Why the JSON endpoint and not the ``openmeteo-requests`` client: that client now rides on
``niquests`` and decodes FlatBuffers; Hearth keeps one HTTP stack for every provider (``requests``
with urllib3 retries, :mod:`app.providers.http`), validates the documented JSON with pydantic, and
replays recorded answers in tests with ``responses``. The data are the same.

Each hourly value is taken to hold for its hour ``[t, t + 1 h)`` (Open-Meteo's instantaneous
values at the full hour, the convention :func:`tools.solar.cloud_cover_pct_on_axis` uses for
files too). The forecast stops at the first missing (``null``) value: no hour is invented.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

import numpy as np
import requests
from pydantic import BaseModel, ConfigDict, ValidationError

from app.providers.http import HttpSettings, ProviderError, get_json
from tools.errors import SeriesError
from tools.home import Home
from tools.inputs import PROVIDER_LABELS
from tools.series import Series

OPEN_METEO_URL = "https://api.open-meteo.com/v1/forecast"
HOURLY = ("cloud_cover", "temperature_2m", "wind_speed_10m")
LABEL = PROVIDER_LABELS["open_meteo"]


class _Hourly(BaseModel):
    model_config = ConfigDict(extra="ignore")

    time: list[int]
    cloud_cover: list[float | None]
    temperature_2m: list[float | None]
    wind_speed_10m: list[float | None]


class _Answer(BaseModel):
    model_config = ConfigDict(extra="ignore")

    hourly: _Hourly


def weather_key(home: Home) -> str:
    """Cache key of a home's forecast: location (to 4 decimals, ~10 m) and weather model."""
    loc = home.location
    model = home.weather.model if home.weather is not None and home.weather.model else "best_match"
    return f"open_meteo:{loc.latitude_deg:.4f},{loc.longitude_deg:.4f}:{model}"


def fetch_weather(
    home: Home, first_day: date, last_day: date, *, session: requests.Session,
    settings: HttpSettings,
) -> tuple[Series, Series, Series]:
    """Cloud cover [%], air temperature [°C] and wind speed at 10 m [m/s], hourly, UTC days
    ``first_day`` to ``last_day`` inclusive."""
    params: dict[str, str | int | float] = {
        "latitude": f"{home.location.latitude_deg:.4f}",
        "longitude": f"{home.location.longitude_deg:.4f}",
        "hourly": ",".join(HOURLY),
        "wind_speed_unit": "ms",
        "timeformat": "unixtime",
        "timezone": "GMT",
        "start_date": first_day.isoformat(),
        "end_date": last_day.isoformat(),
    }
    if home.weather is not None and home.weather.model:
        params["models"] = home.weather.model
    body = get_json(session, OPEN_METEO_URL, params=params, settings=settings, provider=LABEL)
    try:
        hourly = _Answer.model_validate(body).hourly
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ProviderError(LABEL, f"unexpected answer ({where}: {first['msg']})") from None
    n = len(hourly.time)
    columns = [hourly.cloud_cover, hourly.temperature_2m, hourly.wind_speed_10m]
    if any(len(c) != n for c in columns):
        raise ProviderError(LABEL, "unexpected answer (the hourly lists differ in length)")
    usable = n
    for column in columns:
        missing = [i for i, v in enumerate(column) if v is None]
        if missing:
            usable = min(usable, missing[0])
    if usable == 0:
        raise ProviderError(LABEL, "no forecast for that period")
    starts = tuple(datetime.fromtimestamp(t, tz=timezone.utc) for t in hourly.time[:usable])
    cloud, temperature, wind = (np.array(c[:usable], dtype=float) for c in columns)
    if np.any((cloud < 0) | (cloud > 100)):
        raise ProviderError(LABEL, "cloud cover outside 0..100 %")
    try:
        return (
            Series(starts, cloud, 60, "Open-Meteo cloud cover"),
            Series(starts, temperature, 60, "Open-Meteo air temperature"),
            Series(starts, wind, 60, "Open-Meteo wind speed"),
        )
    except SeriesError as err:
        raise ProviderError(LABEL, f"unusable forecast ({err.reason})") from None
