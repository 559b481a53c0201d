"""One re-plan: the open commitments, planned again from live state over the approved period.

The re-plan covers the steps from now (on the approved plan's step grid) to the approved plan's
horizon end, so it and the approved plan are compared over the same period. It starts from the
live home (:mod:`app.runner.live`), ends the battery where the approved plan ended it (the same
terminal condition), counts a started appliance's remaining cycle as a fixed load, and gives an
interruptible appliance only the minutes it still needs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import numpy as np

from app.drivers.base import Readings
from app.providers import inputs_builder_for
from app.runner.commitments import Decision, OpenCommitments, decide, open_commitments
from app.runner.live import LiveHome, live_home
from tools.devices import cycle_kw_per_step
from tools.errors import InputError
from tools.home import Home
from tools.inputs import PlanningInputs
from tools.planning import schedule
from tools.requests import DeviceRequest
from tools.results import Plan, ScheduleOutcome
from tools.timeaxis import TimeAxis


@dataclass(frozen=True)
class Replan:
    """A re-plan's result: the outcome, the decision on it, and what it was built from."""

    outcome: ScheduleOutcome | None
    decision: Decision
    open: OpenCommitments
    live: LiveHome
    home: Home
    inputs: PlanningInputs | None = None


def replan_axis(home: Home, approved: Plan, now: datetime) -> TimeAxis | None:
    """Steps from the first boundary at or after ``now`` to the approved horizon end, or ``None``."""
    step = approved.step_minutes
    start = TimeAxis.from_now(
        now, tz_name=home.timezone, step_minutes=step, horizon_hours=step / 60
    ).start
    if (approved.horizon_end - start).total_seconds() < step * 60:
        return None
    return TimeAxis.between(start, approved.horizon_end, tz_name=home.timezone, step_minutes=step)


def planning_home(
    home: Home, approved: Plan, open_: OpenCommitments, progress: dict[str, int]
) -> Home:
    """The live home with the approved battery end level and the appliances' remaining minutes."""
    update: dict[str, object] = {}
    battery = home.battery
    if battery is not None and approved.series.battery_soc_pct:
        final = min(
            max(approved.series.battery_soc_pct[-1], battery.floor_soc_pct), battery.max_soc_pct
        )
        update["battery"] = battery.model_copy(update={"final_soc_pct": round(final, 3)})
    appliances = []
    for appliance in home.appliances:
        minutes_done = progress.get(appliance.id, 0)
        if appliance.interruptible and minutes_done > 0 and appliance.cycle.duration_minutes:
            remaining = max(1, appliance.cycle.duration_minutes - minutes_done)
            cycle = appliance.cycle.model_copy(update={"duration_minutes": remaining})
            appliance = appliance.model_copy(update={"cycle": cycle})
        appliances.append(appliance)
    update["appliances"] = tuple(appliances)
    return home.model_copy(update=update)


def fixed_load_kw(home: Home, axis: TimeAxis, started: dict[str, datetime | None]) -> np.ndarray:
    """Power of the cycles already running, per step of ``axis`` [kW] (whole-cycle appliances)."""
    load = np.zeros(axis.n_steps)
    for device_id, started_at in started.items():
        if started_at is None:
            continue
        appliance = home.appliance(device_id)
        if appliance.interruptible:
            continue
        profile = cycle_kw_per_step(appliance.cycle, 1)  # kW per minute of the cycle
        offset_min = int((axis.start - started_at).total_seconds() // 60)
        remaining = profile[max(0, offset_min) :]
        if len(remaining) == 0:
            continue
        per_minute = np.zeros(axis.n_steps * axis.step_minutes)
        count = min(len(remaining), len(per_minute))
        per_minute[:count] = remaining[:count]
        load += axis.step_mean(per_minute)
    return load


def run_replan(
    home: Home,
    approved: Plan,
    commitments: list[DeviceRequest],
    now: datetime,
    readings: Readings,
    *,
    started: dict[str, datetime | None],
    progress: dict[str, int],
    spent: float,
) -> Replan | None:
    """Plan the open commitments again from ``now``; ``None`` when the approved period is over.

    ``spent`` is the cost of the approved period up to the re-plan's first step
    (:func:`app.runner.commitments.decide`).
    """
    axis = replan_axis(home, approved, now)
    if axis is None:
        return None
    live = live_home(home, readings, now)
    open_ = open_commitments(live.home, commitments, now, readings, set(started), live.stale)
    plan_home = planning_home(live.home, approved, open_, progress)
    base = inputs_builder_for(plan_home)(plan_home, axis)
    inputs: PlanningInputs = replace(
        base, base_load_kw=base.base_load_kw + fixed_load_kw(plan_home, axis, started)
    )
    requests = [r for r in open_.requests if _still_needed(r, progress, home)]
    try:
        outcome = schedule(plan_home, now, requests, inputs=inputs)
    except InputError as err:
        return Replan(
            None,
            Decision("ask", f"the open commitments cannot be planned: {err}"),
            open_,
            live,
            plan_home,
            inputs,
        )
    replan_cfg = home.integration.replan
    decision = decide(
        outcome,
        approved,
        spent=spent,
        cost_tolerance=replan_cfg.cost_tolerance,
        cost_tolerance_pct=replan_cfg.cost_tolerance_pct,
    )
    return Replan(outcome, decision, open_, live, plan_home, inputs)


def propose_alternative(result: Replan, now: datetime) -> Plan | None:
    """The re-plan with each binding request replaced by its first achievable alternative.

    For a homeowner's decision only (it changes what was approved); ``None`` when there is none.
    """
    outcome = result.outcome
    if outcome is None or outcome.diagnosis is None or result.inputs is None:
        return None
    requests = {r.device: r for r in result.open.requests}
    changed = False
    for binding in outcome.diagnosis.binding:
        if not binding.alternatives or binding.device not in requests:
            continue
        change = binding.alternatives[0].change()
        requests[binding.device] = requests[binding.device].model_copy(update=change)
        changed = True
    if not changed:
        return None
    try:
        again = schedule(result.home, now, list(requests.values()), inputs=result.inputs)
    except InputError:
        return None
    return again.plan


def _still_needed(request: DeviceRequest, progress: dict[str, int], home: Home) -> bool:
    if request.kind != "appliance_run":
        return True
    appliance = home.appliance(request.device)
    if not appliance.interruptible:
        return True
    total = appliance.cycle.total_minutes
    return progress.get(request.device, 0) < total
