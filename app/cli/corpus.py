"""Many messages through the team in one process: ``hearth plan --batch`` and ``hearth eval``.

The commands' parsers live in :mod:`app.cli.evaluate` and :mod:`app.cli.conversation`, which
import this module only when they run (the CLI starts without the agents).

``--batch FILE`` reads JSON lines ``{"text": ..., "now": "optional ISO 8601"}`` and prints, per
line and in order, exactly the object ``hearth plan --json`` prints; each line is a fresh
conversation (the forecast is computed once per home, clock and horizon).

``hearth eval CORPUS...`` scores a dialogue corpus (``tests/corpus/README.md`` describes the
format) with the configured model: accuracy per class and language, silent wrong plans (a
proposal that differs from the expected reading, or a proposal where a question or an answer was
expected), model calls and tokens.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from agents.models import make_client_factory
from agents.run import Conversation, RunResult
from agents.session import PlanningSession
from app.providers import inputs_builder_for
from app.standing import StandingOrders
from app.store import PlanStore
from tools.errors import InputError
from tools.home import Home, load_home
from tools.inputs import PlanningInputs
from tools.timeaxis import parse_aware_datetime

REPO = Path(__file__).resolve().parents[2]


# ============================================================================ batch


def read_lines(path: str) -> list[dict[str, Any]]:
    """The JSON lines of a batch or corpus file; a bad line is an input error naming it."""
    file = Path(path)
    if not file.is_file():
        raise InputError(path, "no such file")
    items = []
    for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError as err:
            raise InputError(f"{path}:{number}", f"not a JSON object ({err.msg})") from None
        if not isinstance(item, dict):
            raise InputError(f"{path}:{number}", "not a JSON object")
        items.append(item)
    return items


class Runner:
    """Fresh conversations in one process, sharing forecasts per home, clock and horizon."""

    def __init__(self, factory: Callable | None = None, store: PlanStore | None = None) -> None:
        self.factory = factory or make_client_factory()
        self.store = store
        self._homes: dict[str, Home] = {}
        self._inputs: dict[tuple[str, str, float], PlanningInputs] = {}

    def add_home(self, path: str, home: Home) -> None:
        """A home already loaded (``--home``), known by its path."""
        self._homes[path] = home

    def home(self, path: str) -> Home:
        """The home of a corpus line (a path from the repository root, or an existing file)."""
        if path not in self._homes:
            file = Path(path)
            self._homes[path] = load_home(file if file.is_absolute() or file.exists() else REPO / path)
        return self._homes[path]

    def session(self, home_path: str, now: datetime) -> PlanningSession:
        """A fresh session on the home of ``home_path``, with the home's inputs builder (live
        providers when the home file names them) and, with a store, its standing orders."""
        home = self.home(home_path)
        standing = StandingOrders(self.store.path) if self.store is not None else None
        return PlanningSession(home=home, now=now, store=self.store,
                               inputs_builder=inputs_builder_for(home), standing=standing)

    async def run(self, conversation: Conversation, text: str, now: datetime | None) -> RunResult:
        session = conversation.session
        if now is not None:
            session.now = now
        key = (id(session.home), session.now.isoformat(), session.horizon_hours)
        cached = self._inputs.get(key)  # type: ignore[arg-type]
        if cached is not None and session._inputs is None:
            session._inputs = cached
        result = await conversation.ask(text, now=now)
        if session._inputs is not None:
            self._inputs[(id(session.home), session.now.isoformat(), session.horizon_hours)] = session._inputs  # type: ignore[index]
        return result


def run_batch(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """``hearth plan --batch FILE``: one ``--json`` object per input line, in order.

    Each line is ``{"text": ..., "now": optional ISO 8601}`` (``now`` defaults to ``--now``, then
    the current minute) and runs in a fresh conversation on the home of ``--home``.
    """
    from app.cli.schedule import load_home_arg, now_arg

    out = out or sys.stdout
    home = load_home_arg(args)
    items = read_lines(args.batch)
    store = PlanStore(args.db)
    runner = Runner(store=store)
    runner.add_home(args.home, home)

    async def main() -> int:
        status = 0
        for number, item in enumerate(items, start=1):
            text = item.get("text")
            if not isinstance(text, str) or not text.strip():
                raise InputError(f"{args.batch}:{number}.text", "a non-empty string is required")
            now_text = item.get("now")
            now = (parse_aware_datetime(now_text, f"{args.batch}:{number}.now")
                   if now_text else now_arg(args, home))
            session = runner.session(args.home, now)
            session.step_minutes, session.horizon_hours = args.step, args.horizon
            conversation = Conversation(session, runner.factory)
            try:
                based_on = store.active_id()
                result = await runner.run(conversation, text, None)
            finally:
                await conversation.close()
            data = result.machine_json()
            data["store_id"] = (
                store.save_proposal(result.plan, based_on)
                if result.status == "proposed" and result.plan is not None else None
            )
            out.write(json.dumps(data) + "\n")
            out.flush()
            status = max(status, 1 if result.status == "error" else 0)
        return status

    return asyncio.run(main())


# ============================================================================ eval


@dataclass
class Score:
    total: int = 0
    right: int = 0

    def add(self, ok: bool) -> None:
        self.total += 1
        self.right += int(ok)

    @property
    def pct(self) -> float:
        return 100.0 * self.right / self.total if self.total else 0.0


@dataclass
class Report:
    by_class: dict[tuple[str, str], Score] = field(default_factory=lambda: defaultdict(Score))
    by_language: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    conversations: Score = field(default_factory=Score)
    silent_wrong: list[str] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    messages: int = 0
    max_prompt_tokens: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "languages": {k: {"right": v.right, "total": v.total, "pct": round(v.pct, 1)}
                          for k, v in sorted(self.by_language.items())},
            "classes": {f"{lang}/{cls}": {"right": v.right, "total": v.total, "pct": round(v.pct, 1)}
                        for (lang, cls), v in sorted(self.by_class.items())},
            "conversations": {"right": self.conversations.right, "total": self.conversations.total},
            "silent_wrong_plans": self.silent_wrong,
            "llm": {"calls": self.calls, "prompt_tokens": self.prompt_tokens,
                    "completion_tokens": self.completion_tokens, "messages": self.messages,
                    "max_prompt_tokens_per_message": self.max_prompt_tokens},
        }


def _minute(text: str) -> str:
    return parse_aware_datetime(text, "expect").isoformat(timespec="minutes")


def compare(result: RunResult, expect: dict[str, Any]) -> tuple[bool, bool, str]:
    """(matches, silent wrong plan, why not) for one message's result and expectation."""
    statuses = expect.get("status")
    allowed = statuses if isinstance(statuses, list) else [statuses] if statuses else []
    got = result.status
    proposed_wrongly = got == "proposed" and allowed and "proposed" not in allowed
    if allowed and got not in allowed:
        return False, bool(proposed_wrongly), f"status {got}, expected {allowed}: {result.message[:160]}"
    problems: list[str] = []  # every difference from the expectation
    misread: list[str] = []  # differences in the requests: a silent wrong plan when proposed
    if "requests" in expect and got in ("proposed", "infeasible"):
        want = expect["requests"]
        have = {(r.device, r.kind if r.device == "battery" else None): r for r in result.requests}
        have_devices = sorted(r.device for r in result.requests)
        if sorted(w["device"] for w in want) != have_devices:
            misread.append(f"devices {have_devices}, expected {sorted(w['device'] for w in want)}")
        for w in want:
            r = have.get((w["device"], w.get("kind") if w["device"] == "battery" else None)) or next(
                (x for x in result.requests if x.device == w["device"]), None)
            if r is None:
                continue
            for key in ("deadline", "earliest_start"):
                if key in w:
                    value = getattr(r, key)
                    if value is None or (w[key] and value.isoformat(timespec="minutes") != _minute(w[key])):
                        misread.append(f"{w['device']}.{key} {value}, expected {w[key]}")
            for key in ("target_soc_pct", "floor_soc_pct", "energy_kwh", "target_temp_c", "draw_litres",
                        "min_temp_c", "max_temp_c"):
                if key in w:
                    value = getattr(r, key)
                    differs = value is None or w[key] is None or abs(value - w[key]) > 0.5
                    if differs and not (value is None and w[key] is None):
                        misread.append(f"{w['device']}.{key} {value}, expected {w[key]}")
            for key in ("objective", "kind", "mode"):
                if key in w and getattr(r, key) != w[key]:
                    misread.append(f"{w['device']}.{key} {getattr(r, key)}, expected {w[key]}")
    problems += misread
    if "asks_about" in expect and got == "needs_clarification":
        missing = result.clarification.missing if result.clarification else []
        if expect["asks_about"] not in missing:
            problems.append(f"asked about {missing}, expected {expect['asks_about']}")
    message = result.message.lower()
    for quote in expect.get("quotes", []):
        if quote.lower() not in message:
            problems.append(f"does not quote {quote!r}")
    for mention in expect.get("mentions", []):
        if mention.lower() not in message:
            problems.append(f"does not mention {mention!r}")
    if "language" in expect and result.language != expect["language"]:
        problems.append(f"language {result.language}, expected {expect['language']}")
    silent = got == "proposed" and bool(misread)
    return not problems, silent, "; ".join(problems)


def _account(report: Report, result: RunResult) -> None:
    report.calls += result.llm.calls
    report.prompt_tokens += result.llm.prompt_tokens
    report.completion_tokens += result.llm.completion_tokens
    report.messages += 1
    report.max_prompt_tokens = max(report.max_prompt_tokens, result.llm.prompt_tokens)


async def evaluate(items: Iterable[dict[str, Any]], runner: Runner) -> Report:
    """Score single messages and conversations (see the module docstring)."""
    report = Report()
    for item in items:
        if "turns" in item:
            ok = await _conversation(item, runner, report)
            report.conversations.add(ok)
            report.by_language[item.get("lang", "en")].add(ok)
            report.by_class[(item.get("lang", "en"), "conversation")].add(ok)
            continue
        now = parse_aware_datetime(item["now"], f"{item.get('id')}.now")
        session = runner.session(item.get("home", "examples/home.yaml"), now)
        conversation = Conversation(session, runner.factory)
        try:
            result = await runner.run(conversation, item["text"], None)
        finally:
            await conversation.close()
        _account(report, result)
        ok, silent, why = compare(result, item.get("expect", {}))
        report.by_class[(item.get("lang", "en"), item.get("class", "?"))].add(ok)
        report.by_language[item.get("lang", "en")].add(ok)
        if silent:
            report.silent_wrong.append(item.get("id", item["text"]))
        if not ok:
            report.failures.append((item.get("id", "?"), f"{item['text']!r}: {why}"))
    return report


async def _conversation(item: dict[str, Any], runner: Runner, report: Report) -> bool:
    with tempfile.TemporaryDirectory(prefix="hearth-eval-") as folder:
        return await _conversation_in(item, runner, report, Path(folder) / "plans.sqlite3")


async def _conversation_in(item: dict[str, Any], runner: Runner, report: Report, db: Path) -> bool:
    """One corpus conversation, approving on a plan store of its own (commitments per device,
    as the Approve button does)."""
    turns = item["turns"]
    now = parse_aware_datetime(turns[0].get("now", item.get("now")), f"{item.get('id')}.now")
    session = runner.session(item.get("home", "examples/home.yaml"), now)
    store = PlanStore(db, clock=lambda: session.now)
    session.store = store
    conversation = Conversation(session, runner.factory)
    ok = True
    active: set[str] = set()
    try:
        for number, turn in enumerate(turns, start=1):
            now_text = turn.get("now")
            turn_now = parse_aware_datetime(now_text, "now") if now_text else None
            action = turn.get("action")
            expect = turn.get("expect", {})
            if action in ("approve", "reject"):
                plan = session.latest_plan()
                if action == "approve" and plan is not None and session.proposal and session.proposal.status == "proposed":
                    approval = store.approve(store.save_proposal(plan, store.active_id()), by="eval")
                    session.approved(approval.covered)
                    # the devices the homeowner asked for and approved (the battery's own
                    # dispatch is committed too, without a request of the homeowner's)
                    active = {c.device for c in store.active_commitments(at=session.now) if c.requests}
                session.proposal = None
                if "active_devices" in expect and sorted(expect["active_devices"]) != sorted(active):
                    ok = False
                    report.failures.append((f"{item.get('id')}#{number}", f"active {sorted(active)}, expected {expect['active_devices']}"))
                continue
            if action == "choose":
                result = await conversation.choose(int(turn.get("option", 1)), now=turn_now)
            else:
                result = await runner.run(conversation, turn["text"], turn_now)
            _account(report, result)
            good, silent, why = compare(result, expect)
            if silent:
                report.silent_wrong.append(f"{item.get('id')}#{number}")
            if not good:
                ok = False
                report.failures.append((f"{item.get('id')}#{number}", f"{turn.get('text', action)!r}: {why}"))
    finally:
        await conversation.close()
    return ok


def format_report(report: Report) -> str:
    lines = ["language  right/total   accuracy"]
    for lang, score in sorted(report.by_language.items()):
        lines.append(f"{lang:8} {score.right:6}/{score.total:<6} {score.pct:7.1f}%")
    lines += ["", "class                         right/total   accuracy"]
    for (lang, cls), score in sorted(report.by_class.items()):
        lines.append(f"{lang + '/' + cls:28} {score.right:6}/{score.total:<6} {score.pct:7.1f}%")
    lines += [
        "", f"silent wrong plans: {len(report.silent_wrong)}"
        + (f" ({', '.join(report.silent_wrong)})" if report.silent_wrong else ""),
        f"model calls: {report.calls} for {report.messages} messages; prompt tokens {report.prompt_tokens} "
        f"(at most {report.max_prompt_tokens} per message), completion tokens {report.completion_tokens}",
    ]
    return "\n".join(lines)
