"""Daily run-time loads (a pool pump): a minimum number of whole steps per day in its window.

For each day's window occurrence ``d`` (:func:`tools.daily_loads.daily_occurrences`) with its
allowed steps ``S_d`` and requirement ``L_d``:

Spread (``daily_<id>_run_t`` ∈ {0,1})::

    p_t = P·run_t,   Σ_{t∈S_d} run_t ≥ L_d                          (daily_<id>_day_<d>)

Block (``daily_<id>_start_s`` ∈ {0,1} for starts with ``[s, s+L_d) ⊆ S_d``)::

    Σ_s start_s = 1,   p_t = P·Σ_{s=t−L_d+1}^{t} start_s

While a demand-response event is planned and the load is not critical, a shortfall of whole
steps (spread) or skipping the block is allowed at the price of its energy by priority.
"""

from __future__ import annotations

from pulp import LpAffineExpression as Expr

from tools.daily_loads import daily_occurrences
from tools.home import DailyRunLoad
from tools.scheduler.model import BuiltModel, affine, new_var


def add_daily_load(model: BuiltModel, load: DailyRunLoad) -> list[Expr | None]:
    problem = model.problem
    lp = model.lp
    n, dt = problem.n_steps, problem.step_hours
    soft = model.shedding and load.priority != "critical"
    power: list[Expr | None] = [None] * n
    shortfall = []
    for number, day in enumerate(daily_occurrences(load, problem.inputs.axis)):
        steps = [int(t) for t in day.steps]
        name = f"daily_{load.id}_day_{number}"
        if load.block:
            if day.block_steps == 0:
                continue
            length = day.block_steps
            allowed = set(steps)
            starts = [s for s in steps if all(t in allowed for t in range(s, s + length))]
            if not starts:
                model.unplaceable.append(load.id)
                continue
            start = {s: new_var(lp, f"daily_{load.id}_start_{s}", cat="Binary") for s in starts}
            terms = [(v, 1.0) for v in start.values()]
            if soft:
                skip = new_var(lp, f"{name}_skipped", cat="Binary")
                terms.append((skip, 1.0))
                shortfall.append((skip, load.power_kw * length * dt))
            lp += affine(terms) == 1, name
            for t in range(min(starts), min(max(starts) + length, n)):
                running = [
                    (start[s], load.power_kw) for s in range(t - length + 1, t + 1) if s in start
                ]
                power[t] = affine(running)
            continue
        if day.need_steps == 0 and not steps:
            continue
        if len(steps) < day.need_steps:
            model.unplaceable.append(load.id)
            continue
        run = {t: new_var(lp, f"daily_{load.id}_run_{t}", cat="Binary") for t in steps}
        terms = [(v, 1.0) for v in run.values()]
        if soft and day.need_steps > 0:
            short = new_var(lp, f"{name}_short_steps", 0.0, float(day.need_steps))
            terms.append((short, 1.0))
            shortfall.append((short, load.power_kw * dt))
        lp += affine(terms) >= day.need_steps, name
        for t, v in run.items():
            power[t] = affine([(v, load.power_kw)])
    if shortfall:
        model.shed[load.id] = shortfall
    return power
