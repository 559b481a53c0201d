"""One chat's state and what it sends: replies, plan cards, the active plan, the runner's question.

Everything about a chat lives in ``cl.user_session`` (the conversation with its planning session,
the plan store handle, the proposals and choices on screen); this module reads and writes it and
sends the messages. The card shown is built from typed results (:mod:`app.card`), never from
numbers in an agent's prose; the prose stays in the agent's step.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import chainlit as cl
from autogen_agentchat.messages import BaseAgentEvent, BaseChatMessage

from agents.run import RunResult
from agents.session import PlanningSession
from agents.tools import Option
from agents.tools.planning import options_of
from agents.tools.views import plan_view
from app.card import InfeasibleCard, PlanCard, infeasible_card, plan_card
from app.labels import labels
from app.render import card_markdown, infeasible_markdown, planned_summary
from app.runner.notify import pending_runner_proposal
from app.store import PlanStore, PlanStoreError
from app.ui import standing as standing_ui
from app.ui.messages import (
    active_plan_text,
    cancel_actions,
    option_actions,
    plan_elements,
    proposal_actions,
    what_if_action,
)
from app.ui.steps import RunSteps
from tools.errors import HearthError
from tools.home import Home
from tools.reading import Language, reading_line
from tools.requests import DeviceRequest
from tools.results import Conflict, Plan, ScheduleOutcome
from tools.timeaxis import parse_aware_datetime

log = logging.getLogger("hearth.ui")

class Conversation(Protocol):
    """What the UI needs from :class:`agents.run.Conversation` for one chat."""

    session: PlanningSession

    def stream(self, text: str, *, now: datetime | None = None) -> AsyncIterator[Any]:
        """AutoGen events of one homeowner message, then its :class:`agents.run.RunResult`."""
        ...

    def stop(self) -> None:
        """Stop the running team after the current turn (the stop button)."""
        ...

    async def close(self) -> None:
        """Close the model clients."""
        ...


#: Who approved, when no login is configured (shown to the homeowner as "you").
ANONYMOUS_APPROVER = "you (no login)"


def now_for(home: Home) -> datetime:
    """``HEARTH_NOW`` if set, else the current minute in the home's time zone."""
    fixed = os.environ.get("HEARTH_NOW", "").strip()
    if fixed:
        return parse_aware_datetime(fixed, "HEARTH_NOW")
    return datetime.now(ZoneInfo(home.timezone)).replace(second=0, microsecond=0)


def state(key: str) -> Any:
    return cl.user_session.get(key)


def approver() -> str:
    """Who approves: the logged-in user, else :data:`ANONYMOUS_APPROVER`."""
    user = state("user")
    identifier = getattr(user, "identifier", None)
    return str(identifier) if identifier else ANONYMOUS_APPROVER


def author() -> str:
    return state("author") or "Hearth"


async def say(content: str, **kwargs: Any) -> cl.Message:
    message = cl.Message(content=content, author=author(), **kwargs)
    await message.send()
    return message


def planning_session() -> PlanningSession:
    return state("conversation").session


async def show_active_plan(store: PlanStore, home: Home, now: datetime) -> None:
    """The approved runs still ahead, with who approved them, the chart and Cancel buttons."""
    commitments = store.active_commitments(at=now)
    runs = [c for c in commitments if c.kind != "battery"]
    if not runs:
        await say("Nothing is approved yet.")
        return
    head = store.active()
    elements = plan_elements(head, home, "active-plan", now=now) if head is not None else []
    await say(active_plan_text(commitments, home, me=approver()), elements=elements,
               actions=cancel_actions(commitments, now, language()))


async def show_runner_proposal(store: PlanStore, home: Home) -> None:
    """The runner's re-plan that needs the homeowner: why, its card and chart, Approve / Reject."""
    pending = pending_runner_proposal(store)
    if pending is None:
        return
    number, plan = pending.record.id, pending.record.plan
    card = plan_card(plan, home, number=number, readings=readings_of(plan.requests, home))
    text = card_markdown(card, home.timezone, lang=language(),
                         heading=f"Plan {number} — the running plan needs your decision")
    message = await say(
        f"While carrying out your plan ({pending.reason}), Hearth found that {pending.why}. "
        f"The current plan keeps running until you decide.\n\n{text}",
        elements=plan_elements(plan, home, f"plan-{number}"),
        actions=[a for a in proposal_actions(number, language()) if a.name != "adjust_plan"],
    )
    proposals: dict[int, cl.Message] = state("proposals")
    proposals[number] = message


async def run_request(text: str) -> None:
    """Stream the team's work as steps, then send its reply or its card."""
    conversation: Conversation | None = state("conversation")
    store: PlanStore | None = state("store")
    home: Home | None = state("home")
    if conversation is None or store is None or home is None:
        await say("Hearth is not set up in this chat (see the message above).")
        return
    if state("busy"):
        await say("I'm still working on your previous request; wait for it or press stop.")
        return
    cl.user_session.set("busy", True)
    steps = RunSteps(home)
    result: RunResult | None = None
    try:
        based_on_active = store.active_id()
        now = now_for(home)
        async for item in conversation.stream(text, now=now):
            if isinstance(item, RunResult):
                result = item
            elif isinstance(item, BaseAgentEvent | BaseChatMessage):
                await steps.handle(item)
    except asyncio.CancelledError:  # the stop button cancels this task
        await steps.close()
        raise
    except HearthError as err:
        await steps.close()
        await say(f"I could not do that: {err}")
        return
    except Exception:  # the app's one catch-all: log the traceback, tell the homeowner plainly
        log.exception("run failed for %r", text)
        await steps.close()
        await say("Something went wrong inside Hearth (the details are in the server log). "
                   "Please try again or rephrase.")
        return
    finally:
        cl.user_session.set("busy", False)
    await steps.close()
    await send_result(result, based_on_active, "what_if" in steps.tool_names)
    standing = state("standing")
    if result is not None and standing is not None:
        await standing_ui.offer_approval(conversation.session, standing, home)


def language() -> Language:
    """The conversation's language (the latest message's): ``"en"`` or ``"de"``."""
    conversation = state("conversation")
    lang = conversation.session.language if conversation is not None else "en"
    return "de" if lang == "de" else "en"


def readings_of(requests: list[DeviceRequest], home: Home) -> list[str]:
    """How each request was read, one line each, in the conversation's language
    (:func:`tools.reading.reading_line`)."""
    lang = language()
    return [reading_line(r, home, lang=lang) for r in requests]


async def send_result(result: RunResult | None, based_on_active: int | None,
                      asked_what_if: bool) -> None:
    """The run's card (proposal or infeasible), or its reply; the options the reply offers
    (``result.options``) are buttons, and a what-if gets its "Switch to this plan" button."""
    if result is None:
        await say("Stopped.")
        return
    session = planning_session()
    home: Home = state("home")
    if result.status == "proposed" and result.plan is not None:
        await send_proposal(result.plan, result.conflicts, based_on_active,
                            readings=readings_of(result.plan.requests, home))
        return
    if result.status == "infeasible" and result.diagnosis is not None:
        card = infeasible_card(result.diagnosis, home, conflicts=result.conflicts,
                               readings=readings_of(result.requests, home))
        await send_choices(card, result.options)
        return
    what_if = session.what_if if asked_what_if else None
    extra = ([what_if_action(language())]
             if what_if is not None and what_if.outcome.plan is not None else [])
    await close_choices()
    message = await say(result.message or f"({result.status})",
                        actions=option_actions(result.options, language()) + extra)
    if result.options:
        cl.user_session.set("choices", message)


async def send_choices(card: InfeasibleCard, options: list[Option]) -> None:
    """What cannot be done, with a button per offered option (older choices are closed)."""
    await close_choices()
    lang = language()
    message = await say(infeasible_markdown(card, lang), actions=option_actions(options, lang))
    cl.user_session.set("choices", message)


async def close_choices() -> None:
    """The alternatives on screen are no longer open (one was chosen, or a newer reply came)."""
    message: cl.Message | None = state("choices")
    if message is not None:
        await message.remove_actions()
        cl.user_session.set("choices", None)


async def _close_open_proposals(replaced_by: int) -> None:
    """A newer proposal is on screen: the older ones lose their buttons."""
    proposals: dict[int, cl.Message] = state("proposals")
    for number, message in list(proposals.items()):
        await message.remove_actions()
        message.content += f"\n\n_{labels(language()).replaced.format(number=replaced_by)}_"
        await message.update()
        proposals.pop(number, None)


def card_heading(number: int, card: PlanCard, lang: str = "en") -> str:
    """``Plan 3 — proposed (planned 2 devices, optimal)``, or what a cancellation asks."""
    words = labels(lang)
    if card.released and not card.runs:
        names = ", ".join(run.name for run in card.released)
        return words.heading_cancel.format(number=number, names=names)
    summary = planned_summary(card, lang)
    return words.heading_proposed.format(number=number, summary=summary[0].lower() + summary[1:])


async def send_proposal(plan: Plan, conflicts: list[Conflict], based_on_active: int | None,
                        *, readings: list[str]) -> None:
    """Store the proposal and show its card with the chart and Approve / Adjust / Reject."""
    store: PlanStore = state("store")
    home: Home = state("home")
    try:
        number = store.save_proposal(plan, based_on_active)
    except PlanStoreError as err:
        await say(f"The proposal could not be stored: {err}")
        return
    await _close_open_proposals(number)
    await close_choices()
    card = plan_card(plan, home, number=number, conflicts=conflicts, readings=readings)
    lang = language()
    message = await say(
        card_markdown(card, home.timezone, heading=card_heading(number, card, lang), lang=lang),
        elements=plan_elements(plan, home, f"plan-{number}"),
        actions=proposal_actions(number, lang),
    )
    proposals: dict[int, cl.Message] = state("proposals")
    proposals[number] = message


async def send_outcome(outcome: ScheduleOutcome, based_on_active: int | None) -> None:
    """A proposal or an infeasible card from a plan made by a button (no team run)."""
    home: Home = state("home")
    if outcome.plan is not None:
        await send_proposal(outcome.plan, outcome.conflicts, based_on_active,
                            readings=readings_of(outcome.requests, home))
    elif outcome.diagnosis is not None:
        card = infeasible_card(outcome.diagnosis, home, conflicts=outcome.conflicts,
                               readings=readings_of(outcome.requests, home))
        # the options a typed "option 2" would choose, as propose_plan offers them
        session = planning_session()
        session.options = list(options_of(plan_view(home, outcome), home, language()))
        await send_choices(card, [o for o in session.options if isinstance(o, Option)])
    else:
        await say(f"I could not plan that: {outcome.message}")


