"""The operation-mode switch in the chat UI (mocked Chainlit context, real team and store).

Heated example home, now = Tue 2026-11-24 18:00 +01:00. Switching to "away" from the chat
settings proposes a plan whose room band is the away band (12–30 °C) from now on, with the
temperature chart beside the plan chart; a home without heat shows no switch."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from unittest.mock import Mock

import pytest
from test_app_ui_callbacks import REPO, chat, said, store_of, ui_env  # noqa: F401 (fixture)

from app.ui import chainlit_app

HEAT_HOME = REPO / "examples" / "home-heat.yaml"


def settings_sent(emitter: Any) -> list[Any]:
    return [c for c in emitter.emit.call_args_list if c.args[0] == "chat_settings"]


@pytest.mark.asyncio
@pytest.mark.usefixtures("ui_env")
async def test_switching_to_away_proposes_the_away_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEARTH_HOME", str(HEAT_HOME))
    async with chat("heat-1") as emitter:
        emitter.set_chat_settings = Mock()  # synchronous on Chainlit's real emitter
        await chainlit_app.on_chat_start()
        (sent,) = settings_sent(emitter)
        assert [w["id"] for w in sent.args[1]] == ["mode"]
        assert sent.args[1][0]["initial"] == "comfort"
        await chainlit_app.on_settings_update({"mode": "away"})
        assert any("Mode switched to **away**" in text for text in said(emitter))
        names = [c.args[0]["name"] for c in emitter.send_element.call_args_list]
        assert any(n.startswith("temperatures-") for n in names)
    (record,) = store_of(tmp_path).list()
    band = record.plan.series.comfort_band_c["heat_pump"]
    assert set(band.min_temp_c[1:]) == {12.0}


@pytest.mark.asyncio
@pytest.mark.usefixtures("ui_env")
async def test_a_home_without_heat_has_no_mode_switch() -> None:
    async with chat("heat-2") as emitter:
        emitter.set_chat_settings = Mock()
        await chainlit_app.on_chat_start()
        assert settings_sent(emitter) == []
