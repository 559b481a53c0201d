"""``hearth plan TEXT`` and ``hearth chat``: the agent team on the command line.

``app/cli.py`` registers these with :func:`add_plan_parser` / :func:`add_chat_parser`; each sets
``run`` to :func:`run_plan` / :func:`run_chat`, which return the exit status of DESIGN.md (0 for a
valid outcome, 1 for an internal error; bad input raises :class:`~tools.errors.InputError`, which
``app/cli.py`` turns into 2).

Both save a proposed plan in the plan store (``--db``, else ``$HEARTH_DB``, else the default
store of :func:`app.store.default_db_path`) so that ``hearth approve ID`` can approve it. In
``hearth chat`` the human types ``approve`` (or ``reject``) to approve (reject) the latest
proposal: that is plain code calling the store, never an agent.

The agents, the plan store and the planning core are imported when a command runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, TextIO
from zoneinfo import ZoneInfo

from app.cli.args import add_axis, add_home_and_clock, is_utf8, nonempty_text
from app.cli.schedule import load_home_arg, now_arg
from tools.errors import InputError

if TYPE_CHECKING:
    from agents.models import ClientFactory
    from agents.run import RunResult
    from agents.session import PlanningSession
    from app.store import PlanStore
    from tools.home import Home
    from tools.reading import Language

#: Longest homeowner message [characters].
MAX_TEXT_CHARS = 4000
NOT_UTF8 = "hearth> I could not read that line: it is not UTF-8 text.\n"

APPROVE = re.compile(r"^\s*(approve|approve it|approve the plan|approve plan)\s*[.!]?\s*$", re.IGNORECASE)
REJECT = re.compile(r"^\s*(reject|reject it|reject the plan|reject plan)\s*[.!]?\s*$", re.IGNORECASE)
QUIT = re.compile(r"^\s*(quit|exit|bye|q)\s*[.!]?\s*$", re.IGNORECASE)


def _common(parser: argparse.ArgumentParser) -> None:
    add_home_and_clock(parser)
    parser.add_argument("--db", help="plan store file (default: $HEARTH_DB or the user store)")
    add_axis(parser)


def add_plan_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "plan",
        help="one request through the agent team",
        description="Turn one request in plain words into a plan with the agent team "
        "(model from HEARTH_LLM; the offline model by default).",
    )
    parser.add_argument("text", nargs="?", type=nonempty_text(MAX_TEXT_CHARS),
                        help='what you need, e.g. "charge my car cheaply by 7am"')
    _common(parser)
    parser.add_argument("--json", action="store_true", help="print the machine interface JSON")
    parser.add_argument(
        "--batch", metavar="FILE",
        help='JSON lines {"text": ..., "now": optional ISO 8601}: one --json object per line, '
        "in order, each in a fresh conversation",
    )
    parser.set_defaults(run=run_plan)


def add_chat_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "chat",
        help="a terminal chat with the agent team",
        description="Chat with the agent team. Type 'approve' to approve the latest proposal, "
        "'reject' to reject it, 'quit' to leave.",
    )
    _common(parser)
    parser.add_argument("--by", default="homeowner", type=nonempty_text(100),
                        help="name recorded as the approver")
    parser.set_defaults(run=run_chat)


def _session(args: argparse.Namespace) -> tuple[PlanningSession, PlanStore, ClientFactory]:
    """The session, store and model clients of a command. The cheap checks come first (home
    file, clock, model settings), and the plan store is opened last, so bad input leaves no
    file behind and loads neither the agents nor the solver."""
    home = load_home_arg(args)
    now = now_arg(args, home)
    from agents.models import make_client_factory
    from agents.session import PlanningSession
    from app.providers import inputs_builder_for
    from app.standing import StandingOrders
    from app.store import PlanStore

    factory = make_client_factory()
    builder = inputs_builder_for(home)
    store = PlanStore(args.db)
    session = PlanningSession(
        home=home, now=now, store=store, step_minutes=args.step, horizon_hours=args.horizon,
        inputs_builder=builder, standing=StandingOrders(store.path),
    )
    return session, store, factory


def _save(store: PlanStore, result: RunResult, based_on_active: int | None) -> int | None:
    if result.status == "proposed" and result.plan is not None:
        return store.save_proposal(result.plan, based_on_active)
    return None


def _usage_line(result: RunResult) -> str:
    llm = result.llm
    return (
        f"[{llm.provider}: {llm.calls} model calls, {llm.prompt_tokens} prompt and "
        f"{llm.completion_tokens} completion tokens]"
    )


def render_result(result: RunResult, session: PlanningSession, store_id: int | None) -> str:
    """The plain-text output of ``hearth plan``."""
    from app.card import infeasible_card, plan_card
    from app.render import card_markdown, infeasible_markdown, plain
    from tools.reading import reading_line

    lines = [result.message]
    proposal = session.run.proposal
    home = session.home
    lang: Language = "de" if result.language == "de" else "en"
    if proposal is not None and proposal.plan is not None and result.status == "proposed":
        readings = [reading_line(r, home, lang=lang) for r in proposal.plan.requests]
        card = plan_card(proposal.plan, home, number=store_id, conflicts=result.conflicts,
                         readings=readings)
        title = f"Plan {store_id} — proposed" if store_id is not None else "The proposal"
        lines += ["", plain(card_markdown(card, home.timezone, heading=title))]
    elif proposal is not None and proposal.diagnosis is not None:
        lines += ["", plain(infeasible_markdown(infeasible_card(
            proposal.diagnosis, home, conflicts=proposal.conflicts)))]
    if result.audit is not None and result.audit.store_claim is not None:
        lines += ["", "(The model's reply claimed an approval or an active plan that the plan "
                  "store does not have; the facts above come from the store instead.)"]
    elif result.audit is not None and result.audit.replaced is not None:
        lines += ["", "(The model's reply quoted numbers no tool computed; the summary above "
                  "comes from the optimiser instead.)"]
    if store_id is not None:
        lines += ["", f"Saved as plan {store_id}: approve it with `hearth approve {store_id}`."]
    lines += ["", _usage_line(result)]
    return "\n".join(lines)


def run_plan(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """``hearth plan TEXT``: one request through a fresh team (``--batch FILE``: many)."""
    out = out or sys.stdout
    if args.batch is not None:
        if args.text is not None:
            raise InputError("--batch", "give either TEXT or --batch FILE, not both")
        from app.cli.corpus import run_batch

        return run_batch(args, out)
    if args.text is None:
        raise InputError("text", "say what you need, or give --batch FILE")
    session, store, factory = _session(args)
    from agents.run import Conversation

    based_on = store.active_id()

    async def once() -> RunResult:
        conversation = Conversation(session, factory)
        try:
            return await conversation.ask(args.text)
        finally:
            await conversation.close()

    result = asyncio.run(once())
    store_id = _save(store, result, based_on)
    if args.json:
        data = result.machine_json()
        data["store_id"] = store_id
        out.write(json.dumps(data, indent=2) + "\n")
    else:
        out.write(render_result(result, session, store_id) + "\n")
    return 1 if result.status == "error" else 0


def run_chat(
    args: argparse.Namespace, stdin: TextIO | None = None, out: TextIO | None = None
) -> int:
    """``hearth chat``: read lines, answer each with the team; 'approve' approves in plain code."""
    stdin, out = stdin or sys.stdin, out or sys.stdout
    session, store, factory = _session(args)
    fixed_now = args.now is not None
    clock: Callable[[], datetime] = (
        (lambda: session.now) if fixed_now
        else (lambda: datetime.now(ZoneInfo(session.home.timezone)).replace(second=0, microsecond=0))
    )
    return asyncio.run(_chat(session, store, factory, clock, args.by, stdin, out))


async def _chat(
    session: PlanningSession, store: PlanStore, factory: Callable, clock: Callable[[], datetime],
    approver: str, stdin: TextIO, out: TextIO,
) -> int:
    from agents.run import Conversation

    conversation = Conversation(session, factory)
    latest: int | None = None
    status = 0
    out.write(_welcome(session.home) + "\n")
    try:
        while True:
            out.write("you> ")
            out.flush()
            try:
                line = await asyncio.to_thread(stdin.readline)
            except UnicodeDecodeError:
                out.write(NOT_UTF8)
                continue
            if not line:
                break
            text = line.strip()
            if not is_utf8(text):
                out.write(NOT_UTF8)
                continue
            if not text:
                continue
            if len(text) > MAX_TEXT_CHARS:
                out.write(f"hearth> That message is {len(text):,} characters long; please keep "
                          f"it under {MAX_TEXT_CHARS:,}.\n")
                continue
            if QUIT.match(text):
                break
            if APPROVE.match(text) or REJECT.match(text):
                approve = bool(APPROVE.match(text))
                out.write(_decide(store, latest, approver, session, approve=approve) + "\n")
                latest = None
                continue
            based_on = store.active_id()
            result = await conversation.ask(text, now=clock())
            saved = _save(store, result, based_on)
            if saved is not None:
                latest = saved
            reply = result.message
            if saved is not None:
                reply += f"\n(Plan {saved} saved. Type 'approve' to make it the active plan.)"
            out.write(f"hearth> {reply}\n")
            if result.status == "error":
                status = 1
    finally:
        await conversation.close()
    return status


def _welcome(home: Home) -> str:
    return (
        f"Hearth for {home.name}. Tell me what you need (e.g. 'charge the car by 7am'); "
        "'approve' approves the latest proposal, 'quit' leaves."
    )


def _decide(
    store: PlanStore, plan_id: int | None, approver: str, session: PlanningSession, *, approve: bool
) -> str:
    from app.render import diff_markdown, next_steps, plain
    from app.store import PlanStoreError

    if plan_id is None:
        return "hearth> There is no new proposal to " + ("approve." if approve else "reject.")
    try:
        if not approve:
            store.reject(plan_id)
            session.proposal = None
            return f"hearth> Plan {plan_id} rejected."
        result = store.approve(plan_id, by=approver)
    except PlanStoreError as err:
        return f"hearth> {err}"
    session.approved(result.covered)  # these runs are commitments in the store now
    tz = session.home.timezone
    return plain("\n".join([
        f"hearth> Plan {plan_id} approved by {approver}; its runs are now part of your active plan.",
        diff_markdown(result.diff, session.home.label, tz, battery_ids=result.battery_ids),
        next_steps(result.commitments, session.now, tz),
    ]))
