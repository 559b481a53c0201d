"""Typed tool adapters over :mod:`tools`, bound to one :class:`~agents.session.PlanningSession`.

Every tool takes a pydantic argument model (``extra="forbid"``) and returns a pydantic result
model, which AutoGen sends to the model as JSON. The numbers in a result are computed here from the
planning core (never typed by a model) and rounded for reading: money to 2 decimals, prices to 4,
energies and powers to 2, percentages to 1. Times are ISO 8601 in the home's time zone.

Errors: the planning core raises :class:`~tools.errors.HearthError` subclasses with messages that
name the field and the reason. An adapter catches exactly those and returns a
:class:`ToolFailure`; :class:`SessionWorkbench` marks such results (and AutoGen's own argument
validation errors) as ``is_error`` so the UI and the run status see them. Nothing else is caught.

Tools per role
--------------
coordinator  ``update_requests``, ``ask_homeowner``, ``get_plan``, ``explain``, ``what_if``
forecaster   ``get_forecast``
scheduler    ``propose_plan``
auditor      ``check_conflicts``, ``verify_reply``

No tool approves or applies a plan.

Time arguments
--------------
Deadlines and earliest starts accept ``"HH:MM"`` (the next such local time after now; ``"24:00"``
is the coming midnight), ``"today HH:MM"``, ``"tomorrow HH:MM"``, ``"+3h"`` / ``"+90min"`` (from
now), an ISO 8601 time with offset, ``"now"`` (earliest start only) and ``"horizon_end"`` (deadline
only, for a homeowner who leaves the time open). A *new* request must carry a deadline: the tool
refuses to invent one, so the model has to ask.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

import numpy as np
from autogen_core import CancellationToken
from autogen_core.tools import BaseTool, StaticWorkbench, ToolResult, ToolSchema
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agents.numbers import verify_numbers
from agents.session import Clarification, MissingFact, PlanningSession
from tools.conflicts import detect_conflicts
from tools.errors import HearthError, RequestError
from tools.home import Appliance, Battery, Ev, Home
from tools.planning import schedule
from tools.requests import DeviceRequest, kind_for, resolve_requests
from tools.results import Conflict, Diagnosis, Plan, ScheduleOutcome
from tools.timeaxis import TimeAxis, parse_aware_datetime

# ============================================================================ models


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NoArgs(StrictModel):
    """This tool takes no arguments."""


class ToolOutput(StrictModel):
    ok: bool = Field(default=True, description="False when the call failed; see error.")


class ToolFailure(ToolOutput):
    """A tool call that could not be carried out, with the reason to act on."""

    ok: bool = False
    tool: str
    error: str = Field(description="What is wrong and, where it helps, what would be accepted.")
    field: str | None = Field(default=None, description="The argument or fact at fault.")


class RequestChange(StrictModel):
    """What the homeowner wants of one device. Fields left out keep their draft value."""

    device: str = Field(description="Device id (or a name the homeowner used).")
    deadline: str | None = Field(
        default=None,
        description="Done by: 'HH:MM' (next such local time), 'tomorrow HH:MM', '+3h', ISO 8601, "
        "or 'horizon_end' if the homeowner leaves it open. Needed for a new device.",
    )
    earliest_start: str | None = Field(default=None, description="Not before: as deadline, or 'now'.")
    target_soc_pct: float | None = Field(default=None, ge=0, le=100, description="Target SoC [%].")
    charge_full: bool | None = Field(default=None, description="Charge to the device's limit.")
    energy_kwh: float | None = Field(default=None, gt=0, le=500, description="Energy to add [kWh].")
    objective: Literal["cost", "co2", "asap"] | None = Field(
        default=None, description="cost (cheapest), co2 (greenest), asap."
    )


class UpdateRequestsArgs(StrictModel):
    upsert: list[RequestChange] = Field(default_factory=list, description="Add or change.")
    cancel: list[str] = Field(default_factory=list, description="Device ids to withdraw.")
    clear_all: bool = Field(default=False, description="Withdraw every request first.")


class DraftResult(ToolOutput):
    requests: list[DeviceRequest] = Field(description="The whole draft after the change.")
    changed: list[str] = Field(description="Device ids added or changed.")
    cancelled: list[str] = Field(description="Device ids withdrawn.")
    horizon_end: datetime = Field(description="End of the planning horizon.")


class AskArgs(StrictModel):
    question: str = Field(min_length=3, max_length=300, description="One short question.")
    missing: list[MissingFact] = Field(min_length=1, description="What the question is about.")


class QuestionRecorded(ToolOutput):
    question: str
    missing: list[MissingFact]


class RunView(StrictModel):
    device: str
    name: str
    start: datetime
    end: datetime
    energy_kwh: float = Field(description="Energy drawn [kWh] (battery: net charge).")
    cost: float = Field(description="That energy at the import price [currency].")


class ConflictView(StrictModel):
    kind: str
    severity: Literal["info", "warning", "error"]
    message: str
    resolutions: list[str]


class AlternativeView(StrictModel):
    description: str


class BindingView(StrictModel):
    kind: str
    device: str | None
    message: str
    alternatives: list[AlternativeView]


class DiagnosisView(StrictModel):
    message: str
    binding: list[BindingView]


class PlanView(ToolOutput):
    """A proposal or plan as the agents see it: runs, money and conflicts, no per-step series."""

    status: Literal["proposed", "infeasible", "error", "active", "none"]
    message: str
    plan_id: str | None = None
    solve_status: str | None = None
    currency: str
    cost: float | None = None
    baseline_cost: float | None = Field(
        default=None, description="Cost if every load ran as soon as it may [currency]."
    )
    saving: float | None = None
    saving_pct: float | None = Field(default=None, description="saving / baseline_cost [%].")
    horizon_start: datetime | None = None
    horizon_end: datetime | None = None
    runs: list[RunView] = Field(default_factory=list)
    requests: list[DeviceRequest] = Field(default_factory=list)
    conflicts: list[ConflictView] = Field(default_factory=list)
    diagnosis: DiagnosisView | None = None


class ForecastSummary(ToolOutput):
    horizon_start: datetime
    horizon_end: datetime
    horizon_hours: float
    currency: str
    import_price_min_per_kwh: float
    import_price_min_at: datetime
    import_price_max_per_kwh: float
    import_price_max_at: datetime
    import_price_mean_per_kwh: float
    export_price_min_per_kwh: float
    export_price_max_per_kwh: float
    pv_energy_kwh: float
    pv_peak_kw: float
    pv_peak_at: datetime | None
    base_load_energy_kwh: float
    base_load_peak_kw: float
    co2_min_g_per_kwh: float | None = None
    co2_min_at: datetime | None = None
    co2_max_g_per_kwh: float | None = None
    co2_max_at: datetime | None = None


class ExplainArgs(StrictModel):
    device: str | None = Field(default=None, description="Device id to explain.")
    at: str | None = Field(default=None, description="A time asked about: 'HH:MM' or ISO 8601.")


class Explanation(ToolOutput):
    """Why a device runs when it does: prices and PV at its run against its alternatives."""

    plan_id: str
    device: str
    name: str
    currency: str
    start: datetime
    end: datetime
    energy_kwh: float
    cost: float
    mean_price_per_kwh: float = Field(description="Energy-weighted import price of the run.")
    pv_energy_kwh_during_run: float = Field(description="PV produced during the run [kWh].")
    window_start: datetime = Field(description="Earliest time the device could start.")
    window_end: datetime = Field(description="When it has to be done.")
    window_price_min_per_kwh: float
    window_price_min_at: datetime
    window_price_max_per_kwh: float
    window_price_max_at: datetime
    asap_start: datetime = Field(description="Start if it ran as soon as allowed.")
    asap_cost: float = Field(description="The same run started at asap_start [currency].")
    asap_mean_price_per_kwh: float
    saving_vs_asap: float = Field(description="asap_cost − cost [currency].")
    at: datetime | None = None
    price_at_per_kwh: float | None = None
    pv_kw_at: float | None = None
    running_at: list[str] = Field(default_factory=list, description="Devices running at 'at' (names).")


class WhatIfArgs(UpdateRequestsArgs):
    adopt: bool = Field(default=False, description="Make it the proposal (only if asked).")


class WhatIfResult(PlanView):
    compared_with: str | None = Field(description="Id of the current proposal, if any.")
    cost_difference: float | None = Field(
        default=None, description="cost − current proposal's cost [currency]."
    )
    adopted: bool


class ConflictReport(ToolOutput):
    plan_id: str | None
    conflicts: list[ConflictView]
    errors: int
    warnings: int
    changed_since_proposal: bool = Field(
        description="True when the re-check differs from what the scheduler reported."
    )
    note: str | None = None


class ReplyCheck(ToolOutput):
    """Whether every number and time in the coordinator's reply appears in a tool result."""

    checked: list[str]
    unverified: list[str]
    verified: bool
    note: str | None = None


# ============================================================================ helpers

_CLOCK = re.compile(r"^(?:(today|tomorrow)\s+)?(\d{1,2}):(\d{2})$")
_RELATIVE = re.compile(r"^\+\s*(\d+(?:\.\d+)?)\s*(h|hours?|min|minutes?)$")


def resolve_when(text: str, session: PlanningSession, field: str, *, allow_end: bool) -> datetime | None:
    """Turn a time argument into an aware datetime (``None`` for ``"now"``).

    See the module docstring for the accepted forms. Raises :class:`RequestError` naming
    ``field`` for anything else.
    """
    value = text.strip().lower()
    tz = ZoneInfo(session.home.timezone)
    local_now = session.now.astimezone(tz)
    if value == "now":
        if allow_end:
            raise RequestError(field, "'now' cannot be a deadline")
        return None
    if value in ("horizon_end", "horizon end", "end"):
        if not allow_end:
            raise RequestError(field, "'horizon_end' is only a deadline")
        return session.axis().end
    relative = _RELATIVE.match(value)
    if relative:
        amount = float(relative.group(1))
        minutes = amount * 60 if relative.group(2).startswith("h") else amount
        return (session.now + timedelta(minutes=minutes)).astimezone(tz)
    clock = _CLOCK.match(value)
    if clock:
        day, hours, minutes = clock.group(1), int(clock.group(2)), int(clock.group(3))
        if minutes >= 60 or hours > 24 or (hours == 24 and minutes):
            raise RequestError(field, f"{text!r} is not a clock time between 00:00 and 24:00")
        midnight = local_now.replace(hour=0, minute=0, second=0, microsecond=0).replace(tzinfo=None)
        offset_days = {"today": 0, "tomorrow": 1}.get(day or "", 0)
        naive = midnight + timedelta(days=offset_days, hours=hours, minutes=minutes)
        moment = _localize(naive, tz)
        if day is None and moment <= local_now:
            moment = _localize(naive + timedelta(days=1), tz)
        return moment
    if "t" in value and len(value) > 10:
        return parse_aware_datetime(text, field).astimezone(tz)
    raise RequestError(
        field,
        f"cannot read the time {text!r}; use 'HH:MM', 'tomorrow HH:MM', '+3h', ISO 8601 with "
        "offset" + (", or 'horizon_end'" if allow_end else ", or 'now'"),
    )


def _localize(naive: datetime, tz: ZoneInfo) -> datetime:
    """A wall-clock time in ``tz``: the first reading of a repeated hour, shifted past a gap."""
    return naive.replace(tzinfo=tz).astimezone(ZoneInfo("UTC")).astimezone(tz)


def resolve_device(home: Home, name: str, field: str = "device") -> str:
    """The id of the one device called ``name``; :class:`RequestError` if none or several."""
    key = name.strip().lower()
    for prefix in ("the ", "my ", "our "):
        if key.startswith(prefix) and not home.find_device(key):
            key = key[len(prefix):]
    matches = home.find_device(key)
    if len(matches) == 1:
        return matches[0]
    known = ", ".join(device_label(d) for d in home.devices()) or "none"
    if not matches:
        raise RequestError(field, f"this home has no device called {name!r} (it has: {known})")
    raise RequestError(field, f"{name!r} could mean {' or '.join(matches)}; say which")


def device_label(device: Battery | Ev | Appliance) -> str:
    return f"{device.id} ({device.name})" if device.name else device.id


def _name(home: Home, device_id: str) -> str:
    try:
        device = home.device(device_id)
    except KeyError:
        return device_id
    return device.name or device_id


def _money(value: float) -> float:
    return round(float(value), 2)


def _price(value: float) -> float:
    return round(float(value), 4)


def _qty(value: float) -> float:
    return round(float(value), 2)


def _conflict_views(conflicts: Sequence[Conflict]) -> list[ConflictView]:
    return [
        ConflictView(kind=c.kind, severity=c.severity, message=c.message, resolutions=c.resolutions)
        for c in conflicts
    ]


def _diagnosis_view(diagnosis: Diagnosis | None) -> DiagnosisView | None:
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
            conflicts=_conflict_views(outcome.conflicts), diagnosis=_diagnosis_view(outcome.diagnosis),
        )
    else:
        view.update(status="active", message="This is the approved (active) plan.")
    if plan is not None:
        saving_pct = (
            round(100 * plan.saving / plan.baseline_cost, 1) if plan.baseline_cost > 0 else None
        )
        view.update(
            plan_id=plan.id, currency=plan.currency, solve_status=plan.solve_status,
            cost=_money(plan.cost), baseline_cost=_money(plan.baseline_cost),
            saving=_money(plan.saving), saving_pct=saving_pct,
            horizon_start=plan.horizon_start.astimezone(tz), horizon_end=plan.horizon_end.astimezone(tz),
            runs=[
                RunView(
                    device=r.device, name=_name(home, r.device), start=r.start.astimezone(tz),
                    end=r.end.astimezone(tz), energy_kwh=_qty(r.energy_kwh), cost=_money(r.cost),
                )
                for r in plan.runs
            ],
            requests=list(plan.requests),
        )
    elif outcome is not None:
        view.update(requests=[])
    return PlanView(**view)


# ============================================================================ the tools


def update_requests(session: PlanningSession, args: UpdateRequestsArgs) -> DraftResult:
    """Add, change or withdraw the homeowner's device requests (the draft).

    The draft changes only if every request in it still fits the home and the horizon.
    """
    draft = apply_changes(session, session.draft, args)
    session.draft = draft
    changed = [resolve_device(session.home, c.device) for c in args.upsert]
    cancelled = [resolve_device(session.home, name, "cancel") for name in args.cancel]
    if not draft:
        session.proposal = None
    return DraftResult(
        requests=draft, changed=changed, cancelled=cancelled, horizon_end=session.axis().end
    )


def apply_changes(
    session: PlanningSession, draft: list[DeviceRequest], args: UpdateRequestsArgs
) -> list[DeviceRequest]:
    """The draft with ``args`` applied, checked against the home and the horizon."""
    home = session.home
    by_device = {} if args.clear_all else {r.device: r for r in draft}
    for name in args.cancel:
        device_id = resolve_device(home, name, "cancel")
        if by_device.pop(device_id, None) is None and device_id not in (
            c.device for c in args.upsert
        ):
            raise RequestError("cancel", f"there is no request for {device_id} to cancel")
    for number, change in enumerate(args.upsert):
        field = f"upsert[{number}]"
        device_id = resolve_device(home, change.device, f"{field}.device")
        by_device[device_id] = _merge(session, by_device.get(device_id), device_id, change, field)
    requests = list(by_device.values())
    resolve_requests(home, session.axis(), session.now, requests)
    return requests


def _merge(
    session: PlanningSession, existing: DeviceRequest | None, device_id: str,
    change: RequestChange, field: str,
) -> DeviceRequest:
    device = session.home.device(device_id)
    fields: dict[str, Any] = (
        existing.model_dump() if existing is not None
        else {"device": device_id, "kind": kind_for(device)}
    )
    if change.deadline is not None:
        fields["deadline"] = resolve_when(change.deadline, session, f"{field}.deadline", allow_end=True)
    elif existing is None:
        raise RequestError(
            f"{field}.deadline",
            f"a new request for {device_id} needs a deadline; ask the homeowner by when "
            "(use 'horizon_end' only if they leave the time open)",
        )
    if change.earliest_start is not None:
        fields["earliest_start"] = resolve_when(
            change.earliest_start, session, f"{field}.earliest_start", allow_end=False
        )
    amounts = [change.target_soc_pct is not None, bool(change.charge_full), change.energy_kwh is not None]
    if sum(amounts) > 1:
        raise RequestError(field, "give one of target_soc_pct, charge_full or energy_kwh")
    if change.charge_full:
        if isinstance(device, Appliance):
            raise RequestError(f"{field}.charge_full", f"{device_id} is an appliance: it takes no charge target")
        fields.update(target_soc_pct=device.max_soc_pct, energy_kwh=None)
    if change.target_soc_pct is not None:
        fields.update(target_soc_pct=change.target_soc_pct, energy_kwh=None)
    if change.energy_kwh is not None:
        fields.update(energy_kwh=change.energy_kwh, target_soc_pct=None)
    if change.objective is not None:
        fields["objective"] = change.objective
    try:
        return DeviceRequest.model_validate(fields)
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise RequestError(f"{field}.{where}", first["msg"].lower()) from None


def ask_homeowner(session: PlanningSession, args: AskArgs) -> QuestionRecorded:
    """Ask the homeowner one clarifying question; the run ends and waits for the answer."""
    question = args.question.strip()
    if not question.endswith("?"):
        raise RequestError("question", "must be one question ending with '?'")
    clarification = Clarification(question=question, missing=args.missing, asked_at=session.now)
    session.pending = clarification
    session.run.question = clarification
    return QuestionRecorded(question=question, missing=args.missing)


def get_plan(session: PlanningSession, args: NoArgs) -> PlanView:
    """The latest proposal (runs, cost, saving, conflicts) or, without one, the active plan."""
    del args
    if session.proposal is not None:
        return plan_view(session.home, session.proposal)
    return plan_view(session.home, None, active=session.active_plan())


def propose_plan(session: PlanningSession, args: NoArgs) -> PlanView:
    """Run the optimiser on the draft requests and make the result the proposal."""
    del args
    if not session.draft:
        raise RequestError("draft", "there are no requests to plan; the coordinator adds them first")
    outcome = schedule(
        session.home, session.now, list(session.draft), inputs=session.inputs(),
        active_plan=session.active_plan(),
    )
    session.proposal = outcome
    session.run.proposal = outcome
    session.pending = None
    return plan_view(session.home, outcome)


def what_if(session: PlanningSession, args: WhatIfArgs) -> WhatIfResult:
    """Plan a changed draft (e.g. another deadline) and compare it with the proposal.

    The proposal is replaced only with ``adopt=True``.
    """
    draft = apply_changes(session, session.draft, args)
    if not draft:
        raise RequestError("upsert", "the changed draft has no requests to plan")
    outcome = schedule(
        session.home, session.now, draft, inputs=session.inputs(), active_plan=session.active_plan(),
    )
    current = session.latest_plan()
    view = plan_view(session.home, outcome)
    difference = (
        _money(outcome.plan.cost - current.cost)
        if outcome.plan is not None and current is not None else None
    )
    if args.adopt:
        session.draft = draft
        session.proposal = outcome
        session.run.proposal = outcome
    return WhatIfResult(
        **view.model_dump(), compared_with=current.id if current is not None else None,
        cost_difference=difference, adopted=args.adopt,
    )


def get_forecast(session: PlanningSession, args: NoArgs) -> ForecastSummary:
    """Import/export prices, PV and base load over the planning horizon, summarised."""
    del args
    inputs = session.inputs()
    axis = inputs.axis
    times = axis.index.to_pydatetime()
    price = inputs.import_price_per_kwh
    pv = inputs.pv_kw
    h = axis.step_hours
    has_pv = bool(np.any(pv > 0))
    co2 = inputs.co2_g_per_kwh
    return ForecastSummary(
        horizon_start=axis.start, horizon_end=axis.end, horizon_hours=round(axis.hours, 2),
        currency=inputs.currency,
        import_price_min_per_kwh=_price(price.min()), import_price_min_at=times[int(np.argmin(price))],
        import_price_max_per_kwh=_price(price.max()), import_price_max_at=times[int(np.argmax(price))],
        import_price_mean_per_kwh=_price(price.mean()),
        export_price_min_per_kwh=_price(inputs.export_price_per_kwh.min()),
        export_price_max_per_kwh=_price(inputs.export_price_per_kwh.max()),
        pv_energy_kwh=_qty(pv.sum() * h), pv_peak_kw=_qty(pv.max()),
        pv_peak_at=times[int(np.argmax(pv))] if has_pv else None,
        base_load_energy_kwh=_qty(inputs.base_load_kw.sum() * h),
        base_load_peak_kw=_qty(inputs.base_load_kw.max()),
        co2_min_g_per_kwh=None if co2 is None else round(float(co2.min()), 1),
        co2_min_at=None if co2 is None else times[int(np.argmin(co2))],
        co2_max_g_per_kwh=None if co2 is None else round(float(co2.max()), 1),
        co2_max_at=None if co2 is None else times[int(np.argmax(co2))],
    )


def explain(session: PlanningSession, args: ExplainArgs) -> Explanation:
    """Why a device runs when it does: the price and PV at its run against its other options."""
    plan = session.latest_plan() or session.active_plan()
    if plan is None:
        raise RequestError("plan", "there is no plan to explain yet")
    tz = ZoneInfo(session.home.timezone)
    axis = TimeAxis.between(
        plan.horizon_start, plan.horizon_end, tz_name=session.home.timezone,
        step_minutes=plan.step_minutes,
    )
    power = _device_power(plan)
    at = resolve_when(args.at, _clock_of(session, plan), "at", allow_end=True) if args.at else None
    at_step = axis.boundary_at_or_before(at) if at is not None else None
    if at_step is not None and not 0 <= at_step < axis.n_steps:
        raise RequestError("at", f"{args.at!r} is outside the plan ({plan.horizon_start} to {plan.horizon_end})")
    running_at = (
        [d for d, p in power.items() if at_step is not None and p[at_step] > 1e-9]
        if at_step is not None else []
    )
    if args.device is not None:
        device_id = resolve_device(session.home, args.device)
    elif len(running_at) >= 1:
        device_id = running_at[0]
    else:
        raise RequestError("device", "say which device to explain (nothing runs at that time)")
    if device_id not in power or not np.any(power[device_id] > 1e-9):
        raise RequestError("device", f"{device_id} does not draw power in plan {plan.id}")
    p = np.clip(power[device_id], 0.0, None)
    price = np.asarray(plan.series.import_price_per_kwh)
    pv = np.asarray(plan.series.pv_kw)
    h = axis.step_hours
    active = np.flatnonzero(p > 1e-9)
    request = next((r for r in plan.requests if r.device == device_id), None)
    first = axis.boundary_at_or_after(request.earliest_start) if request and request.earliest_start else 0
    end = axis.boundary_at_or_before(request.deadline) if request and request.deadline else axis.n_steps
    first = min(first, int(active[0]))
    end = max(end, int(active[-1]) + 1)
    window = price[first:end]
    energy = float(p.sum() * h)
    cost = float(np.sum(p * price) * h)
    profile = p[active[0]: active[-1] + 1]
    asap = np.zeros_like(p)
    span = min(len(profile), axis.n_steps - first)
    asap[first: first + span] = profile[:span]
    asap_cost = float(np.sum(asap * price) * h)
    asap_energy = float(asap.sum() * h)
    times = axis.index.to_pydatetime()
    return Explanation(
        plan_id=plan.id, device=device_id, name=_name(session.home, device_id),
        currency=plan.currency, start=axis.time_at(int(active[0])), end=axis.time_at(int(active[-1]) + 1),
        energy_kwh=_qty(energy), cost=_money(cost), mean_price_per_kwh=_price(cost / energy),
        pv_energy_kwh_during_run=_qty(pv[active].sum() * h),
        window_start=axis.time_at(first), window_end=axis.time_at(end),
        window_price_min_per_kwh=_price(window.min()),
        window_price_min_at=times[first + int(np.argmin(window))],
        window_price_max_per_kwh=_price(window.max()),
        window_price_max_at=times[first + int(np.argmax(window))],
        asap_start=axis.time_at(first), asap_cost=_money(asap_cost),
        asap_mean_price_per_kwh=_price(asap_cost / asap_energy) if asap_energy > 0 else _price(0.0),
        saving_vs_asap=_money(asap_cost - cost),
        at=None if at is None else at.astimezone(tz),
        price_at_per_kwh=None if at_step is None else _price(price[at_step]),
        pv_kw_at=None if at_step is None else _qty(pv[at_step]),
        running_at=[_name(session.home, d) for d in running_at],
    )


def _device_power(plan: Plan) -> dict[str, np.ndarray]:
    power = {d: np.asarray(p) for d, p in plan.series.device_kw.items()}
    charge = np.asarray(plan.series.battery_charge_kw)
    if np.any(charge > 0):
        for device_id in plan.devices:
            if device_id not in power:
                power[device_id] = charge
    return power


@dataclass
class _PlanClock:
    """Just enough of a session to resolve a time against the plan's own clock."""

    home: Home
    now: datetime
    plan: Plan

    def axis(self) -> TimeAxis:
        return TimeAxis.between(
            self.plan.horizon_start, self.plan.horizon_end, tz_name=self.home.timezone,
            step_minutes=self.plan.step_minutes,
        )


def _clock_of(session: PlanningSession, plan: Plan) -> Any:
    return _PlanClock(home=session.home, now=plan.now, plan=plan)


def check_conflicts(session: PlanningSession, args: NoArgs) -> ConflictReport:
    """Re-run the conflict detector on the latest proposal against the active plan now."""
    del args
    plan = session.latest_plan()
    if plan is None:
        return ConflictReport(
            plan_id=None, conflicts=[], errors=0, warnings=0, changed_since_proposal=False,
            note="there is no proposed plan to check",
        )
    axis = TimeAxis.between(
        plan.horizon_start, plan.horizon_end, tz_name=session.home.timezone,
        step_minutes=plan.step_minutes,
    )
    resolved = resolve_requests(session.home, axis, plan.now, list(plan.requests))
    conflicts = detect_conflicts(session.home, axis, resolved, plan, session.active_plan())
    reported = session.proposal.conflicts if session.proposal is not None else []
    return ConflictReport(
        plan_id=plan.id, conflicts=_conflict_views(conflicts),
        errors=sum(c.severity == "error" for c in conflicts),
        warnings=sum(c.severity == "warning" for c in conflicts),
        changed_since_proposal=[c.model_dump() for c in conflicts] != [c.model_dump() for c in reported],
    )


def verify_reply(session: PlanningSession, args: NoArgs) -> ReplyCheck:
    """Check that every number and time in the coordinator's reply appears in a tool result."""
    del args
    reply = session.run.reply_under_audit
    if reply is None:
        return ReplyCheck(checked=[], unverified=[], verified=True, note="there is no reply to check")
    references: list[Any] = [
        r.model_dump(mode="json") for r in session.run.tool_results if not isinstance(r, ReplyCheck)
    ]
    references.append(get_plan(session, NoArgs()).model_dump(mode="json"))
    check = verify_numbers(reply, references, session.home.timezone)
    result = ReplyCheck(
        checked=check.checked, unverified=check.unverified, verified=not check.unverified
    )
    session.run.audits.append(result)
    return result


# ============================================================================ AutoGen binding

ToolFn = Callable[[PlanningSession, Any], BaseModel]


@dataclass(frozen=True)
class ToolSpec:
    name: str
    fn: ToolFn
    args_type: type[StrictModel]
    result_type: type[BaseModel]
    description: str
    blocking: bool = False


SPECS: dict[str, ToolSpec] = {
    spec.name: spec
    for spec in (
        ToolSpec("update_requests", update_requests, UpdateRequestsArgs, DraftResult,
                 "Add, change or cancel the homeowner's device requests (one per device). "
                 "Fields you leave out keep their draft value. The scheduler then plans the draft."),
        ToolSpec("ask_homeowner", ask_homeowner, AskArgs, QuestionRecorded,
                 "Ask the homeowner ONE clarifying question when a device, a deadline or a target "
                 "is missing or ambiguous. Ends your turn; the answer comes in the next message."),
        ToolSpec("get_plan", get_plan, NoArgs, PlanView,
                 "The latest proposal (runs, cost, saving, conflicts), or the active plan."),
        ToolSpec("explain", explain, ExplainArgs, Explanation,
                 "Why a device runs when it does: prices and PV during its run against starting "
                 "as soon as allowed, and the cheapest and dearest prices in its window."),
        ToolSpec("what_if", what_if, WhatIfArgs, WhatIfResult,
                 "Plan a changed draft (same arguments as update_requests) and compare its cost "
                 "with the proposal, without replacing it unless adopt is true.", blocking=True),
        ToolSpec("get_forecast", get_forecast, NoArgs, ForecastSummary,
                 "Import and export prices, PV production and base load over the horizon.",
                 blocking=True),
        ToolSpec("propose_plan", propose_plan, NoArgs, PlanView,
                 "Optimise the draft requests jointly (MILP) and propose the plan, or diagnose "
                 "why they cannot all be met.", blocking=True),
        ToolSpec("check_conflicts", check_conflicts, NoArgs, ConflictReport,
                 "Re-check the latest proposal for conflicts (grid limit, quiet hours, order, "
                 "overlaps, battery reserve, the active plan)."),
        ToolSpec("verify_reply", verify_reply, NoArgs, ReplyCheck,
                 "Check that every number and time in the coordinator's last reply appears in a "
                 "tool result of this run."),
    )
}

ROLE_TOOLS: dict[str, tuple[str, ...]] = {
    "coordinator": ("update_requests", "ask_homeowner", "get_plan", "explain", "what_if"),
    "forecaster": ("get_forecast",),
    "scheduler": ("propose_plan",),
    "auditor": ("check_conflicts", "verify_reply"),
}


class SessionTool(BaseTool[StrictModel, BaseModel]):
    """One tool of :data:`SPECS` bound to a session.

    A :class:`~tools.errors.HearthError` from the planning core becomes a :class:`ToolFailure`;
    every result, failed or not, is recorded in the session's run state.
    """

    def __init__(self, spec: ToolSpec, session: PlanningSession) -> None:
        super().__init__(spec.args_type, spec.result_type, spec.name, spec.description)
        self._spec = spec
        self._session = session

    async def run(self, args: StrictModel, cancellation_token: CancellationToken) -> BaseModel:
        del cancellation_token
        if self._spec.blocking:
            return await asyncio.to_thread(self.call, args)
        return self.call(args)

    @property
    def schema(self) -> ToolSchema:
        """The JSON schema without pydantic's titles and ``null`` alternatives (fewer tokens)."""
        schema = super().schema
        return ToolSchema(
            name=schema["name"], description=schema.get("description", ""),
            parameters=compact_schema(dict(schema["parameters"])),  # type: ignore[typeddict-item]
            strict=schema.get("strict", False),
        )

    def return_value_as_string(self, value: Any) -> str:
        """JSON of the result (datetimes as ISO 8601), which is what the model reads."""
        if isinstance(value, BaseModel):
            return value.model_dump_json()
        return str(value)

    def call(self, args: StrictModel) -> BaseModel:
        """Run the tool synchronously (also handy in tests)."""
        try:
            result = self._spec.fn(self._session, args)
        except HearthError as err:
            result = ToolFailure(tool=self.name, error=str(err), field=getattr(err, "field", None))
        self._session.record(self.name, result, ok=not isinstance(result, ToolFailure))
        return result


def compact_schema(node: Any) -> Any:
    """Drop ``title`` keys, ``default: null`` and ``anyOf: [X, null]`` wrappers, recursively.

    Optional fields stay optional (they are not in ``required``); the model just reads less.
    """
    if isinstance(node, list):
        return [compact_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {k: compact_schema(v) for k, v in node.items() if k != "title"}
    if isinstance(node.get("properties"), dict):
        out["properties"] = {k: compact_schema(v) for k, v in node["properties"].items()}
    if out.get("default", 0) is None:
        del out["default"]
    options = out.get("anyOf")
    if isinstance(options, list):
        kept = [o for o in options if o != {"type": "null"}]
        if len(kept) == 1 and isinstance(kept[0], dict):
            del out["anyOf"]
            out = {**kept[0], **out}
    return out


class SessionWorkbench(StaticWorkbench):
    """A static workbench that reports :class:`ToolFailure` results as errors.

    AutoGen's own failures (malformed JSON, argument validation, unknown tool) are recorded in
    the session too, so a run knows about every failed call.
    """

    def __init__(self, session: PlanningSession, tools: list[SessionTool]) -> None:
        super().__init__(tools)
        self._session = session

    async def call_tool(
        self,
        name: str,
        arguments: Mapping[str, Any] | None = None,
        cancellation_token: CancellationToken | None = None,
        call_id: str | None = None,
    ) -> ToolResult:
        before = len(self._session.run.records)
        result = await super().call_tool(name, arguments, cancellation_token, call_id)
        if len(self._session.run.records) == before:
            text = result.to_text()
            self._session.record(name, ToolFailure(tool=name, error=text), ok=False)
            return result
        if not result.is_error and not self._session.run.records[-1].ok:
            return result.model_copy(update={"is_error": True})
        return result


def tools_for(role: str, session: PlanningSession) -> list[SessionTool]:
    """The tools of ``role`` bound to ``session``."""
    return [SessionTool(SPECS[name], session) for name in ROLE_TOOLS[role]]


def workbench_for(role: str, session: PlanningSession) -> SessionWorkbench:
    return SessionWorkbench(session, tools_for(role, session))


def result_json(result: BaseModel) -> str:
    """A result as the model sees it (what AutoGen's BaseTool sends)."""
    return json.dumps(result.model_dump(mode="json"))
