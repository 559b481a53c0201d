"""Conflict detector: what in the requests or in a plan deserves the homeowner's attention.

Two passes, both pure:

* :func:`request_conflicts` runs before solving, on the resolved requests alone. Its errors are
  *exact*: each one is a request that no schedule can meet (an appliance with no allowed slot, a
  dependant that must start before its dependency can finish, a charger that cannot store the
  energy in time, a device that alone draws more than the home can supply). Warnings and infos
  point at requests that will be met differently from what the words suggest.
* :func:`plan_conflicts` runs after solving, on the :class:`~tools.results.Plan`: grid import
  close to (or above) the limit, appliances running at the same time, the home battery taken down
  to its floor, rules the plan breaks (quiet hours, windows, dependencies: never expected from the
  solver, still checked). What approving the plan does to the already approved runs is not a
  conflict: approving keeps the other devices' runs (they are fixed loads of the plan, see
  :mod:`tools.commitments`) and a new request for an approved device is a revision, shown as a
  diff.

:func:`detect_conflicts` runs both and sorts the result by severity (error, warning, info), then
by kind. Every number in a message is computed from the inputs: times are local ``HH:MM``
(prefixed with the weekday when not on the day the horizon starts), powers in kW and energies in
kWh with one decimal, states of charge as whole percent.

Conventions shared with the scheduler
-------------------------------------
All of them come from :mod:`tools.devices`, which the scheduler, the baseline, the audit and the
diagnosis use too:

* An appliance cycle occupies ``L = cycle_steps(appliance, step_minutes)`` steps
  (``ceil(cycle.total_minutes / step_minutes)``).
* Step ``t`` is allowed for an appliance when *every minute* of it lies inside an allowed window
  and outside quiet hours, on the local wall clock of that minute (``allowed_steps``). To tell
  which rule blocks a request, the same test is run on a copy of the appliance without quiet
  hours (windows only) or with the whole day as its window (quiet hours only).
* A request's allowed steps are ``[first_step, end_step)``. A non-interruptible cycle needs ``L``
  consecutive allowed steps there; an interruptible one needs ``L`` allowed steps
  (``earliest_end``, ``latest_start``).
* "B after A": B's first running step is not before A's last running step + 1.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from tools.devices import allowed_steps, cycle_steps, earliest_end, latest_start
from tools.formatting import energy, pct, power
from tools.home import Appliance, Battery, DailyWindow, Ev, Home
from tools.requests import ResolvedRequest
from tools.results import Conflict, ConflictKind, Plan, Severity
from tools.timeaxis import TimeAxis

GRID_HEADROOM_FRACTION = 0.05
"""Import above ``(1 − 0.05) × import_limit_kw`` is reported as close to the limit [-]."""

POWER_EPS_KW = 1e-6
"""A device draws power in a step when its power exceeds this [kW] (solver round-off)."""

ENERGY_EPS_KWH = 1e-9
"""Energy round-off tolerance [kWh]."""

SOC_FLOOR_TOLERANCE_PCT = 0.5
"""A SoC within this of the floor [%-points] counts as at the floor (it prints as the floor)."""

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}

WHOLE_DAY = (DailyWindow(start="00:00", end="24:00"),)
"""An allowed window covering every minute: replaces an appliance's windows to ignore them."""

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


# ============================================================================ public interface


def detect_conflicts(
    home: Home,
    axis: TimeAxis,
    resolved: list[ResolvedRequest],
    plan: Plan | None,
) -> list[Conflict]:
    """All conflicts of the requests and, when there is one, of the plan.

    Parameters
    ----------
    home:
        The home description.
    axis:
        The planning axis the requests were resolved on.
    resolved:
        The requests on the axis.
    plan:
        The proposed plan, or ``None`` before solving (or when the requests are infeasible).

    Returns
    -------
    list of Conflict
        Sorted by severity (error, warning, info), then kind; detection order within.
    """
    conflicts = request_conflicts(home, axis, resolved)
    if plan is not None:
        conflicts += plan_conflicts(home, plan)
    return sort_conflicts(conflicts)


def request_conflicts(
    home: Home, axis: TimeAxis, resolved: list[ResolvedRequest]
) -> list[Conflict]:
    """Conflicts visible in the requests alone, before solving.

    Checks, per request: appliance slots against quiet hours and allowed windows; ``after``
    dependencies; device power against the grid import limit; EV energy against the charger
    power and the time available; EV targets already reached; battery targets below the floor.

    Returns
    -------
    list of Conflict
        Sorted as by :func:`sort_conflicts`.
    """
    clock = _Clock.for_moment(axis.start, axis.tz)
    requested = {r.device: r for r in resolved}
    conflicts: list[Conflict] = []
    for r in resolved:
        if r.request.kind == "appliance_run":
            appliance = home.appliance(r.device)
            conflicts += _optional(_slot_conflict(home, appliance, axis, r, clock))
            conflicts += _dependency_conflicts(home, appliance, axis, r, requested, clock)
            conflicts += _optional(_device_power_conflict(home, appliance))
        elif r.request.kind == "ev_charge":
            ev = home.ev(r.device)
            conflicts += _optional(_nothing_to_do_conflict(home, ev, r))
            conflicts += _optional(_device_power_conflict(home, ev))
            conflicts += _optional(_ev_energy_conflict(home, ev, axis, r, clock))
        elif r.request.kind == "battery_target" and home.battery is not None:
            conflicts += _optional(_battery_target_conflict(home, home.battery, r))
    return sort_conflicts(conflicts)


def plan_conflicts(home: Home, plan: Plan) -> list[Conflict]:
    """Conflicts of a solved plan.

    Returns
    -------
    list of Conflict
        Sorted as by :func:`sort_conflicts`.
    """
    clock = _Clock.for_moment(plan.horizon_start, ZoneInfo(home.timezone))
    conflicts: list[Conflict] = []
    conflicts += _optional(_plan_grid_conflict(home, plan, clock))
    conflicts += _plan_rule_conflicts(home, plan, clock)
    conflicts += _plan_dependency_conflicts(home, plan, clock)
    conflicts += _committed_dependency_notes(home, plan, clock)
    conflicts += _plan_overlap_conflicts(home, plan, clock)
    conflicts += _optional(_plan_battery_floor_conflict(home, plan, clock))
    return sort_conflicts(conflicts)


def sort_conflicts(conflicts: Iterable[Conflict]) -> list[Conflict]:
    """Conflicts by severity (error, warning, info), then kind; stable within."""
    return sorted(conflicts, key=lambda c: (SEVERITY_ORDER[c.severity], c.kind))


# ============================================================================ request checks


def _slot_conflict(
    home: Home, appliance: Appliance, axis: TimeAxis, r: ResolvedRequest, clock: _Clock
) -> Conflict | None:
    """An appliance request with no allowed slot for its whole cycle (error).

    The blocking rule is found by relaxing one rule at a time: if the cycle fits once quiet
    hours are ignored, the quiet hours block it (kind ``quiet_hours``); if it fits once the
    allowed windows are ignored, the windows block it (kind ``window``); if it fits only with
    both ignored, both block it (``quiet_hours``, naming both); otherwise the request itself is
    shorter than the cycle (``window``). The "finish by" resolution is the earliest end of an
    allowed slot starting at or after the request's first step, anywhere on the axis.
    """
    steps = cycle_steps(appliance, axis.step_minutes)

    def fits(variant: Appliance) -> bool:
        return earliest_end(variant, axis, r.first_step, r.end_step) is not None

    if fits(appliance):
        return None
    kind: ConflictKind
    name = home.label(appliance.id)
    start_text = clock.at(axis.time_at(r.first_step))
    end_text = clock.at(axis.time_at(r.end_step))
    cycle = f"its {appliance.cycle.total_minutes}-minute cycle" + (
        " (even with pauses)" if appliance.interruptible else ""
    )
    quiet = ", ".join(str(w) for w in appliance.quiet_hours)
    windows = ", ".join(str(w) for w in appliance.allowed_windows)
    resolutions = []
    later = earliest_end(appliance, axis, r.first_step)
    if later is not None:
        resolutions.append(f"finish by {clock.at(axis.time_at(later))} instead")

    between = f"between {start_text} and {end_text}"
    if fits(_windows_only(appliance)):
        kind = "quiet_hours"
        message = f"{_cap(name)} cannot run {cycle} {between} outside its quiet hours {quiet}."
        resolutions.append(f"allow it to run during quiet hours {quiet}")
    elif fits(_quiet_hours_only(appliance)):
        kind = "window"
        message = f"{_cap(name)} cannot run {cycle} {between} inside its allowed windows {windows}."
        resolutions.append(f"allow it to run outside its allowed windows {windows}")
    elif fits(_windows_only(_quiet_hours_only(appliance))):
        kind = "quiet_hours"
        message = (
            f"{_cap(name)} cannot run {cycle} {between} inside its allowed windows {windows} "
            f"and outside its quiet hours {quiet}."
        )
        resolutions.append(
            f"allow it to run during quiet hours {quiet} and outside its allowed windows {windows}"
        )
    else:
        kind = "window"
        available = max(r.end_step - r.first_step, 0) * axis.step_minutes
        message = (
            f"{_cap(name)} needs {steps * axis.step_minutes} minutes for its cycle, but only "
            f"{available} minutes lie {between}."
        )
    return Conflict(
        kind=kind,
        severity="error",
        message=message,
        resolutions=resolutions,
        devices=[appliance.id],
    )


def _dependency_conflicts(
    home: Home,
    appliance: Appliance,
    axis: TimeAxis,
    r: ResolvedRequest,
    requested: dict[str, ResolvedRequest],
    clock: _Clock,
) -> list[Conflict]:
    """``after`` dependencies of a requested appliance (kind ``dependency_order``).

    * Dependency not requested → info: the plan assumes it has finished.
    * Dependency requested, and its earliest possible end ``e_dep`` is later than the latest
      possible first running step ``s_max`` of the dependant → error. Resolutions: the earliest
      end of the dependant when it starts at or after ``e_dep``; and, when the dependency's
      earliest start is what blocks, the latest start of the dependency that ends by ``s_max``.

    A dependency or dependant that has no slot at all is reported by :func:`_slot_conflict`
    and skipped here.
    """
    conflicts = []
    name = home.label(appliance.id)
    for dep_id in appliance.after:
        dependency = home.appliance(dep_id)
        dep_name = home.label(dep_id)
        devices = [appliance.id, dep_id]
        dep_r = requested.get(dep_id)
        if dep_r is None:
            conflicts.append(
                Conflict(
                    kind="dependency_order",
                    severity="info",
                    devices=devices,
                    message=(
                        f"{_cap(name)} runs after {dep_name}, which is not in this plan; "
                        "Hearth assumes it has finished."
                    ),
                    resolutions=[f"add {dep_name} to the plan"],
                )
            )
            continue
        dep_end = earliest_end(dependency, axis, dep_r.first_step, dep_r.end_step)
        latest = latest_start(appliance, axis, r.first_step, r.end_step)
        if dep_end is None or latest is None or dep_end <= latest:
            continue
        resolutions = []
        new_end = earliest_end(appliance, axis, max(r.first_step, dep_end))
        if new_end is not None:
            resolutions.append(f"finish {name} by {clock.at(axis.time_at(new_end))} instead")
        dep_start = latest_start(dependency, axis, 0, latest)
        if dep_start is not None and dep_start < dep_r.first_step:
            resolutions.append(
                f"let {dep_name} start by {clock.at(axis.time_at(dep_start))} (the request says "
                f"not before {clock.at(axis.time_at(dep_r.first_step))})"
            )
        conflicts.append(
            Conflict(
                kind="dependency_order",
                severity="error",
                devices=devices,
                resolutions=resolutions,
                message=(
                    f"{_cap(name)} runs after {dep_name}, but {dep_name} finishes at "
                    f"{clock.at(axis.time_at(dep_end))} at the earliest, and {name} must start by "
                    f"{clock.at(axis.time_at(latest))} to finish by "
                    f"{clock.at(axis.time_at(r.end_step))}."
                ),
            )
        )
    return conflicts


def _device_power_conflict(home: Home, device: Ev | Appliance) -> Conflict | None:
    """A device whose least power when on exceeds the grid import limit (kind ``grid_limit``).

    The least power is ``charger_min_kw`` for an EV and the cycle's peak for an appliance.
    Without a home battery or PV the device can never run: error. With them it can run only
    while they supply the excess; whether they can is known only after solving: warning.
    The base load is not counted (it only adds to the draw), so an error is always real.
    """
    if isinstance(device, Ev):
        need_kw, what, verb = device.charger_min_kw, "charges at no less than", "charge"
    else:
        need_kw, what, verb = device.cycle.peak_kw, "draws", "run"
    limit_kw = home.grid.import_limit_kw
    if need_kw <= limit_kw + POWER_EPS_KW:
        return None
    name = home.label(device.id)
    message = (
        f"{_cap(name)} {what} {power(need_kw)}, more than the {power(limit_kw)} grid import limit"
    )
    severity: Severity
    if _has_local_supply(home):
        severity = "warning"
        message += (
            f"; it can {verb} only while the home battery or PV supply the other "
            f"{power(need_kw - limit_kw)}."
        )
    else:
        severity = "error"
        message += f": it cannot {verb}."
    return Conflict(
        kind="grid_limit",
        severity=severity,
        message=message,
        devices=[device.id],
        resolutions=[f"raise the grid import limit to at least {power(need_kw)}"],
    )


def _ev_energy_conflict(
    home: Home, ev: Ev, axis: TimeAxis, r: ResolvedRequest, clock: _Clock
) -> Conflict | None:
    """An EV request that cannot store its energy in time (kind ``grid_limit``, error).

    With ``n = end_step − first_step`` steps of ``Δt`` hours, the most energy stored is
    ``E_max = n · Δt · P · η`` with ``P = min(charger_max_kw, import_limit_kw)`` (the charger's
    maximum alone when a home battery or PV could supply beyond the grid limit) and ``η`` the
    charging efficiency. If ``E_max < energy_kwh``: reach
    ``floor(current_soc_pct + 100 · E_max / battery_kwh)`` % by the deadline, or the target by
    the boundary ``first_step + ceil(energy_kwh / (Δt · P · η))`` (given even beyond the horizon).
    """
    energy_kwh = r.energy_kwh
    if energy_kwh is None or energy_kwh <= ENERGY_EPS_KWH or r.target_soc_pct is None:
        return None
    limit_kw = home.grid.import_limit_kw
    if _has_local_supply(home) or ev.charger_max_kw <= limit_kw:
        power_kw, why = ev.charger_max_kw, "the charger's maximum"
    else:
        power_kw, why = limit_kw, "the grid import limit"
    per_step_kwh = power_kw * axis.step_hours * ev.charging_efficiency
    steps = max(r.end_step - r.first_step, 0)
    deliverable_kwh = steps * per_step_kwh
    if deliverable_kwh >= energy_kwh - ENERGY_EPS_KWH:
        return None
    name = home.label(ev.id)
    deadline = clock.at(axis.time_at(r.end_step))
    reachable_pct = math.floor(ev.current_soc_pct + 100.0 * deliverable_kwh / ev.battery_kwh)
    finish = r.first_step + math.ceil(energy_kwh / per_step_kwh - ENERGY_EPS_KWH)
    target = _pct(r.target_soc_pct)
    later = f"reach {target}% by {clock.at(axis.time_at(finish))}"
    if finish > axis.n_steps:
        later += f" (beyond this plan's horizon, which ends {clock.at(axis.end)})"
    return Conflict(
        kind="grid_limit",
        severity="error",
        devices=[ev.id],
        message=(
            f"{_cap(name)} to {target}% by {deadline} needs {energy(energy_kwh)} in the battery; "
            f"charging at {power(power_kw)} ({why}) from "
            f"{clock.at(axis.time_at(r.first_step))} stores at most {energy(deliverable_kwh)} "
            "by then."
        ),
        resolutions=[f"reach {reachable_pct}% by {deadline}", later],
    )


def _nothing_to_do_conflict(home: Home, ev: Ev, r: ResolvedRequest) -> Conflict | None:
    """An EV request whose target is at or below the current SoC (kind ``nothing_to_do``)."""
    if r.energy_kwh is None or r.energy_kwh > ENERGY_EPS_KWH:
        return None
    name = home.label(ev.id)
    target = _pct(r.target_soc_pct if r.target_soc_pct is not None else ev.current_soc_pct)
    current = _pct(ev.current_soc_pct)
    resolutions = [f"drop {name} from the request"]
    if ev.current_soc_pct < ev.max_soc_pct:
        resolutions.insert(0, f"ask for more than {current}% (up to {_pct(ev.max_soc_pct)}%)")
    return Conflict(
        kind="nothing_to_do",
        severity="info",
        devices=[ev.id],
        resolutions=resolutions,
        message=(
            f"{_cap(name)} is at {current}% already, at or above the target of {target}%: "
            "nothing to charge."
        ),
    )


def _battery_target_conflict(home: Home, battery: Battery, r: ResolvedRequest) -> Conflict | None:
    """A battery target below the battery's floor (kind ``battery_reserve``, warning).

    The floor is ``max(min_soc_pct, backup_reserve_pct)``; the plan never goes below it, so a
    lower target is kept at the floor instead.
    """
    target = r.target_soc_pct
    floor = battery.floor_soc_pct
    if target is None or target >= floor - 1e-9:
        return None
    floor_name = _floor_name(battery)
    name = home.label(battery.id)
    resolutions = [f"ask for {_pct(floor)}% or more"]
    if floor_name == "backup reserve" and battery.min_soc_pct <= target:
        resolutions.append(f"lower the backup reserve to {_pct(target)}% in the home file")
    return Conflict(
        kind="battery_reserve",
        severity="warning",
        devices=[battery.id],
        resolutions=resolutions,
        message=(
            f"The target of {_pct(target)}% for {name} is below its {floor_name} of "
            f"{_pct(floor)}%: the plan keeps it at {_pct(floor)}% or more."
        ),
    )


# ============================================================================ plan checks


def _plan_grid_conflict(home: Home, plan: Plan, clock: _Clock) -> Conflict | None:
    """Grid import above the limit (error) or within 5 % of it (warning), kind ``grid_limit``.

    Reports the stretch of consecutive steps around the first peak step that is above the
    limit (or above ``0.95 · import_limit_kw``), the peak and the headroom, and as resolutions
    the flexible loads drawing power at the peak step (EVs, appliances, battery charging),
    largest first.
    """
    grid_kw = np.asarray(plan.series.grid_import_kw, dtype=float)
    if grid_kw.size == 0:
        return None
    limit_kw = home.grid.import_limit_kw
    peak_step = int(np.argmax(grid_kw))
    peak_kw = float(grid_kw[peak_step])
    severity: Severity
    if peak_kw > limit_kw + POWER_EPS_KW:
        severity = "error"
        mask = grid_kw > limit_kw + POWER_EPS_KW
    elif peak_kw >= (1 - GRID_HEADROOM_FRACTION) * limit_kw - POWER_EPS_KW:
        severity = "warning"
        mask = grid_kw >= (1 - GRID_HEADROOM_FRACTION) * limit_kw - POWER_EPS_KW
    else:
        return None
    lo, hi = _stretch_around(mask, peak_step)
    times = _StepTimes.of(plan)
    when = f"from {clock.at(times.boundary(lo))} to {clock.at(times.boundary(hi))}"
    peak_at = clock.at(times.boundary(peak_step))
    if severity == "error":
        message = (
            f"Grid import exceeds the {power(limit_kw)} import limit {when}, peaking at "
            f"{power(peak_kw)} at {peak_at} ({power(peak_kw - limit_kw)} over)."
        )
    else:
        message = (
            f"Grid import comes within {round(100 * GRID_HEADROOM_FRACTION)}% of the "
            f"{power(limit_kw)} import limit {when}, peaking at {power(peak_kw)} at {peak_at} "
            f"({power(limit_kw - peak_kw)} headroom)."
        )
    others = int(mask.sum()) - (hi - lo)
    if others:
        message += f" {others} other step(s) are " + (
            "over the limit too." if severity == "error" else "as close."
        )
    loads = _flexible_loads_at(home, plan, peak_step)
    resolutions = [
        f"move {name} ({power(power_kw)} at {peak_at}) to a time with more headroom"
        for name, power_kw, _ in loads
        if power_kw >= 0.05  # a load that rounds to 0.0 kW frees no headroom worth naming
    ]
    return Conflict(
        kind="grid_limit",
        severity=severity,
        message=message,
        resolutions=resolutions,
        devices=[device for _, _, device in loads],
    )


def _plan_rule_conflicts(home: Home, plan: Plan, clock: _Clock) -> list[Conflict]:
    """Appliance power in a step with a minute in quiet hours (``quiet_hours``) or outside its
    windows (``window``): errors the solver must never produce, checked independently with
    :func:`tools.devices.allowed_steps` on the plan's own steps."""
    conflicts = []
    times = _StepTimes.of(plan)
    axis = times.axis(home.timezone)
    for appliance in home.appliances:
        running = _running(plan, appliance.id)
        if running is None:
            continue
        name = home.label(appliance.id)
        quiet = running & ~allowed_steps(_quiet_hours_only(appliance), axis)
        if quiet.any():
            rules = ", ".join(str(w) for w in appliance.quiet_hours)
            conflicts.append(
                Conflict(
                    kind="quiet_hours",
                    severity="error",
                    devices=[appliance.id],
                    message=f"The plan runs {name} {times.spans(quiet, clock)}, inside its quiet "
                    f"hours {rules}.",
                )
            )
        outside = running & ~allowed_steps(_windows_only(appliance), axis)
        if outside.any():
            rules = ", ".join(str(w) for w in appliance.allowed_windows)
            conflicts.append(
                Conflict(
                    kind="window",
                    severity="error",
                    devices=[appliance.id],
                    message=f"The plan runs {name} {times.spans(outside, clock)}, outside its allowed "
                    f"windows {rules}.",
                )
            )
    return conflicts


def _plan_dependency_conflicts(home: Home, plan: Plan, clock: _Clock) -> list[Conflict]:
    """A dependant that starts before its dependency has finished (``dependency_order``, error)."""
    conflicts = []
    times = _StepTimes.of(plan)
    for appliance in home.appliances:
        running = _running(plan, appliance.id)
        if running is None or not running.any():
            continue
        first = int(np.flatnonzero(running)[0])
        for dep_id in appliance.after:
            dep_running = _running(plan, dep_id)
            if dep_running is None or not dep_running.any():
                continue
            dep_end = int(np.flatnonzero(dep_running)[-1]) + 1
            if first >= dep_end:
                continue
            name, dep_name = home.label(appliance.id), home.label(dep_id)
            conflicts.append(
                Conflict(
                    kind="dependency_order",
                    severity="error",
                    devices=[appliance.id, dep_id],
                    message=(
                        f"{_cap(name)} starts at {clock.at(times.boundary(first))}, before {dep_name} "
                        f"finishes at {clock.at(times.boundary(dep_end))}."
                    ),
                    resolutions=[f"run {name} from {clock.at(times.boundary(dep_end))}"],
                )
            )
    return conflicts


def _committed_dependency_notes(home: Home, plan: Plan, clock: _Clock) -> list[Conflict]:
    """A requested appliance held back until an already approved run it depends on ends.

    ``dependency_order``, info: the planner moved the request's earliest start to the end of the
    approved run (see :func:`tools.planning.schedule`), which changes what was asked.
    """
    ends = {c.device: c.end for c in plan.committed if c.end is not None}
    notes = []
    for request in plan.requests:
        appliance = next((a for a in home.appliances if a.id == request.device), None)
        if appliance is None or request.earliest_start is None:
            continue
        for dep_id in appliance.after:
            if ends.get(dep_id) == request.earliest_start:
                notes.append(
                    Conflict(
                        kind="dependency_order",
                        severity="info",
                        devices=[appliance.id, dep_id],
                        message=(
                            f"{_cap(home.label(appliance.id))} waits for the approved "
                            f"{home.label(dep_id)} run, which ends at "
                            f"{clock.at(request.earliest_start)}."
                        ),
                    )
                )
    return notes


def _plan_overlap_conflicts(home: Home, plan: Plan, clock: _Clock) -> list[Conflict]:
    """Two appliances running in the same steps (kind ``overlap``).

    Warning when grid import is within 5 % of the limit in one of the shared steps, info
    otherwise. Pairs linked by ``after`` are left to :func:`_plan_dependency_conflicts`. The
    resolution runs the appliance that starts later after the one that starts first (ties: home
    file order), from the end of the latter's last running step.
    """
    conflicts = []
    times = _StepTimes.of(plan)
    grid_kw = np.asarray(plan.series.grid_import_kw, dtype=float)
    tight = grid_kw >= (1 - GRID_HEADROOM_FRACTION) * home.grid.import_limit_kw - POWER_EPS_KW
    running = {a.id: mask for a in home.appliances if (mask := _running(plan, a.id)) is not None}
    ids = list(running)
    for i, first_id in enumerate(ids):
        for second_id in ids[i + 1 :]:
            if (
                second_id in home.appliance(first_id).after
                or first_id in home.appliance(second_id).after
            ):
                continue
            both = running[first_id] & running[second_id]
            if not both.any():
                continue
            severity: Severity = "warning" if (both & tight).any() else "info"
            starts = {d: int(np.flatnonzero(running[d])[0]) for d in (first_id, second_id)}
            earlier, later = sorted((first_id, second_id), key=lambda d: starts[d])
            earlier_end = int(np.flatnonzero(running[earlier])[-1]) + 1
            name_1, name_2 = home.label(first_id), home.label(second_id)
            message = f"{_cap(name_1)} and {name_2} run at the same time {times.spans(both, clock)}"
            if severity == "warning":
                message += (
                    f", while grid import is within {round(100 * GRID_HEADROOM_FRACTION)}% of "
                    f"the {power(home.grid.import_limit_kw)} limit"
                )
            conflicts.append(
                Conflict(
                    kind="overlap",
                    severity=severity,
                    message=message + ".",
                    devices=[first_id, second_id],
                    resolutions=[
                        f"run {home.label(later)} after {home.label(earlier)} "
                        f"(from {clock.at(times.boundary(earlier_end))})"
                    ],
                )
            )
    return conflicts


def _plan_battery_floor_conflict(home: Home, plan: Plan, clock: _Clock) -> Conflict | None:
    """The plan takes the home battery down to its floor (kind ``battery_reserve``, info).

    The floor is ``max(min_soc_pct, backup_reserve_pct)``; a boundary SoC within
    :data:`SOC_FLOOR_TOLERANCE_PCT` of it counts as at the floor. Reported at the first boundary
    where the SoC arrives at the floor from above, with the last boundary of that stay.
    """
    battery = home.battery
    soc = np.asarray(plan.series.battery_soc_pct, dtype=float)
    if battery is None or soc.size < 2:
        return None
    floor = battery.floor_soc_pct
    at_floor = soc <= floor + SOC_FLOOR_TOLERANCE_PCT
    arrivals = np.flatnonzero(at_floor[1:] & ~at_floor[:-1]) + 1
    if arrivals.size == 0:
        return None
    arrive = int(arrivals[0])
    _, leave = _stretch_around(at_floor, arrive)
    times = _StepTimes.of(plan)
    name = home.label(battery.id)
    at = clock.at(times.boundary(arrive))
    message = (
        f"The plan takes {name} from {_pct(soc[0])}% down to its floor of {_pct(floor)}% "
        f"({_floor_name(battery)}) at {at}"
    )
    if leave - 1 > arrive:
        message += f" and keeps it there until {clock.at(times.boundary(leave - 1))}"
    return Conflict(
        kind="battery_reserve",
        severity="info",
        devices=[battery.id],
        message=message + ".",
        resolutions=[f"ask for a battery target above {_pct(floor)}% by {at} to keep more stored"],
    )


# ============================================================================ step masks


def _windows_only(appliance: Appliance) -> Appliance:
    """The appliance without quiet hours: only its allowed windows restrict it."""
    return appliance.model_copy(update={"quiet_hours": ()})


def _quiet_hours_only(appliance: Appliance) -> Appliance:
    """The appliance with the whole day as its window: only its quiet hours restrict it."""
    return appliance.model_copy(update={"allowed_windows": WHOLE_DAY})


def _stretch_around(mask: np.ndarray, index: int) -> tuple[int, int]:
    """The maximal run ``[lo, hi)`` of true values containing ``mask[index]`` (which is true)."""
    lo = index
    while lo > 0 and mask[lo - 1]:
        lo -= 1
    hi = index
    while hi < mask.size and mask[hi]:
        hi += 1
    return lo, hi


def _stretches(mask: np.ndarray) -> list[tuple[int, int]]:
    """All maximal runs ``[lo, hi)`` of true values, in order."""
    padded = np.concatenate(([False], mask.astype(bool), [False]))
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return [(int(lo), int(hi)) for lo, hi in zip(edges[::2], edges[1::2], strict=True)]


# ============================================================================ plan helpers


@dataclass(frozen=True)
class _StepTimes:
    """Step boundaries of a plan's series: boundary ``k`` is ``start + k · step``."""

    start: datetime
    step: timedelta
    n_steps: int

    @classmethod
    def of(cls, plan: Plan) -> _StepTimes:
        times = plan.series.times
        return cls(
            start=times[0] if times else plan.horizon_start,
            step=timedelta(minutes=plan.series.step_minutes),
            n_steps=len(times),
        )

    def boundary(self, k: int) -> datetime:
        return self.start + k * self.step

    def axis(self, tz_name: str) -> TimeAxis:
        """The plan's steps as a :class:`TimeAxis` in the home's time zone."""
        return TimeAxis(
            start=self.start.astimezone(ZoneInfo(tz_name)),
            step_minutes=int(self.step.total_seconds() // 60),
            n_steps=self.n_steps,
            tz_name=tz_name,
        )

    def spans(self, mask: np.ndarray, clock: _Clock) -> str:
        """``"from 01:00 to 02:00 and from 03:00 to 03:30"`` for the true runs of ``mask``."""
        return " and ".join(
            f"from {clock.at(self.boundary(lo))} to {clock.at(self.boundary(hi))}"
            for lo, hi in _stretches(mask)
        )


def _running(plan: Plan, device: str) -> np.ndarray | None:
    """Steps in which ``device`` draws power, or ``None`` if the plan has no series for it."""
    power = plan.series.device_kw.get(device)
    if power is None:
        return None
    return np.asarray(power, dtype=float) > POWER_EPS_KW


def _flexible_loads_at(home: Home, plan: Plan, step: int) -> list[tuple[str, float, str]]:
    """``(label, power_kw, device)`` of every EV, appliance and battery charging at ``step``."""
    loads = [
        (home.label(device), float(power[step]), device)
        for device, power in plan.series.device_kw.items()
        if step < len(power) and power[step] > POWER_EPS_KW
    ]
    charge = plan.series.battery_charge_kw
    if home.battery is not None and step < len(charge) and charge[step] > POWER_EPS_KW:
        loads.append(
            (f"{home.label(home.battery.id)} charging", float(charge[step]), home.battery.id)
        )
    return sorted(loads, key=lambda load: (-load[1], load[2]))


# ============================================================================ wording


@dataclass(frozen=True)
class _Clock:
    """Local time formatting: ``HH:MM``, with the weekday when not on ``today``."""

    tz: ZoneInfo
    today: date

    @classmethod
    def for_moment(cls, moment: datetime, tz: ZoneInfo) -> _Clock:
        return cls(tz=tz, today=moment.astimezone(tz).date())

    def at(self, moment: datetime) -> str:
        local = moment.astimezone(self.tz)
        text = local.strftime("%H:%M")
        return text if local.date() == self.today else f"{_WEEKDAYS[local.weekday()]} {text}"


def _floor_name(battery: Battery) -> str:
    return "backup reserve" if battery.backup_reserve_pct > battery.min_soc_pct else "minimum SoC"


def _has_local_supply(home: Home) -> bool:
    """Whether a home battery or PV could supply power beyond the grid import."""
    return home.battery is not None or bool(home.pv_arrays) or home.pv_series is not None


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _pct(value: float) -> str:
    """A percentage's number as :mod:`tools.formatting` shows it (``59.7``, ``80``), no sign."""
    return pct(value).removesuffix("%")


def _optional(conflict: Conflict | None) -> list[Conflict]:
    return [] if conflict is None else [conflict]
