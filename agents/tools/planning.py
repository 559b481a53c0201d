"""``get_plan``, ``propose_plan`` and ``what_if``: the optimiser on the draft."""

from __future__ import annotations

from agents.session import PlanningSession
from agents.tools.models import NoArgs, PlanView, WhatIfArgs, WhatIfResult
from agents.tools.requests import apply_changes
from agents.tools.views import plan_view, round_money
from tools.errors import RequestError
from tools.planning import schedule


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
        active_plan=session.active_plan(), events=session.events,
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
        events=session.events,
    )
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
    return WhatIfResult(
        **view.model_dump(), compared_with=current.id if current is not None else None,
        cost_difference=difference, adopted=args.adopt,
    )
