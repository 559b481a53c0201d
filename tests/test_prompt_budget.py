"""Prompt size for real models (issue 7): a planning request under 6k prompt tokens and every
turn of a 10-turn conversation under 8k, counted by the token ledger on the offline model.

The offline model counts the characters of exactly the messages and tool schemas a real model
would be sent (4 characters a token, 4 framing tokens a message), so these are deterministic
figures, not timings. ``bench/conversation_tokens.py`` prints them per turn (README).
"""

from __future__ import annotations

import asyncio
import importlib.util
from pathlib import Path

pytest_plugins = ["agents_conftest"]

_SPEC = importlib.util.spec_from_file_location(
    "conversation_tokens", Path(__file__).resolve().parents[1] / "bench" / "conversation_tokens.py"
)
assert _SPEC is not None and _SPEC.loader is not None
bench = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(bench)
PLANNING, PLANNING_LIMIT, TURN_LIMIT, TURNS = bench.PLANNING, bench.PLANNING_LIMIT, bench.TURN_LIMIT, bench.TURNS
measure, single_requests = bench.measure, bench.single_requests


def test_every_turn_of_a_ten_turn_conversation_stays_under_8k_prompt_tokens():
    rows = asyncio.run(measure())
    assert len(rows) == len(TURNS) == 10
    assert all(row["status"] != "error" for row in rows), rows
    assert max(int(str(row["prompt_tokens"])) for row in rows) < TURN_LIMIT, rows


def test_a_planning_request_stays_under_6k_prompt_tokens_and_4_calls():
    for text, tokens, calls in asyncio.run(single_requests()):
        assert tokens < PLANNING_LIMIT, (text, tokens)
        assert calls <= 4, (text, calls)
    assert len(PLANNING) == 3
