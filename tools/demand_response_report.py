"""What taking part in demand-response events costs the household and what it earns.

Compares the plan that takes part with the same requests planned without the events (the
reference, which also gives the reduction's baseline import). Money: the reference's net cost,
this plan's net cost before the incentive, the incentive (``incentive × (reference − import)``
over each window) and the net gain. Comfort and service: every request left short, lowest
priority first, and each room's and tank's lowest temperature against the reference's.
"""

from __future__ import annotations

import numpy as np

from tools import formatting
from tools.heat_results import DemandResponseSummary, EventResult, ShedItem
from tools.home import PRIORITY_ORDER, Appliance, DailyRunLoad, Ev, HeatPump, WaterTank
from tools.results import Plan
from tools.scheduler.problem import Schedule, ScheduleProblem


def demand_response_summary(
    problem: ScheduleProblem, schedule: Schedule, plan: Plan, reference: Plan
) -> DemandResponseSummary:
    """The summary of ``plan`` (taking part) against ``reference`` (not taking part)."""
    axis = problem.inputs.axis
    dt = axis.step_hours
    reference_import = np.asarray(reference.series.grid_import_kw)
    events = []
    for event in problem.events:
        first, end = event.steps(axis)
        baseline = (
            np.full(end - first, event.reference_kw)
            if event.reference_kw is not None
            else reference_import[first:end]
        )
        ref_kwh = float(baseline.sum() * dt)
        import_kwh = float(schedule.grid_import_kw[first:end].sum() * dt)
        reduced = ref_kwh - import_kwh
        events.append(
            EventResult(
                id=event.id,
                start=event.start.astimezone(axis.tz),
                end=event.end.astimezone(axis.tz),
                ask=event.describe(axis.tz),
                reference_kwh=round(ref_kwh, 4),
                import_kwh=round(import_kwh, 4),
                reduced_kwh=round(reduced, 4),
                earned=round(event.incentive_per_kwh * reduced, 4),
            )
        )
    earned = sum(e.earned for e in events)
    shed = _shed_items(problem, schedule)
    comfort = _comfort_lines(problem, plan, reference)
    net_gain = reference.cost - (plan.cost - earned)
    currency = plan.currency
    parts = [
        f"Taking part ({'; '.join(e.ask for e in events)}) earns "
        f"{formatting.money(earned, currency)} for "
        f"{formatting.energy(sum(e.reduced_kwh for e in events))} less import; energy costs "
        f"{formatting.round_money(plan.cost - reference.cost):+.2f} {currency}, so you come out "
        f"{formatting.round_money(net_gain):+.2f} {currency}"
    ]
    for event, result in zip(problem.events, events, strict=True):
        hours = (event.end - event.start).total_seconds() / 3600
        if event.reduction_kw is not None and result.reduced_kwh < event.reduction_kw * hours - 1e-6:
            parts.append(
                f"without taking part the home would import only {formatting.energy(result.reference_kwh)} "
                f"{event.window_text(axis.tz)}, so it cannot reduce by "
                f"{event.reduction_kw:g} kW throughout"
            )
    if shed:
        parts.append("it leaves short: " + "; ".join(item.text for item in shed))
    parts += comfort
    return DemandResponseSummary(
        events=events,
        cost_without=round(reference.cost, 6),
        cost_with=round(plan.cost, 6),
        earned=round(earned, 6),
        net_gain=round(net_gain, 6),
        shed=shed,
        comfort=comfort,
        message="; ".join(parts),
    )


def _shed_items(problem: ScheduleProblem, schedule: Schedule) -> list[ShedItem]:
    home = problem.home
    dt = problem.step_hours
    items = []
    for device_id, kwh in schedule.shed_kwh.items():
        if kwh <= 1e-6:
            continue
        device = home.device(device_id)
        name = home.label(device_id)
        assert isinstance(device, Ev | Appliance | WaterTank | HeatPump | DailyRunLoad)
        if isinstance(device, Ev):
            text = f"{name} gets {formatting.energy(kwh)} less charge"
        elif isinstance(device, Appliance):
            text = f"{name} does not run"
        elif isinstance(device, DailyRunLoad):
            hours = float(np.sum(schedule.device_kw[device_id] > 0) * dt)
            text = f"{name} runs {hours:g} h instead of {device.min_hours_per_day:g} h"
        elif isinstance(device, WaterTank):
            text = f"{name} misses its target temperature"
        else:
            temps = schedule.temperature_c[device_id]
            text = f"{name} lets the room reach {temps.min():.1f} °C, below its band"
        items.append(
            ShedItem(
                device=device_id,
                name=name,
                priority=device.priority,
                shortfall_kwh=round(kwh, 4),
                text=text,
            )
        )
    items.sort(key=lambda item: PRIORITY_ORDER.index(item.priority))
    return items


def _comfort_lines(problem: ScheduleProblem, plan: Plan, reference: Plan) -> list[str]:
    lines = []
    home = problem.home
    for device in home.thermal_devices():
        series = (
            plan.series.tank_temp_c if isinstance(device, WaterTank) else plan.series.indoor_temp_c
        )
        before = (
            reference.series.tank_temp_c
            if isinstance(device, WaterTank)
            else reference.series.indoor_temp_c
        )
        low, low_before = min(series[device.id]), min(before[device.id])
        if abs(low - low_before) < 0.05:
            continue
        lines.append(
            f"{home.label(device.id)} goes down to {low:.1f} °C (without taking part "
            f"{low_before:.1f} °C)"
        )
    return lines
