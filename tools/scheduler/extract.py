"""Read a solved model's values into a :class:`Schedule` of numpy arrays."""

from __future__ import annotations

import numpy as np
import pulp

from tools.home import HeatPump, WaterTank
from tools.scheduler.build import BuiltModel
from tools.scheduler.problem import Schedule, ScheduleProblem


def _values(items: list[pulp.LpVariable | None] | list[pulp.LpVariable]) -> np.ndarray:
    return np.array([0.0 if v is None else (v.varValue or 0.0) for v in items], dtype=float)


def _expr_values(items: list[pulp.LpAffineExpression | None]) -> np.ndarray:
    return np.array([0.0 if e is None else float(pulp.value(e) or 0.0) for e in items], dtype=float)


def extract_schedule(model: BuiltModel) -> Schedule:
    """The schedule of a solved model; values within 1e-9 of zero are set to zero."""
    problem = model.problem
    n = problem.n_steps
    battery = problem.home.battery
    if battery is not None and model.battery_soc_kwh is not None:
        soc0 = battery.capacity_kwh * battery.initial_soc_pct / 100
        soc = np.concatenate(([soc0], _values(model.battery_soc_kwh)))
        charge = _values(model.battery_charge_kw or [])
        discharge = _values(model.battery_discharge_kw or [])
    else:
        soc, charge, discharge = np.zeros(n + 1), np.zeros(n), np.zeros(n)
    schedule = Schedule(
        grid_import_kw=_clean(_values(model.grid_import_kw)),
        grid_export_kw=_clean(_values(model.grid_export_kw)),
        pv_curtailed_kw=_clean(_values(model.pv_curtailed_kw)),
        battery_charge_kw=_clean(charge),
        battery_discharge_kw=_clean(discharge),
        battery_soc_kwh=soc,
        device_kw={d: _clean(_expr_values(p)) for d, p in model.device_kw.items()},
        temperature_c={
            d: np.concatenate(([_initial_temp_c(problem, d)], _expr_values(list(temps))))
            for d, temps in model.temperature_c.items()
        },
        shed_kwh={
            d: float(sum((v.varValue or 0.0) * kwh for v, kwh in terms))
            for d, terms in model.shed.items()
        },
    )
    return schedule


def _initial_temp_c(problem: ScheduleProblem, device_id: str) -> float:
    """The temperature now of a tank or a heated room [°C]."""
    device = problem.home.device(device_id)
    if isinstance(device, WaterTank):
        return device.temp_c
    assert isinstance(device, HeatPump)
    return device.indoor_temp_c


def _clean(values: np.ndarray) -> np.ndarray:
    values = values.copy()
    values[np.abs(values) < 1e-9] = 0.0
    return values
