"""What the offline model says, per role, given the conversation it is shown.

It reads only what a real model would read: its system prompt (role, time zone, device table),
the clock message, the homeowner's messages, the other agents' messages and its own tool calls
and results. It returns tool calls (the same ones a real model would make) or a reply rendered
from tool results (:mod:`agents.offline.render`).

Coordinator
-----------
* nothing has happened since the homeowner's message → read it with
  :func:`agents.understanding.understand` (the conversation so far comes from the ``memory``
  message: draft, open question, options offered) and call ``ask_homeowner``,
  ``update_requests``, ``record_state``, ``get_plan``, ``explain``, ``what_if``,
  ``standing_orders`` or ``transfer_to_forecaster``; or reply (help, a limit, a house rule,
  approval refused);
* a result came back → reply from it: the scheduler's proposal, the forecaster's summary, its own
  query result; a failed tool call → one clarifying question naming the error;
* the auditor found unverified numbers → write the reply again from the results.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
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

from agents.offline import render
from agents.offline.forecast import render_forecast, render_price
from agents.offline.questions import Q, fact_text, limit_text, question, rules_text
from agents.offline.standing import render_standing, standing_change, standing_proposal
from agents.tools import (
    DraftResult,
    Explanation,
    ForecastSummary,
    PlanView,
    ReplyCheck,
    StandingOrdersResult,
    StateRecorded,
    WhatIfResult,
)
from agents.understanding import Clockwork, Memory, Reading, ReadRequest, Vocabulary, understand

ROLE = re.compile(r"^# Role: (\w+)", re.MULTILINE)
TIMEZONE = re.compile(r"time zone ([A-Za-z0-9_+\-/]+)")
CLOCK_ISO = re.compile(r"ISO (\S+)\s*$")
SELECTOR = re.compile(r"select the next role from \[([^\]]*)\]", re.IGNORECASE)

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
    """The coordinator: reads the homeowner's message with :mod:`agents.understanding`.

    It knows the home from its system prompt (the device table and its facts), the conversation
    from the ``memory`` message, and the time from the ``clock`` message.
    """

    def __init__(self, system: str, messages: list[LLMMessage], tool_names: set[str]) -> None:
        self.messages = messages
        self.tools = tool_names
        self.vocab = Vocabulary.from_prompt(system)
        tz = TIMEZONE.search(system)
        self.tz = ZoneInfo(tz.group(1)) if tz else None
        memory = next((m for m in reversed(messages) if _is_from(m, "memory")), None)
        self.memory_data = (_json(text_of(memory)) if memory is not None else None) or {}
        self.memory = Memory.from_json(self.memory_data)
        self.turns = [i for i, m in enumerate(messages) if _is_from(m, "user")]

    def now(self, before: int) -> datetime | None:
        for m in reversed(self.messages[:before]):
            if _is_from(m, "clock"):
                match = CLOCK_ISO.search(text_of(m))
                if match:
                    return datetime.fromisoformat(match.group(1))
        return None

    def read(self, h: int) -> Reading | None:
        now = self.now(h)
        if now is None or self.tz is None:
            return None
        return understand(text_of(self.messages[h]), self.vocab, Clockwork(now, self.tz), self.memory)

    # -- deciding --------------------------------------------------------------------------------

    def decide(self) -> Decision:
        if not self.turns:
            return Decision(text=render.HELP)
        h = self.turns[-1]
        reading = self.read(h)
        if reading is None:
            return Decision(text=render.T["en"]["no_clock"])
        tail = self.messages[h + 1:]
        if not tail:
            return self.act(reading)
        return self.respond(reading, tail)

    def ask(self, text: str, missing: str, options: list[dict[str, Any]] | None = None) -> Decision:
        args: dict[str, Any] = {"question": text, "missing": [missing]}
        if options:
            args["options"] = options
        return Decision(calls=(("ask_homeowner", args),))

    def act(self, reading: Reading) -> Decision:
        lang, memory = reading.lang, self.memory
        t = render.T[lang]
        if reading.choose is not None and reading.choose <= len(memory.options):
            change = {k: v for k, v in memory.options[reading.choose - 1].items() if v is not None}
            return Decision(calls=(("update_requests", {"upsert": [change]}),))
        if reading.adopt:
            if memory.what_if:
                return Decision(calls=(("what_if", {**memory.what_if, "adopt": True}),))
            if len(memory.options) == 1:
                change = {k: v for k, v in memory.options[0].items() if v is not None}
                return Decision(calls=(("update_requests", {"upsert": [change]}),))
            labels = [o.get("label", "") for o in self.memory_data.get("options", [])]
            listed = Q[lang]["or"].join(f"{i}. {label}" for i, label in enumerate(labels, start=1))
            return self.ask(Q[lang]["choose_which"].format(options=listed), "other")
        if reading.ignore_rules:
            return Decision(text=rules_text(reading.question_device, self.vocab, lang))
        if reading.limits:
            limit = reading.limits[0]
            if limit.kind == "beyond_horizon":
                info = self.vocab.get(limit.device) if limit.device else None
                done = Q[lang]["done"] if info is None or info.kind == "appliance_run" else Q[lang]["charged"]
                name = info.label if info else ""
                at = render.when(limit.value.astimezone(self.tz), lang)
                template = Q[lang]["beyond_quoted" if limit.quote else "beyond"]
                return self.ask(template.format(at=at, name=name, done=done, quote=limit.quote), "deadline")
            return Decision(text=limit_text(limit, self.vocab, lang, tz=self.tz))
        if reading.standing_action is not None and "standing_orders" in self.tools:
            return Decision(calls=(("standing_orders", standing_change(reading)),))
        if reading.state:
            calls = tuple(("record_state", {"device": d, "soc_pct": p}) for d, p in reading.state.items())
            rest = [r for r in reading.requests if r.signal or r.device]
            if rest and not reading.asks and not reading.unused and reading.question is None:
                # "my car is at 50% and needs 80% by 7am": recorded first, then planned from there
                update = self.update(reading, rest)
                return Decision(calls=calls + update.calls) if update.calls else Decision(calls=calls)
            return Decision(calls=calls)
        if reading.question is not None and reading.question != "what_if":
            return self.answer(reading)
        requests = [r for r in reading.requests if r.signal or r.device]
        if reading.asks:
            ask = reading.asks[0]
            options = None
            if ask.reason == "rule":
                request = reading.requests[ask.index]
                options = [{"label": render.when(ask.extra[3], lang), "device": request.device,
                            "earliest_start": ask.extra[3].isoformat()}]
            return self.ask(question(ask, reading, self.vocab, lang), ask.slot, options)
        if reading.unused:
            return self.ask(Q[lang]["unused"].format(quote=reading.unused[0]), "other")
        if reading.standing_days is not None and requests and "standing_orders" in self.tools:
            proposal = standing_proposal(reading, requests, self.tz)
            if proposal is not None:
                return Decision(calls=(("standing_orders", proposal),))
        if requests:
            return self.update(reading, requests)
        if reading.refused:
            return Decision(text=t["approval"])
        return Decision(text=t["help"])

    def answer(self, reading: Reading) -> Decision:
        kind, lang = reading.question, reading.lang
        if kind == "help":
            return Decision(text=render.T[lang]["help"])
        if kind == "no_heat":
            every = ", ".join(d.label for d in self.vocab.devices)
            return Decision(text=render.T[lang]["no_heat"].format(devices=every))
        if kind in ("price", "forecast") and "transfer_to_forecaster" in self.tools:
            return Decision(calls=(("transfer_to_forecaster", {}),))
        if kind in ("cost", "plan"):
            return Decision(calls=(("get_plan", {}),))
        if kind == "why" and (fact := fact_text(reading, self.vocab, lang)) is not None:
            return Decision(text=fact)
        if kind == "why" and "proposal" not in self.memory_data:
            if re.search(r"quiet|night|nacht|ruhezeit|after the|wait for|nach de", reading.norm.text):
                return Decision(text=rules_text(reading.question_device, self.vocab, lang))
            return Decision(text=render.T[lang]["why_no_plan"])
        if kind == "why":
            args = {k: v for k, v in (("device", reading.question_device), ("at", reading.question_at)) if v}
            if not args:
                draft = self.memory.draft
                if len(draft) != 1:
                    every = ", ".join(d.label for d in self.vocab.devices)
                    return self.ask(Q[lang]["which"].format(options=every), "device")
                args = {"device": draft[0]}
            return Decision(calls=(("explain", args),))
        return Decision(text=render.T[lang]["help"])

    def update(self, reading: Reading, requests: list[ReadRequest]) -> Decision:
        upsert: list[dict[str, Any]] = []
        cancel: list[str] = []
        draft = set(self.memory.requested)  # cancelling an approved run withdraws it from the plan
        for r in requests:
            if r.device is None:
                continue
            if r.action in ("cancel", "exclude"):
                if r.device in draft:
                    cancel.append(r.device)
                elif r.action == "cancel" and not any(x.action == "set" for x in requests):
                    name = self.vocab.get(r.device).label if self.vocab.get(r.device) else r.device  # type: ignore[union-attr]
                    return Decision(text=render.T[reading.lang]["nothing_to_cancel"].format(name=name))
                continue
            upsert.append(_change(r, draft))
        tool = "what_if" if reading.question == "what_if" else "update_requests"
        if not upsert and not cancel:
            return Decision(text=render.T[reading.lang]["help"])
        args: dict[str, Any] = {"upsert": upsert} if upsert else {}
        if cancel:
            args["cancel"] = cancel
        return Decision(calls=((tool, args),))

    # -- replying --------------------------------------------------------------------------------

    def notes(self, reading: Reading, view: PlanView) -> list[str]:
        t = render.T[reading.lang]
        notes = [t[n] for n in dict.fromkeys(reading.notes) if n in ("no_co2", "solar")]
        if reading.standing_days is not None and "standing_orders" not in self.tools:
            notes.append(t["once"])  # "every weekday …" without standing orders: planned once
        for device, pct in reading.state.items():
            info = self.vocab.get(device)
            name = info.label if info is not None else device
            notes.append(t["state_planned"].format(name=name, pct=f"{render._num(pct, 1)}%"))
        for request in view.requests:
            info = self.vocab.get(request.device)
            if info is None or not info.facts.get("quiet_hours") or request.deadline is None:
                continue
            start = request.earliest_start or view.horizon_start
            if start is None:
                continue
            for a, b in info.windows("quiet_hours"):
                if _overlaps(start, request.deadline, a, b, self.tz):
                    label = info.label if reading.lang == "en" else info.label[:1].upper() + info.label[1:]
                    notes.append(t["quiet"].format(name=label, window=info.facts["quiet_hours"].replace("-", "–")))
                    break
        return notes

    def respond(self, reading: Reading, tail: list[LLMMessage]) -> Decision:
        last = tail[-1]
        lang = reading.lang
        if _is_from(last, "auditor"):
            earlier = [m for m in tail[:-1] if not isinstance(m, AssistantMessage) or isinstance(m.content, list)]
            return self.respond(reading, earlier) if earlier else Decision(text=render.T[lang]["help"])
        if _is_from(last, "scheduler"):
            view = _load(PlanView, text_of(last))
            if view is None:
                return Decision(text=render.T[lang]["scheduler_failed"].format(error=_error_text(text_of(last))))
            names = {d.id: d.label if lang == "en" else d.label[:1].upper() + d.label[1:] for d in self.vocab.devices}
            return Decision(text=render.render_proposal(
                view, approval_note=reading.refused, lang=lang, notes=self.notes(reading, view), names=names,
            ))
        if _is_from(last, "forecaster"):
            forecast = _load(ForecastSummary, text_of(last))
            if forecast is None:
                return Decision(text=render.T[lang]["forecast_failed"].format(error=_error_text(text_of(last))))
            if reading.question == "price":
                return Decision(text=render_price(forecast, lang))
            weather = bool(re.search(r"weather|wetter|rain|regen|sunny|sonnig|cloud|wolk", reading.norm.text))
            return Decision(text=render_forecast(forecast, lang, weather=weather))
        if isinstance(last, FunctionExecutionResultMessage):
            return self.after_own_call(self.own_call(tail), last, reading)
        return Decision(text=render.T[lang]["help"])

    def own_call(self, tail: list[LLMMessage]) -> list[FunctionCall]:
        for m in reversed(tail):
            if isinstance(m, AssistantMessage) and isinstance(m.content, list):
                return list(m.content)
        return []

    def after_own_call(self, calls: list[FunctionCall], results: FunctionExecutionResultMessage, reading: Reading) -> Decision:
        result = results.content[-1]
        name, lang = result.name, reading.lang
        if result.is_error and name == "explain":
            return Decision(text=render.T[lang]["why_no_plan"])
        if result.is_error:
            if name == "ask_homeowner":
                return Decision(text=render.T[lang]["not_understood"])
            error = _error_text(result.content)[:220]
            prefix = "I could not do that" if lang == "en" else "Das ging nicht"
            suffix = "What should I change?" if lang == "en" else "Was soll ich ändern?"
            return self.ask(f"{prefix}: {error}. {suffix}", "other")
        if name == "get_plan":
            view = _load(PlanView, result.content)
            if view is None:
                return Decision(text=_error_text(result.content))
            if reading.question == "cost":
                return Decision(text=render.render_cost(view, lang))
            return Decision(text=render.render_plan(view, lang))
        if name == "explain":
            explanation = _load(Explanation, result.content)
            return Decision(text=render.render_explanation(explanation, lang) if explanation else _error_text(result.content))
        if name == "what_if":
            what = _load(WhatIfResult, result.content)
            changed = [c.get("device", "") for c in (_json(calls[-1].arguments) or {}).get("upsert", [])] if calls else []
            return Decision(text=render.render_what_if(what, changed, lang) if what else _error_text(result.content))
        if name == "record_state":
            lines = [render.render_state(s, lang) for s in (_load(StateRecorded, r.content) for r in results.content) if s]
            return Decision(text=" ".join(lines) or _error_text(result.content))
        if name == "update_requests":
            draft = _load(DraftResult, result.content)
            if draft is not None and not draft.requests:
                names = {d.id: d.label for d in self.vocab.devices}
                return Decision(text=render.render_cancelled(draft, names, lang))
            return Decision(text=render.T[lang]["updated"])
        if name == "standing_orders":
            orders = _load(StandingOrdersResult, result.content)
            return Decision(text=render_standing(orders, lang) if orders else _error_text(result.content))
        check = _load(ReplyCheck, result.content)
        if check is not None:
            return Decision(text="Checked.")
        return Decision(text=_error_text(result.content))


def _overlaps(start: datetime, end: datetime, a: int, b: int, tz: ZoneInfo | None) -> bool:
    """Whether [start, end) meets the daily window a–b [minutes] on any day."""
    zone = tz or start.tzinfo
    moment = start.astimezone(zone)
    while moment < end:
        minute = moment.hour * 60 + moment.minute
        inside = a <= minute < b if a < b else (minute >= a or minute < b)
        if inside:
            return True
        moment += timedelta(minutes=15)
    return False


def _change(r: ReadRequest, draft: set[str]) -> dict[str, Any]:
    change: dict[str, Any] = {"device": r.device}
    if r.deadline is not None:
        change["deadline"] = r.deadline.isoformat()
    elif r.open_end and r.device not in draft:
        change["deadline"] = "horizon_end"
    if r.earliest is not None:
        change["earliest_start"] = r.earliest.isoformat()
    if r.battery == "floor":
        change["floor_soc_pct"] = r.target_soc_pct
    elif r.battery == "no_ev_discharge":
        change["no_ev_discharge"] = True
    elif r.target_soc_pct is not None:
        change["target_soc_pct"] = r.target_soc_pct
    elif r.energy_kwh is not None:
        change["energy_kwh"] = r.energy_kwh
    elif r.charge_full:
        change["charge_full"] = True
    for name in ("target_temp_c", "draw_litres", "min_temp_c", "max_temp_c", "mode"):
        if getattr(r, name) is not None:
            change[name] = getattr(r, name)
    if r.objective is not None:
        change["objective"] = r.objective
    return change


def _error_text(text: str) -> str:
    data = _json(text)
    if data and isinstance(data.get("error"), str):
        return data["error"].rstrip(".")
    return text.strip().rstrip(".")
