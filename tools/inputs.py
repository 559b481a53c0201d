"""Everything the scheduler needs besides the home and the requests, on one axis."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np

from tools.baseload import base_load_kw, hourly_profile_kw
from tools.errors import InputError
from tools.home import Home
from tools.solar import pv_forecast_kw
from tools.tariff import co2_g_per_kwh, export_price_per_kwh, import_price_per_kwh
from tools.timeaxis import TimeAxis
from tools.wind import turbine_power_kw


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
        Outdoor air temperature [°C] for the thermal models, or ``None`` when the home has no
        heat pump and none was given.
    outdoor_temp_source, wind_speed_source:
        Where the outdoor temperature and the wind speed came from, in plain words.
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

    def __post_init__(self) -> None:
        n = self.axis.n_steps
        for name in ("import_price_per_kwh", "export_price_per_kwh", "pv_kw", "base_load_kw"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"{name} has {len(getattr(self, name))} values for {n} steps")
        for name in ("wind_kw", "outdoor_temp_c"):
            values = getattr(self, name)
            if values is not None and len(values) != n:
                raise ValueError(f"{name} has {len(values)} values for {n} steps")
        if self.co2_g_per_kwh is not None and len(self.co2_g_per_kwh) != n:
            raise ValueError(f"co2_g_per_kwh has {len(self.co2_g_per_kwh)} values for {n} steps")

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
) -> PlanningInputs:
    """Prices, PV, wind, base load, CO2 and outdoor temperature for ``home`` on ``axis``.

    The weather series are optional: ``air_temperature_c`` [°C] feeds the PV model and the
    thermal models, ``wind_speed_m_s`` [m/s, 10 m above ground] the wind turbines; without
    them the home file's ``climate`` profiles are used, and the inputs say which.
    """
    outdoor, outdoor_source = _outdoor_temp(home, axis, air_temperature_c)
    wind, wind_source = _wind(home, axis, wind_speed_m_s)
    return PlanningInputs(
        axis=axis,
        import_price_per_kwh=import_price_per_kwh(home, axis),
        export_price_per_kwh=export_price_per_kwh(home, axis),
        pv_kw=pv_forecast_kw(
            home, axis, cloud_cover_pct=cloud_cover_pct, air_temperature_c=air_temperature_c
        ),
        base_load_kw=base_load_kw(home, axis),
        co2_g_per_kwh=co2_g_per_kwh(home, axis),
        currency=home.tariff.currency,
        demand_charge_per_kw=home.tariff.demand_charge_per_kw,
        co2_price_per_kg=home.tariff.co2_price_per_kg,
        wind_kw=wind,
        outdoor_temp_c=outdoor,
        outdoor_temp_source=outdoor_source,
        wind_speed_source=wind_source,
    )


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
            "climate.outdoor_temp_c, or a weather series (--air-temperature)",
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
            "climate.wind_speed_10m_m_s, or a weather series (--wind-speed)",
        )
    total = np.zeros(axis.n_steps)
    for turbine in home.wind_turbines:
        total += turbine_power_kw(turbine, speed)
    return total, source


def horizon_axis(home: Home, now: datetime, *, step_minutes: int, horizon_hours: float) -> TimeAxis:
    return TimeAxis.from_now(
        now, tz_name=home.timezone, step_minutes=step_minutes, horizon_hours=horizon_hours
    )
