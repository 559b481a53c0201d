"""The audit of the standing devices and of demand-response events, rebuilt with numpy.

Re-derives from the returned arrays alone, with the exact 1R1C recursion of
:mod:`tools.thermal`: each tank's and room's temperature trajectory, power limits, bands
(relaxed only where physics forbids them, as the builders do), tank targets and the legionella
cycle, daily run-time loads (whole steps at their power inside their window, enough of them,
one block where asked), and every demand-response import limit. Shortfalls are accepted only
while a demand-response event is planned, and only for non-critical devices.
"""

from __future__ import annotations

import numpy as np

from tools.daily_loads import daily_occurrences
from tools.home import DailyRunLoad
from tools.scheduler.heat_pump import reachable_indoor_c
from tools.scheduler.problem import Schedule, ScheduleProblem
from tools.scheduler.thermal_tank import reachable_tank_c
from tools.thermal import building_node, cop, heat_sign, tank_node

TOLERANCE = 1e-6
TEMP_TOLERANCE_K = 1e-5


def audit_heat(problem: ScheduleProblem, schedule: Schedule) -> list[str]:
    """Violations of the tanks, heat pumps, daily loads and demand-response limits."""
    out: list[str] = []
    for tank_id in problem.tank_plans:
        out += _check_tank(problem, schedule, tank_id)
    for pump_id in problem.heat_pump_plans:
        out += _check_heat_pump(problem, schedule, pump_id)
    for load in problem.home.daily_loads:
        out += _check_daily_load(problem, schedule, load)
    out += _check_events(problem, schedule)
    return out


def _may_shed(problem: ScheduleProblem, priority: str) -> bool:
    return bool(problem.events) and priority != "critical"


def _check_tank(problem: ScheduleProblem, s: Schedule, tank_id: str) -> list[str]:
    plan = problem.tank_plans[tank_id]
    tank = plan.tank
    dt = problem.step_hours
    power = s.device_kw.get(tank_id)
    temps = s.temperature_c.get(tank_id)
    if power is None or temps is None:
        return [f"{tank_id}: missing from the schedule"]
    out = []
    if np.any(power < -TOLERANCE) or np.any(power > tank.element_kw + TOLERANCE):
        out.append(f"{tank_id} element power outside [0, {tank.element_kw:g}] kW")
    node = tank_node(tank)
    heat = tank.element_efficiency * power - plan.draw_kwh / dt
    expected = node.simulate(tank.temp_c, np.full(len(power), tank.ambient_temp_c), heat, dt)
    residual = np.abs(expected - temps)
    if residual.max() > TEMP_TOLERANCE_K:
        t = int(np.argmax(residual))
        out.append(
            f"{tank_id} temperature off the tank's physics by {residual[t]:.2e} K at boundary {t}"
        )
    hot, cool = reachable_tank_c(plan, dt)
    low = np.minimum(plan.min_temp_c, hot)
    high = np.maximum(tank.max_temp_c, cool)
    if np.any(temps[1:] < low[1:] - TEMP_TOLERANCE_K) or np.any(
        temps[1:] > high[1:] + TEMP_TOLERANCE_K
    ):
        out.append(f"{tank_id} temperature leaves its band")
    for boundary, target_c, _label in plan.targets:
        if (
            boundary
            and temps[boundary] < target_c - TEMP_TOLERANCE_K
            and not _may_shed(problem, tank.priority)
        ):
            out.append(
                f"{tank_id} is at {temps[boundary]:.2f} °C at boundary {boundary}, target {target_c:g} °C"
            )
    if plan.legionella is not None:
        first, last, temp_c = plan.legionella
        if temps[first : last + 1].max() < temp_c - TEMP_TOLERANCE_K:
            out.append(f"{tank_id} never reaches its legionella temperature of {temp_c:g} °C")
    return out


def _check_heat_pump(problem: ScheduleProblem, s: Schedule, pump_id: str) -> list[str]:
    plan = problem.heat_pump_plans[pump_id]
    pump = plan.pump
    dt = problem.step_hours
    power = s.device_kw.get(pump_id)
    temps = s.temperature_c.get(pump_id)
    if power is None or temps is None:
        return [f"{pump_id}: missing from the schedule"]
    out = []
    if np.any(power < -TOLERANCE) or np.any(power > pump.max_electric_kw + TOLERANCE):
        out.append(f"{pump_id} power outside [0, {pump.max_electric_kw:g}] kW")
    outdoor = problem.outdoor_temp_c()
    heat = heat_sign(pump) * cop(pump, outdoor) * power + pump.building.internal_gains_kw
    expected = building_node(pump).simulate(pump.indoor_temp_c, outdoor, heat, dt)
    residual = np.abs(expected - temps)
    if residual.max() > TEMP_TOLERANCE_K:
        t = int(np.argmax(residual))
        out.append(
            f"{pump_id} indoor temperature off the 1R1C physics by {residual[t]:.2e} K at boundary {t}"
        )
    warm, cool = reachable_indoor_c(plan, outdoor, dt)
    low = np.minimum(plan.min_temp_c, warm)
    high = np.maximum(plan.max_temp_c, cool)
    shed = _may_shed(problem, pump.priority)
    heating = pump.mode == "heating"
    if np.any(temps[1:] < low[1:] - TEMP_TOLERANCE_K) and not (shed and heating):
        out.append(f"{pump_id} indoor temperature falls below its band")
    if np.any(temps[1:] > high[1:] + TEMP_TOLERANCE_K) and not (shed and not heating):
        out.append(f"{pump_id} indoor temperature rises above its band")
    return out


def _check_daily_load(problem: ScheduleProblem, s: Schedule, load: DailyRunLoad) -> list[str]:
    power = s.device_kw.get(load.id)
    if power is None:
        return [f"{load.id}: missing from the schedule"]
    running = power > TOLERANCE
    out = []
    if np.any(np.abs(power[running] - load.power_kw) > TOLERANCE):
        out.append(f"{load.id} runs at other than {load.power_kw:g} kW")
    inside = np.zeros(len(power), dtype=bool)
    shed = _may_shed(problem, load.priority)
    for day in daily_occurrences(load, problem.inputs.axis):
        inside[day.steps] = True
        count = int(running[day.steps].sum()) if len(day.steps) else 0
        if count < day.need_steps and not shed:
            out.append(f"{load.id} runs {count} of the {day.need_steps} steps due on {day.day}")
        if load.block and count:
            on = np.flatnonzero(running[day.steps])
            if count != day.block_steps or on[-1] - on[0] + 1 != count:
                out.append(
                    f"{load.id} does not run one block of {day.block_steps} steps on {day.day}"
                )
    if np.any(running & ~inside):
        out.append(f"{load.id} runs outside its window")
    return out


def _check_events(problem: ScheduleProblem, s: Schedule) -> list[str]:
    out = []
    axis = problem.inputs.axis
    for event in problem.events:
        if event.reference_kw is not None:
            reference = np.full(problem.n_steps, event.reference_kw)
        elif problem.reference_import_kw is not None:
            reference = problem.reference_import_kw
        else:
            out.append(f"demand-response event {event.id} has no reference import")
            continue
        limit = event.import_limit_kw(axis, reference)
        over = s.grid_import_kw > limit + TOLERANCE
        if np.any(over):
            t = int(np.flatnonzero(over)[0])
            out.append(
                f"grid import {s.grid_import_kw[t]:.3f} kW exceeds demand-response event "
                f"{event.id}'s limit of {limit[t]:.3f} kW at step {t}"
            )
    return out
