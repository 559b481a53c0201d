"""What the offline model says, per role, given the conversation it is shown.

It reads only what a real model would read: its system prompt (role, time zone, device table),
the clock message, the homeowner's messages, the other agents' messages and its own tool calls
and results. It returns tool calls (the same ones a real model would make) or a reply rendered
from tool results (:mod:`agents.offline.render`).

Coordinator
-----------
* nothing has happened since the homeowner's message → interpret it (with the unanswered
  question before it, if any) and call ``ask_homeowner``, ``update_requests``, ``get_plan``,
  ``explain``, ``what_if`` or ``transfer_to_forecaster``; or reply (help, approval refused);
* a result came back → reply from it: the scheduler's proposal, the forecaster's summary, its own
  query result; a failed tool call → one clarifying question naming the error;
* the auditor found unverified numbers → write the reply again from the results.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from autogen_core import FunctionCall
from autogen_core.models import (
    AssistantMessage,
    FunctionExecutionResultMessage,
    LLMMessage,
    SystemMessage,
    UserMessage,
)
from pydantic import ValidationError

from agents.offline import parser as p
from agents.offline import render
from agents.prompts import parse_devices
from agents.tools import (
    DraftResult,
    Explanation,
    ForecastSummary,
    PlanView,
    ReplyCheck,
    StandingOrdersResult,
    WhatIfResult,
)

ROLE = re.compile(r"^# Role: (\w+)", re.MULTILINE)
TIMEZONE = re.compile(r"time zone ([A-Za-z0-9_+\-/]+)")
CLOCK_ISO = re.compile(r"ISO (\S+)\s*$")
SELECTOR = re.compile(r"select the next role from \[([^\]]*)\]", re.IGNORECASE)
MAX_CHAIN = 4

Call = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class Decision:
    """Tool calls, or a text reply."""

    calls: tuple[Call, ...] = ()
    text: str | None = None


def text_of(message: LLMMessage) -> str:
    content = getattr(message, "content", "")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for item in content:
            if isinstance(item, FunctionCall):
                parts.append(f"{item.name}({item.arguments})")
            elif hasattr(item, "content"):
                parts.append(str(item.content))
            else:
                parts.append(str(item))
        return "\n".join(parts)
    return str(content)


def decide(messages: Sequence[LLMMessage], tool_names: set[str]) -> Decision:
    """The offline model's answer to ``messages`` with ``tool_names`` available."""
    system = "\n".join(text_of(m) for m in messages if isinstance(m, SystemMessage))
    selector = next((SELECTOR.search(text_of(m)) for m in messages if SELECTOR.search(text_of(m))), None)
    if selector is not None:
        names = [n.strip(" '\"") for n in selector.group(1).split(",") if n.strip(" '\"")]
        return Decision(text="coordinator" if "coordinator" in names else (names[0] if names else "coordinator"))
    role = ROLE.search(system)
    if role is None:
        return Decision(text="I have no role in this conversation.")
    name = role.group(1)
    if name == "coordinator":
        return Coordinator(system, list(messages), tool_names).decide()
    if name == "scheduler":
        return _single(tool_names, "propose_plan")
    if name == "forecaster":
        return _single(tool_names, "get_forecast")
    if name == "auditor":
        return _audit(list(messages), tool_names)
    return Decision(text=f"I do not know the role {name}.")


def _single(tool_names: set[str], tool: str) -> Decision:
    if tool in tool_names:
        return Decision(calls=((tool, {}),))
    return Decision(text=f"The {tool} tool is not available to me.")


def _audit(messages: list[LLMMessage], tool_names: set[str]) -> Decision:
    last_user = max((i for i, m in enumerate(messages) if _is_from(m, "user")), default=-1)
    proposed = any(_is_from(m, "scheduler") for m in messages[last_user + 1:])
    calls: list[Call] = []
    if proposed and "check_conflicts" in tool_names:
        calls.append(("check_conflicts", {}))
    if "verify_reply" in tool_names:
        calls.append(("verify_reply", {}))
    return Decision(calls=tuple(calls)) if calls else Decision(text="Nothing to check.")


def _is_from(message: LLMMessage, source: str) -> bool:
    return isinstance(message, UserMessage) and message.source == source


def _load(model: type, text: str) -> Any:
    try:
        return model.model_validate_json(text)
    except ValidationError:
        return None


def _json(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


class Coordinator:
    """The coordinator's reading of the conversation."""

    def __init__(self, system: str, messages: list[LLMMessage], tool_names: set[str]) -> None:
        self.messages = messages
        self.tools = tool_names
        self.lexicon = p.Lexicon(tuple(parse_devices(system)))
        tz = TIMEZONE.search(system)
        self.tz = ZoneInfo(tz.group(1)) if tz else None
        self.turns = [i for i, m in enumerate(messages) if _is_from(m, "user")]

    # -- reading ---------------------------------------------------------------------------------

    def now(self, before: int) -> datetime | None:
        for m in reversed(self.messages[:before]):
            if _is_from(m, "clock"):
                match = CLOCK_ISO.search(text_of(m))
                if match:
                    return datetime.fromisoformat(match.group(1))
        return None

    def draft(self, before: int) -> tuple[str, ...]:
        """Device ids of the draft as the latest result before ``before`` shows it."""
        for m in reversed(self.messages[:before]):
            contents = m.content if isinstance(m, FunctionExecutionResultMessage) else [m]
            for item in reversed(list(contents)):
                data = _json(text_of(item) if not hasattr(item, "call_id") else item.content)
                if data and data.get("ok", True) and isinstance(data.get("requests"), list) and (
                    "changed" in data or "status" in data
                ):
                    if data.get("status") in ("none", "active") or data.get("adopted") is False:
                        continue
                    return tuple(r["device"] for r in data["requests"] if isinstance(r, dict))
        return ()

    def last_devices(self, before: int) -> tuple[str, ...]:
        for m in reversed(self.messages[:before]):
            if isinstance(m, AssistantMessage) and isinstance(m.content, list):
                for call in m.content:
                    if call.name in ("update_requests", "what_if"):
                        args = _json(call.arguments) or {}
                        devices = tuple(c.get("device") for c in args.get("upsert", []) if isinstance(c, dict))
                        if devices:
                            return devices
        draft = self.draft(before)
        return draft if len(draft) == 1 else ()

    def context(self, before: int) -> p.ParseContext | None:
        now = self.now(before)
        if now is None or self.tz is None:
            return None
        return p.ParseContext(
            lexicon=self.lexicon, now=now, tz=self.tz, draft=self.draft(before),
            last_devices=self.last_devices(before),
        )

    def asked_after(self, turn: int) -> bool:
        """Whether the coordinator's last action after homeowner turn ``turn`` was a question."""
        position = self.turns.index(turn)
        end = self.turns[position + 1] if position + 1 < len(self.turns) else len(self.messages)
        asked = False
        for m in self.messages[turn + 1:end]:
            if isinstance(m, AssistantMessage):
                asked = isinstance(m.content, list) and any(c.name == "ask_homeowner" for c in m.content)
            if isinstance(m, FunctionExecutionResultMessage) and asked:
                asked = not any(r.is_error for r in m.content)
        return asked

    # -- deciding --------------------------------------------------------------------------------

    def decide(self) -> Decision:
        if not self.turns:
            return Decision(text=render.HELP)
        h = self.turns[-1]
        tail = self.messages[h + 1:]
        if not tail:
            return self.interpret(h)
        return self.respond(h, tail)

    def interpret(self, h: int) -> Decision:
        ctx = self.context(h)
        if ctx is None:
            return Decision(text="I do not know the current time or time zone, so I cannot plan yet.")
        chain = [h]
        while len(chain) < MAX_CHAIN and self.turns.index(chain[0]) > 0:
            previous = self.turns[self.turns.index(chain[0]) - 1]
            if not self.asked_after(previous):
                break
            chain.insert(0, previous)
        intent = p.parse(text_of(self.messages[chain[0]]), self.context(chain[0]) or ctx)
        for turn in chain[1:]:
            problems = p.find_problems(intent, ctx)
            answer = p.parse(text_of(self.messages[turn]), ctx)
            if problems and problems[0].slot == "deadline" and not any(r.has_time() for r in answer.requests):
                answer = p.parse("by " + text_of(self.messages[turn]), ctx)
            if not problems or p.answer_is_fresh(intent, answer, problems[0]):
                intent = answer
            else:
                intent = p.fill(intent, answer, problems[0], ctx)
        return self.act(intent, ctx, h)

    def act(self, intent: p.Intent, ctx: p.ParseContext, h: int) -> Decision:
        if intent.adopt and not intent.requests:
            adopt = self.last_what_if(h)
            if adopt is not None:
                return Decision(calls=(("what_if", {**adopt, "adopt": True}),))
        if intent.approval:
            intent.requests = [r for r in intent.requests if r.device]
            if not intent.requests:
                return Decision(text=render.APPROVAL_NOTE)
        if intent.standing_action is not None and "standing_orders" in self.tools:
            return Decision(calls=(("standing_orders", _standing_change(intent, ctx)),))
        problems = p.find_problems(intent, ctx)
        if problems:
            return Decision(calls=(("ask_homeowner", {"question": problems[0].question,
                                                      "missing": [problems[0].slot]}),))
        if intent.standing_days is not None and intent.requests and "standing_orders" in self.tools:
            return Decision(calls=(("standing_orders", _standing_proposal(intent, ctx)),))
        if intent.requests:
            return self.update(intent, ctx)
        if intent.question == "what_if":
            return Decision(text=render.NOT_UNDERSTOOD)
        if intent.question in ("cost", "plan"):
            return Decision(calls=(("get_plan", {}),))
        if intent.question == "why":
            args = {k: v for k, v in (("device", intent.why_device), ("at", intent.why_at)) if v}
            if not args:
                single = ctx.draft[0] if len(ctx.draft) == 1 else None
                if single is None:
                    return Decision(calls=(("ask_homeowner", {
                        "question": "Which device do you want me to explain?", "missing": ["device"],
                    }),))
                args = {"device": single}
            return Decision(calls=(("explain", args),))
        if intent.question == "forecast" and "transfer_to_forecaster" in self.tools:
            return Decision(calls=(("transfer_to_forecaster", {}),))
        if intent.approval:
            return Decision(text=render.APPROVAL_NOTE)
        if intent.question == "help":
            return Decision(text=render.HELP)
        return Decision(calls=(("ask_homeowner", {"question": render.NOT_UNDERSTOOD, "missing": ["other"]}),))

    def update(self, intent: p.Intent, ctx: p.ParseContext) -> Decision:
        upsert: list[dict[str, Any]] = []
        cancel: list[str] = []
        for r in intent.requests:
            assert r.device is not None
            if r.action == "cancel":
                if r.device not in ctx.draft:
                    name = ctx.lexicon.label(r.device)
                    return Decision(text=f"There is no request for the {name} to cancel.")
                cancel.append(r.device)
                continue
            upsert.append(_change(r, ctx))
        tool = "what_if" if intent.question == "what_if" else "update_requests"
        args: dict[str, Any] = {"upsert": upsert} if upsert else {}
        if cancel:
            args["cancel"] = cancel
        return Decision(calls=((tool, args),))

    def last_what_if(self, before: int) -> dict[str, Any] | None:
        for m in reversed(self.messages[:before]):
            if isinstance(m, AssistantMessage) and isinstance(m.content, list):
                for call in m.content:
                    if call.name == "what_if":
                        args = _json(call.arguments) or {}
                        args.pop("adopt", None)
                        return args
        return None

    # -- replying --------------------------------------------------------------------------------

    def respond(self, h: int, tail: list[LLMMessage]) -> Decision:
        last = tail[-1]
        approval = bool(re.search(p.g.APPROVAL, p.normalise(text_of(self.messages[h]))))
        if _is_from(last, "auditor"):
            earlier = [m for m in tail[:-1] if not isinstance(m, AssistantMessage) or isinstance(m.content, list)]
            return self.respond(h, earlier) if earlier else Decision(text=render.HELP)
        if _is_from(last, "scheduler"):
            view = _load(PlanView, text_of(last))
            if view is None:
                return Decision(text=f"The scheduler could not plan: {_error_text(text_of(last))}")
            return Decision(text=render.render_proposal(view, approval_note=approval))
        if _is_from(last, "forecaster"):
            forecast = _load(ForecastSummary, text_of(last))
            if forecast is None:
                return Decision(text=f"The forecast failed: {_error_text(text_of(last))}")
            return Decision(text=render.render_forecast(forecast))
        if isinstance(last, FunctionExecutionResultMessage):
            call = self.own_call(tail)
            return self.after_own_call(call, last, h)
        return Decision(text=render.HELP)

    def own_call(self, tail: list[LLMMessage]) -> list[FunctionCall]:
        for m in reversed(tail):
            if isinstance(m, AssistantMessage) and isinstance(m.content, list):
                return list(m.content)
        return []

    def after_own_call(self, calls: list[FunctionCall], results: FunctionExecutionResultMessage, h: int) -> Decision:
        result = results.content[-1]
        name = result.name
        if result.is_error:
            if name == "ask_homeowner":
                return Decision(text=f"I could not ask my question: {_error_text(result.content)}")
            question = f"I could not do that: {_error_text(result.content)[:220]}. What should I change?"
            return Decision(calls=(("ask_homeowner", {"question": question, "missing": ["other"]}),))
        question = p.parse(text_of(self.messages[h]), self.context(h)) if self.context(h) else None
        if name == "get_plan":
            view = _load(PlanView, result.content)
            if view is None:
                return Decision(text=_error_text(result.content))
            if question is not None and question.question == "cost":
                return Decision(text=render.render_cost(view))
            return Decision(text=render.render_plan(view))
        if name == "explain":
            explanation = _load(Explanation, result.content)
            return Decision(text=render.render_explanation(explanation) if explanation else _error_text(result.content))
        if name == "what_if":
            what = _load(WhatIfResult, result.content)
            changed = [c.get("device", "") for c in (_json(calls[-1].arguments) or {}).get("upsert", [])] if calls else []
            return Decision(text=render.render_what_if(what, changed) if what else _error_text(result.content))
        if name == "update_requests":
            draft = _load(DraftResult, result.content)
            if draft is not None and not draft.requests:
                names = {d.id: self.lexicon.label(d.id) for d in self.lexicon.devices}
                return Decision(text=render.render_cancelled(draft, names))
            return Decision(text="The requests are updated; the scheduler will plan them.")
        if name == "standing_orders":
            orders = _load(StandingOrdersResult, result.content)
            return Decision(text=render.render_standing(orders) if orders else _error_text(result.content))
        check = _load(ReplyCheck, result.content)
        if check is not None:
            return Decision(text="Checked.")
        return Decision(text=_error_text(result.content))


def _change(r: p.Request, ctx: p.ParseContext) -> dict[str, Any]:
    change: dict[str, Any] = {"device": r.device}
    if r.deadline is not None:
        change["deadline"] = r.deadline.isoformat()
    elif r.open_end and r.device not in ctx.draft:
        change["deadline"] = "horizon_end"
    if r.earliest is not None:
        change["earliest_start"] = r.earliest.isoformat()
    if r.target_soc_pct is not None:
        change["target_soc_pct"] = r.target_soc_pct
    elif r.energy_kwh is not None:
        change["energy_kwh"] = r.energy_kwh
    elif r.charge_full:
        change["charge_full"] = True
    if r.objective is not None:
        change["objective"] = r.objective
    return change


def _standing_proposal(intent: p.Intent, ctx: p.ParseContext) -> dict[str, Any]:
    """``standing_orders`` arguments proposing the first request of a repeating message."""
    r = next(r for r in intent.requests if r.device)
    args: dict[str, Any] = {"action": "propose", "device": r.device, "days": intent.standing_days}
    if r.deadline is not None:
        args["deadline"] = r.deadline.astimezone(ctx.tz).strftime("%H:%M")
    earliest = r.earliest.astimezone(ctx.tz).strftime("%H:%M") if r.earliest else intent.standing_earliest
    if earliest is not None:
        args["earliest"] = earliest
    if r.target_soc_pct is not None:
        args["target_soc_pct"] = r.target_soc_pct
    elif r.energy_kwh is not None:
        args["energy_kwh"] = r.energy_kwh
    if r.objective is not None:
        args["objective"] = r.objective
    return args


def _standing_change(intent: p.Intent, ctx: p.ParseContext) -> dict[str, Any]:
    """``standing_orders`` arguments for pausing, resuming, cancelling or listing."""
    del ctx
    args: dict[str, Any] = {"action": intent.standing_action}
    if intent.why_device is not None and intent.standing_action != "list":
        args["device"] = intent.why_device
    if intent.standing_action == "pause" and intent.standing_this_week:
        args["until"] = "end_of_week"
    return args


def _error_text(text: str) -> str:
    data = _json(text)
    if data and isinstance(data.get("error"), str):
        return data["error"].rstrip(".")
    return text.strip().rstrip(".")
