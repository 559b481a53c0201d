"""A plan to start the cost optimisation from: every requested load as soon as allowed.

The naive schedule (:mod:`tools.baseline`) places every load as soon as it may. Put into the
model, it gives the MIP solver an incumbent before the search begins, so a solve that runs out
of time still returns a plan, never one worse than this start:

1. **Naive schedule fixed** — the naive schedule itself (its battery in self-consumption) fixed
   in full: a point of the model exactly when the naive schedule keeps every rule (the audit's
   verdict on it); a trivial solve, so a plan never costs more than a valid naive schedule.
2. **Loads fixed** — otherwise every load decision (appliance starts and run steps, EV power and
   on/off) fixed to the naive schedule's, the battery and the grid optimised for those loads;
   usually a quick solve (only grid-direction binaries remain, which can be many where export
   pays more than import).
3. **Battery idle** — the naive loads with the battery standing still; a point of the model
   whenever the loads keep the grid limits and the battery's requests hold at today's SoC.

Naive loads the model cannot take (a cycle pushed past its deadline, appliances that together
overdraw the grid connection) leave no start; the search then begins without one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pulp

from tools.devices import cycle_kw_per_step
from tools.rules import TOLERANCE
from tools.scheduler.model import BuiltModel
from tools.scheduler.problem import Schedule


@dataclass(frozen=True)
class Start:
    """Values of every model variable at the start plan, and its primary objective."""

    values: dict[str, float]
    objective: float
    kind: str
    """``"asap_loads"`` (loads fixed, battery optimised), ``"naive"`` (all fixed) or
    ``"battery_idle"`` (loads fixed, battery still)."""


Solve = Callable[[float], str]
"""Solve the model as it stands within a time limit [s]; return the typed status."""


def find_start(
    model: BuiltModel, naive: Schedule, solve: Solve, time_limit_s: float
) -> Start | None:
    """The start plan (see the module docstring), or ``None``; the model is left as built.

    Without load decisions (only the battery is planned) step 2 would be the whole problem, so
    it is left out.
    """
    unfix = _fix_loads(model, naive)
    if unfix is None:
        return None
    has_loads = bool(model.appliance_start or model.appliance_run or model.ev_kw)
    steps = [("naive", _fix_battery_and_grid)]
    if has_loads:
        steps.append(("asap_loads", _nothing_more))
    steps.append(("battery_idle", _fix_battery_idle))
    try:
        model.lp.setObjective(model.objective)
        for kind, fix in steps:
            unfix_rest = fix(model, naive)
            if unfix_rest is None:
                continue
            try:
                if solve(time_limit_s) in ("optimal", "feasible"):
                    return _start_of(model, kind)
            finally:
                unfix_rest()
        return None
    finally:
        unfix()


def _nothing_more(model: BuiltModel, naive: Schedule) -> Callable[[], None]:
    """Fix nothing beyond the loads (step 2: the battery and grid are optimised)."""
    del model, naive
    return lambda: None


def _start_of(model: BuiltModel, kind: str) -> Start:
    values = {v.name: float(v.varValue or 0.0) for v in model.lp.variables()}
    return Start(values, float(pulp.value(model.objective)), kind)


class _Bounds:
    """Fixes variables by their bounds and puts the old bounds back; ``ok`` turns false when a
    value lies outside a variable's own bounds (the schedule is then no point of the model)."""

    def __init__(self) -> None:
        self.saved: list[tuple[pulp.LpVariable, float | None, float | None]] = []
        self.ok = True

    def fix(self, var: pulp.LpVariable, value: float) -> None:
        low, up = var.lowBound, var.upBound
        if (low is not None and value < low - TOLERANCE) or (up is not None and value > up + TOLERANCE):
            self.ok = False
        value = min(max(value, low if low is not None else value), up if up is not None else value)
        self.saved.append((var, low, up))
        var.lowBound = var.upBound = value

    def restore(self) -> None:
        for var, low, up in reversed(self.saved):
            var.lowBound, var.upBound = low, up


def _fix_loads(model: BuiltModel, naive: Schedule) -> Callable[[], None] | None:
    """Fix the load decisions to the naive schedule's; ``None`` if it is not a model point."""
    problem = model.problem
    step_minutes = problem.inputs.axis.step_minutes
    bounds = _Bounds()
    ok = True
    for device_id, starts in model.appliance_start.items():
        power = naive.device_kw[device_id]
        profile = cycle_kw_per_step(problem.home.appliance(device_id).cycle, step_minutes)
        running = np.flatnonzero(power > TOLERANCE)
        lead = int(np.flatnonzero(profile > TOLERANCE)[0])
        start = int(running[0]) - lead if len(running) else -1
        ok = ok and start in starts
        for s, var in starts.items():
            bounds.fix(var, 1.0 if s == start else 0.0)
    for device_id, run in model.appliance_run.items():
        on_steps = {int(t) for t in np.flatnonzero(naive.device_kw[device_id] > TOLERANCE)}
        ok = ok and on_steps <= set(run)
        for t, var in run.items():
            bounds.fix(var, 1.0 if t in on_steps else 0.0)
    for device_id, kw in model.ev_kw.items():
        power = naive.device_kw[device_id]
        outside = np.ones(len(power), dtype=bool)
        outside[list(kw)] = False
        ok = ok and not np.any(power[outside] > TOLERANCE)
        for t, var in kw.items():
            bounds.fix(var, float(power[t]))
        for t, var in model.ev_on.get(device_id, {}).items():
            bounds.fix(var, 1.0 if power[t] > TOLERANCE else 0.0)
    if not (ok and bounds.ok):
        bounds.restore()
        return None
    return bounds.restore


def _fix_battery_and_grid(model: BuiltModel, naive: Schedule) -> Callable[[], None] | None:
    """Fix grid, curtailment and battery power to the naive schedule's; ``None`` if it breaks
    a bound (an import above the limit)."""
    bounds = _Bounds()
    pairs: list[tuple[list[pulp.LpVariable | None] | list[pulp.LpVariable], np.ndarray]] = [
        (model.grid_import_kw, naive.grid_import_kw),
        (model.grid_export_kw, naive.grid_export_kw),
        (model.pv_curtailed_kw, naive.pv_curtailed_kw),
    ]
    if model.battery_charge_kw is not None and model.battery_discharge_kw is not None:
        pairs += [
            (model.battery_charge_kw, naive.battery_charge_kw),
            (model.battery_discharge_kw, naive.battery_discharge_kw),
        ]
    for variables, values in pairs:
        for var, value in zip(variables, values, strict=True):
            if var is not None:
                bounds.fix(var, float(value))
    if not bounds.ok:
        bounds.restore()
        return None
    return bounds.restore


def _fix_battery_idle(model: BuiltModel, naive: Schedule) -> Callable[[], None] | None:
    """Fix the battery's charge and discharge at 0 (``naive`` is not needed; same signature)."""
    del naive
    if model.battery_charge_kw is None or model.battery_discharge_kw is None:
        return None
    bounds = _Bounds()
    for var in model.battery_charge_kw + model.battery_discharge_kw:
        bounds.fix(var, 0.0)
    return bounds.restore
