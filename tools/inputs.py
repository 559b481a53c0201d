"""Everything the scheduler needs besides the home and the requests, on one axis, with its sources.

:func:`build_inputs` turns the home file and whatever the providers delivered (``app/providers/``
fetches; this module never touches the network) into per-step series. Each input carries an
:class:`~tools.results.InputSource` naming where it came from, so a plan can say "prices from the
home file; live aWATTar prices unavailable since 14:00" instead of passing a fallback off as live
data.

Precedence per input
--------------------
prices, export_prices
    Home-file prices (flat, TOU, series) as they are. For a provider tariff (``entsoe``,
    ``awattar``, ``octopus``): the delivered market prices where they cover a step, retail =
    (market + markup + grid fees) × VAT; the tariff's ``fallback`` for every step they do not
    cover; an :class:`~tools.errors.InputError` if steps remain uncovered without a fallback.
weather
    Series given explicitly (``hearth schedule --cloud-cover``) first; else the delivered forecast
    where it covers a step; clear sky at the home file's assumed temperature and wind elsewhere.
base_load
    The home file's base load section (:mod:`tools.baseload`, :mod:`tools.baseload_learned`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from tools.baseload import base_load_kw, hourly_profile_kw
from tools.errors import InputError
from tools.home import (
    FlatPrice,
    Home,
    LearnedBaseLoad,
    MarketPrice,
    PriceSpec,
    SeriesBaseLoad,
    StandardBaseLoad,
    TouPrice,
)
from tools.results import InputSource
from tools.series import Series, align_mean_where_covered
from tools.solar import pv_forecast_kw
from tools.tariff import co2_g_per_kwh, price_on_axis, retail_price_per_kwh
from tools.timeaxis import TimeAxis
from tools.wind import turbine_power_kw

#: How each provider is named to a homeowner.
PROVIDER_LABELS = {
    "entsoe": "ENTSO-E day-ahead",
    "awattar": "aWATTar",
    "octopus": "Octopus",
    "open_meteo": "Open-Meteo",
}

INPUT_KEYS = ("prices", "export_prices", "weather", "base_load")


@dataclass(frozen=True)
class ProvidedSeries:
    """A series a provider delivered, and its source.

    For prices the values are the *market* price [currency/kWh] before markup, grid fees and VAT.
    """

    series: Series
    source: InputSource


@dataclass(frozen=True)
class ProvidedWeather:
    """An hourly weather forecast a provider delivered (one value per interval)."""

    cloud_cover_pct: Series
    air_temperature_c: Series
    wind_speed_m_s: Series
    source: InputSource


@dataclass(frozen=True)
class Provided:
    """What the providers delivered for one plan, and why not where they did not.

    Attributes
    ----------
    prices, export_prices, weather:
        Delivered data (possibly from the providers' cache), or ``None``.
    unavailable:
        Per input key (``prices``, ``export_prices``, ``weather``), a plain sentence on why live
        data is missing, e.g. "live aWATTar prices unavailable since 14:00".
    """

    prices: ProvidedSeries | None = None
    export_prices: ProvidedSeries | None = None
    weather: ProvidedWeather | None = None
    unavailable: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PlanningInputs:
    """Per-step series on ``axis``.

    Attributes
    ----------
    import_price_per_kwh, export_price_per_kwh:
        Retail import and export prices [currency/kWh].
    pv_kw:
        PV power available, mean over the step [kW].
    base_load_kw:
        Inflexible household load, mean over the step [kW].
    co2_g_per_kwh:
        Grid carbon intensity [gCO2/kWh], or ``None`` when the home gives none.
    wind_kw:
        Wind turbine power available, mean over the step [kW] (zeros without turbines).
    outdoor_temp_c:
        Outdoor air temperature [°C] for the thermal models (and the forecast in chat): the
        weather forecast or series where there is one, else the home file's climate profile;
        ``None`` when the home has neither.
    outdoor_temp_source, wind_speed_source:
        Where the outdoor temperature and the wind speed came from, in plain words.
    wind_speed_m_s:
        Wind speed at 10 m [m/s] per step from the weather forecast or a series, else ``None``.
    cloud_cover_pct:
        Total cloud cover [%] per step, or ``None`` for clear sky throughout.
    sources:
        Where each input came from (keys ``prices``, ``export_prices``, ``weather``,
        ``base_load``; other parts of Hearth may add keys).
    """

    axis: TimeAxis
    import_price_per_kwh: np.ndarray
    export_price_per_kwh: np.ndarray
    pv_kw: np.ndarray
    base_load_kw: np.ndarray
    co2_g_per_kwh: np.ndarray | None
    currency: str
    demand_charge_per_kw: float = 0.0
    co2_price_per_kg: float = 0.0
    wind_kw: np.ndarray | None = None
    outdoor_temp_c: np.ndarray | None = None
    outdoor_temp_source: str | None = None
    wind_speed_source: str | None = None
    wind_speed_m_s: np.ndarray | None = None
    cloud_cover_pct: np.ndarray | None = None
    sources: dict[str, InputSource] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = self.axis.n_steps
        for name in ("import_price_per_kwh", "export_price_per_kwh", "pv_kw", "base_load_kw"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"{name} has {len(getattr(self, name))} values for {n} steps")
        for name in ("co2_g_per_kwh", "wind_kw", "outdoor_temp_c", "wind_speed_m_s",
                     "cloud_cover_pct"):
            values = getattr(self, name)
            if values is not None and len(values) != n:
                raise ValueError(f"{name} has {len(values)} values for {n} steps")

    @property
    def generation_kw(self) -> np.ndarray:
        """On-site generation available per step, PV plus wind [kW]."""
        return self.pv_kw if self.wind_kw is None else self.pv_kw + self.wind_kw


def build_inputs(
    home: Home,
    axis: TimeAxis,
    *,
    cloud_cover_pct: np.ndarray | None = None,
    air_temperature_c: np.ndarray | None = None,
    wind_speed_m_s: np.ndarray | None = None,
    provided: Provided | None = None,
) -> PlanningInputs:
    """Prices, PV, wind, base load, CO2 and outdoor temperature for ``home`` on ``axis``, each
    with its source.

    Parameters
    ----------
    home, axis:
        The home and the planning axis.
    cloud_cover_pct, air_temperature_c, wind_speed_m_s:
        Weather per step [%, °C, m/s at 10 m] given explicitly (e.g. from files); they take
        precedence over a delivered forecast. Temperature feeds the PV and thermal models, wind
        speed the wind turbines; without either, the home file's ``climate`` profiles are used.
    provided:
        What the providers delivered (``app/providers/``); ``None`` means nothing was fetched.

    Raises
    ------
    InputError
        A provider tariff's prices are missing for some steps and the tariff has no fallback.
    """
    provided = provided or Provided()
    # weather first: a home that cannot be planned without it says so before anything else
    weather = _weather(home, axis, provided, cloud_cover_pct, air_temperature_c, wind_speed_m_s)
    outdoor, outdoor_source = _outdoor_temp(home, axis, weather.air_temperature_c)
    wind, wind_source = _wind(home, axis, weather.wind_speed_m_s)
    import_price, import_source = _prices(
        home, axis, home.tariff.import_price, provided.prices,
        provided.unavailable.get("prices"), name="tariff.import",
    )
    export_price, export_source = _prices(
        home, axis, home.tariff.export_price, provided.export_prices,
        provided.unavailable.get("export_prices"), name="tariff.export",
    )
    base_kw, base_source = _base_load(home, axis)
    return PlanningInputs(
        axis=axis,
        import_price_per_kwh=import_price,
        export_price_per_kwh=export_price,
        pv_kw=pv_forecast_kw(
            home, axis, cloud_cover_pct=weather.cloud_cover_pct,
            air_temperature_c=weather.air_temperature_c,
        ),
        base_load_kw=base_kw,
        co2_g_per_kwh=co2_g_per_kwh(home, axis),
        currency=home.tariff.currency,
        demand_charge_per_kw=home.tariff.demand_charge_per_kw,
        co2_price_per_kg=home.tariff.co2_price_per_kg,
        wind_kw=wind,
        outdoor_temp_c=outdoor,
        outdoor_temp_source=outdoor_source,
        wind_speed_source=wind_source,
        wind_speed_m_s=weather.wind_speed_m_s,
        cloud_cover_pct=weather.cloud_cover_pct,
        sources={
            "prices": import_source,
            "export_prices": export_source,
            "weather": weather.source,
            "base_load": base_source,
        },
    )


def horizon_axis(home: Home, now: datetime, *, step_minutes: int, horizon_hours: float) -> TimeAxis:
    return TimeAxis.from_now(
        now, tz_name=home.timezone, step_minutes=step_minutes, horizon_hours=horizon_hours
    )


def input_notes(sources: dict[str, InputSource]) -> list[str]:
    """Plain sentences for the inputs a homeowner should know about (those with a note).

    E.g. ``"Prices: the home file's fallback (the series data/x.csv); live aWATTar prices
    unavailable since 14:00 — cannot be reached"``. Inputs without a note (live data, or
    home-file data by design) say nothing.
    """
    labels = {"prices": "Prices", "export_prices": "Export prices", "weather": "Weather",
              "base_load": "Base load"}
    return [
        f"{labels.get(key, key.replace('_', ' ').capitalize())}: {source.source}; {source.note}"
        for key, source in sources.items()
        if source.note
    ]


# ----------------------------------------------------------------------------- prices

def describe_price(spec: PriceSpec) -> str:
    """The home file's price in a few words, e.g. "a flat 0.30/kWh" or "the series data/x.csv"."""
    if isinstance(spec, FlatPrice):
        return f"a flat {spec.price_per_kwh:g}/kWh"
    if isinstance(spec, TouPrice):
        return "the time-of-use table"
    if isinstance(spec, MarketPrice):
        return f"{PROVIDER_LABELS[spec.type]} prices"
    if spec.file is not None:
        return f"the series {spec.file}"
    return "the inline price series"


def _prices(
    home: Home,
    axis: TimeAxis,
    spec: PriceSpec,
    provided: ProvidedSeries | None,
    unavailable: str | None,
    *,
    name: str,
) -> tuple[np.ndarray, InputSource]:
    if not isinstance(spec, MarketPrice):
        return (
            price_on_axis(spec, axis, home, name=name),
            InputSource(source=f"the home file ({describe_price(spec)})"),
        )
    label = PROVIDER_LABELS[spec.type]
    covered = np.zeros(axis.n_steps, dtype=bool)
    values = np.full(axis.n_steps, np.nan)
    if provided is not None:
        market, covered = align_mean_where_covered(provided.series, axis)
        values = retail_price_per_kwh(spec, market)
        if covered.all():
            return values, provided.source
    first_gap = axis.time_at(int(np.flatnonzero(~covered)[0]))
    if spec.fallback is None:
        why = unavailable or f"{label} has no prices from {_clock(first_gap, axis)}"
        raise InputError(
            name,
            f"{why}, and the tariff has no 'fallback'; add one (a flat price, a TOU table or a "
            "series file) so Hearth can plan when live prices are missing",
        )
    fallback = price_on_axis(spec.fallback, axis, home, name=f"{name}.fallback")
    values = np.where(covered, values, fallback)
    fallback_words = f"the home file's fallback ({describe_price(spec.fallback)})"
    if provided is None or not covered.any():
        note = unavailable or f"{label} has no prices for this period"
        return values, InputSource(source=fallback_words, note=note)
    note = f"{label} prices end {_clock(first_gap, axis)}; {fallback_words} after that"
    if unavailable:
        note += f" ({unavailable})"
    return values, InputSource(
        source=f"{provided.source.source}, then {fallback_words}",
        fetched_at=provided.source.fetched_at,
        note=note,
    )


# ----------------------------------------------------------------------------- weather

@dataclass(frozen=True)
class _Weather:
    """Weather for the axis: ``None`` where neither a forecast nor a series gives it."""

    cloud_cover_pct: np.ndarray | None
    air_temperature_c: np.ndarray | None
    wind_speed_m_s: np.ndarray | None
    source: InputSource


def _weather(
    home: Home,
    axis: TimeAxis,
    provided: Provided,
    cloud_cover_pct: np.ndarray | None,
    air_temperature_c: np.ndarray | None,
    wind_speed_m_s: np.ndarray | None,
) -> _Weather:
    assumed_c = home.pv_settings.air_temperature_c
    given = {"cloud cover": cloud_cover_pct, "air temperature": air_temperature_c,
             "wind speed": wind_speed_m_s}
    if any(v is not None for v in given.values()):
        names = [w for w, v in given.items() if v is not None]
        def array(values: np.ndarray | None) -> np.ndarray | None:
            return None if values is None else np.asarray(values, dtype=float)

        return _Weather(
            array(cloud_cover_pct), array(air_temperature_c), array(wind_speed_m_s),
            InputSource(source=f"the {' and '.join(names)} series given"),
        )
    forecast = provided.weather
    if forecast is not None:
        cloud, covered = align_mean_where_covered(forecast.cloud_cover_pct, axis)
        temperature, _ = align_mean_where_covered(forecast.air_temperature_c, axis)
        speed, _ = align_mean_where_covered(forecast.wind_speed_m_s, axis)
        if covered.all():
            return _Weather(cloud, temperature, speed, forecast.source)
        if covered.any():
            # beyond the forecast: clear sky at the PV model's assumed temperature, and the
            # climate profile's (or the PV model's) wind; said in the note
            fill_c = _profile(home.climate.outdoor_temp_c, axis, assumed_c)
            fill_wind = _profile(home.climate.wind_speed_10m_m_s, axis,
                                 home.pv_settings.wind_speed_m_s)
            gap = axis.time_at(int(np.flatnonzero(~covered)[0]))
            return _Weather(
                np.where(covered, cloud, 0.0), np.where(covered, temperature, fill_c),
                np.where(covered, speed, fill_wind),
                forecast.source.model_copy(update={
                    "note": f"the forecast ends {_clock(gap, axis)}; clear sky assumed after that",
                }),
            )
    note = provided.unavailable.get("weather")
    if home.weather is not None and note is None:
        note = "no forecast covers this period"
    return _Weather(
        None, None, None,
        InputSource(source=f"clear sky at {assumed_c:g} °C (no weather forecast)", note=note),
    )


def _profile(hourly: tuple[float, ...] | None, axis: TimeAxis, constant: float) -> np.ndarray:
    """A 24-hour profile on the axis, or ``constant`` without one."""
    if hourly is None:
        return np.full(axis.n_steps, constant)
    return hourly_profile_kw(hourly, axis)


FORECAST_SOURCE = "weather forecast"
PROFILE_SOURCE = "the home file's climate profile"


def _outdoor_temp(
    home: Home, axis: TimeAxis, air_temperature_c: np.ndarray | None
) -> tuple[np.ndarray | None, str | None]:
    if air_temperature_c is not None:
        return np.asarray(air_temperature_c, dtype=float), FORECAST_SOURCE
    if home.climate.outdoor_temp_c is not None:
        return hourly_profile_kw(home.climate.outdoor_temp_c, axis), PROFILE_SOURCE
    if home.heat_pumps:
        raise InputError(
            "climate.outdoor_temp_c",
            "a home with a heat pump needs the outdoor temperature: give 24 hourly values in "
            "climate.outdoor_temp_c, a weather series (--air-temperature) or weather: "
            "{type: open_meteo}",
        )
    return None, None


def _wind(
    home: Home, axis: TimeAxis, wind_speed_m_s: np.ndarray | None
) -> tuple[np.ndarray | None, str | None]:
    if not home.wind_turbines:
        return None, None
    if wind_speed_m_s is not None:
        speed, source = np.asarray(wind_speed_m_s, dtype=float), FORECAST_SOURCE
    elif home.climate.wind_speed_10m_m_s is not None:
        speed, source = hourly_profile_kw(home.climate.wind_speed_10m_m_s, axis), PROFILE_SOURCE
    else:
        raise InputError(
            "climate.wind_speed_10m_m_s",
            "a home with a wind turbine needs the wind speed: give 24 hourly values in "
            "climate.wind_speed_10m_m_s, a weather series (--wind-speed) or weather: "
            "{type: open_meteo}",
        )
    total = np.zeros(axis.n_steps)
    for turbine in home.wind_turbines:
        total += turbine_power_kw(turbine, speed)
    return total, source


# ----------------------------------------------------------------------------- base load

def _base_load(home: Home, axis: TimeAxis) -> tuple[np.ndarray, InputSource]:
    spec = home.base_load
    if isinstance(spec, LearnedBaseLoad):
        from tools.baseload_learned import learned_base_load

        learned = learned_base_load(spec, home, axis)
        return learned.power_kw, InputSource(source=learned.description)
    if isinstance(spec, StandardBaseLoad):
        words = f"the standard household profile (BDEW H0, {spec.annual_kwh:g} kWh/a)"
    elif isinstance(spec, SeriesBaseLoad):
        words = f"the series {spec.file}"
    else:
        words = "the home file's hourly profile"
    return base_load_kw(home, axis), InputSource(source=words)


def _clock(moment: datetime, axis: TimeAxis) -> str:
    local = moment.astimezone(axis.tz)
    if local.date() == axis.start.astimezone(axis.tz).date():
        return local.strftime("%H:%M")
    return local.strftime("%a %H:%M")
