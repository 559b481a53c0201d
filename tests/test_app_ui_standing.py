"""Standing orders in the chat UI (mocked Chainlit context, the real offline team).

Clock: HEARTH_NOW = Tue 2026-11-24 18:00 +01:00, so "this week" ends Sun 29 Nov.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_app_ui_callbacks import actions, chat, cl, removed_actions, said, ui_env  # chainlit first

from app.standing import StandingOrders
from app.ui import chainlit_app
from app.ui import standing as standing_ui

__all__ = ["ui_env"]  # the fixture, used by name below


def click(emitter: Any, name: str) -> cl.Action:
    found = [a for a in actions(emitter) if a["name"] == name][-1]
    return cl.Action(name=found["name"], payload=found["payload"], id=found["id"])


@pytest.mark.asyncio
@pytest.mark.usefixtures("ui_env")
async def test_propose_in_words_approve_with_the_button_then_pause_this_week(tmp_path: Path) -> None:
    orders = StandingOrders(tmp_path / "plans.sqlite3")
    async with chat("s1") as emitter:
        await chainlit_app.on_chat_start()
        await chainlit_app.on_message(cl.Message(content="every weekday charge the car to 80% by 7:00"))
        assert said(emitter)[-1] == ("Standing order 1: Family car → 80% every weekday by 07:00 — "
                                     "not active until you approve it.")
        assert {a["name"] for a in actions(emitter)} == {"approve_standing", "cancel_standing"}
        assert orders.get(1).status == "proposed"
        await standing_ui.on_approve_standing(click(emitter, "approve_standing"))
        assert "standing-approve-1" in removed_actions(emitter)
        assert said(emitter)[-1].startswith("**Approved.** Standing order 1 joins every plan")
        assert orders.get(1).status == "active"

    async with chat("s2") as emitter:
        await chainlit_app.on_chat_start()
        assert said(emitter)[-1] == "Standing order 1 (active): Family car → 80% every weekday by 07:00"
        await standing_ui.on_pause_standing(click(emitter, "pause_standing"))
        assert said(emitter)[-1] == ("Paused up to and including Sun 29 Nov: Family car → 80% "
                                     "every weekday by 07:00.")
        assert orders.get(1).status == "paused"


@pytest.mark.asyncio
@pytest.mark.usefixtures("ui_env")
async def test_discard_a_proposed_order(tmp_path: Path) -> None:
    async with chat("s1") as emitter:
        await chainlit_app.on_chat_start()
        await chainlit_app.on_message(cl.Message(content="the dishwasher every evening by 7am"))
        await standing_ui.on_cancel_standing(click(emitter, "cancel_standing"))
        assert said(emitter)[-1] == "Cancelled: Dishwasher every day by 07:00 (from 18:00)."
    assert StandingOrders(tmp_path / "plans.sqlite3").list() == []
