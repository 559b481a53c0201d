"""The agents' view of plans, conflicts and diagnoses, rounded for reading (money 2 decimals, prices 4,
energies and powers 2, percentages 1); device names as the home file gives them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from agents.tools.models import (
    AlternativeView,
    BindingView,
    ConflictView,
    DiagnosisView,
    PlanView,
    RunView,
)
from tools.home import Appliance, Battery, Ev, Home
from tools.results import Conflict, Diagnosis, Plan, ScheduleOutcome


def device_label(device: Battery | Ev | Appliance) -> str:
    return f"{device.id} ({device.name})" if device.name else device.id


def device_name(home: Home, device_id: str) -> str:
    try:
        device = home.device(device_id)
    except KeyError:
        return device_id
    return device.name or device_id


def round_money(value: float) -> float:
    return round(float(value), 2)


def round_price(value: float) -> float:
    return round(float(value), 4)


def round_qty(value: float) -> float:
    return round(float(value), 2)


def conflict_views(conflicts: Sequence[Conflict]) -> list[ConflictView]:
    return [
        ConflictView(kind=c.kind, severity=c.severity, message=c.message, resolutions=c.resolutions,
                     devices=list(c.devices))
        for c in conflicts
    ]


def diagnosis_view(diagnosis: Diagnosis | None) -> DiagnosisView | None:
    if diagnosis is None:
        return None
    return DiagnosisView(
        message=diagnosis.message,
        binding=[
            BindingView(
                kind=b.kind, device=b.device, message=b.message,
                alternatives=[
                    AlternativeView(
                        description=a.description, device=a.device, target_soc_pct=a.target_soc_pct,
                        energy_kwh=a.energy_kwh, deadline=a.deadline, earliest_start=a.earliest_start,
                    )
                    for a in b.alternatives
                ],
            )
            for b in diagnosis.binding
        ],
    )


def plan_view(home: Home, outcome: ScheduleOutcome | None, *, active: Plan | None = None) -> PlanView:
    """The agents' view of an outcome (or of the active plan when there is no outcome)."""
    tz = ZoneInfo(home.timezone)
    if outcome is None and active is None:
        return PlanView(
            status="none", currency=home.tariff.currency,
            message="There is no proposal or active plan yet.",
        )
    plan = outcome.plan if outcome is not None else active
    view: dict[str, Any] = {"currency": home.tariff.currency}
    if outcome is not None:
        view.update(
            status=outcome.status, message=outcome.message, solve_status=outcome.solve_status,
            conflicts=conflict_views(outcome.conflicts), diagnosis=diagnosis_view(outcome.diagnosis),
        )
    else:
        view.update(status="active", message="This is the approved (active) plan.")
    if plan is not None:
        saving_pct = (
            round(100 * plan.saving / plan.baseline_cost, 1) if plan.baseline_cost > 0 else None
        )
        view.update(
            plan_id=plan.id, currency=plan.currency, solve_status=plan.solve_status,
            cost=round_money(plan.cost), baseline_cost=round_money(plan.baseline_cost),
            saving=round_money(plan.saving), saving_pct=saving_pct,
            horizon_start=plan.horizon_start.astimezone(tz), horizon_end=plan.horizon_end.astimezone(tz),
            runs=[
                RunView(
                    device=r.device, name=device_name(home, r.device), start=r.start.astimezone(tz),
                    end=r.end.astimezone(tz), energy_kwh=round_qty(r.energy_kwh), cost=round_money(r.cost),
                )
                for r in plan.runs
            ],
            requests=list(plan.requests),
            heat=[line.text for line in plan.heat.lines] if plan.heat is not None else [],
            demand_response=(
                plan.demand_response.message if plan.demand_response is not None else None
            ),
        )
    elif outcome is not None:
        view.update(requests=list(outcome.requests))  # what could not be met
    return PlanView(**view)
