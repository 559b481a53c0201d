"""A hot-water tank: the element's power and the tank temperature as a state per step.

Notation as in :mod:`tools.thermal`: ``a = exp(−Δt/(R·C))``, ``g = (1 − a)·R`` (or ``Δt/C``
without standing loss), ``T_amb`` the room around the tank, ``η`` the element's efficiency.

Variables ``tank_<id>_kw_t`` (element power, step mean) and ``tank_<id>_temp_c_b`` (boundaries
``1..n``; boundary 0 is the temperature now)::

    T_{t+1} = a·T_t + (1 − a)·T_amb + g·(η·p_t − draw_t/Δt)          (tank_<id>_balance_t)
    0 ≤ p_t ≤ element_kw
    low_b ≤ T_b ≤ high_b      low_b = min(band minimum, hottest reachable),
                              high_b = max(max_temp_c, coolest reachable)
    T_b ≥ target               at a request's deadline             (tank_<id>_target_b)
    T_b ≥ legionella − M·(1 − z_b), Σ z_b ≥ 1                       (tank_<id>_legionella)

The band is relaxed only where the physics cannot meet it (a tank colder than its minimum now,
a draw bigger than the element can make up); targets are hard, so one that cannot be reached
makes the plan infeasible and the diagnosis says what can be reached instead. The legionella
candidates are the whole local hours in its window (one binary each).
"""

from __future__ import annotations

import numpy as np
from pulp import LpAffineExpression as Expr

from tools.scheduler.model import BuiltModel, affine, new_var
from tools.thermal import tank_node
from tools.thermal_axis import TankPlan, boundary_minutes


def reachable_tank_c(plan: TankPlan, step_hours: float) -> tuple[np.ndarray, np.ndarray]:
    """Hottest and coolest temperatures the tank can have at each boundary ``0..n`` [°C].

    Hottest: the element at full power, held at ``max_temp_c`` once there. Coolest: never
    heating. Both include the draws and the standing loss.
    """
    tank = plan.tank
    node = tank_node(tank)
    n = len(plan.draw_kwh)
    hot, cool = np.empty(n + 1), np.empty(n + 1)
    hot[0] = cool[0] = tank.temp_c
    full_kw = tank.element_kw * tank.element_efficiency
    for t in range(n):
        draw_kw = plan.draw_kwh[t] / step_hours
        hot[t + 1] = min(
            max(tank.max_temp_c, cool[t]),
            node.step(hot[t], tank.ambient_temp_c, full_kw - draw_kw, step_hours),
        )
        cool[t + 1] = node.step(cool[t], tank.ambient_temp_c, -draw_kw, step_hours)
    return hot, cool


def add_tank(model: BuiltModel, plan: TankPlan) -> list[Expr | None]:
    """The tank's element power and temperature recursion (see the module docstring)."""
    problem = model.problem
    lp = model.lp
    n, dt = problem.n_steps, problem.step_hours
    tank = plan.tank
    node = tank_node(tank)
    a, g = node.decay(dt), node.heat_gain_k_per_kw(dt)
    hot, cool = reachable_tank_c(plan, dt)
    low = np.minimum(plan.min_temp_c, hot)
    high = np.maximum(tank.max_temp_c, cool)
    power = [new_var(lp, f"tank_{tank.id}_kw_{t}", 0.0, tank.element_kw) for t in range(n)]
    temp = [
        new_var(lp, f"tank_{tank.id}_temp_c_{b}", float(low[b]), float(high[b]))
        for b in range(1, n + 1)
    ]
    for t in range(n):
        previous = [] if t == 0 else [(temp[t - 1], -a)]
        constant = (1 - a) * tank.ambient_temp_c - g * plan.draw_kwh[t] / dt
        if t == 0:
            constant += a * tank.temp_c
        lp += (
            affine([(temp[t], 1.0), *previous, (power[t], -g * tank.element_efficiency)])
            == constant,
            f"tank_{tank.id}_balance_{t}",
        )
    shortfall = []
    for boundary, target_c, _label in plan.targets:
        if boundary == 0:
            continue
        terms = [(temp[boundary - 1], 1.0)]
        if model.shedding and tank.priority != "critical":
            slack = new_var(lp, f"tank_{tank.id}_short_k_{boundary}", 0.0, target_c - low[boundary])
            terms.append((slack, 1.0))
            shortfall.append((slack, tank.capacity_kwh_per_k))
        lp += affine(terms) >= target_c, f"tank_{tank.id}_target_{boundary}"
    if shortfall:
        model.shed[tank.id] = shortfall
    if plan.legionella is not None:
        _add_legionella(model, plan, temp, low)
    model.held_in_second_pass += power
    model.temperature_c[tank.id] = [affine([(v, 1.0)]) for v in temp]
    return [affine([(p, 1.0)]) for p in power]


def _add_legionella(model: BuiltModel, plan: TankPlan, temp: list, low: np.ndarray) -> None:
    assert plan.legionella is not None
    first, last, temp_c = plan.legionella
    tank = plan.tank
    minutes = boundary_minutes(model.problem.inputs.axis)
    candidates = [b for b in range(first, last + 1) if minutes[b] % 60 == 0] or [last]
    picks = []
    for b in candidates:
        z = new_var(model.lp, f"tank_{tank.id}_legionella_at_{b}", cat="Binary")
        big_m = max(temp_c - float(low[b]), 0.0)
        model.lp += (
            affine([(temp[b - 1], 1.0), (z, -big_m)]) >= temp_c - big_m,
            f"tank_{tank.id}_legionella_{b}",
        )
        picks.append((z, 1.0))
    model.lp += affine(picks) >= 1, f"tank_{tank.id}_legionella_once"
