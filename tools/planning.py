"""The planning facade: requests in, an audited plan (or a diagnosis) out.

``schedule`` composes the pieces in order — axis, inputs, requests, conflicts, build, solve,
extract, audit, baseline — and is what the CLI, the agents and the UI call.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime

import numpy as np

from tools.audit import audit_schedule
from tools.baseline import baseline_schedule
from tools.conflicts import plan_conflicts, request_conflicts
from tools.demand_response import DemandResponseEvent, check_event
from tools.demand_response_report import demand_response_summary
from tools.diagnosis import diagnose
from tools.heat_report import heat_summary, temperature_series
from tools.home import Home
from tools.inputs import PlanningInputs, build_inputs, horizon_axis
from tools.requests import DeviceRequest, resolve_requests
from tools.results import (
    CostBreakdown,
    DeviceRun,
    Plan,
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
from tools.tariff import demand_charge, energy_cost
from tools.timeaxis import require_aware


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
    active_plan: Plan | None = None,
    inputs: PlanningInputs | None = None,
    events: Sequence[DemandResponseEvent] = (),
) -> ScheduleOutcome:
    """Plan ``requests`` jointly for ``home`` from ``now``.

    With demand-response ``events`` the same requests are planned twice: without the events
    (the reference: what not taking part costs, and the baseline import of a reduction) and
    with them; the plan returned takes part, and its ``demand_response`` section says what that
    costs and earns. Like any plan it is only a proposal until the homeowner approves it.

    Raises :class:`~tools.errors.InputError` (or a subclass) for requests that do not fit the
    home or the horizon; every other outcome — including infeasible requests and solver time-outs —
    is a typed :class:`ScheduleOutcome`.
    """
    require_aware(now, "now")
    if inputs is None:
        inputs = forecast(home, now, step_minutes=step_minutes, horizon_hours=horizon_hours)
    axis = inputs.axis
    resolved = resolve_requests(home, axis, now, requests)
    reference: Plan | None = None
    if events:
        for event in events:
            check_event(event, axis)
        without = schedule(home, now, requests, options=options, inputs=inputs)
        if without.plan is None:
            return without
        reference = without.plan
    problem = ScheduleProblem(
        home,
        inputs,
        tuple(resolved),
        options or ScheduleOptions(),
        events=tuple(events),
        reference_import_kw=(
            None if reference is None else np.asarray(reference.series.grid_import_kw)
        ),
    )
    conflicts = request_conflicts(home, axis, resolved)
    filled = [r.filled(now, axis) for r in resolved]

    model = build_model(problem)
    report = solve_model(model)
    if report.status == "infeasible":
        diagnosis = diagnose(problem)
        return ScheduleOutcome(
            status="infeasible",
            requests=filled,
            message=diagnosis.message,
            diagnosis=diagnosis,
            conflicts=conflicts,
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
            conflicts=conflicts,
            solve_status=report.status,
        )
    found = extract_schedule(model)
    audit_schedule(problem, found)
    naive = baseline_schedule(problem)
    plan = make_plan(
        problem,
        now,
        found,
        naive,
        solve_status=report.status,
        solve_seconds=report.seconds,
        solver=report.solver,
    )
    conflicts = _sorted(conflicts + plan_conflicts(home, plan, active_plan))
    message = (
        f"proposed plan costs {plan.cost:.2f} {plan.currency}, {plan.saving:.2f} "
        f"{plan.currency} less than running everything as soon as possible"
    )
    if reference is not None:
        summary = demand_response_summary(problem, found, plan, reference)
        plan = plan.model_copy(update={"demand_response": summary})
        message += "; " + summary.message
    return ScheduleOutcome(
        status="proposed",
        requests=filled,
        message=message,
        plan=plan,
        conflicts=conflicts,
        solve_status=report.status,
    )


def _sorted(conflicts: list) -> list:
    rank = {"error": 0, "warning": 1, "info": 2}
    return sorted(conflicts, key=lambda c: (rank[c.severity], c.kind))


def cost_breakdown(
    schedule: Schedule,
    inputs: PlanningInputs,
    *,
    stored_kwh_short: float = 0.0,
    charge_efficiency: float = 1.0,
) -> CostBreakdown:
    """Import cost, export revenue, demand charge and CO2 of a schedule.

    ``stored_kwh_short`` [kWh] is battery energy this schedule ends with less than the plan it is
    compared with. It is valued at the least that refilling it can cost — the horizon's cheapest
    import price divided by the charge efficiency — so a naive baseline that drains the battery
    does not look cheaper than it is, and the saving claimed is never overstated. Energy left
    *above* the plan's is not credited: the optimiser gives stored energy at the horizon end no
    value either.
    """
    import_cost, export_revenue = energy_cost(
        schedule.grid_import_kw,
        schedule.grid_export_kw,
        inputs.import_price_per_kwh,
        inputs.export_price_per_kwh,
        inputs.axis.step_hours,
    )
    refill_price_per_kwh = float(np.min(inputs.import_price_per_kwh)) / charge_efficiency
    co2_kg = None
    if inputs.co2_g_per_kwh is not None:
        co2_kg = float(
            np.sum(schedule.grid_import_kw * inputs.co2_g_per_kwh) * inputs.axis.step_hours / 1000
        )
    return CostBreakdown(
        energy_cost=import_cost,
        export_revenue=export_revenue,
        demand_charge=demand_charge(schedule.grid_import_kw, inputs.demand_charge_per_kw),
        peak_import_kw=float(np.max(schedule.grid_import_kw, initial=0.0)),
        co2_kg=co2_kg,
        stored_energy_adjustment=stored_kwh_short * refill_price_per_kwh,
    )


def make_plan(
    problem: ScheduleProblem,
    now: datetime,
    found: Schedule,
    naive: Schedule,
    *,
    solve_status: str,
    solve_seconds: float,
    solver: str,
) -> Plan:
    """Assemble the :class:`Plan` a homeowner sees from an audited schedule."""
    inputs = problem.inputs
    axis = inputs.axis
    breakdown = cost_breakdown(found, inputs)
    baseline = cost_breakdown(
        naive,
        inputs,
        stored_kwh_short=max(0.0, float(found.battery_soc_kwh[-1] - naive.battery_soc_kwh[-1])),
        charge_efficiency=problem.home.battery.charge_efficiency if problem.home.battery else 1.0,
    )
    devices = {d: _segments(axis, p) for d, p in found.device_kw.items()}
    tank_temp_c, indoor_temp_c, bands = temperature_series(problem, found)
    battery = problem.home.battery
    net_battery_kw = found.battery_charge_kw - found.battery_discharge_kw
    if battery is not None:
        devices[battery.id] = _segments(axis, net_battery_kw)
    runs = [_run(problem, d, p) for d, p in found.device_kw.items() if np.any(p > 0)]
    if battery is not None and np.any(np.abs(net_battery_kw) > 0):
        runs.append(_run(problem, battery.id, net_battery_kw))
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
    return Plan(
        id=_plan_id(problem, now),
        home=problem.home.name,
        now=now.astimezone(axis.tz),
        horizon_start=axis.start,
        horizon_end=axis.end,
        step_minutes=axis.step_minutes,
        currency=inputs.currency,
        cost=round(breakdown.total, 6),
        baseline_cost=round(baseline.total, 6),
        saving=round(baseline.total - breakdown.total, 6),
        breakdown=breakdown,
        baseline_breakdown=baseline,
        solve_status=solve_status,  # type: ignore[arg-type]
        solve_seconds=round(solve_seconds, 4),
        solver=solver,
        requests=requests,
        devices=devices,
        runs=runs,
        series=series,
        heat=heat_summary(problem, found),
    )


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


def _run(problem: ScheduleProblem, device_id: str, power_kw: np.ndarray) -> DeviceRun:
    axis = problem.inputs.axis
    active = np.flatnonzero(np.abs(power_kw) > 1e-9)
    energy = power_kw * axis.step_hours
    device = problem.home.device(device_id)
    kind = RUN_KINDS.get(type(device).__name__, "appliance_run")
    return DeviceRun(
        device=device_id,
        kind=kind,  # type: ignore[arg-type]
        start=axis.time_at(int(active[0])),
        end=axis.time_at(int(active[-1]) + 1),
        energy_kwh=round(float(energy.sum()), 4),
        cost=round(float(np.sum(energy * problem.inputs.import_price_per_kwh)), 4),
    )


RUN_KINDS = {
    "Battery": "battery",
    "Ev": "ev_charge",
    "Appliance": "appliance_run",
    "WaterTank": "water_tank",
    "HeatPump": "heat_pump",
    "DailyRunLoad": "daily_load",
}
"""The run kind of each type of device (``DeviceRun.kind``)."""


def _plan_id(problem: ScheduleProblem, now: datetime) -> str:
    """Deterministic id from the home, the clock, the axis and the requests."""
    payload = {
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
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
    return "plan-" + digest[:12]
