"""The auditor's tools: ``check_conflicts`` and ``verify_reply``."""

from __future__ import annotations

from typing import Any

from agents.numbers import verify_numbers
from agents.session import PlanningSession
from agents.tools.models import ConflictReport, NoArgs, ReplyCheck
from agents.tools.planning import get_plan
from agents.tools.views import conflict_views
from tools.conflicts import detect_conflicts
from tools.requests import resolve_requests
from tools.timeaxis import TimeAxis


def check_conflicts(session: PlanningSession, args: NoArgs) -> ConflictReport:
    """Re-run the conflict detector on the latest proposal."""
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
    conflicts = detect_conflicts(session.home, axis, resolved, plan)
    reported = session.proposal.conflicts if session.proposal is not None else []
    return ConflictReport(
        plan_id=plan.id, conflicts=conflict_views(conflicts),
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
