"""Standing orders carried out by the runner: each planning day's occurrence becomes a commitment.

A standing order ("every weekday the car at 80% by 07:00") was approved once by the homeowner
(:mod:`app.standing`). Each tick the runner looks at the active orders (paused and cancelled ones
add nothing; an order paused until a date skips the dates up to it) and at each one's next
occurrence within a day from now (:func:`tools.standing.occurrence`), once its window has opened
(at once for an order without a start time). An occurrence is *covered*
when the store already holds a pending commitment for its device — the occurrence committed on
an earlier tick or before a restart, or a request the homeowner approved for that device, which
takes the order's place as it does in the chat. An uncovered occurrence is planned with the other
devices' commitments held as fixed loads, from the live charge levels:

* a plan that keeps every commitment (proposed, audited, without error conflicts) is stored and
  approved in the order's name — ``approved_by`` is "standing order 3 (approved by anna)",
  because the homeowner approved it in kind — and is then carried out like any approved plan;
* anything else is not applied: when the planner has an achievable alternative it is stored as a
  proposal for the homeowner (the runner's "approval needed"), and the journal says which order
  could not be met and why. An occurrence is tried once (the journal remembers it, also across a
  restart); a homeowner who approves the proposal covers it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from app.drivers.base import Readings
from app.providers import inputs_builder_for
from app.runner.journal import Journal
from app.runner.live import live_home
from app.store import PlanStore
from tools.errors import InputError
from tools.home import Home
from tools.planning import schedule
from tools.requests import DeviceRequest
from tools.results import Commitment, Plan, ScheduleOutcome
from tools.standing import StandingOrder, standing_requests
from tools.timeaxis import TimeAxis

#: How far ahead the runner looks for an order's next occurrence [h] (a planning day).
LOOKAHEAD_HOURS = 24.0
#: The step of the plans made for an occurrence [min].
STEP_MINUTES = 15
#: Journal meta key of the store id of the runner's proposal waiting for the homeowner.
PENDING_KEY = "pending_proposal"


@dataclass(frozen=True)
class Occurrence:
    """One standing order's request for one planning day."""

    order: StandingOrder
    request: DeviceRequest

    @property
    def key(self) -> str:
        """``"3@2026-11-25T07:00:00+01:00"``: the order and the deadline, unique per occurrence."""
        deadline = self.request.deadline.isoformat() if self.request.deadline else ""
        return f"{self.order.id}@{deadline}"

    def approver(self) -> str:
        return f"standing order {self.order.id} (approved by {self.order.approved_by})"


def due_occurrences(
    orders: list[StandingOrder], home: Home, now: datetime, commitments: list[Commitment]
) -> list[Occurrence]:
    """The next occurrence of every active order whose device has no pending commitment and
    whose window has opened (an order "from 18:00" is planned at 18:00, from the charge then).

    Parameters
    ----------
    orders:
        The stored standing orders (any status; only active and partly paused ones count).
    home:
        The home (devices and time zone).
    now:
        The runner's clock.
    commitments:
        The store's commitments still pending at ``now``.
    """
    axis = TimeAxis.from_now(
        now, tz_name=home.timezone, step_minutes=STEP_MINUTES, horizon_hours=LOOKAHEAD_HOURS
    )
    committed = {c.device for c in commitments if c.requests}
    by_device: dict[str, StandingOrder] = {}
    for order in orders:
        if order.status in ("active", "paused"):
            by_device.setdefault(order.device, order)
    return [
        Occurrence(by_device[request.device], request)
        for request in standing_requests(orders, home, now, axis)
        if request.device not in committed
        and (request.earliest_start is None or request.earliest_start <= now)
    ]


class StandingCommitter:
    """Turns the due occurrences of the standing orders into commitments (see the module).

    Parameters
    ----------
    orders:
        Returns the stored standing orders (:meth:`app.standing.StandingOrders.list`).
    store, journal:
        The plan store and the runner's journal.
    """

    def __init__(
        self, orders: Callable[[], list[StandingOrder]], store: PlanStore, journal: Journal
    ) -> None:
        self.orders = orders
        self.store = store
        self.journal = journal
        self.tried: set[str] = {
            str(e.data.get("key"))
            for e in journal.events(kinds=("standing_committed", "standing_unmet"))
        }

    def commit_due(self, home: Home, now: datetime, readings: Readings) -> list[int]:
        """Commit (or propose) every due occurrence at ``now``; the store ids approved."""
        commitments = self.store.active_commitments(at=now)
        due = [
            o
            for o in due_occurrences(self.orders(), home, now, commitments)
            if o.key not in self.tried
        ]
        approved: list[int] = []
        for occurrence in due:
            self.tried.add(occurrence.key)
            commitments = self.store.active_commitments(at=now)
            plan_id = self._commit(home, now, readings, occurrence, commitments)
            if plan_id is not None:
                approved.append(plan_id)
        return approved

    def _commit(
        self,
        home: Home,
        now: datetime,
        readings: Readings,
        occurrence: Occurrence,
        commitments: list[Commitment],
    ) -> int | None:
        live = live_home(home, readings, now).home
        axis = TimeAxis.from_now(
            now, tz_name=home.timezone, step_minutes=STEP_MINUTES, horizon_hours=LOOKAHEAD_HOURS
        )
        label = f"standing order {occurrence.order.id} ({occurrence.order.describe(home)})"
        data: dict[str, object] = {
            "key": occurrence.key,
            "order_id": occurrence.order.id,
            "device": occurrence.request.device,
            "deadline": occurrence.request.deadline,
        }
        try:
            outcome = schedule(
                live,
                now,
                [occurrence.request],
                committed=commitments,
                inputs=inputs_builder_for(live)(live, axis),
            )
        except InputError as err:
            self._unmet(now, label, str(err), None, data, occurrence)
            return None
        why = _why_not(outcome)
        if why is not None:
            alternative = _alternative(outcome, live, now, occurrence, commitments, axis)
            self._unmet(now, label, why, alternative, data, occurrence)
            return None
        assert outcome.plan is not None
        plan_id = self.store.save_proposal(outcome.plan, based_on_active=self.store.active_id())
        self.store.approve(plan_id, by=occurrence.approver())
        deadline = occurrence.request.deadline
        when = f" by {deadline.astimezone(ZoneInfo(home.timezone)):%a %H:%M}" if deadline else ""
        self.journal.log(
            now,
            "standing_committed",
            f"{label}: the occurrence{when} is committed as plan {plan_id}",
            device=occurrence.request.device,
            data={**data, "plan_store_id": plan_id},
        )
        return plan_id

    def _unmet(
        self,
        now: datetime,
        label: str,
        why: str,
        alternative: Plan | None,
        data: dict[str, object],
        occurrence: Occurrence,
    ) -> None:
        proposal_id = None
        if alternative is not None:
            proposal_id = self.store.save_proposal(
                alternative, based_on_active=self.store.active_id()
            )
            self.journal.set_meta(PENDING_KEY, str(proposal_id))
        asks = (
            f"; proposal {proposal_id} with what is achievable waits for approval"
            if proposal_id is not None
            else "; nothing achievable to propose"
        )
        self.journal.log(
            now,
            "standing_unmet",
            f"{label} cannot be met: {why}{asks}; the plan carried out is unchanged",
            device=occurrence.request.device,
            data={**data, "why": why, "proposal_id": proposal_id},
        )


def _why_not(outcome: ScheduleOutcome) -> str | None:
    """Why ``outcome`` may not be applied in the order's name, or ``None`` when it may."""
    if outcome.status != "proposed" or outcome.plan is None:
        return outcome.message
    errors = [c for c in outcome.conflicts if c.severity == "error"]
    return errors[0].message if errors else None


def _alternative(
    outcome: ScheduleOutcome,
    home: Home,
    now: datetime,
    occurrence: Occurrence,
    commitments: list[Commitment],
    axis: TimeAxis,
) -> Plan | None:
    """The occurrence's first achievable alternative, planned; ``None`` when there is none."""
    if outcome.diagnosis is None:
        return None
    for binding in outcome.diagnosis.binding:
        if binding.device != occurrence.request.device or not binding.alternatives:
            continue
        request = occurrence.request.model_copy(update=binding.alternatives[0].change())
        try:
            again = schedule(
                home,
                now,
                [request],
                committed=commitments,
                inputs=inputs_builder_for(home)(home, axis),
            )
        except InputError:
            return None
        return again.plan if _why_not(again) is None else None
    return None
