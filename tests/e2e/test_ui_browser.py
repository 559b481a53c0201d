"""End to end in a real browser: `hearth ui` as a subprocess, Debian's Chromium via Playwright.

Run it in its own pytest process (Playwright's sync API keeps an event loop running, which breaks
pytest-asyncio tests that run after it in the same process)::

    scripts/install-browser.sh            # once: apt-get install chromium (no Playwright download)
    pytest -m e2e tests/e2e

The server runs the real app on the offline model with examples/home.yaml, a fresh plan store and
a fixed clock (Tue 2026-11-24 18:00 +01:00). The test types "charge my car cheaply by 7am", waits
for the chart and the Approve button, approves, checks the plan store, kills the server with
SIGKILL, starts a new one on the same store and checks that a new chat shows plan 1 as the active
plan. Screenshots go to artifacts/.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("HEARTH_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = REPO / "artifacts"
HOME_FILE = REPO / "examples" / "home.yaml"
NOW = "2026-11-24T18:00:00+01:00"
REQUEST = "charge my car cheaply by 7am"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update"]
START_TIMEOUT_S = 90.0
PLAN_TIMEOUT_MS = 120_000

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"needs Chromium at {CHROMIUM}: run scripts/install-browser.sh"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def start_server(db: Path, log: Path) -> Server:
    """`hearth ui` on a free loopback port; returns once the page answers 200."""
    port = free_port()
    env = {key: value for key, value in os.environ.items()
           if key not in ("HEARTH_PASSWORD", "CHAINLIT_AUTH_SECRET", "HEARTH_LLM")}
    env["HEARTH_LLM"] = "offline"
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])])
    command = [sys.executable, "-m", "app.cli", "ui", "--port", str(port), "--home",
               str(HOME_FILE), "--now", NOW, "--db", str(db)]
    with log.open("ab") as out:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out,
                                   stderr=subprocess.STDOUT)
    server = Server(process, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"hearth ui exited with {process.returncode}:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(server.url, timeout=2) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    stop_server(server, signal.SIGKILL)
    raise RuntimeError(f"hearth ui did not answer within {START_TIMEOUT_S:g} s:\n{server.log_tail()}")


def stop_server(server: Server, sig: signal.Signals = signal.SIGINT) -> None:
    """Stop the server we started, by its process id."""
    if server.process.poll() is None:
        server.process.send_signal(sig)
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=15)


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "plans.sqlite3"


@pytest.fixture
def server(store_path: Path, tmp_path: Path) -> Iterator[Server]:
    running = start_server(store_path, tmp_path / "server.log")
    yield running
    stop_server(running)


def test_ask_approve_and_find_the_plan_active_after_a_kill(server: Server, store_path: Path,
                                                           tmp_path: Path) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    from app.store import PlanStore

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1800})
            page.goto(server.url)
            # on_chat_start's welcome proves the websocket session is up (typing earlier can
            # lose the message)
            page.locator(".step", has_text="Hi, I'm").first.wait_for(timeout=60_000)
            page.get_by_text("There is no active plan yet.").wait_for(timeout=30_000)

            page.locator("#chat-input").fill(REQUEST)
            page.locator("#chat-submit").click()
            approve = page.locator("#approve-1")
            try:
                approve.wait_for(timeout=PLAN_TIMEOUT_MS)
            except PlaywrightTimeout:
                page.screenshot(path=str(ARTIFACTS / "ui-browser-failure.png"), full_page=True)
                raise AssertionError(
                    f"no proposal appeared; server log:\n{server.log_tail()}") from None
            page.locator(".inline-plotly").first.wait_for(timeout=30_000)  # lazy-loaded chart
            page.locator(".inline-plotly .main-svg").first.wait_for(timeout=30_000)
            assert page.locator("#reject-1").count() == 1
            assert page.locator("#adjust-1").count() == 1
            assert page.get_by_text("Proposed plan (plan 1)").count() >= 1
            assert page.locator("[id^='step-']").count() >= 1  # agent turns and tool steps
            page.screenshot(path=str(ARTIFACTS / "ui-proposal.png"), full_page=True)

            store = PlanStore(store_path)
            assert store.get(1).status == "proposed"

            approve.click()
            page.get_by_text("Plan 1 approved").wait_for(timeout=30_000)
            page.locator("#approve-1").wait_for(state="detached", timeout=10_000)
            page.screenshot(path=str(ARTIFACTS / "ui-approved.png"), full_page=True)

            record = store.active_record()
            assert record is not None and record.id == 1
            assert record.approved_by == "web UI (no login)"
            assert "ev" in {run.device for run in record.plan.runs}

            stop_server(server, signal.SIGKILL)
            restarted = start_server(store_path, tmp_path / "server-restarted.log")
            try:
                page.goto(restarted.url)
                page.get_by_text("Active plan (plan 1)").first.wait_for(timeout=60_000)
                page.locator(".inline-plotly .main-svg").first.wait_for(timeout=30_000)
                page.screenshot(path=str(ARTIFACTS / "ui-active-after-restart.png"),
                                full_page=True)
            finally:
                stop_server(restarted)
        finally:
            browser.close()
    assert PlanStore(store_path).active_id() == 1
