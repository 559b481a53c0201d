"""The team: four role agents in a SelectorGroupChat, deterministic routing, bounded termination.

Roles
-----
coordinator  talks with the homeowner: requests in, clarifying questions, every reply
forecaster   prices, PV and base load (``get_forecast``), on the coordinator's hand-off
scheduler    runs the optimiser on the draft (``propose_plan``)
auditor      re-checks conflicts and the numbers of the coordinator's reply

Every agent ends its turn after one model call: a tool call (whose JSON result becomes the
agent's message, ``reflect_on_tool_use=False``) or a text. The standard planning path is

    homeowner → coordinator: update_requests → scheduler: propose_plan
              → coordinator: reply → auditor: verify_reply + check_conflicts      (4 model calls)

and :func:`route` (the ``selector_func``) decides it from the last message and the session, so
the selector model is consulted only on a message the routing does not know.

Termination (:class:`PlanningTermination`), whichever comes first: a clarifying question was
recorded; the coordinator replied with nothing to audit (no number, no new proposal); the auditor
spoke and the reply is verified or was rewritten :data:`MAX_REWRITES` times; or the hard bounds
:data:`MAX_MESSAGES` chat messages / :data:`MAX_TURNS` agent turns; or the UI's stop button
(:class:`~autogen_agentchat.conditions.ExternalTermination`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence

from autogen_agentchat.agents import AssistantAgent
from autogen_agentchat.base import TerminatedException, TerminationCondition
from autogen_agentchat.conditions import ExternalTermination, MaxMessageTermination
from autogen_agentchat.messages import (
    BaseAgentEvent,
    BaseChatMessage,
    HandoffMessage,
    StopMessage,
    TextMessage,
    ToolCallSummaryMessage,
)
from autogen_agentchat.teams import SelectorGroupChat
from autogen_core.model_context import BufferedChatCompletionContext
from autogen_core.models import ChatCompletionClient, LLMMessage, UserMessage

from agents.accounting import LlmLedger, MeteredClient
from agents.prompts import ROLES, system_prompt
from agents.session import PlanningSession
from agents.tools import ReplyCheck, workbench_for

ModelClientFactory = Callable[[str], ChatCompletionClient]

MAX_REWRITES = 1
MAX_MESSAGES = 16
MAX_TURNS = 10
CONTEXT_MESSAGES = {"coordinator": 30, "forecaster": 8, "scheduler": 8, "auditor": 8}
#: Sources of which the coordinator sees only the latest message (older ones are superseded).
LATEST_ONLY = ("clock", "scheduler", "forecaster", "auditor")
DRAFT_TOOLS = {"update_requests"}
#: The coordinator's turn after these results writes the reply (:func:`route`): no tools offered.
REPLY_TURN_SOURCES = ("scheduler", "forecaster")

DESCRIPTIONS = {
    "coordinator": "Talks with the homeowner: turns requests into device requests, asks one "
    "clarifying question when something is missing, answers questions and writes every reply.",
    "forecaster": "Summarises import prices, solar production and base load over the horizon.",
    "scheduler": "Optimises the draft device requests jointly and proposes a plan, or "
    "diagnoses why they cannot all be met.",
    "auditor": "Checks that the numbers in the coordinator's reply come from tool results and "
    "re-checks the proposal for conflicts.",
}

_DIGIT = re.compile(r"\d")


class CoordinatorContext(BufferedChatCompletionContext):
    """The current run's messages after a memory of the conversation, not a replay of it.

    Older turns are summarised from tool state by the session (:meth:`PlanningSession.memory`:
    draft, open question, alternatives offered, reported charge levels, the last few homeowner
    messages) in one ``memory`` message; every tool result is current state (``get_plan`` gives
    the proposal again), so replaying older turns would only cost tokens. Within the run,
    superseded clock lines, proposals, forecasts and audits are left out; tool calls and their
    results stay paired.
    """

    session: PlanningSession | None = None

    async def get_messages(self) -> list[LLMMessage]:
        messages = await super().get_messages()
        starts = [i for i, m in enumerate(messages) if isinstance(m, UserMessage) and m.source == "clock"]
        if starts and self.session is not None:
            messages = [
                UserMessage(source="memory", content=self.session.run.memory or "{}"),
                *messages[starts[-1]:],
            ]
        latest: dict[str, int] = {}
        for i, message in enumerate(messages):
            if isinstance(message, UserMessage) and message.source in LATEST_ONLY:
                latest[message.source] = i
        return [
            m for i, m in enumerate(messages)
            if not (isinstance(m, UserMessage) and m.source in LATEST_ONLY and latest[m.source] != i)
        ]


class RunContext(BufferedChatCompletionContext):
    """The current run's messages only (from its clock line on): what the forecaster, the
    scheduler and the auditor need to act (their tools read the session for everything else)."""

    async def get_messages(self) -> list[LLMMessage]:
        messages = await super().get_messages()
        starts = [i for i, m in enumerate(messages) if isinstance(m, UserMessage) and m.source == "clock"]
        return messages[starts[-1]:] if starts else messages


class AuditContext(RunContext):
    """The auditor's view of the run: the scheduler's and the forecaster's results cut to their
    status (its tools read the proposal and the reply from the session), the rest as it is."""

    async def get_messages(self) -> list[LLMMessage]:
        messages = await super().get_messages()
        return [_status_only(m) if isinstance(m, UserMessage) and m.source in ("scheduler", "forecaster")
                else m for m in messages]


def _status_only(message: UserMessage) -> UserMessage:
    try:
        data = json.loads(message.content) if isinstance(message.content, str) else None
    except ValueError:
        return message
    if not isinstance(data, dict):
        return message
    kept = {k: data[k] for k in ("ok", "status", "plan_id", "message") if k in data}
    return UserMessage(source=message.source, content=json.dumps(kept))


def _context(role: str, session: PlanningSession) -> BufferedChatCompletionContext:
    if role == "auditor":
        return AuditContext(buffer_size=CONTEXT_MESSAGES[role])
    if role != "coordinator":
        return RunContext(buffer_size=CONTEXT_MESSAGES[role])
    context = CoordinatorContext(buffer_size=CONTEXT_MESSAGES[role])
    context.session = session
    return context


def needs_audit(session: PlanningSession, reply: str) -> bool:
    """Whether a reply goes to the auditor: it states numbers, or this run proposed a plan."""
    return session.run.proposal is not None or bool(_DIGIT.search(reply))


def _last_chat_message(
    thread: Sequence[BaseAgentEvent | BaseChatMessage],
) -> BaseChatMessage | None:
    for message in reversed(thread):
        if isinstance(message, BaseChatMessage):
            return message
    return None


def route(session: PlanningSession, thread: Sequence[BaseAgentEvent | BaseChatMessage]) -> str | None:
    """The next speaker on the standard path, or ``None`` to let the selector model choose.

    Side effect: a coordinator text going to the auditor is recorded as the reply under audit,
    and a rewrite after a failed audit is counted.
    """
    last = _last_chat_message(thread)
    if last is None or last.source in ("user", "clock"):
        return "coordinator"
    if isinstance(last, HandoffMessage):
        return last.target if last.target in ROLES else "coordinator"
    if last.source == "coordinator":
        if isinstance(last, ToolCallSummaryMessage):
            called = {call.name for call in last.tool_calls}
            failed = any(result.is_error for result in last.results)
            # a cancelled approved run is planned too: the proposal withdraws it
            if called & DRAFT_TOOLS and not failed and (session.draft or session.released):
                return "scheduler"
            return "coordinator"
        if isinstance(last, TextMessage):
            session.run.reply_under_audit = last.content
            return "auditor"
        return None
    if last.source in ("scheduler", "forecaster"):
        return "coordinator"
    if last.source == "auditor":
        session.run.rewrites += 1
        return "coordinator"
    return None


class PlanningTermination(TerminationCondition):
    """Stops a run when the standard path is complete (see the module docstring)."""

    def __init__(self, session: PlanningSession) -> None:
        self._session = session
        self._terminated = False

    @property
    def terminated(self) -> bool:
        return self._terminated

    async def __call__(self, messages: Sequence[BaseAgentEvent | BaseChatMessage]) -> StopMessage | None:
        if self._terminated:
            raise TerminatedException("Termination condition has already been reached")
        for message in messages:
            reason = self._reason(message)
            if reason is not None:
                self._terminated = True
                return StopMessage(content=reason, source="PlanningTermination")
        return None

    def _reason(self, message: BaseAgentEvent | BaseChatMessage) -> str | None:
        run = self._session.run
        if message.source == "coordinator":
            if isinstance(message, ToolCallSummaryMessage) and run.question is not None:
                return "clarifying question asked"
            if isinstance(message, TextMessage) and not needs_audit(self._session, message.content):
                return "answered"
        if message.source == "auditor" and isinstance(message, BaseChatMessage):
            checks = [a for a in run.audits if isinstance(a, ReplyCheck)]
            if not checks or checks[-1].verified or run.rewrites >= MAX_REWRITES:
                return "audited"
        return None

    async def reset(self) -> None:
        self._terminated = False


def build_team(
    session: PlanningSession,
    model_client_factory: ModelClientFactory,
    *,
    ledger: LlmLedger | None = None,
    stop: ExternalTermination | None = None,
    stream: bool = False,
) -> SelectorGroupChat:
    """The Hearth team for one session.

    Parameters
    ----------
    session:
        The planning session the tools are bound to.
    model_client_factory:
        ``role -> ChatCompletionClient`` for the roles of :data:`agents.prompts.ROLES` and
        ``"selector"`` (the fallback speaker selection). Attributes ``provider``, ``model``,
        ``error_types``, ``translate`` and ``policy`` are used when present (see
        :class:`agents.models.ClientFactory`).
    ledger:
        Where model calls and tokens are recorded; a new one when ``None``.
    stop:
        An external stop (the UI's stop button); a new one when ``None``.
    stream:
        Stream model tokens (``ModelClientStreamingChunkEvent``) for the UI.
    """
    ledger = ledger or LlmLedger(
        provider=getattr(model_client_factory, "provider", "custom"),
        model=getattr(model_client_factory, "model", None),
    )
    error_types = getattr(model_client_factory, "error_types", ())
    translate = getattr(model_client_factory, "translate", None)
    policy = getattr(model_client_factory, "policy", None)

    def client(role: str) -> MeteredClient:
        return MeteredClient(
            model_client_factory(role), role, ledger, error_types=error_types, translate=translate,
            policy=policy, text_only_after=REPLY_TURN_SOURCES if role == "coordinator" else (),
        )

    agents = []
    for role in ROLES:
        agents.append(
            AssistantAgent(
                role,
                model_client=client(role),
                workbench=workbench_for(role, session),
                handoffs=["forecaster"] if role == "coordinator" else None,
                model_context=_context(role, session),
                description=DESCRIPTIONS[role],
                system_message=system_prompt(role, session.home),
                model_client_stream=stream,
                reflect_on_tool_use=False,
                max_tool_iterations=1,
                tool_call_summary_format="{result}",
            )
        )
    termination = (
        PlanningTermination(session) | MaxMessageTermination(MAX_MESSAGES) | (stop or ExternalTermination())
    )
    return SelectorGroupChat(
        agents,
        model_client=client("selector"),
        selector_func=lambda thread: route(session, thread),
        termination_condition=termination,
        max_turns=MAX_TURNS,
        allow_repeated_speaker=True,
    )
