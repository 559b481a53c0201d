"""The planning facade: requests in, an audited plan (or a diagnosis) out.

``schedule`` composes the pieces in order — axis, inputs, requests, conflicts, build, solve,
extract, audit, baseline, the plan (:mod:`tools.plan_assembly`) — and is what the CLI, the agents
and the UI call. It also decides what the plan rests on: the optimiser's plan with the gap it
proved, or the naive schedule when that is valid and the optimiser found nothing cheaper.

Already approved runs of other devices (``committed``, see :mod:`tools.commitments`) are fixed
loads: their per-step power is added to the household base load the model, the audit and the
baseline see, so it enters the power balance, the grid limit and the cost of both the plan and
the baseline (the saving is unchanged by them); the plan reports the base load without them and
lists them separately as already approved.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime

import numpy as np

from tools.audit import audit_schedule
from tools.baseline import baseline_schedule
from tools.commitments import CARRIED, carried_requests, committed_load_kw
from tools.conflicts import plan_conflicts, request_conflicts
from tools.costs import cost_breakdown
from tools.demand_response import DemandResponseEvent, check_event
from tools.demand_response_report import demand_response_summary
from tools.diagnosis import diagnose
from tools.errors import AuditError
from tools.formatting import apportion, money, round_money, share_of
from tools.formatting import pct as fmt_pct
from tools.home import Home
from tools.inputs import PlanningInputs, build_inputs, horizon_axis, input_notes
from tools.plan_assembly import make_plan, with_commitments
from tools.requests import DeviceRequest, resolve_requests
from tools.results import (
    Commitment,
    Plan,
    PlanBasis,
    ScheduleOutcome,
)
from tools.scheduler import (
    ScheduleOptions,
    ScheduleProblem,
    build_model,
    extract_schedule,
    solve_model,
)
from tools.scheduler.problem import Schedule
from tools.timeaxis import TimeAxis, require_aware

__all__ = ["cost_breakdown", "forecast", "make_plan", "plan_message", "schedule"]


def forecast(
    home: Home,
    now: datetime,
    *,
    step_minutes: int = 15,
    horizon_hours: float = 24,
    cloud_cover_pct: np.ndarray | None = None,
    air_temperature_c: np.ndarray | None = None,
) -> PlanningInputs:
    """Prices, PV, base load and CO2 on the planning axis that starts at ``now``."""
    axis = horizon_axis(
        home, require_aware(now, "now"), step_minutes=step_minutes, horizon_hours=horizon_hours
    )
    return build_inputs(
        home, axis, cloud_cover_pct=cloud_cover_pct, air_temperature_c=air_temperature_c
    )


def schedule(
    home: Home,
    now: datetime,
    requests: list[DeviceRequest],
    *,
    step_minutes: int = 15,
    horizon_hours: float = 24,
    options: ScheduleOptions | None = None,
    committed: Sequence[Commitment] = (),
    released: Sequence[Commitment] = (),
    inputs: PlanningInputs | None = None,
    events: Sequence[DemandResponseEvent] = (),
) -> ScheduleOutcome:
    """Plan ``requests`` jointly for ``home`` from ``now``.

    With demand-response ``events`` the same requests are planned twice: without the events
    (the reference: what not taking part costs, and the baseline import of a reduction) and
    with them; the plan returned takes part, and its ``demand_response`` section says what that
    costs and earns. Like any plan it is only a proposal until the homeowner approves it.

    Parameters
    ----------
    committed:
        The active plan's commitments (:meth:`app.store.PlanStore.active_commitments`). Those of
        devices that ``requests`` do not name are held as fixed loads and listed in
        ``plan.committed``; a request for a committed device replaces its commitment (a
        revision). Battery commitments are not fixed loads: the battery is re-optimised, and its
        approved requests still in force are planned again unless ``requests`` replace them.
    released:
        Commitments the homeowner cancels with this plan: their runs are not held, and
        ``plan.released`` lists them so that approving the plan withdraws them.

    Raises :class:`~tools.errors.InputError` (or a subclass) for requests that do not fit the
    home or the horizon; every other outcome — including infeasible requests and solver time-outs —
    is a typed :class:`ScheduleOutcome`.
    """
    require_aware(now, "now")
    if inputs is None:
        inputs = forecast(home, now, step_minutes=step_minutes, horizon_hours=horizon_hours)
    axis = inputs.axis
    reference: Plan | None = None
    if events:
        for event in events:
            check_event(event, axis)
        without = schedule(home, now, requests, options=options, inputs=inputs,
                           committed=committed, released=released)
        if without.plan is None:
            return without
        reference = without.plan
    gone = {c.device for c in released}
    asked = {r.device for r in requests}
    held = [c for c in committed if c.device not in asked | gone and c.kind not in CARRIED]
    requests = list(requests) + carried_requests(
        [c for c in committed if c.device not in gone], requests, axis, now
    )
    requests = _after_committed(home, requests, held, axis, now)
    committed_kw = committed_load_kw(held, axis)
    fixed_kw = sum(committed_kw.values(), np.zeros(axis.n_steps))
    planned_inputs = dataclasses.replace(inputs, base_load_kw=inputs.base_load_kw + fixed_kw)
    resolved = resolve_requests(home, axis, now, requests)
    problem = ScheduleProblem(
        home,
        planned_inputs,
        tuple(resolved),
        options or ScheduleOptions(),
        events=tuple(events),
        reference_import_kw=(
            None if reference is None else np.asarray(reference.series.grid_import_kw)
        ),
    )
    conflicts = request_conflicts(home, axis, resolved)
    filled = [r.filled(now, axis) for r in resolved]

    naive = baseline_schedule(problem)
    model = build_model(problem)
    report = solve_model(model, naive)
    if report.status == "infeasible":
        diagnosis = diagnose(problem)
        return ScheduleOutcome(
            status="infeasible",
            requests=filled,
            message=diagnosis.message,
            diagnosis=diagnosis,
            conflicts=_sorted(conflicts),
            solve_status="infeasible",
        )
    if report.status not in ("optimal", "feasible"):
        message = (
            f"the {report.solver} solver found no schedule within {problem.options.time_limit_s:g} s"
            if report.status == "timed_out"
            else f"the {report.solver} solver failed ({report.detail})"
        )
        return ScheduleOutcome(
            status="error",
            requests=filled,
            message=message,
            conflicts=_sorted(conflicts),
            solve_status=report.status,
        )
    found = extract_schedule(model)
    audit_schedule(problem, found)
    basis: PlanBasis = "optimised"
    if report.kept_start:
        basis = "baseline" if report.start_kind == "naive" else "as_soon_as_allowed"
    status = report.status
    gap = _gap(report.objective, report.bound, money_only=_money_only(problem))
    naive_valid = _is_valid(problem, naive)
    if naive_valid and _costs_more_than_naive(problem, found, naive):
        found, basis, status, gap = naive, "baseline", "feasible", (None, None)
    plan = make_plan(
        problem,
        now,
        found,
        naive,
        solve_status=status,
        solve_seconds=report.seconds,
        solver=report.solver,
        solve_gap=gap,
        basis=basis,
        baseline_valid=naive_valid,
    )
    plan = with_commitments(plan, problem, found, now, held, committed_kw, released)
    conflicts = _sorted(conflicts + plan_conflicts(home, plan))
    message = plan_message(plan, problem.options.time_limit_s)
    if reference is not None:
        summary = demand_response_summary(problem, found, plan, reference)
        plan = plan.model_copy(update={"demand_response": summary})
        message += "; " + summary.message
    notes = input_notes(plan.inputs)
    if notes:
        message += "; " + "; ".join(notes)
    return ScheduleOutcome(
        status="proposed",
        requests=filled,
        message=message,
        plan=plan,
        conflicts=conflicts,
        solve_status=status,
    )


def _money_only(problem: ScheduleProblem) -> bool:
    """Whether the objective counts money only (no CO2 price, no demand-response event, every
    request "cost")."""
    inputs = problem.inputs
    return (
        (inputs.co2_g_per_kwh is None or inputs.co2_price_per_kg == 0)
        and not problem.events
        and all(r.request.objective == "cost" for r in problem.requests)
    )


def _gap(
    objective: float | None, bound: float | None, *, money_only: bool
) -> tuple[float | None, float | None]:
    """How far the plan may be from the best possible, from the bound the solver proved: in
    money [currency] (objective − bound, when the objective is money) and in % of the objective
    (when that is positive and the gap at most 100 %)."""
    if objective is None or bound is None:
        return None, None
    absolute = max(0.0, objective - bound)
    pct = 100 * absolute / objective if objective > 0 and absolute <= objective else None
    return (absolute if money_only else None), pct


def _is_valid(problem: ScheduleProblem, naive: Schedule) -> bool:
    """Whether the naive schedule keeps every rule (the audit's verdict)."""
    try:
        audit_schedule(problem, naive)
    except AuditError:
        return False
    return True


def _costs_more_than_naive(problem: ScheduleProblem, found: Schedule, naive: Schedule) -> bool:
    """Whether the optimiser's plan costs more money than the (valid) naive schedule while money
    is all the objective counts, so that proposing the naive schedule instead is better."""
    inputs = problem.inputs
    if not _money_only(problem):
        return False
    plan_cost = cost_breakdown(found, inputs).total
    naive_cost = cost_breakdown(naive, inputs).total
    return plan_cost > naive_cost + 1e-6 * (1 + abs(naive_cost))


def plan_message(plan: Plan, time_limit_s: float) -> str:
    """One sentence on the plan: its cost, the saving and its two parts, and how sure it is.

    The saving's share is a share of the cost without planning; the parts are rounded so they
    add up to the rounded saving (``tools.formatting``).
    """
    cur = plan.currency
    timing, battery_pv = apportion([plan.savings.timing, plan.savings.battery_pv])
    if round_money(plan.saving) >= 0:
        share = share_of(plan.saving, plan.baseline_cost) if round_money(plan.saving) > 0 else None
        of = f" ({fmt_pct(share)} of {money(plan.baseline_cost, cur)})" if share is not None else ""
        text = (
            f"proposed plan costs {money(plan.cost, cur)}, {money(plan.saving, cur)}{of} less than "
            "running everything as soon as possible"
        )
    else:
        why = (
            "which is not possible within this home's limits"
            if not plan.baseline_valid
            else "for the objective chosen"
        )
        text = (
            f"proposed plan costs {money(plan.cost, cur)}, {money(-plan.saving, cur)} more than "
            f"running everything as soon as possible ({money(plan.baseline_cost, cur)}), {why}"
        )
    text += (
        f": {money(timing, cur)} from the requests' timing, {money(battery_pv, cur)} from the "
        "battery and PV plan"
    )
    if plan.basis == "baseline":
        text += (
            "; this is the plan of running everything as soon as possible, as the optimiser "
            f"found nothing cheaper within {time_limit_s:g} s"
        )
    elif plan.basis == "as_soon_as_allowed":
        text += (
            f"; within {time_limit_s:g} s the optimiser found no better timing than as soon as "
            "allowed, and planned the battery for it"
        )
    if plan.solve_gap_pct is not None:
        text += f"; within {fmt_pct(plan.solve_gap_pct)} of the best possible cost"
    elif plan.solve_gap is not None:
        text += f"; within {money(plan.solve_gap, cur)} of the best possible cost"
    return text


def _after_committed(
    home: Home,
    requests: list[DeviceRequest],
    held: Sequence[Commitment],
    axis: TimeAxis,
    now: datetime,
) -> list[DeviceRequest]:
    """Requests of appliances that run after a committed appliance start after its approved run.

    The dependency ("dryer after washer") holds across plans: a requested appliance whose
    ``after`` names a device with an approved run may not start before that run ends, so its
    earliest start moves there (:func:`tools.conflicts.plan_conflicts` says so in the plan).
    """
    ends = {c.device: c.end for c in held if c.end is not None}
    adjusted: list[DeviceRequest] = []
    for request in requests:
        device = next((d for d in home.appliances if d.id == request.device), None)
        latest_end = max(
            (ends[d] for d in (device.after if device is not None else ()) if d in ends),
            default=None,
        )
        if latest_end is not None and latest_end > (request.earliest_start or now):
            request = request.model_copy(update={"earliest_start": latest_end.astimezone(axis.tz)})
        adjusted.append(request)
    return adjusted


def _sorted(conflicts: list) -> list:
    rank = {"error": 0, "warning": 1, "info": 2}
    return sorted(conflicts, key=lambda c: (rank[c.severity], c.kind))


