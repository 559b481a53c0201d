"""A heat pump or air conditioner and the room it conditions (1R1C), per step.

Notation as in :mod:`tools.thermal`: ``a = exp(−Δt/(R·C))``, ``g = (1 − a)·R``, ``s = +1``
heating / ``−1`` cooling, ``COP_t`` from the outdoor temperature of step ``t``.

Variables ``heat_pump_<id>_kw_t`` (electric power, step mean) and
``heat_pump_<id>_temp_c_b`` (indoor temperature at boundaries ``1..n``)::

    T_{t+1} = a·T_t + (1 − a)·T_out,t + g·(s·COP_t·p_t + gains)     (heat_pump_<id>_balance_t)
    0 ≤ p_t ≤ max_electric_kw
    low_b ≤ T_b ≤ high_b      low_b = min(band minimum, warmest reachable),
                              high_b = max(band maximum, coolest reachable)

With a comfort weight ``w`` (the mode's) the objective adds ``w·Δt·Σ_b below_b`` with
``below_b ≥ preferred_b − T_b`` (heating; ``T_b − preferred_b`` cooling), ``below_b ≥ 0``.
While a demand-response event is planned and the pump is not critical, ``T_b + short_b ≥
low_b`` replaces the lower bound (upper, cooling), each kelvin short for a step priced as
``Δt/R`` kWh of heat not delivered.
"""

from __future__ import annotations

import numpy as np
from pulp import LpAffineExpression as Expr

from tools.scheduler.model import BuiltModel, affine, new_var
from tools.thermal import building_node, cop, heat_sign
from tools.thermal_axis import HeatPumpPlan


def reachable_indoor_c(
    plan: HeatPumpPlan, outdoor_temp_c: np.ndarray, step_hours: float
) -> tuple[np.ndarray, np.ndarray]:
    """Warmest and coolest indoor temperatures reachable at each boundary ``0..n`` [°C]:
    the pump at full power and off (in the order that heats, then cools)."""
    pump = plan.pump
    node = building_node(pump)
    gains = pump.building.internal_gains_kw
    full_heat = heat_sign(pump) * cop(pump, outdoor_temp_c) * pump.max_electric_kw
    on = node.simulate(pump.indoor_temp_c, outdoor_temp_c, full_heat + gains, step_hours)
    off = node.simulate(
        pump.indoor_temp_c, outdoor_temp_c, np.full(len(outdoor_temp_c), gains), step_hours
    )
    return np.maximum(on, off), np.minimum(on, off)


def add_heat_pump(model: BuiltModel, plan: HeatPumpPlan) -> list[Expr | None]:
    """The pump's power and the room's temperature recursion (see the module docstring)."""
    problem = model.problem
    lp = model.lp
    n, dt = problem.n_steps, problem.step_hours
    pump = plan.pump
    outdoor = problem.outdoor_temp_c()
    node = building_node(pump)
    a, g = node.decay(dt), node.heat_gain_k_per_kw(dt)
    heat_per_kw = heat_sign(pump) * cop(pump, outdoor)
    warm, cool = reachable_indoor_c(plan, outdoor, dt)
    low = np.minimum(plan.min_temp_c, warm)
    high = np.maximum(plan.max_temp_c, cool)
    soft = model.shedding and pump.priority != "critical"
    power = [
        new_var(lp, f"heat_pump_{pump.id}_kw_{t}", 0.0, pump.max_electric_kw) for t in range(n)
    ]
    temp = []
    for b in range(1, n + 1):
        heating = pump.mode == "heating"
        lower = float(cool[b]) if soft and heating else float(low[b])
        upper = float(warm[b]) if soft and not heating else float(high[b])
        temp.append(new_var(lp, f"heat_pump_{pump.id}_temp_c_{b}", lower, upper))
    for t in range(n):
        previous = [] if t == 0 else [(temp[t - 1], -a)]
        constant = (1 - a) * float(outdoor[t]) + g * pump.building.internal_gains_kw
        if t == 0:
            constant += a * pump.indoor_temp_c
        lp += (
            affine([(temp[t], 1.0), *previous, (power[t], -g * float(heat_per_kw[t]))]) == constant,
            f"heat_pump_{pump.id}_balance_{t}",
        )
    if soft:
        _add_shortfall(model, plan, temp, low, high)
    _add_comfort_weight(model, plan, temp)
    model.held_in_second_pass += power
    model.temperature_c[pump.id] = [affine([(v, 1.0)]) for v in temp]
    return [affine([(p, 1.0)]) for p in power]


def _add_shortfall(
    model: BuiltModel, plan: HeatPumpPlan, temp: list, low: np.ndarray, high: np.ndarray
) -> None:
    """Band edge as a soft constraint priced by priority (demand-response plans only)."""
    pump = plan.pump
    dt = model.problem.step_hours
    kwh_per_k = dt / pump.building.resistance_k_per_kw
    shortfall = []
    for b in range(1, len(temp) + 1):
        slack = new_var(model.lp, f"heat_pump_{pump.id}_short_k_{b}", 0.0)
        if pump.mode == "heating":
            model.lp += (
                affine([(temp[b - 1], 1.0), (slack, 1.0)]) >= float(low[b]),
                f"heat_pump_{pump.id}_band_min_{b}",
            )
        else:
            model.lp += (
                affine([(temp[b - 1], 1.0), (slack, -1.0)]) <= float(high[b]),
                f"heat_pump_{pump.id}_band_max_{b}",
            )
        shortfall.append((slack, kwh_per_k))
    model.shed[pump.id] = shortfall


def _add_comfort_weight(model: BuiltModel, plan: HeatPumpPlan, temp: list) -> None:
    dt = model.problem.step_hours
    pump = plan.pump
    terms = []
    for b in range(1, len(temp) + 1):
        weight = float(plan.comfort_weight_per_kh[b - 1])
        if weight <= 0:
            continue
        gap = new_var(model.lp, f"heat_pump_{pump.id}_below_preferred_k_{b}", 0.0)
        sign = 1.0 if pump.mode == "heating" else -1.0
        model.lp += (
            affine([(gap, 1.0), (temp[b - 1], sign)]) >= sign * float(plan.preferred_c[b]),
            f"heat_pump_{pump.id}_preferred_{b}",
        )
        terms.append((gap, weight * dt))
    if terms:
        model.extra_objective.append(affine(terms))
