"""The Chainlit callbacks in a mocked Chainlit context (no server, no browser).

Technique from Chainlit's own backend tests (notes §6.5): a ``ChainlitContext`` with a mocked
websocket session and emitter goes into ``chainlit.context.context_var``; the callbacks are called
directly and the emitter's calls are what the browser would have received.

The team is the real one from the agents' factories on the offline model (``HEARTH_LLM=offline``)
with examples/home.yaml, a fresh plan store and now = Tue 2026-11-24 18:00 +01:00. "charge my car
cheaply by 7am" asks for the EV's default target, 80 % by 07:00: from 35 % of 60 kWh that is
27 kWh stored, 30 kWh drawn at 90 % charging efficiency. "make it 90%" raises it to 33 kWh
stored, 36.67 kWh drawn. Failures are injected with a scripted conversation.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from unittest.mock import AsyncMock, Mock

import pytest

REPO = Path(__file__).resolve().parents[1]
os.environ.setdefault("CHAINLIT_APP_ROOT", str(REPO))  # before chainlit is imported

with warnings.catch_warnings():  # chainlit's literalai → traceloop uses pydantic v1-style config
    warnings.simplefilter("ignore", DeprecationWarning)
    import chainlit as cl
from chainlit.context import ChainlitContext, context_var  # noqa: E402
from chainlit.emitter import BaseChainlitEmitter  # noqa: E402
from chainlit.session import WebsocketSession  # noqa: E402
from chainlit.user_session import user_sessions  # noqa: E402

from agents.session import PlanningSession  # noqa: E402
from app.store import PlanStore  # noqa: E402
from app.ui import chainlit_app  # noqa: E402
from tools.errors import RequestError  # noqa: E402
from tools.home import Home  # noqa: E402

HOME_FILE = REPO / "examples" / "home.yaml"
NOW_TEXT = "2026-11-24T18:00:00+01:00"
REQUEST = "charge my car cheaply by 7am"


@pytest.fixture
def ui_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """The environment `hearth ui` gives the app; yields the conversations the chats opened."""
    monkeypatch.setenv("HEARTH_HOME", str(HOME_FILE))
    monkeypatch.setenv("HEARTH_DB", str(tmp_path / "plans.sqlite3"))
    monkeypatch.setenv("HEARTH_NOW", NOW_TEXT)
    monkeypatch.setenv("HEARTH_LLM", "offline")
    opened: list[Any] = []
    real_open = chainlit_app.open_conversation

    def spy(home: Home, store: PlanStore, now: datetime) -> Any:
        conversation = real_open(home, store, now)
        opened.append(conversation)
        return conversation

    monkeypatch.setattr(chainlit_app, "open_conversation", spy)
    user_sessions.clear()  # Chainlit keeps chat state per session id in this module dict
    yield opened
    user_sessions.clear()


@dataclass
class FailingConversation:
    """A conversation whose run raises ``error`` (to test the error paths)."""

    session: PlanningSession
    error: Exception

    async def stream(self, text: str, *, now: datetime | None = None) -> AsyncIterator[Any]:
        del text
        self.session.begin_run(now)
        raise self.error
        yield  # an async generator

    def stop(self) -> None:
        """Nothing runs."""

    async def close(self) -> None:
        """No clients."""


def failing_with(monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    def factory(home: Home, store: PlanStore, now: datetime) -> FailingConversation:
        return FailingConversation(PlanningSession(home=home, now=now, store=store), error)

    monkeypatch.setattr(chainlit_app, "open_conversation", factory)


@asynccontextmanager
async def chat(session_id: str, ask_reply: dict[str, Any] | None = None,
               user: cl.User | None = None) -> AsyncIterator[Mock]:
    """One browser tab: a mocked websocket session and emitter in Chainlit's context."""
    session = Mock(spec=WebsocketSession)
    session.id, session.thread_id = session_id, f"thread-{session_id}"
    session.user, session.chat_settings, session.chat_profile = user, {}, None
    session.client_type, session.environ, session.user_env = "webapp", None, {}
    session.has_first_interaction, session.files, session.files_spec = True, {}, {}
    session.emit = AsyncMock()
    emitter = Mock(spec=BaseChainlitEmitter)
    for name in ("send_step", "update_step", "delete_step", "stream_start", "send_token",
                 "send_element", "emit", "send_ask_user", "task_start", "task_end"):
        setattr(emitter, name, AsyncMock())
    emitter.send_ask_user.return_value = ask_reply
    token = context_var.set(ChainlitContext(session, emitter=emitter))
    try:
        yield emitter
    finally:
        context_var.reset(token)


def said(emitter: Mock) -> list[str]:
    """Texts of the assistant messages sent so far."""
    return [c.args[0]["output"] for c in emitter.send_step.call_args_list
            if c.args[0]["type"] == "assistant_message"]


def steps_of(emitter: Mock, kind: str) -> list[dict[str, Any]]:
    return [c.args[0] for c in emitter.send_step.call_args_list if c.args[0]["type"] == kind]


def actions(emitter: Mock) -> list[dict[str, Any]]:
    return [c.args[1] for c in emitter.emit.call_args_list if c.args[0] == "action"]


def removed_actions(emitter: Mock) -> list[str]:
    return [c.args[1]["id"] for c in emitter.emit.call_args_list if c.args[0] == "remove_action"]


def store_of(tmp_path: Path) -> PlanStore:
    return PlanStore(tmp_path / "plans.sqlite3")


@pytest.mark.asyncio
@pytest.mark.usefixtures("ui_env")
async def test_chat_start_welcomes_and_says_no_active_plan() -> None:
    async with chat("s1") as emitter:
        await chainlit_app.on_chat_start()
        assert said(emitter)[0].startswith("Hi, I'm **Hearth**.")
        assert said(emitter)[1] == "There is no active plan yet."
        assert cl.user_session.get("conversation") is not None


@pytest.mark.asyncio
async def test_message_shows_steps_then_proposal_then_approve(ui_env: list[Any],
                                                              tmp_path: Path) -> None:
    """The full path: message → agent turns and tool steps → proposal (chart, table, actions)
    stored as plan 1 → Approve → plan 1 active, actions removed, diff shown."""
    async with chat("s1") as emitter:
        await chainlit_app.on_chat_start()
        await chainlit_app.on_message(cl.Message(content=REQUEST))

        turns = steps_of(emitter, "run")
        names = [t["name"] for t in turns]
        assert names[:2] == ["coordinator", "scheduler"]
        assert "auditor" in names
        tools = steps_of(emitter, "tool")
        tool_names = [t["name"] for t in tools]
        assert tool_names[:2] == ["update_requests", "propose_plan"]
        assert "check_conflicts" in tool_names
        turn_ids = {t["id"]: t["name"] for t in turns}
        assert turn_ids[tools[1]["parentId"]] == "scheduler"  # propose_plan inside its turn
        assert '"device": "ev"' in tools[0]["input"] or '"device":"ev"' in tools[0]["input"]
        updates = {c.args[0]["id"]: c.args[0] for c in emitter.update_step.call_args_list
                   if c.args[0]["type"] == "tool"}
        proposed = updates[tools[1]["id"]]
        assert proposed["output"].startswith("status: proposed\nmessage: proposed plan costs")
        assert proposed["isError"] is False
        emitter.stream_start.assert_awaited()  # the coordinator's reply was streamed

        proposal = said(emitter)[-1]
        # the reading line first ("cheaply by 7am": the car's usual 80% filled by default)
        assert proposal.startswith("Family car → 80% (your usual) by Wed 07:00, cheapest\n\n"
                                   "Here is my proposal:")
        assert "### Proposed plan (plan 1)" in proposal
        assert "| ev | Tue 24 Nov 23:00 | Wed 25 Nov 03:00 | 30.0 |" in proposal
        assert "**without planning:**" in proposal
        assert "battery_reserve" in proposal  # the conflict, with its resolution
        elements = [c.args[0] for c in emitter.send_element.call_args_list]
        assert [(e["type"], e["name"]) for e in elements] == [("plotly", "plan-1")]
        assert {a["id"] for a in actions(emitter)} == {"approve-1", "reject-1", "adjust-1"}
        assert store_of(tmp_path).get(1).status == "proposed"
        assert cl.user_session.get("busy") is False

        approve = next(a for a in actions(emitter) if a["name"] == "approve_plan")
        await chainlit_app.on_approve(cl.Action(name=approve["name"], payload=approve["payload"],
                                                id=approve["id"]))
        assert set(removed_actions(emitter)) == {"approve-1", "reject-1", "adjust-1"}
        assert said(emitter)[-1].startswith(
            "**Plan 1 approved** by web UI (no login) — it is now the active plan.")
        assert "There was no active plan before" in said(emitter)[-1]

    store = store_of(tmp_path)
    assert store.active_id() == 1
    active = store.active_record()
    assert active is not None and active.approved_by == "web UI (no login)"
    assert {run.device for run in active.plan.runs} >= {"ev"}
    assert len(ui_env) == 1


@pytest.mark.asyncio
@pytest.mark.usefixtures("ui_env")
async def test_logged_in_user_is_the_approver(tmp_path: Path) -> None:
    async with chat("s1", user=cl.User(identifier="alex")) as emitter:
        await chainlit_app.on_chat_start()
        await chainlit_app.on_message(cl.Message(content=REQUEST))
        await chainlit_app.on_approve(cl.Action(name="approve_plan", payload={"plan_id": 1}))
        assert "approved** by alex" in said(emitter)[-1]
    record = store_of(tmp_path).active_record()
    assert record is not None and record.approved_by == "alex"


@pytest.mark.asyncio
@pytest.mark.usefixtures("ui_env")
async def test_new_chat_shows_the_active_plan() -> None:
    """After approval in one chat, a new chat (new store handle, as after a restart) shows it."""
    async with chat("s1"):
        await chainlit_app.on_chat_start()
        await chainlit_app.on_message(cl.Message(content=REQUEST))
        await chainlit_app.on_approve(cl.Action(name="approve_plan", payload={"plan_id": 1}))
    async with chat("s2") as emitter:
        await chainlit_app.on_chat_start()
        assert said(emitter)[1].startswith("### Active plan (plan 1)")
        assert "_approved by web UI (no login) on " in said(emitter)[1]
        elements = [c.args[0] for c in emitter.send_element.call_args_list]
        assert [(e["type"], e["name"]) for e in elements] == [("plotly", "active-plan-1")]


@pytest.mark.asyncio
@pytest.mark.usefixtures("ui_env")
async def test_second_approval_shows_the_diff(tmp_path: Path) -> None:
    """Plan 1 (80 %) approved, then "make it 90%" in a new chat: plan 2 draws 36.67 kWh instead
    of 30 kWh, so its approval reports the EV as moved or changed against plan 1."""
    async with chat("s1"):
        await chainlit_app.on_chat_start()
        await chainlit_app.on_message(cl.Message(content=REQUEST))
        await chainlit_app.on_approve(cl.Action(name="approve_plan", payload={"plan_id": 1}))
    async with chat("s2") as emitter:
        await chainlit_app.on_chat_start()
        await chainlit_app.on_message(cl.Message(content="charge my car to 90% by 7am"))
        await chainlit_app.on_approve(cl.Action(name="approve_plan", payload={"plan_id": 2}))
        text = said(emitter)[-1]
        assert text.startswith("**Plan 2 approved**")
        assert "**Changes against the previous plan**" in text
        assert "- **ev** " in text
    store = store_of(tmp_path)
    assert store.get(1).status == "superseded"
    ev = {r.device: r.energy_kwh for r in store.get(2).plan.runs}["ev"]
    assert ev == pytest.approx(33 / 0.9, abs=0.01)


@pytest.mark.asyncio
@pytest.mark.usefixtures("ui_env")
async def test_stale_proposal_is_refused(tmp_path: Path) -> None:
    """Two chats propose while nothing is active; A approves; B's approval is stale."""
    async with chat("A"):
        await chainlit_app.on_chat_start()
        await chainlit_app.on_message(cl.Message(content=REQUEST))
    async with chat("B"):
        await chainlit_app.on_chat_start()
        await chainlit_app.on_message(cl.Message(content=REQUEST))
    async with chat("A"):
        await chainlit_app.on_approve(cl.Action(name="approve_plan", payload={"plan_id": 1}))
    async with chat("B") as emitter_b:
        await chainlit_app.on_approve(cl.Action(name="approve_plan", payload={"plan_id": 2}))
        assert said(emitter_b)[-1].startswith("**Not approved.** plan 2 is stale")
        assert set(removed_actions(emitter_b)) == {"approve-2", "reject-2", "adjust-2"}
    store = store_of(tmp_path)
    assert store.active_id() == 1
    assert store.get(2).status == "proposed"


@pytest.mark.asyncio
@pytest.mark.usefixtures("ui_env")
async def test_a_chat_cannot_act_on_another_chats_proposal(tmp_path: Path) -> None:
    async with chat("A"):
        await chainlit_app.on_chat_start()
        await chainlit_app.on_message(cl.Message(content=REQUEST))
    async with chat("B") as emitter_b:
        await chainlit_app.on_chat_start()
        assert cl.user_session.get("proposals") == {}  # nothing of chat A is visible here
        await chainlit_app.on_approve(cl.Action(name="approve_plan", payload={"plan_id": 1}))
        assert said(emitter_b)[-1] == "That proposal is not part of this chat."
        await chainlit_app.on_reject(cl.Action(name="reject_plan", payload={"plan_id": "1"}))
        assert said(emitter_b)[-1] == "That proposal is not part of this chat."
    assert store_of(tmp_path).get(1).status == "proposed"


@pytest.mark.asyncio
@pytest.mark.usefixtures("ui_env")
async def test_reject_asks_what_to_change_and_plans_again(tmp_path: Path) -> None:
    async with chat("s1", ask_reply={"output": "make it 90%"}) as emitter:
        await chainlit_app.on_chat_start()
        await chainlit_app.on_message(cl.Message(content=REQUEST))
        await chainlit_app.on_reject(cl.Action(name="reject_plan", payload={"plan_id": 1}))
        emitter.send_ask_user.assert_awaited_once()
        assert emitter.send_ask_user.call_args.args[0]["output"] == "What should change?"
        assert "### Proposed plan (plan 2)" in said(emitter)[-1]
        emitter.task_end.assert_awaited()  # the browser's busy state ends after the re-plan
    store = store_of(tmp_path)
    assert store.get(1).status == "rejected"
    assert store.get(1).rejected_reason == "make it 90%"
    ev = {r.device: r.energy_kwh for r in store.get(2).plan.runs}["ev"]
    assert ev == pytest.approx(33 / 0.9, abs=0.01)


@pytest.mark.asyncio
@pytest.mark.usefixtures("ui_env")
async def test_reject_without_answer_just_rejects(tmp_path: Path) -> None:
    async with chat("s1", ask_reply=None) as emitter:
        await chainlit_app.on_chat_start()
        await chainlit_app.on_message(cl.Message(content=REQUEST))
        await chainlit_app.on_reject(cl.Action(name="reject_plan", payload={"plan_id": 1}))
        assert said(emitter)[-1].startswith("Plan 1 rejected. Tell me what you need")
    store = store_of(tmp_path)
    assert store.get(1).rejected_reason is None
    assert [r.id for r in store.list()] == [1]  # nothing re-planned


@pytest.mark.asyncio
@pytest.mark.usefixtures("ui_env")
async def test_adjust_replans_from_the_proposal(tmp_path: Path) -> None:
    """"make it 90%" changes only the target of the EV request drafted in this chat."""
    async with chat("s1", ask_reply={"output": "make it 90%"}) as emitter:
        await chainlit_app.on_chat_start()
        await chainlit_app.on_message(cl.Message(content=REQUEST))
        await chainlit_app.on_adjust(cl.Action(name="adjust_plan", payload={"plan_id": 1}))
        assert {a["id"] for a in actions(emitter)} >= {"approve-2", "reject-2", "adjust-2"}
        assert "approve-1" in removed_actions(emitter)
        emitter.task_end.assert_awaited()
    store = store_of(tmp_path)
    assert store.get(1).status == "rejected"
    assert store.get(1).rejected_reason == "adjusted: make it 90%"
    assert store.get(2).status == "proposed"
    request = store.get(2).plan.requests[0]
    assert (request.device, request.target_soc_pct) == ("ev", 90)
    assert request.deadline == datetime.fromisoformat("2026-11-25T07:00:00+01:00")


@pytest.mark.asyncio
@pytest.mark.usefixtures("ui_env")
async def test_adjust_without_answer_keeps_the_proposal(tmp_path: Path) -> None:
    async with chat("s1", ask_reply=None) as emitter:
        await chainlit_app.on_chat_start()
        await chainlit_app.on_message(cl.Message(content=REQUEST))
        await chainlit_app.on_adjust(cl.Action(name="adjust_plan", payload={"plan_id": 1}))
        assert said(emitter)[-1] == "No change given; the proposal is still open."
        assert removed_actions(emitter) == []
    assert store_of(tmp_path).get(1).status == "proposed"


@pytest.mark.asyncio
async def test_stop_button_stops_the_team(ui_env: list[Any],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    async with chat("s1"):
        await chainlit_app.on_chat_start()
        stops: list[int] = []
        monkeypatch.setattr(ui_env[0], "stop", lambda: stops.append(1))
        await chainlit_app.on_stop()
    assert stops == [1]


@pytest.mark.asyncio
@pytest.mark.usefixtures("ui_env")
async def test_a_question_is_answered_without_a_proposal(tmp_path: Path) -> None:
    async with chat("s1") as emitter:
        await chainlit_app.on_chat_start()
        await chainlit_app.on_message(cl.Message(content="charge my car"))
        reply = said(emitter)[-1]
        assert reply and "Proposed plan" not in reply
        assert actions(emitter) == []
    assert store_of(tmp_path).list() == []


@pytest.mark.asyncio
@pytest.mark.usefixtures("ui_env")
async def test_a_planning_error_is_told_plainly_and_frees_the_chat(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    failing_with(monkeypatch, RequestError("request 1 (ev)", "deadline is not after now"))
    async with chat("s1") as emitter:
        await chainlit_app.on_chat_start()
        await chainlit_app.on_message(cl.Message(content="charge my car by 5pm"))
        assert said(emitter)[-1] == (
            "I could not do that: request 1 (ev): deadline is not after now")
        assert cl.user_session.get("busy") is False


@pytest.mark.asyncio
@pytest.mark.usefixtures("ui_env")
async def test_an_internal_error_is_logged_and_told_plainly(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    failing_with(monkeypatch, KeyError("boom"))
    async with chat("s1") as emitter:
        await chainlit_app.on_chat_start()
        await chainlit_app.on_message(cl.Message(content="charge my car"))
        assert said(emitter)[-1].startswith("Something went wrong inside Hearth")
        assert cl.user_session.get("busy") is False
    assert "run failed" in caplog.text


@pytest.mark.asyncio
@pytest.mark.usefixtures("ui_env")
async def test_busy_chat_refuses_a_second_request(tmp_path: Path) -> None:
    async with chat("s1") as emitter:
        await chainlit_app.on_chat_start()
        cl.user_session.set("busy", True)
        await chainlit_app.on_message(cl.Message(content=REQUEST))
        assert said(emitter)[-1].startswith("I'm still working on your previous request")
    assert store_of(tmp_path).list() == []


@pytest.mark.asyncio
@pytest.mark.usefixtures("ui_env")
async def test_missing_home_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HEARTH_HOME")
    async with chat("s1") as emitter:
        await chainlit_app.on_chat_start()
        assert said(emitter) == [
            "Hearth cannot start: HEARTH_HOME: set it to your home file, or start with "
            "`hearth ui --home`"]
        await chainlit_app.on_message(cl.Message(content="hello"))
        assert said(emitter)[-1].startswith("Hearth is not set up in this chat")


@pytest.mark.asyncio
@pytest.mark.usefixtures("ui_env")
async def test_chat_end_closes_the_model_clients(monkeypatch: pytest.MonkeyPatch) -> None:
    async with chat("s1"):
        await chainlit_app.on_chat_start()
        closed = AsyncMock()
        monkeypatch.setattr(cl.user_session.get("conversation"), "close", closed)
        await chainlit_app.on_chat_end()
    closed.assert_awaited_once()


@pytest.mark.asyncio
async def test_login_checks_user_and_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEARTH_PASSWORD", "correct horse")
    monkeypatch.delenv("HEARTH_USER", raising=False)
    user = await chainlit_app.check_login("homeowner", "correct horse")
    assert user is not None and user.identifier == "homeowner"
    assert await chainlit_app.check_login("homeowner", "wrong") is None
    assert await chainlit_app.check_login("intruder", "correct horse") is None
    monkeypatch.setenv("HEARTH_USER", "alex")
    assert await chainlit_app.check_login("alex", "correct horse") is not None
    monkeypatch.delenv("HEARTH_PASSWORD")
    assert await chainlit_app.check_login("alex", "") is None  # no password configured: no login


def test_short_result_puts_status_and_message_first() -> None:
    text = chainlit_app.short_result(
        '{"ok": true, "runs": [1, 2, 3], "plan": {"a": 1}, "message": "done", "status": "proposed"}')
    assert text.splitlines() == ["status: proposed", "message: done", "ok: True", "runs: 3 items",
                                 "plan: {…}"]
    assert chainlit_app.short_result("x" * 2000, limit=10) == "x" * 9 + "…"
    assert chainlit_app.short_result("plain text") == "plain text"
