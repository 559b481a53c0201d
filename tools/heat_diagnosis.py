"""Why a plan with heat or a demand-response event is infeasible — computed from the physics.

* A tank target or legionella cycle beyond what the element can reach in time: the temperature
  it can reach by then, and when the target can be met instead.
* A room that cannot be kept in its band: the first moment the warmest reachable temperature
  (heating at full power, never above the band) falls short of the band (coolest, cooling).
* A daily load whose run time does not fit its window inside the horizon.
* A demand-response limit below what the home must draw anyway: the base load less PV, wind and
  the battery's full discharge, in the first step where that exceeds the limit.
"""

from __future__ import annotations

import numpy as np

from tools.daily_loads import daily_occurrences
from tools.results import Alternative, BindingConstraint
from tools.scheduler.heat_pump import reachable_indoor_c
from tools.scheduler.problem import ScheduleProblem
from tools.scheduler.thermal_tank import reachable_tank_c
from tools.thermal import building_node, cop, heat_sign


def diagnose_heat(problem: ScheduleProblem) -> list[BindingConstraint]:
    """Binding constraints of the standing devices and the events (empty if none binds)."""
    out: list[BindingConstraint] = []
    for plan in problem.tank_plans.values():
        out += _tank(problem, plan)
    for pump_plan in problem.heat_pump_plans.values():
        out += _heat_pump(problem, pump_plan)
    for load in problem.home.daily_loads:
        out += _daily(problem, load)
    out += _events(problem)
    return out


def _clock(problem: ScheduleProblem, boundary: int) -> str:
    axis = problem.inputs.axis
    moment = axis.time_at(boundary)
    return moment.strftime("%H:%M" if moment.date() == axis.start.date() else "%a %H:%M")


def _tank(problem: ScheduleProblem, plan) -> list[BindingConstraint]:
    tank = plan.tank
    name = problem.home.label(tank.id)
    hot, _ = reachable_tank_c(plan, problem.step_hours)
    axis = problem.inputs.axis
    out = []
    for boundary, target_c, _label in plan.targets:
        if hot[boundary] >= target_c - 1e-6:
            continue
        later = np.flatnonzero(hot[boundary:] >= target_c - 1e-6)
        alternatives = [
            Alternative(
                description=f"{hot[boundary]:.1f} °C by {_clock(problem, boundary)}",
                device=tank.id,
                deadline=axis.time_at(boundary),
            )
        ]
        text = (
            f"{name}: {target_c:g} °C by {_clock(problem, boundary)} is out of reach; its "
            f"{tank.element_kw:g} kW element can bring it to {hot[boundary]:.1f} °C by then"
        )
        if len(later):
            b = boundary + int(later[0])
            text += f", or to {target_c:g} °C by {_clock(problem, b)}"
            alternatives.append(
                Alternative(
                    description=f"{target_c:g} °C by {_clock(problem, b)}",
                    device=tank.id,
                    deadline=axis.time_at(b),
                )
            )
        out.append(
            BindingConstraint(
                kind="tank_heating_power", device=tank.id, message=text, alternatives=alternatives
            )
        )
    if plan.legionella is not None:
        first, last, temp_c = plan.legionella
        best = float(hot[first : last + 1].max())
        if best < temp_c - 1e-6:
            out.append(
                BindingConstraint(
                    kind="tank_legionella",
                    device=tank.id,
                    message=(
                        f"{name}: its legionella cycle to {temp_c:g} °C by "
                        f"{_clock(problem, last)} is out of reach; it can reach {best:.1f} °C"
                    ),
                )
            )
    return out


def _heat_pump(problem: ScheduleProblem, plan) -> list[BindingConstraint]:
    """First boundary where the best trajectory inside the band's far edge misses its near edge."""
    pump = plan.pump
    dt = problem.step_hours
    outdoor = problem.outdoor_temp_c()
    node = building_node(pump)
    gains = pump.building.internal_gains_kw
    heating = pump.mode == "heating"
    warm, cool = reachable_indoor_c(plan, outdoor, dt)
    near = np.minimum(plan.min_temp_c, warm) if heating else np.maximum(plan.max_temp_c, cool)
    far = np.maximum(plan.max_temp_c, cool) if heating else np.minimum(plan.min_temp_c, warm)
    full = heat_sign(pump) * cop(pump, outdoor) * pump.max_electric_kw + gains
    temp = pump.indoor_temp_c
    for t in range(problem.n_steps):
        best = node.step(temp, float(outdoor[t]), float(full[t]), dt)
        off = node.step(temp, float(outdoor[t]), gains, dt)
        best = min(best, max(far[t + 1], off)) if heating else max(best, min(far[t + 1], off))
        short = near[t + 1] - best if heating else best - near[t + 1]
        if short > 1e-6:
            asked = plan.min_temp_c[t + 1] if heating else plan.max_temp_c[t + 1]
            edge, before = ("at least", "at most") if heating else ("at most", "at least")
            limit_before = far[t] if t > 0 else pump.indoor_temp_c
            message = (
                f"{problem.home.label(pump.id)}: the band asks for {edge} {asked:g} °C at "
                f"{_clock(problem, t + 1)}; at full power all along the room could reach {near[t + 1]:.1f} °C, "
                f"but the band before it ({before} {limit_before:g} °C) leaves it at {best:.1f} °C; "
                "widen or move the band, or change the mode"
            )
            return [BindingConstraint(kind="comfort_band", device=pump.id, message=message)]
        temp = best
    return []


def _daily(problem: ScheduleProblem, load) -> list[BindingConstraint]:
    for day in daily_occurrences(load, problem.inputs.axis):
        if day.need_steps > len(day.steps) or (load.block and day.block_steps > len(day.steps)):
            hours = day.need_steps * problem.step_hours
            message = (
                f"{problem.home.label(load.id)}: {hours:g} h on {day.day:%a} do not fit its window "
                f"{load.window} inside the plan"
            )
            return [BindingConstraint(kind="daily_run_time", device=load.id, message=message)]
    return []


def _events(problem: ScheduleProblem) -> list[BindingConstraint]:
    out = []
    inputs = problem.inputs
    battery = problem.home.battery
    discharge_kw = battery.max_discharge_kw if battery is not None else 0.0
    least = np.maximum(inputs.base_load_kw - inputs.generation_kw - discharge_kw, 0.0)
    axis = inputs.axis
    for event in problem.events:
        reference = (
            np.full(problem.n_steps, event.reference_kw)
            if event.reference_kw is not None
            else problem.reference_import_kw
        )
        if reference is None:
            continue
        limit = event.import_limit_kw(axis, reference)
        over = np.flatnonzero(least > limit + 1e-6)
        if not len(over):
            continue
        t = int(over[0])
        first, end = event.steps(axis)
        feasible_cap = float(least[first:end].max())
        message = (
            f"the demand-response event asks for at most {limit[t]:g} kW at {_clock(problem, t)}, but "
            f"the base load alone needs {least[t]:.1f} kW from the grid then (after PV, wind and "
            f"the battery); Hearth can take part with a cap of {feasible_cap:.1f} kW"
        )
        out.append(BindingConstraint(kind="demand_response_limit", device=None, message=message))
    return out
