"""The naive baseline of the standing devices: plain thermostats and timers, no foresight.

* A water tank's thermostat holds ``setpoint_c`` (or a request's higher target from the
  request's start, the legionella temperature from its window's start, the mode's lower
  minimum while away): each step the element runs at the power that brings the tank back to
  the set point by the step's end, at most ``element_kw``.
* A heat pump's thermostat holds the lower edge of the band in force at the end of each step
  (the upper edge when cooling), at the power that gets there, within ``[0, max_electric_kw]``.
  It never pre-heats, so the plan's saving includes what pre-heating in cheap hours earns; a
  comfort mode's warmth above the lower edge is paid out of the plan's saving, never credited.
* A daily load runs its first allowed steps (its block at the first allowed start).

Same physics as the MILP (:mod:`tools.thermal`).
"""

from __future__ import annotations

import numpy as np

from tools.daily_loads import daily_occurrences
from tools.scheduler.problem import ScheduleProblem
from tools.thermal import building_node, cop, heat_sign, tank_node
from tools.thermal_axis import HeatPumpPlan, TankPlan


def heat_baseline(problem: ScheduleProblem) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Powers [kW] and temperatures [°C] of every standing device under naive control."""
    power: dict[str, np.ndarray] = {}
    temps: dict[str, np.ndarray] = {}
    for tank_id, plan in problem.tank_plans.items():
        power[tank_id], temps[tank_id] = _tank(problem, plan)
    for pump_id, pump_plan in problem.heat_pump_plans.items():
        power[pump_id], temps[pump_id] = _heat_pump(problem, pump_plan)
    for load in problem.home.daily_loads:
        kw = np.zeros(problem.n_steps)
        for day in daily_occurrences(load, problem.inputs.axis):
            if load.block and day.block_steps:
                kw[day.steps[: day.block_steps]] = load.power_kw
            elif not load.block:
                kw[day.steps[: day.need_steps]] = load.power_kw
        power[load.id] = kw
    return power, temps


def _tank(problem: ScheduleProblem, plan: TankPlan) -> tuple[np.ndarray, np.ndarray]:
    tank = plan.tank
    n, dt = problem.n_steps, problem.step_hours
    node = tank_node(tank)
    a, g = node.decay(dt), node.heat_gain_k_per_kw(dt)
    setpoint = np.where(plan.min_temp_c < tank.min_temp_c, plan.min_temp_c, tank.setpoint_c)
    for request in problem.requests:
        if request.device == tank.id and request.target_temp_c is not None:
            span = slice(request.first_step + 1, request.end_step + 1)
            setpoint[span] = np.maximum(setpoint[span], request.target_temp_c)
    if plan.legionella is not None:
        first, last, temp_c = plan.legionella
        setpoint[first : last + 1] = np.maximum(setpoint[first : last + 1], temp_c)
    kw = np.zeros(n)
    temp = np.empty(n + 1)
    temp[0] = tank.temp_c
    for t in range(n):
        draw_kw = plan.draw_kwh[t] / dt
        free = a * temp[t] + (1 - a) * tank.ambient_temp_c - g * draw_kw
        needed = (setpoint[t + 1] - free) / (g * tank.element_efficiency)
        kw[t] = float(np.clip(needed, 0.0, tank.element_kw))
        temp[t + 1] = node.step(
            temp[t], tank.ambient_temp_c, tank.element_efficiency * kw[t] - draw_kw, dt
        )
    return kw, temp


def _heat_pump(problem: ScheduleProblem, plan: HeatPumpPlan) -> tuple[np.ndarray, np.ndarray]:
    pump = plan.pump
    n, dt = problem.n_steps, problem.step_hours
    outdoor = problem.outdoor_temp_c()
    node = building_node(pump)
    a, g = node.decay(dt), node.heat_gain_k_per_kw(dt)
    heat_per_kw = heat_sign(pump) * cop(pump, outdoor)
    target = plan.min_temp_c if pump.mode == "heating" else plan.max_temp_c
    gains = pump.building.internal_gains_kw
    kw = np.zeros(n)
    temp = np.empty(n + 1)
    temp[0] = pump.indoor_temp_c
    for t in range(n):
        free = a * temp[t] + (1 - a) * outdoor[t] + g * gains
        needed = (target[t + 1] - free) / (g * heat_per_kw[t])
        kw[t] = float(np.clip(needed, 0.0, pump.max_electric_kw))
        temp[t + 1] = node.step(temp[t], float(outdoor[t]), heat_per_kw[t] * kw[t] + gains, dt)
    return kw, temp
