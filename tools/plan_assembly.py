"""The plan a homeowner sees, assembled from an audited schedule (pure functions).

:func:`make_plan` turns the solver's schedule and the naive one into a
:class:`~tools.results.Plan`: its cost and the baseline's, the saving split into the requests'
timing and the battery and PV plan, the runs with the grid energy each takes (pro rata, see
:mod:`tools.costs`), the battery requests' lines, the cost table whose rows add up to the cost,
and the per-step series. :func:`with_commitments` adds the approved runs a plan held as fixed
loads (:mod:`tools.commitments`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime

import numpy as np

from tools.baseline import self_consumption
from tools.costs import attribute, cost_breakdown, grid_shares
from tools.formatting import apportion
from tools.heat_report import heat_summary, temperature_series
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
    Segment,
    StepSeries,
)
from tools.scheduler import ScheduleProblem
from tools.scheduler.problem import Schedule


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
    shortfall (:func:`~tools.costs.cost_breakdown`). ``solve_gap`` is ``(money [currency], % of
    the cost)`` of the bound the solver proved.
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


def with_commitments(
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
