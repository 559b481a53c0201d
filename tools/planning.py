"""The planning facade: requests in, an audited plan (or a diagnosis) out.

``schedule`` composes the pieces in order — axis, inputs, requests, conflicts, build, solve,
extract, audit, baseline — and is what the CLI, the agents and the UI call.

Already approved runs of other devices (``committed``, see :mod:`tools.commitments`) are fixed
loads: their per-step power is added to the household base load the model, the audit and the
baseline see, so it enters the power balance, the grid limit and the cost of both the plan and
the baseline (the saving is unchanged by them); the plan reports the base load without them and
lists them separately as already approved.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Sequence
from datetime import datetime

import numpy as np

from tools.audit import audit_schedule
from tools.baseline import baseline_schedule, self_consumption
from tools.commitments import CARRIED, carried_requests, committed_load_kw
from tools.conflicts import plan_conflicts, request_conflicts
from tools.costs import attribute, cost_breakdown, grid_shares
from tools.demand_response import DemandResponseEvent, check_event
from tools.demand_response_report import demand_response_summary
from tools.diagnosis import diagnose
from tools.errors import AuditError
from tools.formatting import apportion, money, round_money, share_of
from tools.formatting import pct as fmt_pct
from tools.heat_report import heat_summary, temperature_series
from tools.home import Home
from tools.inputs import PlanningInputs, build_inputs, horizon_axis, input_notes
from tools.requests import DeviceRequest, resolve_requests
from tools.results import (
    BatteryRequestResult,
    Commitment,
    CostBreakdown,
    CostItem,
    CostLine,
    DeviceRun,
    Plan,
    PlanBasis,
    SavingsSplit,
    ScheduleOutcome,
    Segment,
    StepSeries,
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
    plan = _with_commitments(plan, problem, found, now, held, committed_kw, released)
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


def _with_commitments(
    plan: Plan,
    problem: ScheduleProblem,
    found: Schedule,
    now: datetime,
    held: Sequence[Commitment],
    committed_kw: dict[str, np.ndarray],
    released: Sequence[Commitment],
) -> Plan:
    """The plan with the committed runs split out of its base load and listed as approved: in
    the series, as runs and as rows of the cost table (their share of the grid's energy)."""
    if not held and not released:
        return plan
    inputs = problem.inputs
    axis = inputs.axis
    fixed_kw = sum(committed_kw.values(), np.zeros(axis.n_steps))
    shares = grid_shares(found, inputs)
    runs = [_run(problem, device, power, shares) for device, power in committed_kw.items()]
    series = plan.series.model_copy(update={
        "base_load_kw": _round(inputs.base_load_kw - fixed_kw),
        "committed_kw": {d: _round(p) for d, p in committed_kw.items()},
    })
    return plan.model_copy(update={
        "id": _plan_id(problem, now, held, released),
        "series": series,
        "cost_lines": _cost_lines(problem, found, shares, plan.breakdown, committed_kw),
        "committed": list(held),
        "committed_runs": sorted(runs, key=lambda r: (r.start, r.device)),
        "released": list(released),
    })


def _sorted(conflicts: list) -> list:
    rank = {"error": 0, "warning": 1, "info": 2}
    return sorted(conflicts, key=lambda c: (rank[c.severity], c.kind))


def make_plan(
    problem: ScheduleProblem,
    now: datetime,
    found: Schedule,
    naive: Schedule,
    *,
    solve_status: str,
    solve_seconds: float,
    solver: str,
    solve_gap: tuple[float | None, float | None] = (None, None),
    basis: PlanBasis = "optimised",
    baseline_valid: bool = True,
) -> Plan:
    """Assemble the :class:`Plan` a homeowner sees from an audited schedule.

    The saving is split (:class:`~tools.results.SavingsSplit`) through a third schedule: the
    planned loads with the battery in self-consumption mode, like the naive schedule's. Every
    comparison schedule that ends with less stored energy than the plan is charged for the
    shortfall (:func:`~tools.costs.cost_breakdown`). ``solve_gap`` is ``(money, %)`` from
    :func:`_gap`.
    """
    inputs = problem.inputs
    axis = inputs.axis
    tank_temp_c, indoor_temp_c, bands = temperature_series(problem, found)
    battery = problem.home.battery
    breakdown = cost_breakdown(found, inputs)
    efficiency = battery.charge_efficiency if battery else 1.0
    final_kwh = float(found.battery_soc_kwh[-1])

    def compared(other: Schedule) -> CostBreakdown:
        short = max(0.0, final_kwh - float(other.battery_soc_kwh[-1]))
        return cost_breakdown(
            other, inputs, stored_kwh_short=short, charge_efficiency=efficiency
        )

    baseline = compared(naive)
    planned_loads = compared(self_consumption(problem, found.device_kw))
    saving = round(baseline.total - breakdown.total, 6)
    timing = round(baseline.total - planned_loads.total, 6)
    devices = {d: _segments(axis, p) for d, p in found.device_kw.items()}
    net_battery_kw = found.battery_charge_kw - found.battery_discharge_kw
    if battery is not None:
        devices[battery.id] = _segments(axis, net_battery_kw)
    shares = grid_shares(found, inputs)
    runs = [_run(problem, d, p, shares) for d, p in found.device_kw.items() if np.any(p > 0)]
    runs.sort(key=lambda r: (r.start, r.device))
    capacity = battery.capacity_kwh if battery else 1.0
    series = StepSeries(
        step_minutes=axis.step_minutes,
        times=list(axis.index.to_pydatetime()),
        import_price_per_kwh=_round(inputs.import_price_per_kwh),
        export_price_per_kwh=_round(inputs.export_price_per_kwh),
        pv_kw=_round(inputs.pv_kw),
        pv_curtailed_kw=_round(found.pv_curtailed_kw),
        base_load_kw=_round(inputs.base_load_kw),
        grid_import_kw=_round(found.grid_import_kw),
        grid_export_kw=_round(found.grid_export_kw),
        battery_charge_kw=_round(found.battery_charge_kw),
        battery_discharge_kw=_round(found.battery_discharge_kw),
        battery_soc_pct=_round(
            found.battery_soc_kwh / capacity * 100 if battery else found.battery_soc_kwh
        ),
        device_kw={d: _round(p) for d, p in found.device_kw.items()},
        co2_g_per_kwh=None if inputs.co2_g_per_kwh is None else _round(inputs.co2_g_per_kwh),
        wind_kw=None if inputs.wind_kw is None else _round(inputs.wind_kw),
        outdoor_temp_c=None if inputs.outdoor_temp_c is None else _round(inputs.outdoor_temp_c),
        tank_temp_c=tank_temp_c,
        indoor_temp_c=indoor_temp_c,
        comfort_band_c=bands,
    )
    requests = [r.filled(now, axis) for r in problem.requests]
    cost = round(breakdown.total, 6)
    return Plan(
        id=_plan_id(problem, now),
        home=problem.home.name,
        now=now.astimezone(axis.tz),
        horizon_start=axis.start,
        horizon_end=axis.end,
        step_minutes=axis.step_minutes,
        currency=inputs.currency,
        cost=cost,
        baseline_cost=round(baseline.total, 6),
        baseline_valid=baseline_valid,
        saving=saving,
        savings=SavingsSplit(timing=timing, battery_pv=round(saving - timing, 6)),
        breakdown=breakdown,
        baseline_breakdown=baseline,
        solve_status=solve_status,  # type: ignore[arg-type]
        solve_seconds=round(solve_seconds, 4),
        solve_gap=None if solve_gap[0] is None else round(solve_gap[0], 6),
        solve_gap_pct=None if solve_gap[1] is None else round(solve_gap[1], 4),
        basis=basis,
        solver=solver,
        requests=requests,
        devices=devices,
        runs=runs,
        battery_requests=_battery_results(problem, found, now),
        cost_lines=_cost_lines(problem, found, shares, breakdown),
        series=series,
        heat=heat_summary(problem, found),
        device_names={d.id: problem.home.label(d.id) for d in problem.home.devices()},
        inputs=dict(inputs.sources),
    )


def _battery_results(
    problem: ScheduleProblem, found: Schedule, now: datetime
) -> list[BatteryRequestResult]:
    """Each battery request's line: the SoC at a target's deadline, the lowest SoC of a floor's
    period, the largest discharge while the battery may not supply the cars."""
    battery = problem.home.battery
    axis = problem.inputs.axis
    out = []
    for request in problem.battery_requests():
        assert battery is not None
        soc_pct = found.battery_soc_kwh / battery.capacity_kwh * 100
        filled = request.filled(now, axis)
        kind = request.request.kind
        result: dict[str, object] = {
            "kind": kind,
            "start": filled.earliest_start,
            "end": filled.deadline,
        }
        if kind == "battery_target":
            result.update(requested_soc_pct=request.target_soc_pct,
                          planned_soc_pct=round(float(soc_pct[request.end_step]), 4))
        elif kind == "battery_floor":
            period = soc_pct[request.first_step : request.end_step + 1]
            result.update(requested_soc_pct=request.floor_soc_pct,
                          planned_soc_pct=round(float(period.min()), 4))
        else:
            steps = found.battery_discharge_kw[request.first_step : request.end_step]
            result["largest_discharge_kw"] = round(float(steps.max(initial=0.0)), 4)
        out.append(BatteryRequestResult.model_validate(result))
    return out


def _cost_lines(
    problem: ScheduleProblem,
    found: Schedule,
    shares: np.ndarray,
    breakdown: CostBreakdown,
    committed_kw: dict[str, np.ndarray] | None = None,
) -> list[CostLine]:
    """The cost table (see :mod:`tools.costs`): requested devices by first start, the already
    approved runs held as fixed loads (``committed_kw`` [kW], part of the inputs' base load),
    the base load without them, battery charging, PV, grid export and the demand charge; costs
    in cents apportioned."""
    inputs = problem.inputs
    dt = inputs.axis.step_hours
    rows: list[tuple[str, CostItem, float, float, float]] = []

    def first_step(item: tuple[str, np.ndarray]) -> tuple[int, str]:
        power = item[1]
        return (int(np.argmax(power > 0)) if np.any(power > 0) else 10**9, item[0])

    for device_id, power in sorted(found.device_kw.items(), key=first_step):
        a = attribute(power, shares, inputs)
        rows.append((device_id, "device", a.energy_kwh, a.grid_energy_kwh, a.cost))
    fixed_kw = np.zeros(inputs.axis.n_steps)
    for device_id, power in sorted((committed_kw or {}).items(), key=first_step):
        a = attribute(power, shares, inputs)
        rows.append((device_id, "committed", a.energy_kwh, a.grid_energy_kwh, a.cost))
        fixed_kw = fixed_kw + power
    base = attribute(inputs.base_load_kw - fixed_kw, shares, inputs)
    rows.append(("base_load", "base_load", base.energy_kwh, base.grid_energy_kwh, base.cost))
    if problem.home.battery is not None:
        charge = attribute(found.battery_charge_kw, shares, inputs)
        rows.append(("battery", "battery", charge.energy_kwh, charge.grid_energy_kwh, charge.cost))
    pv_kwh = float(np.sum(inputs.generation_kw - found.pv_curtailed_kw) * dt)
    if pv_kwh > 0:
        rows.append(("pv", "pv", pv_kwh, 0.0, 0.0))
    export_kwh = float(np.sum(found.grid_export_kw) * dt)
    if export_kwh > 0:
        rows.append(("grid_export", "grid_export", export_kwh, 0.0, -breakdown.export_revenue))
    if breakdown.demand_charge > 0:
        rows.append(("demand_charge", "demand_charge", 0.0, 0.0, breakdown.demand_charge))
    cents = apportion([row[4] for row in rows])
    return [
        CostLine(
            item=item,
            kind=kind,
            energy_kwh=round(energy_kwh, 4),
            grid_energy_kwh=round(grid_kwh, 4),
            cost=round(cost, 6),
            cost_cents=cent,
        )
        for (item, kind, energy_kwh, grid_kwh, cost), cent in zip(rows, cents, strict=True)
    ]


def _round(values: np.ndarray) -> list[float]:
    return [round(float(v), 6) for v in values]


def _segments(axis, power_kw: np.ndarray) -> list[Segment]:
    """Maximal stretches of equal non-zero power."""
    segments: list[Segment] = []
    t, n = 0, len(power_kw)
    while t < n:
        if abs(power_kw[t]) <= 1e-9:
            t += 1
            continue
        end = t + 1
        while end < n and abs(power_kw[end] - power_kw[t]) <= 1e-6:
            end += 1
        segments.append(
            Segment(
                start=axis.time_at(t), end=axis.time_at(end), power_kw=round(float(power_kw[t]), 4)
            )
        )
        t = end
    return segments


def _run(
    problem: ScheduleProblem, device_id: str, power_kw: np.ndarray, shares: np.ndarray
) -> DeviceRun:
    axis = problem.inputs.axis
    active = np.flatnonzero(np.abs(power_kw) > 1e-9)
    kind = RUN_KINDS.get(type(problem.home.device(device_id)).__name__, "appliance_run")
    share = attribute(power_kw, shares, problem.inputs)
    return DeviceRun(
        device=device_id,
        kind=kind,  # type: ignore[arg-type]
        start=axis.time_at(int(active[0])),
        end=axis.time_at(int(active[-1]) + 1),
        energy_kwh=round(share.energy_kwh, 4),
        grid_energy_kwh=round(share.grid_energy_kwh, 4),
        cost=round(share.cost, 4),
    )


RUN_KINDS = {
    "Ev": "ev_charge",
    "Appliance": "appliance_run",
    "WaterTank": "water_tank",
    "HeatPump": "heat_pump",
    "DailyRunLoad": "daily_load",
}
"""The run kind of each type of device (``DeviceRun.kind``)."""


def _plan_id(
    problem: ScheduleProblem,
    now: datetime,
    held: Sequence[Commitment] = (),
    released: Sequence[Commitment] = (),
) -> str:
    """Deterministic id from the home, the clock, the axis, the requests and the commitments."""
    payload: dict[str, object] = {
        "home": problem.home.model_dump(mode="json"),
        "now": now.isoformat(),
        "axis": [
            problem.inputs.axis.start.isoformat(),
            problem.inputs.axis.step_minutes,
            problem.inputs.axis.n_steps,
        ],
        "requests": [r.request.model_dump(mode="json") for r in problem.requests],
    }
    if problem.events:  # taking part is another plan than not taking part
        payload["events"] = [e.model_dump(mode="json") for e in problem.events]
    if held or released:
        payload["committed"] = [c.model_dump(mode="json") for c in held]
        payload["released"] = [c.device for c in released]
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
    return "plan-" + digest[:12]
