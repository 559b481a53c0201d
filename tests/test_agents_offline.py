"""The offline model on many phrasings: the tool calls it makes for the coordinator role.

The roles other than the coordinator, and the client itself (token estimate, streaming,
component loading). The coordinator's reading is tested in test_understanding.py and
test_corpus.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from agents_helpers import EXAMPLES, NOW
from autogen_core.models import (
    SystemMessage,
    UserMessage,
)

from agents.offline import OfflineChatCompletionClient
from agents.offline.client import estimate_tokens
from agents.offline.policy import decide
from agents.prompts import system_prompt
from agents.run import clock_text
from agents.session import PlanningSession
from agents.tools import tools_for
from tools.home import Home, load_home

pytest_plugins = ["agents_conftest"]

HOME = load_home(EXAMPLES / "home.yaml")
HORIZON = "horizon_end"


def at(day: int, clock: str) -> str:
    """ISO time on Tue 24 (day 0) or Wed 25 (day 1) November 2026, UTC+01:00."""
    return f"2026-11-{24 + day}T{clock}:00+01:00"


def tool_names(home: Home) -> set[str]:
    session = PlanningSession(home=home, now=NOW)
    return {t.name for t in tools_for("coordinator", session)} | {"transfer_to_forecaster"}


def conversation(home: Home, *turns: Any, now: datetime = NOW) -> list:
    session = PlanningSession(home=home, now=now)
    messages: list = [SystemMessage(content=system_prompt("coordinator", home))]
    for turn in turns:
        if isinstance(turn, str):
            messages += [UserMessage(source="clock", content=clock_text(session)),
                         UserMessage(source="user", content=turn)]
        else:
            messages.append(turn)
    return messages


def coordinator(text: str, home: Home = HOME, now: datetime = NOW):
    return decide(conversation(home, text, now=now), tool_names(home))


def only_call(decision) -> tuple[str, dict]:
    assert decision.text is None, decision.text
    assert len(decision.calls) == 1
    return decision.calls[0]


# The phrasing tables that lived here encoded the first grammar's rules (a bare "by 7" read as
# the next 07:00 or 19:00); the conventions of tests/corpus/README.md replaced them. Phrasings
# are now tested by tests/test_understanding.py (the reader) and tests/test_corpus.py (the
# corpus through the real team).


# -- the other roles and the client itself ------------------------------------------------------

def test_other_roles_make_their_one_tool_call():
    for role, expected in (("scheduler", [("propose_plan", {})]), ("forecaster", [("get_forecast", {})])):
        session = PlanningSession(home=HOME, now=NOW)
        names = {t.name for t in tools_for(role, session)}
        messages = [SystemMessage(content=system_prompt(role, HOME)), UserMessage(source="user", content="x")]
        assert list(decide(messages, names).calls) == expected


def test_auditor_checks_conflicts_only_after_a_proposal():
    session = PlanningSession(home=HOME, now=NOW)
    names = {t.name for t in tools_for("auditor", session)}
    base = [SystemMessage(content=system_prompt("auditor", HOME)), UserMessage(source="user", content="x")]
    reply = UserMessage(source="coordinator", content="Here it is.")
    plan = UserMessage(source="scheduler", content="{}")
    assert [c[0] for c in decide([*base, reply], names).calls] == ["verify_reply"]
    assert [c[0] for c in decide([*base, plan, reply], names).calls] == ["check_conflicts", "verify_reply"]


def test_selector_prompt_is_answered_with_the_coordinator():
    prompt = "Read the above conversation. Then select the next role from ['scheduler', 'coordinator'] to play."
    assert decide([SystemMessage(content=prompt)], set()).text == "coordinator"


@pytest.mark.asyncio
async def test_client_counts_tokens_with_the_documented_estimate():
    """Prompt: 3 + Σ(4 + ⌈chars/4⌉); here one 8-character message → 3 + 4 + 2 = 9 tokens."""
    client = OfflineChatCompletionClient()
    messages = [UserMessage(source="user", content="12345678")]
    assert client.count_tokens(messages) == 9
    assert estimate_tokens("abcde") == 2
    result = await client.create(messages)
    assert result.usage.prompt_tokens == 9
    assert result.usage.completion_tokens == estimate_tokens(result.content)
    assert client.total_usage().prompt_tokens == 9
    assert client.model_info["function_calling"] is True
    assert client.remaining_tokens(messages) == 128_000 - 9


@pytest.mark.asyncio
async def test_client_streams_words_then_the_result():
    client = OfflineChatCompletionClient()
    chunks = [c async for c in client.create_stream([UserMessage(source="user", content="hi")])]
    assert isinstance(chunks[-1].content, str)
    assert "".join(chunks[:-1]) == chunks[-1].content


def test_client_is_a_loadable_component():
    from autogen_core.models import ChatCompletionClient

    config = OfflineChatCompletionClient().dump_component()
    assert config.provider == "agents.offline.OfflineChatCompletionClient"
    assert isinstance(ChatCompletionClient.load_component(config), OfflineChatCompletionClient)
