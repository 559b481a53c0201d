"""The Chainlit callbacks in a mocked Chainlit context (no server, no browser).

Technique from Chainlit's own backend tests (notes §6.5): a ``ChainlitContext`` with a mocked
websocket session and emitter goes into ``chainlit.context.context_var``; the callbacks are called
directly and the emitter's calls are what the browser would have received.

The team is the real one from the agents' factories on the offline model (``HEARTH_LLM=offline``)
with examples/home.yaml, a fresh plan store and now = Tue 2026-11-24 18:00 +01:00. "charge my car
cheaply by 7am" asks for the EV's default target, 80 % by 07:00: from 35 % of 60 kWh that is
27 kWh stored, 30 kWh drawn at 90 % charging efficiency. "make it 90%" raises it to 33 kWh
stored, 36.67 kWh drawn. "charge my car to 100% by 8pm" needs 39 kWh stored; 11 kW for 2 h
store 19.8 kWh, so the alternatives are 35 % + 19.8/60 = 68 % by 20:00 or 100 % later; picking
68 % plans 19.8 kWh stored, 22 kWh drawn. Failures are injected with a scripted conversation.

The home file's device ids (``ev``, ``dishwasher``, ``washing_machine``, ``tumble_dryer``,
``water_heater``) never appear in what the assistant says.
"""

from __future__ import annotations

import json
import os
import re
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
from tools.home import Home, load_home  # noqa: E402

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


IDS = ("ev", "dishwasher", "washing_machine", "tumble_dryer", "water_heater")


def without_ids(texts: list[str]) -> bool:
    return not any(re.search(rf"\b{device}\b", text) for device in IDS for text in texts)


def tool_updates(emitter: Mock) -> list[dict[str, Any]]:
    return [c.args[0] for c in emitter.update_step.call_args_list if c.args[0]["type"] == "tool"]


async def click(emitter: Mock, action_id: str, callback: Any) -> None:
    """Press the button with this id, as the browser would."""
    action = next(a for a in actions(emitter) if a["id"] == action_id)
    await callback(cl.Action(name=action["name"], payload=action["payload"], id=action["id"],
                             label=action.get("label", "")))


@pytest.mark.asyncio
@pytest.mark.usefixtures("ui_env")
async def test_chat_start_names_the_model_and_says_nothing_is_approved() -> None:
    async with chat("s1") as emitter:
        await chainlit_app.on_chat_start()
        welcome = said(emitter)[0]
        assert welcome.startswith("Hi, I'm **Hearth**.")
        assert "offline rule-based model" in welcome
        assert said(emitter)[1] == "Nothing is approved yet."
        authors = {c.args[0]["name"] for c in emitter.send_step.call_args_list
                   if c.args[0]["type"] == "assistant_message"}
        assert authors == {"Hearth · offline rule-based model"}
        assert cl.user_session.get("conversation") is not None


@pytest.mark.asyncio
async def test_message_shows_named_steps_then_the_card_then_approve(ui_env: list[Any],
                                                                    tmp_path: Path) -> None:
    """The full path: message → agent turns and tool steps named in words, JSON only in their
    details → the card (names, local times, energy, cost, total, saving) stored as plan 1, its
    chart without a mode bar → Approve → who approved, what changed, what happens next."""
    async with chat("s1") as emitter:
        await chainlit_app.on_chat_start()
        await chainlit_app.on_message(cl.Message(content=REQUEST))

        turns = [t["name"] for t in steps_of(emitter, "run")]
        assert turns[:3] == ["Reading your request", "Planning", "Writing my reply"]
        assert "Checking" in turns
        names = [t["name"] for t in tool_updates(emitter)]
        assert names[:2] == ["Read your request: Family car", "Planned 1 device, optimal"]
        assert "Checked the numbers in my reply" in names
        planned = tool_updates(emitter)[1]
        assert '"solve_status": "optimal"' in planned["output"]  # in the collapsed details
        assert all(not step["showInput"] for step in steps_of(emitter, "tool"))

        card = said(emitter)[-1]
        assert card.startswith("### Plan 1 — proposed (planned 1 device, optimal)")
        assert "*How I read it:*\n- Family car → 80% (your usual) by Wed 07:00, cheapest" in card
        assert "- **Family car** · Tue 23:00–Wed 03:00 · 30.0 kWh · 7.20 EUR" in card
        assert "**Total 7.46 EUR** for Tue 18:00–Wed 18:00 · without planning" in card
        assert "- **Home battery** · 40% now" in card
        assert "battery_reserve" not in card and "info" not in card
        assert without_ids(said(emitter)[1:])  # after the welcome's examples
        elements = [c.args[0] for c in emitter.send_element.call_args_list]
        assert [(e["type"], e["name"]) for e in elements] == [("plotly", "plan-1")]
        assert {a["id"] for a in actions(emitter)} == {"approve-1", "reject-1", "adjust-1"}
        assert store_of(tmp_path).get(1).status == "proposed"
        assert cl.user_session.get("busy") is False

        await click(emitter, "approve-1", chainlit_app.on_approve)
        assert set(removed_actions(emitter)) >= {"approve-1", "reject-1", "adjust-1"}
        approved = said(emitter)[-1]
        assert approved.startswith("**Approved by you.** Plan 1's runs are now part of your "
                                   "active plan.")
        assert "Nothing was approved before" in approved
        assert "**Next:** Family car starts at Tue 23:00." in approved
        assert "cancel-ev" in {a["id"] for a in actions(emitter)}

    store = store_of(tmp_path)
    assert store.active_id() == 1
    active = store.active_record()
    assert active is not None and active.approved_by == "you (no login)"
    assert [c.device for c in store.active_commitments() if c.kind != "battery"] == ["ev"]
    assert len(ui_env) == 1


@pytest.mark.asyncio
@pytest.mark.usefixtures("ui_env")
async def test_logged_in_user_is_the_approver(tmp_path: Path) -> None:
    async with chat("s1", user=cl.User(identifier="alex")) as emitter:
        await chainlit_app.on_chat_start()
        await chainlit_app.on_message(cl.Message(content=REQUEST))
        await chainlit_app.on_approve(cl.Action(name="approve_plan", payload={"plan_id": 1}))
        assert said(emitter)[-1].startswith("**Approved by you.**")  # alex looking at it
    record = store_of(tmp_path).active_record()
    assert record is not None and record.approved_by == "alex"


@pytest.mark.asyncio
@pytest.mark.usefixtures("ui_env")
async def test_a_second_device_keeps_the_first_devices_run(tmp_path: Path) -> None:
    """The car is approved; the dishwasher is planned with the car's run held (already approved,
    plan 1); approving plan 2 keeps the car's run of plan 1 and adds the dishwasher's."""
    async with chat("s1") as emitter:
        await chainlit_app.on_chat_start()
        await chainlit_app.on_message(cl.Message(content=REQUEST))
        await click(emitter, "approve-1", chainlit_app.on_approve)
        await chainlit_app.on_message(cl.Message(content="run the dishwasher tonight"))
        card = said(emitter)[-1]
        assert card.startswith("### Plan 2 — proposed (planned 1 device, optimal)")
        assert "- **Dishwasher** · " in card
        assert ("*Already approved, kept as they are:*\n- **Family car** · Tue 23:00–Wed 03:00 · "
                "30.0 kWh · 7.20 EUR (plan 1)") in card
        assert "Approving this plan replaces" not in card
        await click(emitter, "approve-2", chainlit_app.on_approve)
        text = said(emitter)[-1]
        assert "- **Dishwasher** added: " in text and "- Unchanged: Family car" in text
        assert without_ids(said(emitter)[1:])  # after the welcome's examples
    store = store_of(tmp_path)
    commitments = {c.device: c.plan_number for c in store.active_commitments()}
    assert commitments == {"ev": 1, "dishwasher": 2, "battery": 2}
    assert store.get(1).status == "approved" and store.get(2).status == "approved"


@pytest.mark.asyncio
@pytest.mark.usefixtures("ui_env")
async def test_revising_an_approved_device_is_a_revision_shown_as_a_diff(tmp_path: Path) -> None:
    """Plan 1 (80 %) approved, then "make it 90%": plan 2 draws 36.67 kWh instead of 30 kWh; no
    warning about the approved plan; approving it shows the car's change and supersedes plan 1."""
    async with chat("s1") as emitter:
        await chainlit_app.on_chat_start()
        await chainlit_app.on_message(cl.Message(content=REQUEST))
        await click(emitter, "approve-1", chainlit_app.on_approve)
        await chainlit_app.on_message(cl.Message(content="make it 90%"))
        card = said(emitter)[-1]
        assert card.startswith("### Plan 2 — proposed")
        assert "Already approved" not in card and "take it out of this request" not in card
        await click(emitter, "approve-2", chainlit_app.on_approve)
        text = said(emitter)[-1]
        assert "**What changed:**" in text and "- **Family car** " in text
    store = store_of(tmp_path)
    assert store.get(1).status == "superseded"
    ev = {r.device: r.energy_kwh for r in store.get(2).plan.runs}["ev"]
    assert ev == pytest.approx(33 / 0.9, abs=0.01)


@pytest.mark.asyncio
@pytest.mark.usefixtures("ui_env")
async def test_cancelling_a_run_is_its_own_approval(tmp_path: Path) -> None:
    async with chat("s1") as emitter:
        await chainlit_app.on_chat_start()
        await chainlit_app.on_message(cl.Message(content=REQUEST))
        await click(emitter, "approve-1", chainlit_app.on_approve)
        await click(emitter, "cancel-ev", chainlit_app.on_cancel_run)
        card = said(emitter)[-1]
        assert card.startswith("### Plan 2 — cancel Family car?")
        assert "*Approving this cancels:*\n- **Family car** · Tue 23:00–Wed 03:00" in card
        assert store_of(tmp_path).active_commitments()[0].device in ("ev", "battery")  # not yet
        await click(emitter, "approve-2", chainlit_app.on_approve)
        assert "- **Family car** cancelled (was Tue 23:00–Wed 03:00" in said(emitter)[-1]
        assert "**Next:** nothing is scheduled to run." in said(emitter)[-1]
    assert [c.device for c in store_of(tmp_path).active_commitments()] == ["battery"]


@pytest.mark.asyncio
@pytest.mark.usefixtures("ui_env")
async def test_an_infeasible_request_offers_its_alternatives_as_buttons(tmp_path: Path) -> None:
    async with chat("s1") as emitter:
        await chainlit_app.on_chat_start()
        await chainlit_app.on_message(cl.Message(content="charge my car to 100% by 8pm"))
        text = said(emitter)[-1]
        assert text.startswith("*How I read it:*\n- Family car → 100% by Tue 20:00, cheapest\n\n"
                               "**This cannot be done as asked.** Family car to 100% by 20:00")
        assert text.count("19.8 kWh") == 1
        labels = {a["id"]: a["label"] for a in actions(emitter)}
        assert labels["option-1"] == "Reach 68% by 20:00"
        assert store_of(tmp_path).list() == []
        await click(emitter, "option-1", chainlit_app.on_choose_option)
        assert {"option-1", "option-2"} <= set(removed_actions(emitter))
        assert said(emitter)[-1].startswith("### Plan 1 — proposed")
        assert "approve-1" in {a["id"] for a in actions(emitter)}
    request = store_of(tmp_path).get(1).plan.requests[0]
    assert (request.device, request.target_soc_pct) == ("ev", 68)
    ev = {r.device: r.energy_kwh for r in store_of(tmp_path).get(1).plan.runs}["ev"]
    assert ev == pytest.approx(19.8 / 0.9, abs=0.01)


@pytest.mark.asyncio
@pytest.mark.usefixtures("ui_env")
async def test_a_what_if_has_a_button_and_approve_follows_the_screen(tmp_path: Path) -> None:
    """Plan 1 is on screen; "what if I leave at 6am?" leaves it as it is and offers "Switch to this
    plan"; switching shows plan 2 and takes plan 1's buttons away, so Approve is plan 2's."""
    async with chat("s1") as emitter:
        await chainlit_app.on_chat_start()
        await chainlit_app.on_message(cl.Message(content=REQUEST))
        await chainlit_app.on_message(cl.Message(content="what if I leave at 6am?"))
        assert "adopt-what-if" in {a["id"] for a in actions(emitter)}
        assert "approve-1" not in removed_actions(emitter)
        await click(emitter, "adopt-what-if", chainlit_app.on_adopt_what_if)
        assert said(emitter)[-1].startswith("### Plan 2 — proposed")
        assert "approve-1" in removed_actions(emitter)
    request = store_of(tmp_path).get(2).plan.requests[0]
    assert request.deadline == datetime.fromisoformat("2026-11-25T06:00:00+01:00")


@pytest.mark.asyncio
@pytest.mark.usefixtures("ui_env")
async def test_new_chat_shows_the_approved_runs() -> None:
    """After approval in one chat, a new chat (new store handle, as after a restart) shows the
    approved runs with who approved them, the chart and a Cancel button per run."""
    async with chat("s1"):
        await chainlit_app.on_chat_start()
        await chainlit_app.on_message(cl.Message(content=REQUEST))
        await chainlit_app.on_approve(cl.Action(name="approve_plan", payload={"plan_id": 1}))
    async with chat("s2") as emitter:
        await chainlit_app.on_chat_start()
        assert said(emitter)[1] == (
            "### Your active plan\n\n- **Family car** · Tue 23:00–Wed 03:00 · 30.0 kWh · 7.20 EUR "
            "(plan 1, approved by you)")
        elements = [c.args[0] for c in emitter.send_element.call_args_list]
        assert [(e["type"], e["name"]) for e in elements] == [("plotly", "active-plan")]
        assert [a["id"] for a in actions(emitter)] == ["cancel-ev"]


@pytest.mark.asyncio
@pytest.mark.usefixtures("ui_env")
async def test_stale_proposal_is_refused(tmp_path: Path) -> None:
    """Two chats propose while nothing is approved; A approves; B's approval is stale."""
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
        assert said(emitter)[-1].startswith("### Plan 2 — proposed")
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
        assert reply and "proposed" not in reply
        assert actions(emitter) == []
    assert store_of(tmp_path).list() == []


@pytest.mark.asyncio
@pytest.mark.usefixtures("ui_env")
async def test_a_planning_error_is_told_plainly_and_frees_the_chat(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    failing_with(monkeypatch, RequestError("deadline", "is not after now"))
    async with chat("s1") as emitter:
        await chainlit_app.on_chat_start()
        await chainlit_app.on_message(cl.Message(content="charge my car by 5pm"))
        assert said(emitter)[-1] == "I could not do that: deadline: is not after now"
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
async def test_first_run_asks_about_the_home_and_writes_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """No HEARTH_HOME and no file yet: the chat asks the setup questions (buttons for choices,
    typed answers otherwise, "ok" for a default), writes a valid home file where `hearth init`
    would, and goes on to plan with it. A bad answer is asked again."""
    monkeypatch.delenv("HEARTH_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    typed = iter(["Flat 4", "Europe/Berlin", "ok", "ok", "0.31", "ok", "ok", "lots", "8", "ok",
                  "ok", "ok", "dishwasher", "ok"])
    replies = {"flat": {"payload": {"value": "flat"}, "label": "One price all day"},
               "no": {"payload": {"value": "no"}, "label": "No"}}

    async def answer(step: dict[str, Any], spec: Any, raise_on_timeout: bool) -> Any:
        if spec.type == "action":
            return replies["flat"] if "pay for electricity" in step["output"] else replies["no"]
        return {"output": next(typed)}

    async with chat("s1") as emitter:
        emitter.send_ask_user.side_effect = answer
        await chainlit_app.on_chat_start()
        questions = [c.args[0]["output"] for c in emitter.send_ask_user.call_args_list]
        assert questions[0].startswith("What should I call your home?")
        assert any(q.startswith("That did not work: give a number, got 'lots'") for q in
                   questions)
        assert said(emitter)[-2].startswith("Hi, I'm **Hearth**.")
    written = tmp_path / "data" / "hearth" / "home.yaml"
    home = load_home(written)
    assert (home.name, home.timezone, home.tariff.currency) == ("Flat 4", "Europe/Berlin", "EUR")
    assert home.tariff.import_price.price_per_kwh == 0.31
    assert home.pv_arrays[0].peak_power_kwp == 8.0
    assert [a.id for a in home.appliances] == ["dishwasher"]
    assert home.evs == () and home.battery is None


@pytest.mark.asyncio
async def test_the_chart_element_has_no_mode_bar() -> None:
    """Plotly's mode bar covered the price axis on a phone: the element's config turns it off."""
    from app_samples import make_plan, sample_home

    from app.ui.messages import chart_element

    async with chat("s1"):
        element = chart_element(make_plan(), sample_home(), "plan-1")
    assert json.loads(element.content)["config"] == {"displayModeBar": False, "responsive": True}


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


@pytest.mark.asyncio
@pytest.mark.usefixtures("ui_env")
async def test_a_german_message_gets_a_german_card(tmp_path: Path) -> None:
    """"Auto bis 7 Uhr auf 80% laden" at Tue 18:00: the card reads the request back as
    :func:`tools.reading.reading_line` does in German ("Family car → 80% bis Mi 07:00, möglichst
    günstig"), its fixed texts and buttons are German (Freigeben / Anpassen / Ablehnen), and no
    device id of the home file ("ev", "washing_machine", …) appears in its text."""
    from tools.reading import reading_line

    async with chat("s1") as emitter:
        await chainlit_app.on_chat_start()
        await chainlit_app.on_message(cl.Message(content="Auto bis 7 Uhr auf 80% laden"))
        card = said(emitter)[-1]
        request = store_of(tmp_path).get(1).plan.requests[0]
        line = reading_line(request, load_home(HOME_FILE), lang="de")
        assert line == "Family car → 80% bis Mi 07:00, möglichst günstig"
        assert card.startswith("### Plan 1 — Vorschlag (1 Gerät geplant, optimal)")
        assert f"*So habe ich es verstanden:*\n- {line}" in card
        assert "**Gesamt " in card and "How I read it" not in card
        labels = [a["label"] for a in actions(emitter) if a["id"].endswith("-1")]
        assert labels == ["Freigeben", "Anpassen", "Ablehnen"]
        # ids that are not also plain words ("battery" is both, and a conflict's fix says it)
        ids = {d.id for d in load_home(HOME_FILE).devices()} - {"battery"}
        assert not set(re.findall(r"[A-Za-z_]+", card)) & ids
