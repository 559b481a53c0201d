"""Read a solved model's values into a :class:`Schedule` of numpy arrays, on the rules.

Two rules of :mod:`tools.rules` are left to the solver's discretion where breaking them cannot
pay — importing and exporting in the same step, and the battery charging and discharging in the
same step where the import price is not negative — so a solver may return an equal-cost point
that breaks them (a time-limited solve even a costlier one). Extraction brings every such step
onto the rules without raising the cost (see :func:`conform`).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pulp

from tools.home import HeatPump, WaterTank
from tools.rules import TOLERANCE, battery_both_ways_steps, battery_soc_limits
from tools.scheduler.build import BuiltModel
from tools.scheduler.problem import Schedule, ScheduleProblem


def _values(items: list[pulp.LpVariable | None] | list[pulp.LpVariable]) -> np.ndarray:
    return np.array([0.0 if v is None else (v.varValue or 0.0) for v in items], dtype=float)


def _expr_values(items: list[pulp.LpAffineExpression | None]) -> np.ndarray:
    return np.array([0.0 if e is None else float(pulp.value(e) or 0.0) for e in items], dtype=float)


def extract_schedule(model: BuiltModel) -> Schedule:
    """The schedule of a solved model, brought onto the rules (:func:`conform`); values within
    1e-9 of zero are set to zero."""
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
    return conform(problem, schedule)


def conform(problem: ScheduleProblem, schedule: Schedule) -> Schedule:
    """``schedule`` with no battery charge-and-discharge overlap where the rules forbid it and no
    step that both imports and exports; never costlier.

    Battery: in a step with charge ``c`` and discharge ``d`` both positive, keep the stored-energy
    change ``η_c·c − d/η_d`` and drop one direction — net charging: ``c' = c − d/(η_c·η_d)``,
    ``d' = 0``; net discharging: ``d' = d − η_c·η_d·c``, ``c' = 0``. The SoC path is unchanged;
    the home then needs ``s = d·(1/(η_c·η_d) − 1)`` resp. ``s = c·(1 − η_c·η_d)`` kW less, which
    goes, in this order, to less import (saves the import price, ≥ 0 here), more export where
    it earns, more curtailment (free), more export at any price. Where ``s`` fits nowhere (no
    import to cut, no PV to curtail, no export room), the battery keeps the energy instead: the
    step keeps its net battery power ``d − c`` in one direction, and the SoC from the next
    boundary on rises by what the overlap wasted — if that stays within the battery's upper
    limits (higher is never below a floor, a target or the final SoC). Only a step where neither
    fits keeps its overlap (the audit then reports it).

    Grid: import and export both positive are netted (``m = min``, both reduced by ``m``); the
    model forbids both where the export price exceeds the import price, so elsewhere netting
    saves ``m·(import price − export price)·Δt ≥ 0``.
    """
    inputs = problem.inputs
    imports = schedule.grid_import_kw.copy()
    exports = schedule.grid_export_kw.copy()
    curtailed = schedule.pv_curtailed_kw.copy()
    charge = schedule.battery_charge_kw.copy()
    discharge = schedule.battery_discharge_kw.copy()
    battery = problem.home.battery
    if battery is not None:
        eta = battery.charge_efficiency * battery.discharge_efficiency
        high = battery_soc_limits(problem, battery).high
        soc = schedule.battery_soc_kwh.copy()
        overlap = (charge > TOLERANCE) & (discharge > TOLERANCE) & ~battery_both_ways_steps(problem)
        for t in map(int, np.flatnonzero(overlap)):
            if battery.charge_efficiency * charge[t] >= discharge[t] / battery.discharge_efficiency:
                new_c, new_d, surplus = charge[t] - discharge[t] / eta, 0.0, discharge[t] * (1 / eta - 1)
            else:
                new_c, new_d, surplus = 0.0, discharge[t] - eta * charge[t], charge[t] * (1 - eta)
            room = _surplus_room(problem, t, imports, exports, curtailed)
            if sum(room) < surplus - TOLERANCE:
                kept = _keep_in_battery(problem, t, charge, discharge, soc, high)
                if kept is not None:
                    charge[t], discharge[t], soc = kept
                continue
            charge[t], discharge[t] = new_c, new_d
            less_import = min(imports[t], surplus)
            imports[t] -= less_import
            surplus -= less_import
            export_first = min(room[1], surplus) if inputs.export_price_per_kwh[t] > 0 else 0.0
            exports[t] += export_first
            surplus -= export_first
            more_curtailed = min(room[2], surplus)
            curtailed[t] += more_curtailed
            exports[t] += surplus - more_curtailed
    both = np.minimum(imports, exports)
    imports, exports = imports - both, exports - both
    return replace(
        schedule,
        grid_import_kw=_clean(imports),
        grid_export_kw=_clean(exports),
        pv_curtailed_kw=_clean(curtailed),
        battery_charge_kw=_clean(charge),
        battery_discharge_kw=_clean(discharge),
        battery_soc_kwh=soc if battery is not None else schedule.battery_soc_kwh,
    )


def _keep_in_battery(
    problem: ScheduleProblem,
    t: int,
    charge: np.ndarray,
    discharge: np.ndarray,
    soc: np.ndarray,
    high: np.ndarray,
) -> tuple[float, float, np.ndarray] | None:
    """Step ``t`` with its net battery power in one direction and the energy its overlap wasted
    kept in the battery: ``(charge, discharge, soc)``, or ``None`` if that breaks an upper limit."""
    battery = problem.home.battery
    assert battery is not None
    net_kw = discharge[t] - charge[t]
    new_c, new_d = (0.0, net_kw) if net_kw >= 0 else (-net_kw, 0.0)

    def stored(c: float, d: float) -> float:
        return problem.step_hours * (battery.charge_efficiency * c - d / battery.discharge_efficiency)

    gain_kwh = stored(new_c, new_d) - stored(charge[t], discharge[t])
    raised = soc.copy()
    raised[t + 1 :] += gain_kwh
    if np.any(raised[t + 1 :] > high[t + 1 :] + TOLERANCE):
        return None
    return new_c, new_d, raised


def _surplus_room(
    problem: ScheduleProblem, t: int, imports: np.ndarray, exports: np.ndarray, curtailed: np.ndarray
) -> tuple[float, float, float]:
    """Where a surplus in step ``t`` can go [kW]: less import, more export, more curtailment."""
    export_room = max(0.0, problem.home.grid.export_limit_kw - exports[t])
    curtail_room = max(0.0, float(problem.inputs.generation_kw[t]) - curtailed[t])
    return float(imports[t]), export_room, curtail_room


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
