"""Hearth's chat UI on Chainlit 2.x: live agent steps, the proposal, Approve / Reject / Adjust.

Run it with ``hearth ui --home examples/home.yaml`` (which runs ``chainlit run
app/ui/chainlit_app.py --headless --host 127.0.0.1 --port 8000`` with ``CHAINLIT_APP_ROOT`` set to
the project folder).

Environment
-----------
``HEARTH_HOME``
    Home file (required).
``HEARTH_DB``
    Plan store file (default: the user data directory, see :mod:`app.store`).
``HEARTH_NOW``
    Fixed planning time, ISO 8601 with offset (demos, tests); default: the current time.
``HEARTH_LLM`` …
    Model choice, read by the agents' client factory (default: the offline model).
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
* The proposal shown is the plan of *this* run's :class:`agents.run.RunResult` (the scheduler
  tool's typed result), never numbers parsed from an agent's prose.
* Approve, Reject and Adjust are plain code against :class:`app.store.PlanStore`; no agent tool
  can approve. A chat can only act on proposals it showed itself.
* Module globals hold constants, plus the login limiter, which is per server by design.
* The stop button sets the team's ``ExternalTermination`` (cancelling the task alone does not
  stop an AgentChat team).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import os
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import chainlit as cl
from autogen_agentchat.messages import (
    BaseAgentEvent,
    BaseChatMessage,
    ModelClientStreamingChunkEvent,
    SelectSpeakerEvent,
    TextMessage,
    ThoughtEvent,
    ToolCallExecutionEvent,
    ToolCallRequestEvent,
    ToolCallSummaryMessage,
)
from chainlit.context import context
from chainlit.input_widget import Select
from chainlit.utils import utc_now

from agents.models import make_client_factory
from agents.run import Conversation as TeamConversation
from agents.run import RunResult
from agents.session import PlanningSession
from agents.tools import NoArgs, RequestChange, UpdateRequestsArgs, propose_plan
from agents.tools.requests import update_requests
from app.logs import configure_logging
from app.render import conflicts_section, diagnosis_section, diff_section, format_time, plan_summary
from app.runner.notify import live_note, live_state, pending_runner_proposal
from app.store import (
    PlanStatusError,
    PlanStore,
    PlanStoreError,
    StaleProposalError,
    UnknownPlanError,
)
from app.ui.chart import plan_figure
from app.ui.heat_chart import heat_figure
from app.ui.login import ClientAddressMiddleware, LoginLimiter, client_address
from tools.errors import HearthError, InputError
from tools.home import MODE_NAMES, Home, load_home
from tools.requests import HOME_DEVICE
from tools.results import Conflict, Plan
from tools.timeaxis import parse_aware_datetime

log = logging.getLogger("hearth.ui")
configure_logging(verbose=os.environ.get("HEARTH_VERBOSE", "") == "1")
# Chainlit logs at INFO; autogen_core logs every runtime message at INFO.
for _name in ("autogen_core", "autogen_core.events", "autogen_agentchat"):
    logging.getLogger(_name).setLevel(logging.WARNING)

AUTHOR = "Hearth"
#: How long Reject / Adjust wait for the homeowner's answer [s].
ASK_TIMEOUT_S = 600
#: Longest tool result shown in a step [characters].
STEP_OUTPUT_CHARS = 900
#: Who approved, when no login is configured.
ANONYMOUS_APPROVER = "web UI (no login)"

WELCOME = (
    "Hi, I'm **Hearth**. Tell me what your home needs and by when — for example "
    "*charge my car cheaply by 7am* or *run the dishwasher tonight* — and I'll propose a plan "
    "for you to approve. Open **Readme** for more examples."
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


def open_conversation(home: Home, store: PlanStore, now: datetime) -> Conversation:
    """A per-chat team from the agents' factories; the model client is chosen by configuration
    (``HEARTH_LLM``, default offline) and streams its tokens to the UI."""
    session = PlanningSession(home=home, now=now, store=store)
    return TeamConversation(session, make_client_factory(), stream=True)


# ============================================================================ configuration

def home_from_env() -> Home:
    """The home file named by ``HEARTH_HOME``."""
    path = os.environ.get("HEARTH_HOME", "").strip()
    if not path:
        raise InputError("HEARTH_HOME", "set it to your home file, or start with `hearth ui --home`")
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


# ============================================================================ steps

def short_result(content: str, limit: int = STEP_OUTPUT_CHARS) -> str:
    """A tool result for a step: ``message``/``status``/``error`` first, then other scalars;
    lists and objects as counts. Non-JSON text is cut at ``limit`` characters."""
    try:
        data = json.loads(content)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return content if len(content) <= limit else content[: limit - 1] + "…"
    first = [key for key in ("status", "message", "error", "field") if key in data]
    lines = []
    for key in first + [key for key in data if key not in first]:
        value = data[key]
        if isinstance(value, list):
            text = f"{len(value)} item{'s' if len(value) != 1 else ''}"
        elif isinstance(value, dict):
            text = "{…}"
        else:
            text = str(value)
        lines.append(f"{key}: {text}")
    joined = "\n".join(lines)
    return joined if len(joined) <= limit else joined[: limit - 1] + "…"


class RunSteps:
    """Shows one run live: a ``run`` step per agent turn, a ``tool`` step per tool call inside it.

    An agent's streamed tokens and final text go into its turn step; the reply to the homeowner
    is sent as a message after the run.
    """

    def __init__(self) -> None:
        self.turn: cl.Step | None = None
        self.turn_source: str | None = None
        self.tools: dict[tuple[str, str], cl.Step] = {}  # (agent, call id): ids repeat per agent
        self.tool_names: list[str] = []

    async def _turn_for(self, source: str) -> cl.Step:
        if self.turn is not None and self.turn_source == source:
            return self.turn
        await self._close_turn()
        # nest under the callback's own step (on_message's run), so the frontend shows the
        # turns between the homeowner's message and the reply
        parent = context.current_step
        step = cl.Step(name=source, type="run", show_input=False,
                       parent_id=parent.id if parent is not None else None)
        step.start = utc_now()
        await step.send()
        self.turn, self.turn_source = step, source
        return step

    async def _close_turn(self) -> None:
        if self.turn is not None:
            self.turn.end = utc_now()
            await self.turn.update()
        self.turn, self.turn_source = None, None

    async def handle(self, event: object) -> None:
        """Render one event of ``team.run_stream``; unknown events are ignored."""
        if not isinstance(event, BaseAgentEvent | BaseChatMessage):
            return
        if isinstance(event, SelectSpeakerEvent) or event.source == "user":
            return
        if isinstance(event, ModelClientStreamingChunkEvent):
            turn = await self._turn_for(event.source)
            await turn.stream_token(event.content)
        elif isinstance(event, ToolCallRequestEvent):
            turn = await self._turn_for(event.source)
            for call in event.content:
                step = cl.Step(name=call.name, type="tool", parent_id=turn.id, show_input="json")
                step.input = call.arguments
                step.start = utc_now()
                await step.send()
                self.tools[(event.source, call.id)] = step
                self.tool_names.append(call.name)
        elif isinstance(event, ToolCallExecutionEvent):
            for result in event.content:
                key = (event.source, result.call_id)
                if key not in self.tools:
                    continue
                step = self.tools.pop(key)
                step.output = short_result(result.content)
                step.language = "text"
                step.is_error = bool(result.is_error)
                step.end = utc_now()
                await step.update()
        elif isinstance(event, TextMessage | ThoughtEvent):
            turn = await self._turn_for(event.source)
            turn.output = event.content
            await turn.update()
        elif isinstance(event, ToolCallSummaryMessage):
            await self._turn_for(event.source)

    async def close(self) -> None:
        """End open steps (after the run, also when it was stopped or failed)."""
        for step in self.tools.values():
            step.output = step.output or "stopped before a result"
            step.end = utc_now()
            await step.update()
        self.tools.clear()
        await self._close_turn()


# ============================================================================ chat state

def _state(key: str) -> Any:
    return cl.user_session.get(key)


def _approver() -> str:
    user = _state("user")
    identifier = getattr(user, "identifier", None)
    return str(identifier) if identifier else ANONYMOUS_APPROVER


async def _say(content: str, **kwargs: Any) -> cl.Message:
    message = cl.Message(content=content, author=AUTHOR, **kwargs)
    await message.send()
    return message


async def show_active_plan(store: PlanStore, home: Home, now: datetime) -> None:
    """Send the active plan (chart, table) if there is one."""
    record = store.active_record()
    if record is None:
        await _say("There is no active plan yet.")
        return
    plan = record.plan
    approved = (f"approved by {record.approved_by} on "
                f"{format_time(record.approved_at, home.timezone)}" if record.approved_at else "")
    text = plan_summary(plan, (), home.timezone, title=f"Active plan (plan {record.id})")
    figure = plan_figure(plan, tz_name=home.timezone, now=now, title="Active plan")
    await _say(f"{text}\n\n_{approved}._" if approved else text,
               elements=[cl.Plotly(name=f"active-plan-{record.id}", figure=figure,
                                   display="inline"), *_heat_elements(plan, f"active-{record.id}")])


def _heat_elements(plan: Plan, key: str) -> list[cl.Plotly]:
    """The temperature chart of a plan with tanks or heat pumps (none otherwise)."""
    home: Home = _state("home")
    figure = heat_figure(plan, tz_name=home.timezone)
    return [] if figure is None else [cl.Plotly(name=f"temperatures-{key}", figure=figure,
                                                display="inline")]


def mode_select(home: Home) -> Select:
    """The operation-mode switch (eco / comfort / away) shown in the chat settings of a home
    with heat; the home file's default mode is selected."""
    return Select(id="mode", label="Operation mode", values=list(MODE_NAMES),
                  initial_value=home.modes.default,
                  description="eco and away save energy; comfort keeps rooms nearer the middle "
                  "of their band. Switching plans again from now.")


@cl.on_settings_update
async def on_settings_update(settings: dict[str, Any]) -> None:
    """Switch the operation mode from now on and propose the plan that follows (plain code:
    a mode request on the whole home, then the optimiser; approval stays with the homeowner)."""
    mode = settings.get("mode")
    conversation = _state("conversation")
    store: PlanStore | None = _state("store")
    if conversation is None or store is None or mode not in MODE_NAMES or _state("busy"):
        return
    session = conversation.session
    change = RequestChange(device=HOME_DEVICE, mode=mode, deadline="horizon_end")
    try:
        update_requests(session, UpdateRequestsArgs(upsert=[change]))
        propose_plan(session, NoArgs())
    except HearthError as err:
        await _say(f"The mode could not be switched: {err}")
        return
    outcome = session.proposal
    if outcome is None or outcome.plan is None:
        await _say(f"Mode {mode}: {outcome.message if outcome else 'no plan'}")
        return
    await send_proposal(outcome.plan, list(outcome.conflicts),
                        f"Mode switched to **{mode}** from now; here is the plan that follows.",
                        store.active_id())


@cl.on_chat_start
async def on_chat_start() -> None:
    """Build this chat's conversation and show the active plan."""
    try:
        home = home_from_env()
        store = PlanStore()
        now = now_for(home)
        live = live_state(home, store, now)
        conversation = open_conversation(live.home, store, now)
    except HearthError as err:
        await _say(f"Hearth cannot start: {err}")
        return
    cl.user_session.set("home", home)
    cl.user_session.set("store", store)
    cl.user_session.set("conversation", conversation)
    cl.user_session.set("proposals", {})
    cl.user_session.set("busy", False)
    await _say(WELCOME)
    if live.sources:
        await _say(live_note(live))
    await show_active_plan(store, home, now)
    if home.thermal_devices():
        await cl.ChatSettings([mode_select(home)]).send()
    await show_runner_proposal(store, home)


async def show_runner_proposal(store: PlanStore, home: Home) -> None:
    """The runner's re-plan that needs the homeowner (a notification with Approve / Reject)."""
    pending = pending_runner_proposal(store)
    if pending is None:
        return
    plan_id, plan = pending.record.id, pending.record.plan
    summary = plan_summary(plan, (), home.timezone, title=f"Proposed change (plan {plan_id})")
    payload = {"plan_id": plan_id}
    message = await _say(
        f"**The running plan needs your decision.** While carrying it out ({pending.reason}), "
        f"Hearth found that {pending.why}. The current plan keeps running until you decide."
        f"\n\n{summary}",
        actions=[
            cl.Action(id=f"approve-{plan_id}", name="approve_plan", payload=payload,
                      label="Approve", icon="check", tooltip="Make this the active plan"),
            cl.Action(id=f"reject-{plan_id}", name="reject_plan", payload=payload,
                      label="Reject", icon="x", tooltip="Keep the current plan"),
        ],
    )
    proposals: dict[int, cl.Message] = _state("proposals")
    proposals[plan_id] = message


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
    """Stream the team's work as steps, then send its reply and, if any, the proposal."""
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
    steps = RunSteps()
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
    await send_result(result, based_on_active, home)


async def send_result(result: RunResult | None, based_on_active: int | None, home: Home) -> None:
    """The run's reply; a proposal with its chart and actions; a diagnosis when infeasible."""
    if result is None:
        await _say("Stopped.")
        return
    if result.status == "proposed" and result.plan is not None:
        await send_proposal(result.plan, result.conflicts, result.message, based_on_active)
        return
    parts = [result.message]
    if result.status == "infeasible" and result.diagnosis is not None:
        parts.append(diagnosis_section(result.diagnosis, home.timezone))
    if result.status == "infeasible":
        parts.append(conflicts_section(result.conflicts))
    await _say("\n\n".join(p for p in parts if p) or f"({result.status})")


async def send_proposal(plan: Plan, conflicts: list[Conflict], reply: str,
                        based_on_active: int | None) -> None:
    """Store the proposal and show it with the chart, the table and the three actions."""
    store: PlanStore = _state("store")
    home: Home = _state("home")
    try:
        plan_id = store.save_proposal(plan, based_on_active)
    except PlanStoreError as err:
        await _say(f"{reply}\n\nThe proposal could not be stored: {err}")
        return
    figure = plan_figure(plan, tz_name=home.timezone)
    summary = plan_summary(plan, conflicts, home.timezone, title=f"Proposed plan (plan {plan_id})")
    payload = {"plan_id": plan_id}
    message = await _say(
        "\n\n".join(p for p in (reply, summary) if p),
        elements=[cl.Plotly(name=f"plan-{plan_id}", figure=figure, display="inline"),
                  *_heat_elements(plan, str(plan_id))],
        actions=[
            cl.Action(id=f"approve-{plan_id}", name="approve_plan", payload=payload,
                      label="Approve", icon="check", tooltip="Make this the active plan"),
            cl.Action(id=f"reject-{plan_id}", name="reject_plan", payload=payload,
                      label="Reject", icon="x", tooltip="Say what should change"),
            cl.Action(id=f"adjust-{plan_id}", name="adjust_plan", payload=payload,
                      label="Adjust", icon="pencil", tooltip="Change something and plan again"),
        ],
    )
    proposals: dict[int, cl.Message] = _state("proposals")
    proposals[plan_id] = message


async def _own_proposal(action: cl.Action) -> tuple[int, cl.Message] | None:
    """The proposal an action refers to, if this chat showed it; else tell the homeowner."""
    proposals: dict[int, cl.Message] = _state("proposals") or {}
    plan_id = action.payload.get("plan_id") if isinstance(action.payload, dict) else None
    if not isinstance(plan_id, int) or plan_id not in proposals:
        await _say("That proposal is not part of this chat.")
        return None
    return plan_id, proposals[plan_id]


async def _own_idle_proposal(action: cl.Action) -> tuple[int, cl.Message] | None:
    """Like :func:`_own_proposal`, and also refuse while the team is still working."""
    owned = await _own_proposal(action)
    if owned is not None and _state("busy"):
        await _say("I'm still working on your previous request; wait for it or press stop.")
        return None
    return owned


async def _close_proposal(plan_id: int, message: cl.Message) -> None:
    await message.remove_actions()
    proposals: dict[int, cl.Message] = _state("proposals")
    proposals.pop(plan_id, None)


@cl.action_callback("approve_plan")
async def on_approve(action: cl.Action) -> None:
    """Approve in plain code: the store activates the plan (or refuses a stale one)."""
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
        await _say(f"**Not approved.** {err}. Tell me what you need and I'll plan against the "
                   "current active plan.")
        return
    except (UnknownPlanError, PlanStatusError) as err:
        await _close_proposal(plan_id, message)
        await _say(f"**Not approved.** {err}.")
        return
    await _close_proposal(plan_id, message)
    await _say(f"**Plan {plan_id} approved** by {result.approved.approved_by} — it is now the "
               f"active plan.\n\n{diff_section(result.diff, home.timezone)}")


async def _ask(question: str) -> str | None:
    """Ask in the chat and wait for the typed answer (``None`` on timeout or an empty answer).

    Chainlit marks the chat busy again after the answer (``task_start``); action callbacks run
    outside Chainlit's task bookkeeping, so the callers end it with :func:`_task_done`.
    """
    answer = await cl.AskUserMessage(content=question, author=AUTHOR,
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
