"""Prompt tokens per turn of a 10-turn conversation (targets: every turn under 8k, a planning
request under 6k), measured with the token ledger on the offline model.

Run: ``.venv/bin/python bench/conversation_tokens.py [--json]``. The offline model counts the
tokens of exactly the messages and tool schemas a real model would be sent, so the figures are
what a hosted model would bill for the same conversation (the replies may differ in length).
Sessions have a standing-order store, as in the chat UI and ``hearth plan``/``chat`` (its tool is
then offered to the coordinator and counts).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
from datetime import datetime
from pathlib import Path

from agents.models import make_client_factory
from agents.run import Conversation
from agents.session import PlanningSession
from app.standing import StandingOrders
from tools.home import load_home

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime.fromisoformat("2026-11-24T18:00:00+01:00")
#: A conversation that plans, asks, adjusts, chooses, compares and cancels (English and German).
TURNS = (
    "charge the car to 100% by 20:00",
    "the first one",
    "and run the dishwasher overnight",
    "why does the car charge at 18:00?",
    "what if the dishwasher must be done by 6am?",
    "do it",
    "make the car 90% by 10pm",
    "what will it cost?",
    "Waschmaschine und danach Trockner bis morgen Mittag",
    "forget the dryer",
)
#: Single planning requests, each in a fresh conversation.
PLANNING = ("charge my car cheaply by 7am", "run the dishwasher overnight",
            "Auto bis 7 Uhr auf 80% laden, Spülmaschine über Nacht")
PLANNING_LIMIT = 6000
TURN_LIMIT = 8000


def _session() -> PlanningSession:
    """A session on the example home with an (empty) standing-order store, as the product has."""
    store = Path(tempfile.mkdtemp(prefix="hearth-tokens-")) / "plans.db"
    return PlanningSession(home=load_home(ROOT / "examples" / "home.yaml"), now=NOW,
                           standing=StandingOrders(store))


async def measure() -> list[dict[str, object]]:
    session = _session()
    conversation = Conversation(session, make_client_factory())
    rows = []
    try:
        for number, text in enumerate(TURNS, start=1):
            result = await conversation.ask(text)
            rows.append({"turn": number, "text": text, "status": result.status,
                         "calls": result.llm.calls, "prompt_tokens": result.llm.prompt_tokens})
    finally:
        await conversation.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = asyncio.run(measure())
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print(f"{'turn':>4}  {'status':<20} {'calls':>5} {'prompt tokens':>13}  text")
    for row in rows:
        print(f"{row['turn']:>4}  {row['status']:<20} {row['calls']:>5} {row['prompt_tokens']:>13}  {row['text']}")
    worst = max(int(str(r["prompt_tokens"])) for r in rows)
    print(f"worst turn {worst} (limit {TURN_LIMIT})")
    for text, tokens, calls in asyncio.run(single_requests()):
        print(f"planning request {text!r}: {tokens} prompt tokens, {calls} calls (limit {PLANNING_LIMIT})")


async def single_requests() -> list[tuple[str, int, int]]:
    """Planning requests each in a fresh conversation (the issue's "planning request")."""
    out = []
    for text in PLANNING:
        session = _session()
        conversation = Conversation(session, make_client_factory())
        try:
            result = await conversation.ask(text)
        finally:
            await conversation.close()
        out.append((text, result.llm.prompt_tokens, result.llm.calls))
    return out


if __name__ == "__main__":
    main()
