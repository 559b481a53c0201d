"""The agents' view of plans, conflicts and diagnoses, rounded by Hearth's one rounding rule
(:mod:`tools.formatting`: money 2 decimals, prices 4, energies and powers 1, percentages 1), so a
reply that quotes a view shows every figure as the table and the chart do; device names as the
home file gives them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from agents.tools.models import (
    AlternativeView,
    BatteryRequestView,
    BindingView,
    ConflictView,
    DiagnosisView,
    PlanView,
    RunView,
)
from tools.formatting import (
    apportion,
    round_energy,
    round_money,
    round_pct,
    round_power,
    round_price,
    share_of,
)
from tools.home import Appliance, Battery, Ev, Home
from tools.results import Conflict, Diagnosis, Plan, ScheduleOutcome

__all__ = [
    "conflict_views", "device_label", "device_name", "diagnosis_view", "plan_view", "round_money",
    "round_price",
]


def device_label(device: Battery | Ev | Appliance) -> str:
    return f"{device.id} ({device.name})" if device.name else device.id


def device_name(home: Home, device_id: str) -> str:
    try:
        device = home.device(device_id)
    except KeyError:
        return device_id
    return device.name or device_id


def conflict_views(conflicts: Sequence[Conflict]) -> list[ConflictView]:
    return [
        ConflictView(kind=c.kind, severity=c.severity, message=c.message, resolutions=c.resolutions)
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
                alternatives=[AlternativeView(description=a.description) for a in b.alternatives],
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
        timing, battery_pv = apportion([plan.savings.timing, plan.savings.battery_pv])
        view.update(
            plan_id=plan.id, currency=plan.currency, solve_status=plan.solve_status,
            solve_gap=None if plan.solve_gap is None else round_money(plan.solve_gap),
            solve_gap_pct=None if plan.solve_gap_pct is None else round_pct(plan.solve_gap_pct),
            basis=plan.basis,
            cost=round_money(plan.cost), baseline_cost=round_money(plan.baseline_cost),
            saving=round_money(plan.saving), baseline_valid=plan.baseline_valid,
            saving_pct_of_baseline=share_of(plan.saving, plan.baseline_cost),
            timing_saving=timing, battery_pv_saving=battery_pv,
            horizon_start=plan.horizon_start.astimezone(tz), horizon_end=plan.horizon_end.astimezone(tz),
            runs=[
                RunView(
                    device=r.device, name=device_name(home, r.device), start=r.start.astimezone(tz),
                    end=r.end.astimezone(tz), energy_kwh=round_energy(r.energy_kwh),
                    grid_energy_kwh=round_energy(r.grid_energy_kwh), cost=round_money(r.cost),
                )
                for r in plan.runs
            ],
            battery_requests=[
                BatteryRequestView(
                    kind=b.kind, start=b.start.astimezone(tz), end=b.end.astimezone(tz),
                    requested_soc_pct=None if b.requested_soc_pct is None else round_pct(b.requested_soc_pct),
                    planned_soc_pct=None if b.planned_soc_pct is None else round_pct(b.planned_soc_pct),
                    largest_discharge_kw=None if b.largest_discharge_kw is None
                    else round_power(b.largest_discharge_kw),
                )
                for b in plan.battery_requests
            ],
            requests=list(plan.requests),
            heat=[line.text for line in plan.heat.lines] if plan.heat is not None else [],
            demand_response=(
                plan.demand_response.message if plan.demand_response is not None else None
            ),
        )
    elif outcome is not None:
        view.update(requests=[])
    return PlanView(**view)
