"""Hearth's chat UI on Chainlit 2.x: live agent steps, the plan card, Approve / Adjust / Reject.

Run it with ``hearth ui`` (which runs ``chainlit run app/ui/chainlit_app.py --headless --host
127.0.0.1 --port 8000`` with ``CHAINLIT_APP_ROOT`` set to the project folder).

Environment
-----------
``HEARTH_HOME``
    Home file. Without it, the file ``hearth init`` writes (see
    :func:`app.onboarding.default_home_path`) if it exists, else every chat starts with the
    first-run setup (:mod:`app.ui.setup`), which writes that file.
``HEARTH_DB``
    Plan store file (default: the user data directory, see :mod:`app.store`).
``HEARTH_NOW``
    Fixed planning time, ISO 8601 with offset (demos, tests); default: the current time.
``HEARTH_LLM`` …
    Model choice, read by the agents' client factory (default: the offline model); the author
    label of every reply names it.
``HEARTH_PASSWORD``, ``HEARTH_USER``
    When ``HEARTH_PASSWORD`` is set, a login is required (user ``HEARTH_USER``, default
    ``homeowner``). Chainlit then also needs ``CHAINLIT_AUTH_SECRET``, the key that signs the
    login token: create it with ``chainlit create-secret``. Failed logins are slowed down and
    limited per user name and client address (:mod:`app.ui.login`).
``HEARTH_LOG``, ``HEARTH_VERBOSE``
    Warnings and tracebacks go to the log file (:mod:`app.logs`); to the console too with
    ``HEARTH_VERBOSE=1`` (``hearth ui --verbose``).

Design
------
* Everything about one chat lives in ``cl.user_session`` (the conversation with its planning
  session, the plan store handle, the proposals shown in this chat); module globals hold only
  constants, so one chat's state never reaches another.
* The card shown is built from this run's typed results (:mod:`app.card`), never from numbers in
  an agent's prose; the prose stays in the agent's step.
* Approve, Reject, Adjust, the alternatives, "Switch to this plan" and "Cancel …" are plain code
  against the planning tools and :class:`app.store.PlanStore`; no agent tool can approve. A chat
  can only act on proposals it showed itself, and a newer proposal closes the older ones.
* Module globals hold constants, plus the login limiter, which is per server by design.
* The stop button sets the team's ``ExternalTermination`` (cancelling the task alone does not
  stop an AgentChat team).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import os
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import chainlit as cl
from autogen_agentchat.messages import BaseAgentEvent, BaseChatMessage
from chainlit.context import context

from agents.models import make_client_factory
from agents.run import Conversation as TeamConversation
from agents.run import RunResult
from agents.session import PlanningSession
from agents.tools import NoArgs
from agents.tools.planning import propose_plan
from app.card import InfeasibleCard, PlanCard, infeasible_card, plan_card
from app.logs import configure_logging
from app.paths import default_home_path
from app.render import (
    approver_label,
    card_markdown,
    diff_markdown,
    infeasible_markdown,
    next_steps,
    planned_summary,
)
from app.runner.notify import live_note, live_state, pending_runner_proposal
from app.store import (
    PlanStatusError,
    PlanStore,
    PlanStoreError,
    StaleProposalError,
    UnknownPlanError,
)
from app.ui.login import ClientAddressMiddleware, LoginLimiter, client_address
from app.ui.messages import (
    active_plan_text,
    cancel_actions,
    chart_element,
    choice_actions,
    proposal_actions,
    what_if_action,
)
from app.ui.setup import run_setup
from app.ui.steps import RunSteps
from tools.errors import HearthError
from tools.home import Home, load_home
from tools.planning import schedule
from tools.results import Conflict, Plan, ScheduleOutcome
from tools.timeaxis import parse_aware_datetime

log = logging.getLogger("hearth.ui")
configure_logging(verbose=os.environ.get("HEARTH_VERBOSE", "") == "1")
# Chainlit logs at INFO; autogen_core logs every runtime message at INFO.
for _name in ("autogen_core", "autogen_core.events", "autogen_agentchat"):
    logging.getLogger(_name).setLevel(logging.WARNING)

#: How long Reject / Adjust wait for the homeowner's answer [s].
ASK_TIMEOUT_S = 600
#: Who approved, when no login is configured (shown to the homeowner as "you").
ANONYMOUS_APPROVER = "you (no login)"

WELCOME = (
    "Hi, I'm **Hearth**. Tell me what your home needs and by when — for example "
    "*charge my car cheaply by 7am* or *run the dishwasher tonight* — and I'll propose a plan "
    "for you to approve. I plan with the {model}; the numbers always come from my optimiser. "
    "Open **Readme** for more examples."
)


# ============================================================================ conversation seam

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


def model_label(provider: str, model: str | None) -> str:
    """The model in use, as the homeowner reads it."""
    if provider == "offline":
        return "offline rule-based model"
    return f"{model} ({provider})" if model else provider


def open_conversation(home: Home, store: PlanStore, now: datetime) -> Conversation:
    """A per-chat team from the agents' factories; the model client is chosen by configuration
    (``HEARTH_LLM``, default offline) and streams its tokens to the UI."""
    session = PlanningSession(home=home, now=now, store=store)
    return TeamConversation(session, make_client_factory(), stream=True)


# ============================================================================ configuration

def home_from_env() -> Home | None:
    """The home file named by ``HEARTH_HOME``, else the one ``hearth init`` wrote; ``None``
    when there is none yet (the first run)."""
    path = default_home_path()
    if not os.environ.get("HEARTH_HOME", "").strip() and not path.is_file():
        return None
    return load_home(path)


def now_for(home: Home) -> datetime:
    """``HEARTH_NOW`` if set, else the current minute in the home's time zone."""
    fixed = os.environ.get("HEARTH_NOW", "").strip()
    if fixed:
        return parse_aware_datetime(fixed, "HEARTH_NOW")
    return datetime.now(ZoneInfo(home.timezone)).replace(second=0, microsecond=0)


#: Failed logins per (user name, client address): delayed, then locked out (app.ui.login).
LOGIN_LIMITER = LoginLimiter()


async def check_login(username: str, password: str) -> cl.User | None:
    """The one login from ``HEARTH_USER`` / ``HEARTH_PASSWORD``, compared in constant time.

    A locked-out (user name, client) pair is refused without a look at the password; a failure
    is answered only after the limiter's delay.
    """
    client = client_address()
    if LOGIN_LIMITER.locked_for(username, client) > 0:
        log.warning("login refused: too many failed attempts for this user from %s", client)
        return None
    expected_password = os.environ.get("HEARTH_PASSWORD", "")
    expected_user = os.environ.get("HEARTH_USER", "homeowner")
    user_ok = hmac.compare_digest(username.encode(), expected_user.encode())
    password_ok = hmac.compare_digest(password.encode(), expected_password.encode())
    if expected_password and user_ok and password_ok:
        LOGIN_LIMITER.succeeded(username, client)
        return cl.User(identifier=username, metadata={"role": "homeowner"})
    await asyncio.sleep(LOGIN_LIMITER.failed(username, client))
    return None


if os.environ.get("HEARTH_PASSWORD"):
    from chainlit.server import app as _server

    _server.add_middleware(ClientAddressMiddleware)
    cl.password_auth_callback(check_login)


# ============================================================================ chat state

def _state(key: str) -> Any:
    return cl.user_session.get(key)


def _approver() -> str:
    """Who approves: the logged-in user, else :data:`ANONYMOUS_APPROVER`."""
    user = _state("user")
    identifier = getattr(user, "identifier", None)
    return str(identifier) if identifier else ANONYMOUS_APPROVER


def _author() -> str:
    return _state("author") or "Hearth"


async def _say(content: str, **kwargs: Any) -> cl.Message:
    message = cl.Message(content=content, author=_author(), **kwargs)
    await message.send()
    return message


def _session() -> PlanningSession:
    conversation: Conversation = _state("conversation")
    return conversation.session


async def show_active_plan(store: PlanStore, home: Home, now: datetime) -> None:
    """The approved runs still ahead, with who approved them, the chart and Cancel buttons."""
    commitments = store.active_commitments(at=now)
    runs = [c for c in commitments if c.kind != "battery"]
    if not runs:
        await _say("Nothing is approved yet.")
        return
    head = store.active()
    elements = [chart_element(head, home, "active-plan", now=now)] if head is not None else []
    await _say(active_plan_text(commitments, home, me=_approver()), elements=elements,
               actions=cancel_actions(commitments, now))


@cl.on_chat_start
async def on_chat_start() -> None:
    """Set up the home on a first run, build this chat's conversation, show the active plan."""
    try:
        home = home_from_env()
    except HearthError as err:
        await _say(f"Hearth cannot start: {err}")
        return
    if home is None:
        home = await run_setup(default_home_path(), _author())
        if home is None:
            return
    try:
        store = PlanStore()
        now = now_for(home)
        live = live_state(home, store, now)
        conversation = open_conversation(live.home, store, now)
    except HearthError as err:
        await _say(f"Hearth cannot start: {err}")
        return
    factory = getattr(conversation, "_factory", None)
    label = model_label(getattr(factory, "provider", "offline"), getattr(factory, "model", None))
    cl.user_session.set("author", f"Hearth · {label}")
    cl.user_session.set("model_label", label)
    cl.user_session.set("home", home)
    cl.user_session.set("store", store)
    cl.user_session.set("conversation", conversation)
    cl.user_session.set("proposals", {})
    cl.user_session.set("busy", False)
    await _say(WELCOME.format(model=label))
    if live.sources:
        await _say(live_note(live))
    await show_active_plan(store, home, now)
    await show_runner_proposal(store, home)


async def show_runner_proposal(store: PlanStore, home: Home) -> None:
    """The runner's re-plan that needs the homeowner: why, its card and chart, Approve / Reject."""
    pending = pending_runner_proposal(store)
    if pending is None:
        return
    number, plan = pending.record.id, pending.record.plan
    card = plan_card(plan, home, number=number, readings=readings_of(plan.requests, home))
    text = card_markdown(card, home.timezone,
                         heading=f"Plan {number} — the running plan needs your decision")
    message = await _say(
        f"While carrying out your plan ({pending.reason}), Hearth found that {pending.why}. "
        f"The current plan keeps running until you decide.\n\n{text}",
        elements=[chart_element(plan, home, f"plan-{number}")],
        actions=[a for a in proposal_actions(number) if a.name != "adjust_plan"],
    )
    proposals: dict[int, cl.Message] = _state("proposals")
    proposals[number] = message


@cl.on_chat_end
async def on_chat_end() -> None:
    """The chat is closed: release its model clients."""
    conversation = _state("conversation")
    if conversation is not None:
        await conversation.close()


@cl.on_stop
async def on_stop() -> None:
    """The stop button: end the team's run after the tool call in flight."""
    conversation = _state("conversation")
    if conversation is not None:
        conversation.stop()


@cl.on_message
async def on_message(message: cl.Message) -> None:
    """One homeowner message through the team."""
    await run_request(message.content)


async def run_request(text: str) -> None:
    """Stream the team's work as steps, then send its reply or its card."""
    conversation: Conversation | None = _state("conversation")
    store: PlanStore | None = _state("store")
    home: Home | None = _state("home")
    if conversation is None or store is None or home is None:
        await _say("Hearth is not set up in this chat (see the message above).")
        return
    if _state("busy"):
        await _say("I'm still working on your previous request; wait for it or press stop.")
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
        await _say(f"I could not do that: {err}")
        return
    except Exception:  # the app's one catch-all: log the traceback, tell the homeowner plainly
        log.exception("run failed for %r", text)
        await steps.close()
        await _say("Something went wrong inside Hearth (the details are in the server log). "
                   "Please try again or rephrase.")
        return
    finally:
        cl.user_session.set("busy", False)
    await steps.close()
    await send_result(result, based_on_active, "what_if" in steps.tool_names)


def _readings(result: RunResult | None, plan_requests: list, home: Home) -> list[str]:
    """How each request was read: the run's reading lines."""
    del plan_requests, home
    return list(getattr(result, "readings", []) or [])


def readings_of(requests: list, home: Home) -> list[str]:
    del requests, home
    return []  # STUB-UNTIL-MERGE


async def send_result(result: RunResult | None, based_on_active: int | None,
                      asked_what_if: bool) -> None:
    """The run's card (proposal or infeasible), or its reply; a what-if gets its button."""
    if result is None:
        await _say("Stopped.")
        return
    session = _session()
    home: Home = _state("home")
    if result.status == "proposed" and result.plan is not None:
        await send_proposal(result.plan, result.conflicts, based_on_active,
                            readings=_readings(result, result.plan.requests, home))
        return
    if result.status == "infeasible" and result.diagnosis is not None:
        card = infeasible_card(result.diagnosis, home, conflicts=result.conflicts,
                               readings=_readings(result, result.requests, home))
        await _send_choices(card)
        return
    what_if = session.what_if if asked_what_if else None
    actions = ([what_if_action()] if what_if is not None and what_if.outcome.plan is not None
               else [])
    await _say(result.message or f"({result.status})", actions=actions)


async def _send_choices(card: InfeasibleCard) -> None:
    """What cannot be done, with a button per alternative (older choices are closed)."""
    await _close_choices()
    message = await _say(infeasible_markdown(card), actions=choice_actions(card))
    cl.user_session.set("choices", message)


async def _close_choices() -> None:
    """The alternatives on screen are no longer open (one was chosen, or a newer reply came)."""
    message: cl.Message | None = _state("choices")
    if message is not None:
        await message.remove_actions()
        cl.user_session.set("choices", None)


async def _close_open_proposals(replaced_by: int) -> None:
    """A newer proposal is on screen: the older ones lose their buttons."""
    proposals: dict[int, cl.Message] = _state("proposals")
    for number, message in list(proposals.items()):
        await message.remove_actions()
        message.content += f"\n\n_Replaced by plan {replaced_by}._"
        await message.update()
        proposals.pop(number, None)


def card_heading(number: int, card: PlanCard) -> str:
    """``Plan 3 — proposed (planned 2 devices, optimal)``, or what a cancellation asks."""
    if card.released and not card.runs:
        names = ", ".join(run.name for run in card.released)
        return f"Plan {number} — cancel {names}?"
    return f"Plan {number} — proposed ({planned_summary(card).lower()})"


async def send_proposal(plan: Plan, conflicts: list[Conflict], based_on_active: int | None,
                        *, readings: list[str]) -> None:
    """Store the proposal and show its card with the chart and Approve / Adjust / Reject."""
    store: PlanStore = _state("store")
    home: Home = _state("home")
    try:
        number = store.save_proposal(plan, based_on_active)
    except PlanStoreError as err:
        await _say(f"The proposal could not be stored: {err}")
        return
    await _close_open_proposals(number)
    await _close_choices()
    card = plan_card(plan, home, number=number, conflicts=conflicts, readings=readings)
    message = await _say(
        card_markdown(card, home.timezone, heading=card_heading(number, card)),
        elements=[chart_element(plan, home, f"plan-{number}")],
        actions=proposal_actions(number),
    )
    proposals: dict[int, cl.Message] = _state("proposals")
    proposals[number] = message


async def _send_outcome(outcome: ScheduleOutcome, based_on_active: int | None) -> None:
    """A proposal or an infeasible card from a plan made by a button (no team run)."""
    home: Home = _state("home")
    if outcome.plan is not None:
        await send_proposal(outcome.plan, outcome.conflicts, based_on_active,
                            readings=readings_of(outcome.requests, home))
    elif outcome.diagnosis is not None:
        card = infeasible_card(outcome.diagnosis, home, conflicts=outcome.conflicts,
                               readings=readings_of(outcome.requests, home))
        await _send_choices(card)
    else:
        await _say(f"I could not plan that: {outcome.message}")


async def _own_proposal(action: cl.Action) -> tuple[int, cl.Message] | None:
    """The proposal an action refers to, if this chat showed it; else tell the homeowner."""
    proposals: dict[int, cl.Message] = _state("proposals") or {}
    plan_id = action.payload.get("plan_id") if isinstance(action.payload, dict) else None
    if not isinstance(plan_id, int) or plan_id not in proposals:
        await _say("That proposal is not part of this chat.")
        return None
    return plan_id, proposals[plan_id]


async def _idle() -> bool:
    """Whether the team is idle; else tell the homeowner to wait."""
    if _state("busy"):
        await _say("I'm still working on your previous request; wait for it or press stop.")
        return False
    return _state("conversation") is not None


async def _own_idle_proposal(action: cl.Action) -> tuple[int, cl.Message] | None:
    """Like :func:`_own_proposal`, and also refuse while the team is still working."""
    owned = await _own_proposal(action)
    if owned is not None and not await _idle():
        return None
    return owned


async def _close_proposal(plan_id: int, message: cl.Message) -> None:
    await message.remove_actions()
    proposals: dict[int, cl.Message] = _state("proposals")
    proposals.pop(plan_id, None)


@cl.action_callback("approve_plan")
async def on_approve(action: cl.Action) -> None:
    """Approve in plain code: the store takes the plan's runs (or refuses a stale plan)."""
    owned = await _own_proposal(action)
    if owned is None:
        return
    plan_id, message = owned
    store: PlanStore = _state("store")
    home: Home = _state("home")
    try:
        result = store.approve(plan_id, by=_approver())
    except StaleProposalError as err:
        await _close_proposal(plan_id, message)
        await _say(f"**Not approved.** {err}. Tell me what you need and I'll plan it with the "
                   "runs approved now.")
        return
    except (UnknownPlanError, PlanStatusError) as err:
        await _close_proposal(plan_id, message)
        await _say(f"**Not approved.** {err}.")
        return
    await _close_proposal(plan_id, message)
    _session().approved(result.covered)
    who = approver_label(result.approved.approved_by, _approver())
    now = now_for(home)
    await _say(
        "\n\n".join([
            f"**Approved by {who}.** Plan {plan_id}'s runs are now part of your active plan.",
            diff_markdown(result.diff, home.label, home.timezone,
                          battery_ids=result.battery_ids),
            next_steps(result.commitments, now, home.timezone),
        ]),
        actions=cancel_actions(result.commitments, now),
    )


async def _ask(question: str) -> str | None:
    """Ask in the chat and wait for the typed answer (``None`` on timeout or an empty answer).

    Chainlit marks the chat busy again after the answer (``task_start``); action callbacks run
    outside Chainlit's task bookkeeping, so the callers end it with :func:`_task_done`.
    """
    answer = await cl.AskUserMessage(content=question, author=_author(),
                                     timeout=ASK_TIMEOUT_S).send()
    text = str(answer.get("output", "")).strip() if answer else ""
    return text or None


async def _task_done() -> None:
    """Tell the browser the work started by an action is over (re-enables input and buttons)."""
    await context.emitter.task_end()


@cl.action_callback("reject_plan")
async def on_reject(action: cl.Action) -> None:
    """Reject: ask what should change, record it, and plan again with that change."""
    owned = await _own_idle_proposal(action)
    if owned is None:
        return
    plan_id, message = owned
    store: PlanStore = _state("store")
    await _close_proposal(plan_id, message)
    try:
        change = await _ask("What should change?")
        try:
            store.reject(plan_id, reason=change)
        except PlanStoreError as err:
            await _say(f"Plan {plan_id} could not be rejected: {err}.")
            return
        if change is None:
            await _say(f"Plan {plan_id} rejected. Tell me what you need whenever you're ready.")
            return
        await _say(f"Plan {plan_id} rejected. Planning again: *{change}*")
        await run_request(change)
    finally:
        await _task_done()


@cl.action_callback("adjust_plan")
async def on_adjust(action: cl.Action) -> None:
    """Adjust: the homeowner types a change; plan again from the current proposal."""
    owned = await _own_idle_proposal(action)
    if owned is None:
        return
    plan_id, message = owned
    store: PlanStore = _state("store")
    try:
        change = await _ask(
            "What should I change? For example *make it 90%* or *not after 23:00*.")
        if change is None:
            await _say("No change given; the proposal is still open.")
            return
        await _close_proposal(plan_id, message)
        try:
            store.reject(plan_id, reason=f"adjusted: {change}")
        except PlanStoreError as err:
            await _say(f"Plan {plan_id} could not be replaced: {err}.")
            return
        await run_request(change)
    finally:
        await _task_done()


@cl.action_callback("choose_alternative")
async def on_choose_alternative(action: cl.Action) -> None:
    """An achievable alternative becomes the device's request, and Hearth plans again."""
    if not await _idle():
        return
    session = _session()
    store: PlanStore = _state("store")
    payload = action.payload if isinstance(action.payload, dict) else {}
    device, fields = payload.get("device"), payload.get("fields")
    request = session.draft_request(str(device)) if device else None
    if request is None or not isinstance(fields, dict):
        await _say("That choice is no longer open; tell me what you need.")
        return
    await _close_choices()
    update = {k: (parse_aware_datetime(v, k) if k in ("deadline", "earliest_start") else v)
              for k, v in fields.items()}
    if "target_soc_pct" in fields:  # an amount replaces the other kind of amount
        update["energy_kwh"] = None
    elif "energy_kwh" in fields:
        update["target_soc_pct"] = None
    session.draft = [request.model_copy(update=update) if r.device == device else r
                     for r in session.draft]
    await _say(f"*You chose: {action.label}.* Planning again.")
    based_on = store.active_id()
    session.begin_run(now_for(_state("home")))
    try:
        propose_plan(session, NoArgs())
    except HearthError as err:
        await _say(f"I could not plan that: {err}")
        return
    assert session.proposal is not None
    await _send_outcome(session.proposal, based_on)


@cl.action_callback("adopt_what_if")
async def on_adopt_what_if(action: cl.Action) -> None:
    """"Do it": the what-if on screen becomes the proposal."""
    if not await _idle():
        return
    session = _session()
    store: PlanStore = _state("store")
    if session.what_if is None:
        await _say("That what-if is no longer open; ask again.")
        return
    await action.remove()
    outcome = session.adopt_what_if()
    await _send_outcome(outcome, store.active_id())


@cl.action_callback("cancel_run")
async def on_cancel_run(action: cl.Action) -> None:
    """Cancel one device's approved run: a proposal without it, for the homeowner to approve."""
    if not await _idle():
        return
    store: PlanStore = _state("store")
    home: Home = _state("home")
    device = action.payload.get("device") if isinstance(action.payload, dict) else None
    now = now_for(home)
    commitments = store.active_commitments(at=now)
    gone = [c for c in commitments if c.device == device]
    if not gone:
        await _say("That run is no longer approved; nothing to cancel.")
        return
    based_on = store.active_id()
    try:
        outcome = schedule(home, now, [], committed=[c for c in commitments if c.device != device],
                           released=gone)
    except HearthError as err:
        await _say(f"I could not plan without it: {err}")
        return
    await _send_outcome(outcome, based_on)
