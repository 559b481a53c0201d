"""One homeowner message through the team → a :class:`RunResult` (the machine interface).

:class:`Conversation` keeps one team per chat, so a clarifying question and its answer are seen
together; :func:`run_request` is the one-shot form used by ``hearth plan``. Each run starts with
two task messages: the clock (``source="clock"``: the session's current local time, which is how a
model knows what "tonight" means) and the homeowner's text (``source="user"``).

The status is computed from what the tools did, never from the wording of a reply:

* ``needs_clarification`` — ``ask_homeowner`` recorded a question;
* ``proposed`` / ``infeasible`` — ``propose_plan`` (or an adopted ``what_if``) ran in this run;
* ``error`` — a tool call failed and nothing succeeded after it, the model failed, or the run
  stopped without a reply;
* ``answered`` — otherwise, the coordinator replied.

Numbers: a reply that reaches the homeowner has been checked by :func:`~agents.tools.verify_reply`
(by the auditor, or here when the auditor did not). If numbers stay unverified after the allowed
rewrite, the message is replaced by a summary rendered from the tool results.

Approval: a reply that claims an approval or an active plan the plan store does not have is
replaced by the store's facts (:mod:`agents.claims`); no text of a model can approve.

Failures: a model server that fails (:class:`~agents.faults.ModelFault`) ends the run with status
``error`` and its one sentence as the ``message``; any other failure of the team is logged with
its traceback and reported in one sentence. No traceback ever reaches the ``message``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from autogen_agentchat.base import TaskResult
from autogen_agentchat.conditions import ExternalTermination
from autogen_agentchat.messages import (
    BaseAgentEvent,
    BaseChatMessage,
    TextMessage,
    ToolCallExecutionEvent,
)
from autogen_agentchat.teams import SelectorGroupChat
from autogen_core.models import ChatCompletionClient
from pydantic import BaseModel, ConfigDict, Field

from agents.accounting import LlmLedger, LlmUsage
from agents.claims import store_contradiction, store_facts
from agents.faults import ModelFault
from agents.offline.render import render_fallback
from agents.session import Clarification, PlanningSession
from agents.team import ModelClientFactory, build_team
from agents.tools import ConflictReport, NoArgs, ReplyCheck, verify_reply
from tools.requests import DeviceRequest
from tools.results import Conflict, Diagnosis, Plan

RunStatus = Literal["proposed", "needs_clarification", "infeasible", "answered", "error"]
TeamItem = BaseAgentEvent | BaseChatMessage

log = logging.getLogger("hearth.agents")

#: The message of a run the team could not finish for a reason inside Hearth.
TEAM_FAILED = ("Something went wrong inside Hearth while working on that (the details are in the "
               "log); please try again or rephrase.")


class ReplyAudit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    verified: bool
    checked: list[str]
    unverified: list[str]
    by: Literal["auditor", "run"] = Field(description="Who ran the check.")
    replaced: str | None = Field(
        default=None,
        description="The model's reply, when it was replaced (unverified numbers, or a claim the "
        "plan store contradicts).",
    )
    store_claim: str | None = Field(
        default=None,
        description="The words claiming an approval or an active plan the plan store does not have.",
    )


class RunResult(BaseModel):
    """The machine interface of DESIGN.md for one homeowner message, plus a few extras."""

    model_config = ConfigDict(extra="forbid")

    status: RunStatus
    message: str = Field(description="What the assistant said to the homeowner.")
    requests: list[DeviceRequest] = Field(
        description="The draft requests after this run, with defaults made explicit once planned."
    )
    plan: Plan | None
    conflicts: list[Conflict]
    llm: LlmUsage
    diagnosis: Diagnosis | None = None
    clarification: Clarification | None = None
    audit: ReplyAudit | None = None
    errors: list[str] = Field(default_factory=list, description="Tool failures left unresolved.")
    stop_reason: str | None = None

    def machine_json(self) -> dict:
        """The JSON object ``hearth plan --json`` prints."""
        return self.model_dump(mode="json")


def clock_text(session: PlanningSession) -> str:
    """The clock message of a run."""
    local = session.now.astimezone(ZoneInfo(session.home.timezone))
    return (
        f"Now: {local.strftime('%A %d %B %Y, %H:%M')} local time ({session.home.timezone}); "
        f"ISO {local.isoformat()}"
    )


class Conversation:
    """A chat with the team about one session; runs one homeowner message at a time.

    Parameters
    ----------
    session:
        The planning session (home, clock, draft, proposal, store handle).
    client_factory:
        ``role -> ChatCompletionClient`` (see :func:`agents.team.build_team`).
    stream:
        Stream model tokens as ``ModelClientStreamingChunkEvent`` (for the UI).
    """

    def __init__(
        self, session: PlanningSession, client_factory: ModelClientFactory, *, stream: bool = False
    ) -> None:
        self.session = session
        self._factory = client_factory
        self._stream_tokens = stream
        self.ledger = LlmLedger(
            provider=getattr(client_factory, "provider", "custom"),
            model=getattr(client_factory, "model", None),
        )
        self._stop = ExternalTermination()
        self._clients: list[ChatCompletionClient] = []
        self.team = self._build()

    def _build(self) -> SelectorGroupChat:
        return build_team(
            self.session, _Recording(self._factory, self._clients), ledger=self.ledger,
            stop=self._stop, stream=self._stream_tokens,
        )

    def stop(self) -> None:
        """Stop the running team after the current turn (the UI's stop button)."""
        self._stop.set()

    async def ask(self, text: str, *, now: datetime | None = None) -> RunResult:
        """Run one homeowner message and return its result."""
        result: RunResult | None = None
        async for item in self.stream(text, now=now):
            if isinstance(item, RunResult):
                result = item
        assert result is not None
        return result

    async def stream(
        self, text: str, *, now: datetime | None = None
    ) -> AsyncIterator[TeamItem | RunResult]:
        """Run one homeowner message; yield the team's messages and events, then the RunResult.

        Raises :class:`~agents.models.ModelConfigError` when the model cannot be used as configured
        (refused key, unknown model); the conversation stays usable. A failing server ends the
        run with status ``error`` and one sentence instead (:class:`~agents.faults.ModelFault`).
        """
        self.session.begin_run(now)
        self.ledger.begin_run()
        checkpoint = await self.team.save_state()
        task = [
            TextMessage(source="clock", content=clock_text(self.session)),
            TextMessage(source="user", content=text),
        ]
        items: list[TeamItem] = []
        stop_reason: str | None = None
        try:
            async for item in self.team.run_stream(task=task, output_task_messages=False):
                if isinstance(item, TaskResult):
                    stop_reason = item.stop_reason
                    continue
                items.append(item)
                yield item
        except RuntimeError as err:  # AutoGen re-raises an agent's or model's failure like this
            await self._restore(checkpoint)
            fatal = self.ledger.fatal
            if isinstance(fatal, ModelFault):
                log.warning("model call failed: %s", fatal.sentence, exc_info=err)
                yield self._result(items, stop_reason, failure=fatal.sentence)
                return
            if fatal is not None:
                raise fatal from err
            log.error("the team failed", exc_info=err)
            yield self._result(items, stop_reason, failure=TEAM_FAILED)
            return
        yield self._result(items, stop_reason)

    async def _restore(self, checkpoint: dict) -> None:
        """A team is not reusable after an agent failure: rebuild it from the last checkpoint."""
        self.team = self._build()
        await self.team.load_state(checkpoint)

    def _result(self, items: list[TeamItem], stop_reason: str | None, failure: str | None = None) -> RunResult:
        session, run = self.session, self.session.run
        replies = [m for m in items if isinstance(m, TextMessage) and m.source == "coordinator"]
        reply = replies[-1].content if replies else None
        errors = _unresolved_errors(items)
        audit = self._audit(reply)
        message = reply or ""
        if audit is not None and not audit.verified:
            message = render_fallback(session)
            audit = audit.model_copy(update={"replaced": reply})
        proposal = run.proposal
        plan: Plan | None = None
        conflicts: list[Conflict] = []
        diagnosis = None
        status: RunStatus
        if failure is not None:
            status, message = "error", failure
        elif run.question is not None:
            status, message = "needs_clarification", reply or run.question.question
        elif proposal is not None:
            status = proposal.status
            plan, conflicts, diagnosis = proposal.plan, _conflicts(session), proposal.diagnosis
            message = message or proposal.message
        elif errors:
            status = "error"
            message = message or errors[-1]
        elif reply is not None:
            status = "answered"
            plan = session.latest_plan()
        else:
            status = "error"
            message = f"The assistant stopped without a reply ({stop_reason or 'no reason given'})."
        if failure is None:
            message, audit = self._check_claims(message, reply, audit)
        requests = (
            proposal.requests
            if proposal is not None and len(proposal.requests) == len(session.draft)
            else list(session.draft)
        )
        return RunResult(
            status=status, message=message, requests=requests, plan=plan,
            conflicts=conflicts, llm=self.ledger.usage("run"), diagnosis=diagnosis,
            clarification=run.question, audit=audit, errors=errors, stop_reason=stop_reason,
        )

    def _check_claims(
        self, message: str, reply: str | None, audit: ReplyAudit | None
    ) -> tuple[str, ReplyAudit | None]:
        """``message``, or the store's facts when it claims an approval the store does not have."""
        active = self.session.active_plan()
        claim = store_contradiction(message, has_active_plan=active is not None)
        if claim is None:
            return message, audit
        facts = store_facts(active_plan_id=active.id if active is not None else None)
        if self.session.run.proposal is not None:
            facts += "\n\n" + render_fallback(self.session)
        base = audit or ReplyAudit(verified=True, checked=[], unverified=[], by="run")
        return facts, base.model_copy(update={"replaced": reply or message, "store_claim": claim})

    def _audit(self, reply: str | None) -> ReplyAudit | None:
        run = self.session.run
        if reply is None:
            return None
        checks = [a for a in run.audits if isinstance(a, ReplyCheck)]
        if checks and run.reply_under_audit == reply:
            last = checks[-1]
            return ReplyAudit(verified=last.verified, checked=last.checked, unverified=last.unverified, by="auditor")
        run.reply_under_audit = reply
        check = verify_reply(self.session, NoArgs())
        return ReplyAudit(verified=check.verified, checked=check.checked, unverified=check.unverified, by="run")

    async def close(self) -> None:
        """Close the model clients the factory made (each one once)."""
        seen: set[int] = set()
        for client in self._clients:
            if id(client) not in seen:
                seen.add(id(client))
                await client.close()


class _Recording:
    """A model-client factory that remembers the clients it made (to close them)."""

    def __init__(self, factory: ModelClientFactory, made: list[ChatCompletionClient]) -> None:
        self._factory = factory
        self._made = made
        for attribute in ("provider", "model", "error_types", "translate", "policy"):
            if hasattr(factory, attribute):
                setattr(self, attribute, getattr(factory, attribute))

    def __call__(self, role: str) -> ChatCompletionClient:
        client = self._factory(role)
        self._made.append(client)
        return client


def _unresolved_errors(items: list[TeamItem]) -> list[str]:
    """Failed tool calls of the run not followed by a successful call of the same tool.

    Read from the ``ToolCallExecutionEvent``s, so AutoGen's own failures (malformed JSON,
    argument validation, unknown tool) count as well as the tools' :class:`ToolFailure`.
    """
    errors: dict[str, str] = {}
    for item in items:
        if isinstance(item, ToolCallExecutionEvent):
            for result in item.content:
                if result.is_error:
                    errors[result.name] = f"{result.name}: {_error_text(result.content)}"
                else:
                    errors.pop(result.name, None)
    return list(errors.values())


def _error_text(content: str) -> str:
    try:
        data = json.loads(content)
    except ValueError:
        return content.strip()
    return str(data.get("error", content)) if isinstance(data, dict) else content.strip()


def _conflicts(session: PlanningSession) -> list[Conflict]:
    """The proposal's conflicts, or the auditor's re-check when it found a change."""
    proposal = session.run.proposal
    assert proposal is not None
    rechecks = [r for r in session.run.results_of("check_conflicts") if isinstance(r, ConflictReport)]
    if rechecks and rechecks[-1].changed_since_proposal and rechecks[-1].plan_id == (
        proposal.plan.id if proposal.plan else None
    ):
        return [
            Conflict(kind=c.kind, severity=c.severity, message=c.message, resolutions=c.resolutions)  # type: ignore[arg-type]
            for c in rechecks[-1].conflicts
        ]
    return list(proposal.conflicts)


async def run_request(
    session: PlanningSession, text: str, client_factory: ModelClientFactory
) -> RunResult:
    """One homeowner message through a fresh team; the clients are closed afterwards."""
    conversation = Conversation(session, client_factory)
    try:
        return await conversation.ask(text)
    finally:
        await conversation.close()


async def run_request_stream(
    session: PlanningSession, text: str, client_factory: ModelClientFactory, *, stream: bool = False
) -> AsyncIterator[TeamItem | RunResult]:
    """Like :func:`run_request`, yielding the team's messages and events, then the RunResult."""
    conversation = Conversation(session, client_factory, stream=stream)
    try:
        async for item in conversation.stream(text):
            yield item
    finally:
        await conversation.close()
