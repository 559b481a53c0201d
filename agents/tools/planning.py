"""``get_plan``, ``propose_plan`` and ``what_if``: the optimiser on the draft."""

from __future__ import annotations

from agents.session import PlanningSession, WhatIf
from agents.tools.models import NoArgs, PlanView, WhatIfArgs, WhatIfResult
from agents.tools.requests import apply_changes
from agents.tools.views import plan_view, round_money
from tools.errors import RequestError
from tools.inputs import input_notes
from tools.planning import schedule
from tools.requests import DeviceRequest
from tools.results import ScheduleOutcome


def get_plan(session: PlanningSession, args: NoArgs) -> PlanView:
    """The latest proposal (runs, cost, saving, conflicts) or, without one, the active plan."""
    del args
    if session.proposal is not None:
        return plan_view(session.home, session.proposal)
    return plan_view(session.home, None, active=session.active_plan())


def propose_plan(session: PlanningSession, args: NoArgs) -> PlanView:
    """Run the optimiser on the draft requests (and the standing orders' requests for the
    devices the draft does not cover) and make the result the proposal."""
    del args
    requests = session.with_standing(list(session.draft))
    if not requests and not session.released:
        raise RequestError("draft", "there are no requests to plan; the coordinator adds them first")
    outcome = _schedule(session, requests)
    session.proposal = outcome
    session.run.proposal = outcome
    session.pending = None
    return _with_notes(session, plan_view(session.home, outcome), outcome)


def _with_notes(session: PlanningSession, view: PlanView, outcome: ScheduleOutcome) -> PlanView:
    """The view with the standing orders it includes and what to know about its inputs."""
    standing = [order.describe(session.home) for order, _ in session.standing_for(list(session.draft))]
    notes = input_notes(outcome.plan.inputs) if outcome.plan is not None else []
    return view.model_copy(update={"standing": standing, "inputs": notes})


def what_if(session: PlanningSession, args: WhatIfArgs) -> WhatIfResult:
    """Plan a changed draft (e.g. another deadline) and compare it with the proposal.

    The proposal is replaced only with ``adopt=True``.
    """
    draft = apply_changes(session, session.draft, args)
    if not draft:
        raise RequestError("upsert", "the changed draft has no requests to plan")
    outcome = _schedule(session, session.with_standing(draft))
    current = session.latest_plan()
    view = plan_view(session.home, outcome)
    difference = (
        round_money(outcome.plan.cost - current.cost)
        if outcome.plan is not None and current is not None else None
    )
    if args.adopt:
        session.draft = draft
        session.proposal = outcome
        session.run.proposal = outcome
        session.what_if = None
    else:
        session.what_if = WhatIf(draft=draft, outcome=outcome)
    return WhatIfResult(
        **view.model_dump(), compared_with=current.id if current is not None else None,
        cost_difference=difference, adopted=args.adopt,
    )


def _schedule(session: PlanningSession, draft: list[DeviceRequest]) -> ScheduleOutcome:
    """The optimiser on ``draft``, holding the other devices' approved runs as fixed loads and
    withdrawing the runs the homeowner cancelled."""
    commitments = session.commitments()
    released = [c for c in commitments if c.device in session.released]
    return schedule(
        session.home, session.now, draft, inputs=session.inputs(),
        committed=[c for c in commitments if c.device not in session.released],
        released=released, events=session.events,
    )
