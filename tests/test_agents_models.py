"""Model configuration, and the real OpenAI client code path against a local server.

The server is ``http.server`` in a thread on 127.0.0.1 (an ephemeral port). It speaks the
chat-completions protocol with scripted replies per role (read from the system prompt's
``# Role:`` line) and reports 100 prompt and 10 completion tokens per call, so the accounting
of a 4-call run is 400 and 40.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from agents_helpers import NetworkModelInTest

from agents.models import (
    ModelConfigError,
    load_model_settings,
    make_client_factory,
)
from agents.run import Conversation, run_request
from agents.session import PlanningSession

pytest_plugins = ["agents_conftest"]


# -- a chat-completions server ------------------------------------------------------------------


class FakeOpenAI(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.scripts: dict[str, list[dict[str, Any]]] = {}
        self.requests: list[dict[str, Any]] = []
        self.paths: list[str] = []
        self.status = 200

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


class Handler(BaseHTTPRequestHandler):
    server: FakeOpenAI

    def log_message(self, format: str, *args: Any) -> None:
        del format, args

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append(body)
        self.server.paths.append(self.path)
        if self.server.status != 200:
            self._send(self.server.status, {"error": {"message": "invalid api key", "type": "auth"}})
            return
        system = next((m["content"] for m in body["messages"] if m["role"] == "system"), "")
        role = system.split("\n", 1)[0].removeprefix("# Role: ").strip()
        turn = self.server.scripts[role].pop(0)
        message: dict[str, Any] = {"role": "assistant", "content": turn.get("text")}
        if "tools" in turn:
            message["tool_calls"] = [
                {"id": f"call-{i}", "type": "function",
                 "function": {"name": name, "arguments": json.dumps(args)}}
                for i, (name, args) in enumerate(turn["tools"])
            ]
        self._send(200, {
            "id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": body["model"],
            "choices": [{"index": 0, "message": message,
                         "finish_reason": "tool_calls" if "tools" in turn else "stop"}],
            "usage": {"prompt_tokens": 100, "completion_tokens": 10, "total_tokens": 110},
        })

    def _send(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    httpd = FakeOpenAI()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


def standard_scripts() -> dict[str, list[dict[str, Any]]]:
    return {
        "coordinator": [
            {"tools": [("update_requests", {"upsert": [{"device": "ev", "deadline": "07:00"}]})]},
            {"text": "Your car is planned; it will be ready in the morning."},
        ],
        "scheduler": [{"tools": [("propose_plan", {})]}],
        "auditor": [{"tools": [("verify_reply", {})]}],
    }


def compatible(server: FakeOpenAI, **extra: str) -> dict[str, str]:
    return {"HEARTH_LLM": "openai-compatible", "HEARTH_LLM_MODEL": "qwen2.5:7b",
            "HEARTH_LLM_BASE_URL": server.base_url, **extra}


@pytest.mark.asyncio
async def test_openai_compatible_server_drives_the_team(server: FakeOpenAI, session: PlanningSession):
    server.scripts = standard_scripts()
    factory = make_client_factory(load_model_settings(compatible(server)))
    result = await run_request(session, "charge my car by 7", factory)
    assert result.status == "proposed"
    assert result.message == "Your car is planned; it will be ready in the morning."
    assert (result.llm.provider, result.llm.model) == ("openai-compatible", "qwen2.5:7b")
    assert (result.llm.calls, result.llm.prompt_tokens, result.llm.completion_tokens) == (4, 400, 40)
    assert all(path == "/v1/chat/completions" for path in server.paths)
    first = server.requests[0]
    assert first["model"] == "qwen2.5:7b"
    assert first["parallel_tool_calls"] is False
    assert {t["function"]["name"] for t in first["tools"]} == {
        "update_requests", "ask_homeowner", "get_plan", "explain", "what_if", "standing_orders", "transfer_to_forecaster",
    }
    assert [m["content"] for m in first["messages"][1:]][-1] == "charge my car by 7"
    reply_request = server.requests[2]
    assert '"status":"proposed"' in reply_request["messages"][-1]["content"]
    assert {t["function"]["name"] for t in server.requests[3]["tools"]} == {"check_conflicts", "verify_reply"}


@pytest.mark.asyncio
async def test_azure_client_against_the_local_server(server: FakeOpenAI, session: PlanningSession):
    server.scripts = standard_scripts()
    env = {"HEARTH_LLM": "azure", "AZURE_OPENAI_ENDPOINT": f"http://127.0.0.1:{server.server_address[1]}",
           "AZURE_OPENAI_API_KEY": "test-key", "AZURE_OPENAI_API_VERSION": "2024-06-01",
           "AZURE_OPENAI_DEPLOYMENT": "hearth-gpt"}
    result = await run_request(session, "charge my car by 7", make_client_factory(load_model_settings(env)))
    assert result.status == "proposed" and result.llm.provider == "azure"
    assert server.paths[0].startswith("/openai/deployments/hearth-gpt/chat/completions?api-version=2024-06-01")


@pytest.mark.asyncio
async def test_unreachable_server_is_one_sentence_naming_the_setting(session: PlanningSession):
    """Nothing listens on the port: the run ends with status error and one sentence naming the
    server and the setting to check; the conversation stays usable."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there now
    settings = load_model_settings({"HEARTH_LLM": "openai-compatible", "HEARTH_LLM_MODEL": "m",
                                    "HEARTH_LLM_BASE_URL": f"http://127.0.0.1:{port}/v1",
                                    "HEARTH_LLM_TIMEOUT_S": "5"})
    conversation = Conversation(session, make_client_factory(settings))
    result = await conversation.ask("charge my car by 7")
    assert result.status == "error"
    assert result.message == (
        f"The language model at http://127.0.0.1:{port}/v1 cannot be reached; check that the "
        "server runs and that HEARTH_LLM_BASE_URL is right."
    )
    again = await conversation.ask("charge my car by 7")
    assert again.status == "error"
    await conversation.close()


@pytest.mark.asyncio
async def test_refused_key_names_the_setting(server: FakeOpenAI, session: PlanningSession):
    server.status = 401
    factory = make_client_factory(load_model_settings(compatible(server, HEARTH_LLM_API_KEY="wrong")))
    with pytest.raises(ModelConfigError) as err:
        await run_request(session, "charge my car by 7", factory)
    assert err.value.field == "HEARTH_LLM_API_KEY" and "refused the key" in str(err.value)


# -- settings -------------------------------------------------------------------------------------


def test_offline_is_the_default():
    settings = load_model_settings({})
    assert settings.provider == "offline"
    factory = make_client_factory(settings)
    assert (factory.provider, factory("coordinator").model_info["function_calling"]) == ("offline", True)


@pytest.mark.parametrize(("env", "setting"), [
    ({"HEARTH_LLM": "openai", "HEARTH_LLM_MODEL": "gpt-4o-mini"}, "OPENAI_API_KEY"),
    ({"HEARTH_LLM": "openai", "OPENAI_API_KEY": "sk-x"}, "HEARTH_LLM_MODEL"),
    ({"HEARTH_LLM": "openai-compatible", "HEARTH_LLM_MODEL": "llama3.1"}, "HEARTH_LLM_BASE_URL"),
    ({"HEARTH_LLM": "openai-compatible", "HEARTH_LLM_MODEL": "m", "HEARTH_LLM_BASE_URL": "localhost:11434"},
     "HEARTH_LLM_BASE_URL"),
    ({"HEARTH_LLM": "azure"}, "AZURE_OPENAI_ENDPOINT"),
    ({"HEARTH_LLM": "azure", "AZURE_OPENAI_ENDPOINT": "https://x.openai.azure.com/",
      "AZURE_OPENAI_API_KEY": "k", "AZURE_OPENAI_DEPLOYMENT": "d"}, "AZURE_OPENAI_API_VERSION"),
    ({"HEARTH_LLM": "claude"}, "HEARTH_LLM"),
    ({"HEARTH_LLM_TIMEOUT_S": "soon"}, "HEARTH_LLM_TIMEOUT_S"),
])
def test_missing_or_bad_settings_are_named(env: dict[str, str], setting: str):
    with pytest.raises(ModelConfigError) as err:
        load_model_settings(env)
    assert err.value.field == setting
    assert str(err.value).startswith(setting)


def test_config_file_mirrors_the_variables_and_the_environment_wins(tmp_path: Path):
    config = tmp_path / "hearth.toml"
    config.write_text(
        '[llm]\nprovider = "openai-compatible"\nmodel = "qwen2.5:7b"\n'
        'base_url = "http://localhost:11434/v1"\ntimeout_s = 30\n'
    )
    settings = load_model_settings({"HEARTH_CONFIG": str(config)})
    assert (settings.provider, settings.model, settings.base_url, settings.timeout_s) == (
        "openai-compatible", "qwen2.5:7b", "http://localhost:11434/v1", 30.0,
    )
    override = load_model_settings({"HEARTH_CONFIG": str(config), "HEARTH_LLM_MODEL": "llama3.1"})
    assert override.model == "llama3.1"
    config.write_text('[llm]\nprovider = "openai-compatible"\nmodel = "m"\n')
    with pytest.raises(ModelConfigError) as err:
        load_model_settings({"HEARTH_CONFIG": str(config)})
    assert err.value.field == f"{config} [llm] base_url" or err.value.field == "HEARTH_LLM_BASE_URL"


@pytest.mark.parametrize(("text", "problem"), [
    ("[llm]\nprovider = 'offline'\ncolour = 'red'\n", "unknown key(s) colour"),
    ("[model]\nprovider = 'offline'\n", "needs an [llm] table"),
    ("[llm\n", "not valid TOML"),
])
def test_bad_config_files(tmp_path: Path, text: str, problem: str):
    config = tmp_path / "hearth.toml"
    config.write_text(text)
    with pytest.raises(ModelConfigError, match=problem.replace("[", r"\[").replace("(", r"\(").replace(")", r"\)")):
        load_model_settings({"HEARTH_CONFIG": str(config)})
    with pytest.raises(ModelConfigError, match="does not exist"):
        load_model_settings({"HEARTH_CONFIG": str(tmp_path / "missing.toml")})


# -- the guard ------------------------------------------------------------------------------------


def test_a_network_model_client_cannot_be_built_in_tests():
    from autogen_ext.models.openai import (
        AzureOpenAIChatCompletionClient,
        OpenAIChatCompletionClient,
    )

    with pytest.raises(NetworkModelInTest):
        OpenAIChatCompletionClient(model="gpt-4o-mini", api_key="sk-test")
    with pytest.raises(NetworkModelInTest):
        AzureOpenAIChatCompletionClient(
            model="gpt-4o", azure_endpoint="https://example.openai.azure.com/", azure_deployment="d",
            api_version="2024-06-01", api_key="k",
        )
    factory = make_client_factory(load_model_settings(
        {"HEARTH_LLM": "openai", "HEARTH_LLM_MODEL": "gpt-4o-mini", "OPENAI_API_KEY": "sk-test"}
    ))
    with pytest.raises(NetworkModelInTest):
        factory("coordinator")
    with pytest.raises(NetworkModelInTest):
        socket.create_connection(("192.0.2.1", 443), timeout=1)
