"""Approved requests as commitments: what a re-plan must keep, and what it may apply alone.

The homeowner approved a plan for a set of requests (targets, deadlines, windows). Those requests
are the *commitments*. A re-plan re-asks the planner for exactly the commitments still open now:

* an EV request stays open until its deadline, for the target it was approved with (an energy
  request becomes the target it meant when the plan was approved); a car already at its target
  is done; an unplugged car is *waiting* (it cannot be planned until it is back);
* an appliance request stays open until it has started; a started cycle is no longer a request,
  its remainder is a fixed load; an interruptible appliance keeps the minutes it still needs;
* any other request (battery targets and floors) stays open until its deadline.

:func:`decide` is the rule for a re-plan's result: it is applied without asking only if it keeps
every open commitment (a proposed, audited plan for exactly those requests, without error
conflicts) and costs, over the rest of the approved period, no more than the approved plan did
plus the tolerance. Anything else goes to the homeowner.

This module works on :meth:`app.store.PlanStore.active` (the approved plan's requests); when the
store keeps commitments per device, only :func:`open_commitments`' input changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

import numpy as np

from app.drivers.base import Readings
from app.runner.executor import step_index
from tools.home import Home
from tools.requests import DeviceRequest
from tools.results import Plan, ScheduleOutcome

#: A car this close to its target counts as there [percentage points].
TARGET_REACHED_TOLERANCE_PCT = 0.5


@dataclass(frozen=True)
class OpenCommitments:
    """What a re-plan at ``now`` must plan, and what it must not touch."""

    requests: list[DeviceRequest]
    started: list[str] = field(default_factory=list)
    done: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    closed: list[DeviceRequest] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def open_commitments(
    home: Home,
    approved: list[DeviceRequest],
    now: datetime,
    readings: Readings,
    started: set[str],
    stale: set[str],
) -> OpenCommitments:
    """The approved requests still to be met at ``now``, clipped to start no earlier than now.

    Parameters
    ----------
    home:
        The live home (charge levels as known now).
    approved:
        The approved plan's requests, defaults filled (``Plan.requests``).
    now:
        The re-plan's start.
    readings:
        The latest readings (for plugged-in states).
    started:
        Appliances whose cycle has started under this approved plan.
    stale:
        Devices whose readings are too old to trust.
    """
    requests: list[DeviceRequest] = []
    out_started: list[str] = []
    done: list[str] = []
    waiting: list[str] = []
    closed: list[DeviceRequest] = []
    notes: list[str] = []
    for request in approved:
        deadline = request.deadline
        if deadline is not None and deadline <= now:
            closed.append(request)
            continue
        clipped = request.model_copy(
            update={"earliest_start": max(request.earliest_start or now, now)}
        )
        if request.kind == "ev_charge":
            ev = home.ev(request.device)
            if request.target_soc_pct is not None and (
                ev.current_soc_pct >= request.target_soc_pct - TARGET_REACHED_TOLERANCE_PCT
            ):
                done.append(request.device)
                continue
            plugged = readings.get(request.device, {}).get("plugged_in")
            if request.device not in stale and plugged is not None and plugged.value is False:
                waiting.append(request.device)
                notes.append(f"{home.label(request.device)} is not plugged in; its charge waits")
                continue
            requests.append(clipped)
        elif request.kind == "appliance_run":
            if request.device in started:
                out_started.append(request.device)
                continue
            requests.append(clipped)
        else:
            requests.append(clipped)
    return OpenCommitments(requests, out_started, done, waiting, closed, notes)


def window_cost(plan: Plan, start: datetime, end: datetime) -> float:
    """Net energy cost of ``plan``'s grid exchange in the steps inside ``[start, end)`` [currency].

    Import × import price − export × export price per step; a demand charge is not part of it
    (a re-plan and the approved plan are compared on energy).
    """
    series = plan.series
    step_h = series.step_minutes / 60
    times = np.array([t.timestamp() for t in series.times])
    inside = (times >= start.timestamp() - 1e-6) & (
        times + series.step_minutes * 60 <= end.timestamp() + 1e-6
    )
    imports = (
        np.asarray(series.grid_import_kw)[inside] * np.asarray(series.import_price_per_kwh)[inside]
    )
    exports = (
        np.asarray(series.grid_export_kw)[inside] * np.asarray(series.export_price_per_kwh)[inside]
    )
    return float(np.sum(imports - exports) * step_h)


#: Planned powers closer than this are the same plan [kW].
SAME_POWER_KW = 0.05


def _powers(plan: Plan, battery_id: str | None) -> dict[str, dict[float, float]]:
    """Planned power per device and step start (epoch seconds); the battery's net AC power."""
    series = plan.series
    times = [t.timestamp() for t in series.times]
    out = {d: dict(zip(times, v, strict=False)) for d, v in series.device_kw.items()}
    if battery_id is not None:
        net = [
            c - d
            for c, d in zip(series.battery_charge_kw, series.battery_discharge_kw, strict=True)
        ]
        out[battery_id] = dict(zip(times, net, strict=False))
    return out


def changed_devices(old: Plan, new: Plan, battery_id: str | None) -> list[str]:
    """Devices whose planned power differs between ``old`` and ``new`` in a step from ``new``'s
    start on (a re-plan starts later; that alone is no change)."""
    old_powers, new_powers = _powers(old, battery_id), _powers(new, battery_id)
    since = new.horizon_start.timestamp()
    out = []
    for device in sorted(set(old_powers) | set(new_powers)):
        before, after = old_powers.get(device, {}), new_powers.get(device, {})
        steps = {t for t in (*before, *after) if t >= since}
        if any(abs(after.get(t, 0.0) - before.get(t, 0.0)) > SAME_POWER_KW for t in steps):
            out.append(device)
    return out


Action = Literal["apply", "ask"]


@dataclass(frozen=True)
class Decision:
    """What to do with a re-plan, and why (in words for the log and the homeowner)."""

    action: Action
    reason: str
    new_cost: float | None = None
    approved_cost: float | None = None
    tolerance: float = 0.0


def decide(
    outcome: ScheduleOutcome,
    approved: Plan,
    *,
    spent: float,
    cost_tolerance: float,
    cost_tolerance_pct: float,
) -> Decision:
    """Apply a re-plan alone only if it keeps every commitment and costs ≤ approved + tolerance.

    The approved period's net energy cost is compared both ways: as approved (the approved
    plan's cost over its whole period) and with the re-plan — ``spent``, the cost of the plans
    carried out from the period's start to the re-plan's first step (each on its own forecast),
    plus the re-plan's cost to the end. Comparing whole periods keeps an earlier automatic
    re-plan's shifts (energy moved to later hours) from looking like a dearer plan, and several
    re-plans together can never add more than one tolerance.
    """
    plan = outcome.plan
    if outcome.status != "proposed" or plan is None:
        return Decision("ask", f"the open commitments cannot all be met: {outcome.message}")
    errors = [c for c in outcome.conflicts if c.severity == "error"]
    if errors:
        return Decision("ask", f"the re-plan has a conflict: {errors[0].message}")
    new_cost = spent + window_cost(plan, plan.horizon_start, plan.horizon_end)
    approved_cost = window_cost(approved, approved.horizon_start, approved.horizon_end)
    tolerance = max(cost_tolerance, abs(approved_cost) * cost_tolerance_pct / 100)
    if new_cost > approved_cost + tolerance + 1e-9:
        return Decision(
            "ask",
            f"the re-plan costs {new_cost - approved_cost:.2f} {plan.currency} more than the "
            f"approved plan over its period (tolerance {tolerance:.2f})",
            new_cost,
            approved_cost,
            tolerance,
        )
    return Decision(
        "apply",
        f"keeps every commitment; {new_cost:.2f} {plan.currency} against the approved "
        f"{approved_cost:.2f} over the period",
        new_cost,
        approved_cost,
        tolerance,
    )


def as_targets(plan: Plan, home: Home, now: datetime) -> list[DeviceRequest]:
    """The plan's requests with every EV energy request turned into the target it meant.

    ``home`` carries the charge levels at ``now``; the energy the plan delivered before ``now``
    is taken off, so the target is the level the approved energy leads to.
    """
    out: list[DeviceRequest] = []
    for request in plan.requests:
        if request.kind != "ev_charge" or request.target_soc_pct is not None:
            out.append(request)
            continue
        ev = home.ev(request.device)
        power = np.asarray(plan.series.device_kw.get(request.device, []), dtype=float)
        times = np.array([t.timestamp() for t in plan.series.times])
        before = power[: len(times)][times < now.timestamp()]
        delivered_kwh = float(before.sum()) * plan.step_minutes / 60 * ev.charging_efficiency
        energy_kwh = float(request.energy_kwh or 0.0)
        target = ev.current_soc_pct + (energy_kwh - delivered_kwh) / ev.battery_kwh * 100
        target = min(max(target, ev.current_soc_pct), ev.max_soc_pct)
        out.append(
            request.model_copy(update={"energy_kwh": None, "target_soc_pct": round(target, 2)})
        )
    return out


def off_plan_devices(
    home: Home,
    applied: Plan,
    commitments: list[DeviceRequest],
    readings: Readings,
    now: datetime,
    stale: set[str],
) -> list[str]:
    """Devices whose charge heads off the plan by more than ``replan.soc_deviation_pct``.

    An EV is off the plan when its charge now plus what the plan still gives it before its
    deadline misses the target by more than the threshold (either way); the battery when its
    charge differs from the plan's level at this moment by more than the threshold.
    """
    threshold = home.integration.replan.soc_deviation_pct
    out = []
    times = np.array([t.timestamp() for t in applied.series.times])
    step_h = applied.step_minutes / 60
    for request in commitments:
        if request.kind != "ev_charge" or request.target_soc_pct is None:
            continue
        if request.deadline is None or request.deadline <= now or request.device in stale:
            continue
        soc = readings.get(request.device, {}).get("soc_pct")
        if soc is None or isinstance(soc.value, bool | str):
            continue
        ev = home.ev(request.device)
        power = np.asarray(applied.series.device_kw.get(request.device, []), dtype=float)
        if len(power) == 0:
            power = np.zeros(len(times))
        ahead = (times >= now.timestamp() - 1e-6) & (times < request.deadline.timestamp())
        index = step_index(applied, now)
        partial = 0.0
        if index is not None:  # the rest of the step in progress
            left_s = times[index] + applied.step_minutes * 60 - now.timestamp()
            partial = power[index] * max(0.0, left_s) / 3600
        planned_kwh = float(power[ahead[: len(power)]].sum()) * step_h + partial
        projected = float(soc.value) + planned_kwh * ev.charging_efficiency / ev.battery_kwh * 100
        projected = min(projected, ev.max_soc_pct)
        if abs(projected - request.target_soc_pct) > threshold:
            out.append(request.device)
    battery = home.battery
    if battery is not None and battery.id not in stale:
        soc = readings.get(battery.id, {}).get("soc_pct")
        index = step_index(applied, now)
        if soc is not None and index is not None and not isinstance(soc.value, bool | str):
            planned = applied.series.battery_soc_pct
            fraction = (now - applied.series.times[index]).total_seconds() / (
                applied.step_minutes * 60
            )
            expected = planned[index] + (planned[index + 1] - planned[index]) * fraction
            if abs(float(soc.value) - expected) > threshold:
                out.append(battery.id)
    return out
