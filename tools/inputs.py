"""Everything the scheduler needs besides the home and the requests, on one axis."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np

from tools.baseload import base_load_kw
from tools.home import Home
from tools.solar import pv_forecast_kw
from tools.tariff import co2_g_per_kwh, export_price_per_kwh, import_price_per_kwh
from tools.timeaxis import TimeAxis


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

    def __post_init__(self) -> None:
        n = self.axis.n_steps
        for name in ("import_price_per_kwh", "export_price_per_kwh", "pv_kw", "base_load_kw"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"{name} has {len(getattr(self, name))} values for {n} steps")
        if self.co2_g_per_kwh is not None and len(self.co2_g_per_kwh) != n:
            raise ValueError(f"co2_g_per_kwh has {len(self.co2_g_per_kwh)} values for {n} steps")


def build_inputs(
    home: Home,
    axis: TimeAxis,
    *,
    cloud_cover_pct: np.ndarray | None = None,
    air_temperature_c: np.ndarray | None = None,
) -> PlanningInputs:
    """Prices, PV, base load and CO2 for ``home`` on ``axis`` (weather series optional)."""
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
    )


def horizon_axis(home: Home, now: datetime, *, step_minutes: int, horizon_hours: float) -> TimeAxis:
    return TimeAxis.from_now(
        now, tz_name=home.timezone, step_minutes=step_minutes, horizon_hours=horizon_hours
    )
