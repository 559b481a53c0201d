"""The provider-backed inputs builder: live prices and weather, cached, with honest fallbacks.

:class:`ProviderInputs` is what ``app/`` injects into a :class:`~agents.session.PlanningSession`
(and what ``hearth schedule`` calls): ``builder(home, axis) -> PlanningInputs``. For each feed the
home file names (a price provider under ``tariff.import``/``tariff.export``, ``weather:
{type: open_meteo}``) it

1. uses the newest cached delivery if it covers the plan (and, for weather, is under an hour
   old) — no network at all on a warm cache;
2. otherwise asks the provider, unless it was asked moments ago (a failing feed at most every
   ``retry_after_failure``, prices that are not published yet at most every ``refetch_after``),
   and caches the answer;
3. on failure or offline (``HEARTH_OFFLINE=1``) plans on the cache, else the home file's fallback,
   and hands :func:`tools.inputs.build_inputs` a plain sentence on why ("live aWATTar prices
   unavailable since 14:00 — cannot be reached").
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import numpy as np
import pandas as pd
import requests

from agents.session import InputsBuilder
from app.providers.cache import Delivery, ProviderCache
from app.providers.http import HttpSettings, ProviderError, make_session
from app.providers.prices import feed_key, fetch_prices
from app.providers.weather import fetch_weather, weather_key
from tools.home import AwattarPrice, EntsoePrice, Home, MarketPrice, OctopusPrice, ProviderPrice
from tools.inputs import (
    PROVIDER_LABELS,
    PlanningInputs,
    Provided,
    ProvidedSeries,
    ProvidedWeather,
    build_inputs,
)
from tools.results import InputSource
from tools.series import Series
from tools.timeaxis import TimeAxis

log = logging.getLogger("hearth.providers")

OFFLINE_ENV = "HEARTH_OFFLINE"


@dataclass(frozen=True)
class ProviderSettings:
    """How eagerly providers are asked.

    Attributes
    ----------
    offline:
        Never ask a provider; plan on the cache or the home file (``HEARTH_OFFLINE=1``).
    http:
        Time-outs and retries of each call.
    retry_after_failure:
        A feed that failed is asked again at most this often.
    refetch_after:
        Prices that do not yet cover the plan (tomorrow's auction not published) are asked for
        again at most this often.
    weather_max_age:
        A cached forecast older than this is refreshed.
    """

    offline: bool = False
    http: HttpSettings = field(default_factory=HttpSettings)
    retry_after_failure: timedelta = timedelta(minutes=10)
    refetch_after: timedelta = timedelta(minutes=15)
    weather_max_age: timedelta = timedelta(hours=1)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ProviderSettings:
        environment = os.environ if env is None else env
        flag = environment.get(OFFLINE_ENV, "").strip().lower()
        return cls(offline=flag in ("1", "true", "yes", "on"))


def needs_providers(home: Home) -> bool:
    """Whether the home file names any provider (prices or weather)."""
    tariff = home.tariff
    return (
        isinstance(tariff.import_price, MarketPrice)
        or isinstance(tariff.export_price, MarketPrice)
        or home.weather is not None
    )


def inputs_builder_for(
    home: Home, *, cache: ProviderCache | None = None, settings: ProviderSettings | None = None,
) -> InputsBuilder:
    """The inputs builder for ``home``: plain :func:`build_inputs` when it names no provider
    (no cache file is created), else a :class:`ProviderInputs` on ``cache`` (default file)."""
    if not needs_providers(home):
        return build_inputs
    return ProviderInputs(cache or ProviderCache(), settings=settings or ProviderSettings.from_env())


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class ProviderInputs:
    """Builds :class:`PlanningInputs` with live prices and weather (see the module docstring).

    Parameters
    ----------
    cache:
        The provider cache.
    settings:
        Offline switch, time-outs, retries and refresh intervals.
    session:
        The HTTP session; by default one with urllib3 retries is made on the first fetch.
    clock:
        Returns the current time (tz-aware); tests pass a fixed clock.
    env:
        Environment for tokens (``ENTSOE_API_KEY`` or the name the home file gives).
    """

    def __init__(
        self,
        cache: ProviderCache,
        *,
        settings: ProviderSettings | None = None,
        session: requests.Session | None = None,
        clock: Callable[[], datetime] = _utc_now,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.cache = cache
        self.settings = settings or ProviderSettings()
        self._session = session
        self._clock = clock
        self._env = os.environ if env is None else env

    def __call__(
        self,
        home: Home,
        axis: TimeAxis,
        *,
        cloud_cover_pct: np.ndarray | None = None,
        air_temperature_c: np.ndarray | None = None,
        wind_speed_m_s: np.ndarray | None = None,
    ) -> PlanningInputs:
        return build_inputs(
            home, axis, cloud_cover_pct=cloud_cover_pct, air_temperature_c=air_temperature_c,
            wind_speed_m_s=wind_speed_m_s, provided=self.provided(home, axis),
        )

    @property
    def session(self) -> requests.Session:
        if self._session is None:
            self._session = make_session(self.settings.http)
        return self._session

    # -- feeds ---------------------------------------------------------------------------------

    def provided(self, home: Home, axis: TimeAxis) -> Provided:
        """Fetch or look up every feed the home names, for ``axis``."""
        unavailable: dict[str, str] = {}
        prices = {}
        for key, spec in (("prices", home.tariff.import_price),
                          ("export_prices", home.tariff.export_price)):
            if not isinstance(spec, (EntsoePrice, AwattarPrice, OctopusPrice)):
                continue
            provided, note = self._prices(home, axis, spec)
            prices[key] = provided
            if note:
                unavailable[key] = note
        weather = None
        if home.weather is not None:
            weather, note = self._weather(home, axis)
            if note:
                unavailable["weather"] = note
        return Provided(
            prices=prices.get("prices"), export_prices=prices.get("export_prices"),
            weather=weather, unavailable=unavailable,
        )

    def _prices(
        self, home: Home, axis: TimeAxis, spec: ProviderPrice
    ) -> tuple[ProvidedSeries | None, str | None]:
        label = PROVIDER_LABELS[spec.type]
        first, last = _local_days(axis)

        def fetch() -> dict[str, Series]:
            return {"price_per_kwh": fetch_prices(
                spec, first, last, session=self.session, settings=self.settings.http, env=self._env,
            )}

        delivery, note, fresh = self._feed(
            feed_key(spec), f"{label} prices", axis, fetch, max_age=None, home=home,
        )
        if delivery is None:
            return None, note
        source = InputSource(
            source=f"{label} prices" + ("" if fresh else f" fetched {self._clock_words(delivery.fetched_at, home)}"),
            fetched_at=delivery.fetched_at, note=note,
        )
        return ProvidedSeries(delivery.series["price_per_kwh"], source), note

    def _weather(self, home: Home, axis: TimeAxis) -> tuple[ProvidedWeather | None, str | None]:
        label = PROVIDER_LABELS["open_meteo"]
        first_day = axis.start.astimezone(timezone.utc).date()
        last_day = (axis.end.astimezone(timezone.utc) - timedelta(seconds=1)).date()

        def fetch() -> dict[str, Series]:
            cloud, temperature, wind = fetch_weather(
                home, first_day, last_day, session=self.session, settings=self.settings.http
            )
            return {"cloud_cover_pct": cloud, "air_temperature_c": temperature,
                    "wind_speed_m_s": wind}

        delivery, note, fresh = self._feed(
            weather_key(home), f"{label} forecast", axis, fetch,
            max_age=self.settings.weather_max_age, home=home,
        )
        if delivery is None:
            return None, note
        source = InputSource(
            source=f"{label} forecast" + ("" if fresh else f" fetched {self._clock_words(delivery.fetched_at, home)}"),
            fetched_at=delivery.fetched_at, note=note,
        )
        series = delivery.series
        return ProvidedWeather(
            series["cloud_cover_pct"], series["air_temperature_c"], series["wind_speed_m_s"], source
        ), note

    def _feed(
        self,
        feed: str,
        what: str,
        axis: TimeAxis,
        fetch: Callable[[], dict[str, Series]],
        *,
        max_age: timedelta | None,
        home: Home,
    ) -> tuple[Delivery | None, str | None, bool]:
        """The delivery to plan on, a note when live data is missing, and whether it is fresh."""
        now = self._clock()
        cached = self.cache.best(feed, axis.start, axis.end)
        covers = cached is not None and cached.valid_from <= axis.start and cached.valid_to >= axis.end
        young = cached is not None and (max_age is None or now - cached.fetched_at <= max_age)
        if cached is not None and covers and young:
            return cached, None, True
        if self.settings.offline:
            return cached, f"offline mode ({OFFLINE_ENV}), live {what} not asked", False
        attempt = self.cache.attempt(feed)
        if attempt is not None:
            wait = (self.settings.retry_after_failure if not attempt.ok
                    else self.settings.refetch_after)
            if now - attempt.attempted_at < wait:
                if attempt.failing_since is not None:
                    return cached, self._unavailable(what, attempt.failing_since, attempt.error, home), False
                return cached, None, cached is not None and young
        try:
            series = fetch()
        except ProviderError as err:
            failed = self.cache.record_attempt(feed, now, error=err.reason)
            log.info("%s", err)
            since = failed.failing_since or now
            return cached, self._unavailable(what, since, err.reason, home), False
        self.cache.record_attempt(feed, now, error=None)
        return self.cache.put(feed, now, series), None, True

    def _unavailable(self, what: str, since: datetime, error: str | None, home: Home) -> str:
        reason = f" — {error}" if error else ""
        return f"live {what} unavailable since {self._clock_words(since, home)}{reason}"

    def _clock_words(self, moment: datetime, home: Home) -> str:
        """``14:00`` today, ``Tue 14:00`` within a week, else the date, in the home's time zone."""
        tz = pd.Timestamp(moment).tz_convert(home.timezone)
        now = pd.Timestamp(self._clock()).tz_convert(home.timezone)
        if tz.date() == now.date():
            return tz.strftime("%H:%M")
        if abs((now - tz).days) < 6:
            return tz.strftime("%a %H:%M")
        return tz.strftime("%Y-%m-%d %H:%M")


def _local_days(axis: TimeAxis) -> tuple[datetime, datetime]:
    """Local midnight at or before the axis start, and local midnight at or after its end."""
    start = pd.Timestamp(axis.start).tz_convert(axis.tz_name)
    end = pd.Timestamp(axis.end).tz_convert(axis.tz_name)
    first = pd.Timestamp(start.date()).tz_localize(axis.tz_name)
    last = pd.Timestamp(end.date()).tz_localize(axis.tz_name)
    if last < end:
        # by calendar date, not + 24 h: a DST day is 23 or 25 hours long
        last = pd.Timestamp(end.date() + timedelta(days=1)).tz_localize(axis.tz_name)
    return first.to_pydatetime(), last.to_pydatetime()
