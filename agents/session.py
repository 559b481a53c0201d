"""One planning conversation's state, injected into the tools and the team (never global).

A :class:`PlanningSession` holds the home, the clock, the draft requests, the latest proposal and a
handle on the plan store. ``app/`` builds one per chat (or per CLI call); the team factory binds
the tools to it. Everything an agent learns about the home, it learns through tools reading this
object. The session never approves a plan: approval is plain code against the plan store.

A *run* is one homeowner message going through the team. :class:`RunState` records what the tools
did during the current run (their typed results, a clarifying question, the reply under audit),
so the final status is computed from facts, not from the wording of a reply.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal, Protocol, runtime_checkable

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from tools.demand_response import DemandResponseEvent
from tools.home import Home
from tools.inputs import PlanningInputs, build_inputs
from tools.requests import DeviceRequest
from tools.results import Commitment, Plan, ScheduleOutcome
from tools.standing import StandingOrder, StandingOrderSpec, standing_requests
from tools.timeaxis import TimeAxis, require_aware

MissingFact = Literal["device", "deadline", "target", "objective", "other"]

#: Builds the planning inputs of a home on an axis. ``app/`` injects one backed by the price and
#: weather providers (``app.providers.ProviderInputs``); the default reads the home file only.
InputsBuilder = Callable[[Home, TimeAxis], PlanningInputs]


@runtime_checkable
class PlanStoreHandle(Protocol):
    """What the team may read from the plan store (``app/store.py``): the latest approved plan
    and the commitments per device that are in force.

    :class:`app.store.PlanStore` satisfies it. Approving is deliberately not part of this
    protocol: no tool can reach it.
    """

    def active(self) -> Plan | None: ...

    def active_commitments(self, at: datetime | None = None) -> list[Commitment]: ...


class Clarification(BaseModel):
    """A question the coordinator asked the homeowner, waiting for an answer."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    question: str = Field(description="The one question asked.")
    missing: list[MissingFact] = Field(description="Which facts the question is about.")
    asked_at: AwareDatetime = Field(description="Session clock when it was asked.")


@runtime_checkable
class StandingOrdersHandle(Protocol):
    """What the team may do with the standing orders (``app/standing.py``).

    :class:`app.standing.StandingOrders` satisfies it. Approving is deliberately not part of this
    protocol: an agent can propose a standing order, and pause, resume or cancel one when the
    homeowner says so, but only a human approves one.
    """

    def list(self, *, include_cancelled: bool = False) -> list[StandingOrder]: ...

    def propose(
        self, spec: StandingOrderSpec, home: Home, *, text: str | None = None
    ) -> StandingOrder: ...

    def pause(self, order_id: int, until: date | None = None) -> StandingOrder: ...

    def resume(self, order_id: int) -> StandingOrder: ...

    def cancel(self, order_id: int) -> StandingOrder: ...


@dataclass(frozen=True)
class ToolRecord:
    """One tool call of the current run: its name, whether it succeeded, and its typed result."""

    tool: str
    ok: bool
    result: BaseModel


@dataclass(frozen=True)
class WhatIf:
    """A what-if the homeowner was shown but did not adopt: its draft and its outcome."""

    draft: list[DeviceRequest]
    outcome: ScheduleOutcome


@dataclass
class RunState:
    """What happened during the current run (one homeowner message through the team)."""

    now: datetime
    records: list[ToolRecord] = field(default_factory=list)
    proposal: ScheduleOutcome | None = None
    question: Clarification | None = None
    reply_under_audit: str | None = None
    audits: list[BaseModel] = field(default_factory=list)
    rewrites: int = 0

    def results_of(self, *tools: str) -> list[BaseModel]:
        """Typed results of successful calls of the given tools (all tools if none given)."""
        return [r.result for r in self.records if r.ok and (not tools or r.tool in tools)]

    @property
    def tool_results(self) -> list[BaseModel]:
        """Every typed result of this run, failed calls included (their error text counts too)."""
        return [r.result for r in self.records]


@dataclass
class PlanningSession:
    """State of one planning conversation.

    Attributes
    ----------
    home:
        The home description.
    now:
        The session clock, tz-aware. Updated per run by :meth:`begin_run`.
    store:
        Read-only handle on the plan store (its active plan), or ``None``.
    step_minutes:
        Planning step [min] passed to the scheduler.
    horizon_hours:
        Planning horizon [h] passed to the scheduler.
    draft:
        The requests the homeowner has asked for so far, one per device (approved ones leave it:
        they are commitments in the store then).
    released:
        Ids of devices whose approved run the homeowner cancelled in this conversation; the next
        plan withdraws them, and approving it makes that final.
    proposal:
        The latest proposal (or infeasible outcome) of the scheduler, if any.
    pending:
        The clarifying question waiting for an answer, if any.
    what_if:
        The latest what-if not adopted, if any; adopting it (the UI's button, or ``what_if``
        with ``adopt``) makes it the draft and the proposal.
    events:
        Demand-response events the home has been offered (from the runner, the HTTP API or
        MQTT); every proposal then plans taking part and says what it costs and earns.
    inputs_builder:
        Builds prices, PV, weather and base load for the axis; injected by ``app/`` (live
        providers with their cache and fallbacks), :func:`tools.inputs.build_inputs` by default.
    standing:
        The standing orders (``app/standing.py``), or ``None``: their requests join every plan
        for the devices the draft does not cover.
    """

    home: Home
    now: datetime
    store: PlanStoreHandle | None = None
    step_minutes: int = 15
    horizon_hours: float = 24.0
    draft: list[DeviceRequest] = field(default_factory=list)
    released: list[str] = field(default_factory=list)
    proposal: ScheduleOutcome | None = None
    pending: Clarification | None = None
    what_if: WhatIf | None = None
    events: list[DemandResponseEvent] = field(default_factory=list)
    inputs_builder: InputsBuilder = build_inputs
    standing: StandingOrdersHandle | None = None
    run: RunState = field(init=False)
    _inputs: PlanningInputs | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        require_aware(self.now, "now")
        self.run = RunState(now=self.now)

    # -- runs ---------------------------------------------------------------------------------

    def begin_run(self, now: datetime | None = None) -> RunState:
        """Start a new run, optionally moving the clock to ``now``; returns the fresh run state."""
        if now is not None:
            self.now = require_aware(now, "now")
        self.run = RunState(now=self.now)
        return self.run

    def record(self, tool: str, result: BaseModel, *, ok: bool) -> None:
        """Remember a tool result of the current run."""
        self.run.records.append(ToolRecord(tool=tool, ok=ok, result=result))

    # -- facts --------------------------------------------------------------------------------

    def axis(self) -> TimeAxis:
        """The planning axis from the session clock."""
        return TimeAxis.from_now(
            self.now, tz_name=self.home.timezone, step_minutes=self.step_minutes,
            horizon_hours=self.horizon_hours,
        )

    def inputs(self) -> PlanningInputs:
        """Prices, PV, base load and CO2 on :meth:`axis`, computed once per clock and axis."""
        axis = self.axis()
        if self._inputs is None or self._inputs.axis != axis:
            self._inputs = self.inputs_builder(self.home, axis)
        return self._inputs

    def with_standing(self, requests: list[DeviceRequest]) -> list[DeviceRequest]:
        """``requests`` plus the standing orders' requests for the devices they do not cover."""
        return [*requests, *(r for _, r in self.standing_for(requests))]

    def standing_for(self, requests: list[DeviceRequest]) -> list[tuple[StandingOrder, DeviceRequest]]:
        """The standing orders (with their request for this plan) that join ``requests``."""
        if self.standing is None:
            return []
        orders = self.standing.list()
        extra = standing_requests(orders, self.home, self.now, self.axis())
        asked = {r.device for r in requests}
        by_device = {o.device: o for o in reversed(orders)}
        return [(by_device[r.device], r) for r in extra if r.device not in asked]

    def active_plan(self) -> Plan | None:
        """The approved plan from the store, or ``None`` without a store or an active plan."""
        return self.store.active() if self.store is not None else None

    def commitments(self) -> list[Commitment]:
        """The store's commitments still pending now (runs or deadlines after the clock)."""
        if self.store is None:
            return []
        return self.store.active_commitments(at=self.now)

    def committed_request(self, device: str, kind: str) -> DeviceRequest | None:
        """The approved request of ``kind`` for ``device`` (an id), the start of a revision;
        ``None`` if none (the battery may have one approved request of each kind)."""
        for commitment in self.commitments():
            if commitment.device == device:
                return next((r for r in commitment.requests if r.kind == kind), None)
        return None

    def approved(self, devices: Iterable[str]) -> None:
        """A plan covering ``devices`` was approved (in ``app/``): their requests leave the draft,
        the cancellations are done, and the proposal is no longer open."""
        covered = set(devices)
        self.draft = [r for r in self.draft if r.device not in covered]
        self.released = []
        self.proposal = None
        self.what_if = None

    def adopt_what_if(self) -> ScheduleOutcome:
        """Make the latest what-if the draft and the proposal (the homeowner said "do it")."""
        if self.what_if is None:
            raise ValueError("there is no what-if to adopt")
        self.draft = list(self.what_if.draft)
        self.proposal = self.what_if.outcome
        self.what_if = None
        return self.proposal

    def draft_request(self, device: str) -> DeviceRequest | None:
        """The draft request for ``device`` (an id), if any."""
        return next((r for r in self.draft if r.device == device), None)

    def latest_plan(self) -> Plan | None:
        """The plan of the latest proposal, if it has one."""
        return self.proposal.plan if self.proposal is not None else None
