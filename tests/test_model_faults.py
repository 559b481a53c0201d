"""A failing model server becomes one sentence for the homeowner, within one deadline.

``hearth plan --json`` runs as a real process against :class:`fault_server.FaultServer` on
127.0.0.1 with ``HEARTH_LLM_TIMEOUT_S=5``. For each fault the process must exit 1 (status
``error``, a valid outcome of a failed run), its ``message`` must be the one expected sentence,
neither stdout nor stderr may show a traceback (the log file has it), and it must end within
15 s of the server's first request: three times the deadline, for a loaded machine. Before this
was built, a server sending one byte every 3 s kept a request alive for 103 s.

In this process, :class:`agents.accounting.MeteredClient` with the real OpenAI client shows the
retries: one after the ``Retry-After: 1`` of a 429, none when ``Retry-After: 30`` lies beyond
the deadline, two after HTTP 500s (three attempts in all).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from fault_server import FaultServer

from agents.accounting import LlmLedger, MeteredClient
from agents.faults import ModelFault, retry_after_s
from agents.models import load_model_settings, make_client_factory

pytest_plugins = ["agents_conftest"]

REPO = Path(__file__).resolve().parents[1]
NOW = "2026-11-24T18:00:00+01:00"
DEADLINE_S = 5
BOUND_S = 3 * DEADLINE_S
CHECK = "check that HEARTH_LLM_BASE_URL names an OpenAI-compatible chat server."

SENTENCES = {
    "malformed_json": "The language model at {url} sent a reply that is not valid JSON; " + CHECK,
    "html": "The language model at {url} sent a reply that is not a chat completion; " + CHECK,
    "empty_choices": "The language model at {url} sent a reply with no answer in it; try again.",
    "http_500": "The language model at {url} answered with an error (HTTP 500); try again later.",
    "http_429": "The language model at {url} answered with an error (HTTP 429); try again in 30 s.",
    "slow_drip": "The language model at {url} did not answer within 5 s; try again, or allow it "
                 "more time with HEARTH_LLM_TIMEOUT_S.",
}
#: Requests the server sees: 500s are retried (3 attempts); a 30 s Retry-After is beyond the
#: 5 s deadline, so it is not waited for; unreadable replies are not retried.
ATTEMPTS = {"malformed_json": 1, "html": 1, "empty_choices": 1, "http_500": 3, "http_429": 1,
            "slow_drip": 1}


def run_plan(url: str, tmp_path: Path, *extra: str) -> tuple[subprocess.CompletedProcess[str], float]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("HEARTH_", "OPENAI_"))}
    env.update({
        "HEARTH_LLM": "openai-compatible", "HEARTH_LLM_MODEL": "qwen2.5:7b",
        "HEARTH_LLM_BASE_URL": url, "HEARTH_LLM_TIMEOUT_S": str(DEADLINE_S),
        "HEARTH_DB": str(tmp_path / "plans.sqlite3"), "HEARTH_LOG": str(tmp_path / "hearth.log"),
    })
    process = subprocess.run(
        [sys.executable, "-m", "app.cli", "plan", "charge my car by 7am", "--home",
         str(REPO / "examples" / "home.yaml"), "--now", NOW, "--json", *extra],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )
    return process, time.monotonic()


@pytest.fixture
def fault(request: pytest.FixtureRequest) -> Iterator[FaultServer]:
    server = FaultServer(request.param).start()
    yield server
    server.stop()


@pytest.mark.parametrize("fault", list(SENTENCES), indirect=True)
def test_each_fault_is_one_sentence_within_the_deadline(fault: FaultServer, tmp_path: Path) -> None:
    process, finished = run_plan(fault.base_url, tmp_path)
    assert process.returncode == 1, process.stderr
    result = json.loads(process.stdout)
    assert result["status"] == "error"
    assert result["message"] == SENTENCES[fault.mode].format(url=fault.base_url)
    assert "Traceback" not in process.stdout + process.stderr
    assert process.stderr == ""
    assert fault.first_request_at is not None
    assert finished - fault.first_request_at <= BOUND_S
    assert fault.requests == ATTEMPTS[fault.mode]
    log = (tmp_path / "hearth.log").read_text(encoding="utf-8")
    assert "Traceback" in log  # the details are kept, for whoever looks into it


def test_unreachable_server_is_one_sentence(tmp_path: Path) -> None:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{probe.getsockname()[1]}/v1"
    probe.close()  # nothing listens there now
    started = time.monotonic()
    process, finished = run_plan(url, tmp_path)
    assert process.returncode == 1, process.stderr
    result = json.loads(process.stdout)
    assert (result["status"], result["message"]) == (
        "error",
        f"The language model at {url} cannot be reached; check that the server runs and that "
        "HEARTH_LLM_BASE_URL is right.",
    )
    assert "Traceback" not in process.stdout + process.stderr and process.stderr == ""
    assert finished - started <= 60  # start-up of a loaded machine + 3 quick attempts


@pytest.mark.parametrize("fault", ["http_500"], indirect=True)
def test_verbose_shows_the_traceback_on_stderr(fault: FaultServer, tmp_path: Path) -> None:
    process, _ = run_plan(fault.base_url, tmp_path, "--verbose")
    assert json.loads(process.stdout)["message"] == SENTENCES["http_500"].format(url=fault.base_url)
    assert "Traceback" in process.stderr and "InternalServerError" in process.stderr


# ----------------------------------------------------------------------------- retries, in process


def metered(server: FaultServer, timeout_s: float = 10) -> MeteredClient:
    factory = make_client_factory(load_model_settings({
        "HEARTH_LLM": "openai-compatible", "HEARTH_LLM_MODEL": "qwen2.5:7b",
        "HEARTH_LLM_BASE_URL": server.base_url, "HEARTH_LLM_TIMEOUT_S": str(timeout_s),
    }))
    return MeteredClient(factory("coordinator"), "coordinator", LlmLedger(provider="openai-compatible"),
                         error_types=factory.error_types, translate=factory.translate,
                         policy=factory.policy)


@pytest.mark.asyncio
@pytest.mark.parametrize("fault", ["flaky_429"], indirect=True)
async def test_a_429_is_retried_after_the_servers_retry_after(fault: FaultServer) -> None:
    """The first answer is 429 with Retry-After: 1; the second attempt, at least 1 s later,
    gets the reply."""
    from autogen_core.models import UserMessage

    client = metered(fault)
    result = await client.create([UserMessage(content="hello", source="user")])
    assert result.content == "Hello from the model."
    assert fault.requests == 2
    assert fault.request_times[1] - fault.request_times[0] >= 1.0
    await client.close()


@pytest.mark.asyncio
@pytest.mark.parametrize("fault", ["http_429"], indirect=True)
async def test_a_retry_after_beyond_the_deadline_is_not_waited_for(fault: FaultServer) -> None:
    from autogen_core.models import UserMessage

    client = metered(fault, timeout_s=5)
    with pytest.raises(ModelFault) as err:
        await client.create([UserMessage(content="hello", source="user")])
    assert (err.value.status, err.value.retry_after_s) == (429, 30.0)
    assert fault.requests == 1
    await client.close()


def test_retry_after_headers() -> None:
    """Seconds, milliseconds and an HTTP date 90 s ahead; unreadable or absent → None;
    a date in the past → 0."""
    now = datetime(2026, 11, 24, 17, 0, tzinfo=timezone.utc)
    assert retry_after_s({"Retry-After": "30"}) == 30.0
    assert retry_after_s({"retry-after-ms": "1500", "Retry-After": "9"}) == 1.5
    assert retry_after_s({"Retry-After": "Tue, 24 Nov 2026 17:01:30 GMT"}, now=now) == 90.0
    assert retry_after_s({"Retry-After": "Tue, 24 Nov 2026 16:00:00 GMT"}, now=now) == 0.0
    assert retry_after_s({"Retry-After": "soon"}) is None
    assert retry_after_s({"Retry-After": "nan"}) is None
    assert retry_after_s({}) is None
