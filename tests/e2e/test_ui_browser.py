"""End to end in a real browser: `hearth ui` as a subprocess, Debian's Chromium via Playwright.

Run it in its own pytest process (Playwright's sync API keeps an event loop running, which breaks
pytest-asyncio tests that run after it in the same process)::

    scripts/install-browser.sh            # once: apt-get install chromium (no Playwright download)
    pytest -m e2e tests/e2e

The servers run the real app on the offline model with a fresh plan store and a fixed clock
(Tue 2026-11-24 18:00 +01:00). Screenshots of every state go to artifacts/ (``ui-*.png``).

What the homeowner does, and what must hold (reference values as in
tests/test_app_ui_callbacks.py: 100 % by 20:00 needs 39 kWh stored, the charger stores 19.8 kWh
by then, so the first alternative is 68 % by 20:00, 22 kWh drawn):

1. asks for 100 % by 8pm → one sentence on why not, the alternatives as buttons; clicks
   "Reach 68% by 20:00" → plan 1's card, with names only (no device id of the home file in
   any visible reply), the chart; approves it;
2. asks for the dishwasher → plan 2 lists the car's run as already approved (plan 1); approves
   it → both runs are approved, plan 1's and plan 2's;
3. the server is killed (SIGKILL) and restarted on the same store → a new chat shows both runs;
4. on a phone (390 × 844) a new chat plans the car → the card and the chart: no element sticks
   out of the viewport sideways;
5. a server without a home file asks the first-run questions in the chat → a valid home file is
   written and the chat goes on with it.
"""

from __future__ import annotations

import os
import re
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
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("HEARTH_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = REPO / "artifacts"
HOME_FILE = REPO / "examples" / "home.yaml"
NOW = "2026-11-24T18:00:00+01:00"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update"]
START_TIMEOUT_S = 90.0
PLAN_TIMEOUT_MS = 120_000
WIDE = {"width": 1280, "height": 2400}
PHONE = {"width": 390, "height": 844}
#: Device ids of examples/home.yaml that are not words of the device's own name.
IDS = ("ev", "dishwasher", "washing_machine", "tumble_dryer", "water_heater")
ASSISTANT = "[data-step-type=assistant_message]"

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


def start_server(db: Path, log: Path, *, home: Path | None = HOME_FILE,
                 data_home: Path | None = None) -> Server:
    """`hearth ui` on a free loopback port; returns once the page answers 200."""
    port = free_port()
    env = {key: value for key, value in os.environ.items()
           if key not in ("HEARTH_PASSWORD", "CHAINLIT_AUTH_SECRET", "HEARTH_LLM", "HEARTH_HOME")}
    env["HEARTH_LLM"] = "offline"
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])])
    if data_home is not None:
        env["XDG_DATA_HOME"] = str(data_home)
    command = [sys.executable, "-m", "app.cli", "ui", "--port", str(port), "--now", NOW,
               "--db", str(db), *(["--home", str(home)] if home is not None else [])]
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
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def open_chat(browser: Any, server: Server, viewport: dict[str, int], **options: Any) -> Any:
    page = browser.new_page(viewport=viewport, **options)
    page.goto(server.url)
    # on_chat_start's welcome proves the websocket session is up (typing earlier can lose it)
    page.locator(ASSISTANT, has_text="Hi, I'm").first.wait_for(timeout=60_000)
    return page


def send(page: Any, text: str) -> None:
    page.locator("#chat-input").fill(text)
    page.locator("#chat-submit").click()


def wait_or_fail(locator: Any, page: Any, server: Server, name: str,
                 timeout: int = PLAN_TIMEOUT_MS) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        locator.wait_for(timeout=timeout)
    except PlaywrightTimeout:
        page.screenshot(path=str(ARTIFACTS / f"ui-failure-{name}.png"), full_page=True)
        raise AssertionError(f"{name}: did not appear; server log:\n{server.log_tail()}") from None


def replies(page: Any) -> list[str]:
    """The visible text of the assistant's messages after the welcome."""
    texts = page.locator(ASSISTANT).all_inner_texts()
    return [t for t in texts if not t.startswith("Hi, I'm")]


def ids_in(texts: list[str]) -> list[str]:
    return [device for device in IDS for text in texts if re.search(rf"\b{device}\b", text)]


def shoot(page: Any, locator: Any, name: str) -> None:
    """The message (or element) on screen, saved to artifacts/."""
    locator.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    locator.screenshot(path=str(ARTIFACTS / name))


def test_alternatives_two_approvals_restart_and_phone(browser: Any, tmp_path: Path) -> None:
    from app.store import PlanStore

    store_path = tmp_path / "plans.sqlite3"
    server = start_server(store_path, tmp_path / "server.log")
    try:
        page = open_chat(browser, server, WIDE)
        page.get_by_text("Nothing is approved yet.").wait_for(timeout=30_000)

        # 1. infeasible → the alternatives are buttons
        send(page, "charge my car to 100% by 8pm")
        choice = page.get_by_role("button", name="Reach 68% by 20:00")
        wait_or_fail(choice, page, server, "alternatives")
        infeasible = page.locator(ASSISTANT, has_text="This cannot be done as asked").last
        assert infeasible.inner_text().count("19.8 kWh") == 1
        shoot(page, infeasible, "ui-card-infeasible.png")
        choice.click()
        wait_or_fail(page.locator("#approve-1"), page, server, "plan 1")
        page.locator(".inline-plotly .main-svg").first.wait_for(timeout=30_000)
        card = page.locator(ASSISTANT, has_text="Plan 1 — proposed").last
        text = card.inner_text()
        assert "Family car · Tue 18:00–20:00 · 22.0 kWh" in text
        assert ids_in(replies(page)) == []
        assert page.locator("[id^='step-']").count() >= 1  # agent turns and tool steps
        shoot(page, card, "ui-card-proposal.png")
        page.locator("#approve-1").click()
        page.get_by_text("Approved by you.").first.wait_for(timeout=30_000)

        # 2. a second device: the first device's run stays approved
        send(page, "run the dishwasher tonight")
        wait_or_fail(page.locator("#approve-2"), page, server, "plan 2")
        card = page.locator(ASSISTANT, has_text="Plan 2 — proposed").last
        assert "Already approved, kept as they are:" in card.inner_text()
        assert re.search(r"Family car · Tue 18:00–20:00 · 22\.0 kWh · [\d.]+ EUR \(plan 1\)",
                         card.inner_text())
        shoot(page, card, "ui-card-second-device.png")
        page.locator("#approve-2").click()
        approved = page.locator(ASSISTANT, has_text="Plan 2's runs are now part").last
        approved.wait_for(timeout=30_000)
        assert "Unchanged: Family car" in approved.inner_text()
        assert ids_in(replies(page)) == []
        shoot(page, approved, "ui-approved-second-device.png")

        store = PlanStore(store_path)
        active = {c.device: (c.plan_number, c.approved_by) for c in store.active_commitments()
                  if c.kind != "battery"}
        assert active == {"ev": (1, "you (no login)"), "dishwasher": (2, "you (no login)")}
        page.close()

        # 3. kill -9 and restart on the same store: a new chat shows both approved runs
        stop_server(server, signal.SIGKILL)
        server = start_server(store_path, tmp_path / "server-restarted.log")
        page = open_chat(browser, server, WIDE)
        active_view = page.locator(ASSISTANT, has_text="Your active plan").first
        active_view.wait_for(timeout=60_000)
        assert "Family car" in active_view.inner_text()
        assert "Dishwasher" in active_view.inner_text()
        page.locator(".inline-plotly .main-svg").first.wait_for(timeout=30_000)
        shoot(page, active_view, "ui-active-after-restart.png")
        page.close()

        # 4. a phone: nothing sticks out sideways
        phone = open_chat(browser, server, PHONE, is_mobile=True, has_touch=True)
        send(phone, "charge the car to 90% by 7am")
        wait_or_fail(phone.locator("#approve-3"), phone, server, "phone plan")
        phone.locator(".inline-plotly .main-svg").first.wait_for(timeout=30_000)
        phone.wait_for_timeout(1000)
        overflowing = phone.evaluate("""() => {
            const width = document.documentElement.clientWidth;
            const out = [];
            for (const el of document.querySelectorAll('body *')) {
                const r = el.getBoundingClientRect();
                const shown = r.width > 0 && r.height > 0 && r.right > 0 && r.left < width;
                if (shown && (r.right > width + 1 || r.left < -1)) {
                    out.push(`${el.tagName}.${el.getAttribute('class')} ${r.left}–${r.right}`);
                }
            }
            return out;
        }""")
        assert overflowing == [], overflowing[:10]
        phone.locator(ASSISTANT, has_text="Plan 3 — proposed").last.locator(
            "h3").scroll_into_view_if_needed()
        phone.screenshot(path=str(ARTIFACTS / "ui-phone-card.png"))
        chart = phone.locator(".inline-plotly").last
        chart.scroll_into_view_if_needed()
        phone.screenshot(path=str(ARTIFACTS / "ui-phone-chart.png"))
        assert ids_in(replies(phone)) == []
    finally:
        stop_server(server)


def test_first_run_asks_about_the_home_and_writes_it(browser: Any, tmp_path: Path) -> None:
    """No home file: the chat asks; typed answers (ok = the default), two buttons."""
    from tools.home import load_home

    data_home = tmp_path / "data"
    server = start_server(tmp_path / "plans.sqlite3", tmp_path / "server.log", home=None,
                          data_home=data_home)
    try:
        page = browser.new_page(viewport=WIDE)
        page.goto(server.url)
        wait_or_fail(page.get_by_text("What should I call your home?"), page, server,
                     "first question", timeout=60_000)
        page.screenshot(path=str(ARTIFACTS / "ui-first-run.png"))
        # name, time zone, location, [tariff], currency, price, export, grid limit, PV,
        # facing, tilt, battery, [car], appliances, yearly use
        steps: list[tuple[str, str]] = [
            ("type", "Flat 4"), ("type", "Europe/Berlin"), ("type", "ok"),
            ("click", "One price all day (default)"), ("type", "ok"), ("type", "0.32"),
            ("type", "ok"), ("type", "ok"), ("type", "5"), ("type", "south-west"), ("type", "ok"),
            ("type", "ok"), ("click", "No (default)"), ("type", "dishwasher, washing machine"),
            ("type", "ok"),
        ]
        for kind, value in steps:
            count = page.locator(ASSISTANT).count()
            if kind == "type":
                page.locator("#chat-input").wait_for(timeout=30_000)
                send(page, value)
            else:
                button = page.get_by_role("button", name=value)
                wait_or_fail(button, page, server, f"button {value}", timeout=30_000)
                button.click()
            page.wait_for_function(f"() => document.querySelectorAll('{ASSISTANT}').length > "
                                   f"{count}", timeout=30_000)
        wait_or_fail(page.locator(ASSISTANT, has_text="Hi, I'm"), page, server, "welcome",
                     timeout=60_000)
        page.get_by_text("Saved Flat 4").first.wait_for(timeout=10_000)
        page.screenshot(path=str(ARTIFACTS / "ui-first-run-done.png"))
    finally:
        stop_server(server)
    home = load_home(data_home / "hearth" / "home.yaml")
    assert home.name == "Flat 4" and home.timezone == "Europe/Berlin"
    assert home.tariff.import_price.price_per_kwh == 0.32
    assert home.pv_arrays[0].peak_power_kwp == 5 and home.pv_arrays[0].azimuth_deg == 225
    assert [a.id for a in home.appliances] == ["dishwasher", "washing_machine"]


def test_a_german_message_gets_a_german_card(browser: Any, tmp_path: Path) -> None:
    """"Auto bis 7 Uhr auf 80% laden" (Tue 18:00): the card reads the request back in German,
    "Family car → 80% bis Mi 07:00, möglichst günstig", and its buttons are German."""
    server = start_server(tmp_path / "plans.sqlite3", tmp_path / "server.log")
    try:
        page = open_chat(browser, server, WIDE)
        page.get_by_text("Nothing is approved yet.").wait_for(timeout=30_000)
        send(page, "Auto bis 7 Uhr auf 80% laden")
        approve = page.get_by_role("button", name="Freigeben")
        wait_or_fail(approve, page, server, "german card")
        assert page.get_by_role("button", name="Anpassen").count() == 1
        assert page.get_by_role("button", name="Ablehnen").count() == 1
        card = page.locator(ASSISTANT, has_text="Plan 1 — Vorschlag").last
        text = card.inner_text()
        assert "So habe ich es verstanden:" in text
        assert "Family car → 80% bis Mi 07:00, möglichst günstig" in text
        assert ids_in(replies(page)) == []
        shoot(page, card, "ui-card-german.png")
    finally:
        stop_server(server)
