"""In the chat UI a failing model server is one sentence, like on the command line.

The Chainlit callbacks run in the mocked context of ``test_app_ui_callbacks`` with the real team
on an OpenAI-compatible client (streaming, as the UI streams tokens) aimed at
:class:`fault_server.FaultServer`: a 429 with ``Retry-After: 30`` beyond the 5 s deadline.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fault_server import FaultServer
from test_app_ui_callbacks import (  # imports chainlit the way it must be (warnings, app root)
    HOME_FILE,
    NOW_TEXT,
    chainlit_app,
    chat,
    cl,
    said,
    user_sessions,
)

pytest_plugins = ["agents_conftest"]


@pytest.fixture
def limited_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FaultServer]:
    server = FaultServer("http_429").start()
    monkeypatch.setenv("HEARTH_HOME", str(HOME_FILE))
    monkeypatch.setenv("HEARTH_DB", str(tmp_path / "plans.sqlite3"))
    monkeypatch.setenv("HEARTH_NOW", NOW_TEXT)
    monkeypatch.setenv("HEARTH_LLM", "openai-compatible")
    monkeypatch.setenv("HEARTH_LLM_MODEL", "qwen2.5:7b")
    monkeypatch.setenv("HEARTH_LLM_BASE_URL", server.base_url)
    monkeypatch.setenv("HEARTH_LLM_TIMEOUT_S", "5")
    user_sessions.clear()
    yield server
    user_sessions.clear()
    server.stop()


@pytest.mark.asyncio
async def test_a_rate_limited_model_is_one_sentence_in_the_chat(limited_server: FaultServer) -> None:
    async with chat("fault") as emitter:
        await chainlit_app.on_chat_start()
        await chainlit_app.on_message(cl.Message(content="charge my car cheaply by 7am"))
        assert said(emitter)[-1] == (
            f"The language model at {limited_server.base_url} answered with an error (HTTP 429); "
            "try again in 30 s."
        )
        assert not any("Traceback" in text for text in said(emitter))
        assert cl.user_session.get("busy") is False
    assert limited_server.requests == 1
