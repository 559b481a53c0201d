"""Time from sending a request to the first proposal on screen, in a real browser.

Starts ``hearth ui`` (offline model, examples/home.yaml, fixed clock Tue 2026-11-24 18:00
+01:00, a fresh plan store in a temporary folder) on a free loopback port and drives Debian's
Chromium through Playwright: for each run a new chat (a new page), type the request, click send,
and stop the clock when that chat's Approve button is visible — the card, its chart element and
the buttons are on screen then. Prints every run and the median::

    .venv/bin/python bench/ui_latency.py [--runs 5] [--text "charge my car cheaply by 7am"]

Needs Chromium (``scripts/install-browser.sh``). The server is stopped by its process id.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("HEARTH_CHROMIUM", "/usr/bin/chromium")
NOW = "2026-11-24T18:00:00+01:00"
START_TIMEOUT_S = 90.0
PLAN_TIMEOUT_MS = 180_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("HEARTH_PASSWORD", "HEARTH_LLM")}
    env["HEARTH_LLM"] = "offline"
    command = [sys.executable, "-m", "app.cli", "ui", "--port", str(port), "--home",
               str(REPO / "examples" / "home.yaml"), "--now", NOW, "--db",
               str(folder / "plans.sqlite3")]
    log = (folder / "server.log").open("ab")
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return process, url
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    process.kill()
    raise SystemExit(f"hearth ui did not start; see {folder / 'server.log'}")


def measure(runs: int, text: str) -> list[float]:
    """Seconds from clicking send to the proposal's Approve button being visible, per run."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        process, url = _start(Path(tmp))
        seconds: list[float] = []
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True,
                    args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
                for run in range(1, runs + 1):
                    page = browser.new_page(viewport={"width": 1280, "height": 1600})
                    page.goto(url)
                    page.locator("[data-step-type=assistant_message]",
                                 has_text="Hi, I'm").first.wait_for(timeout=60_000)
                    page.locator("#chat-input").fill(text)
                    started = time.perf_counter()
                    page.locator("#chat-submit").click()
                    page.locator(f"#approve-{run}").wait_for(state="visible",
                                                             timeout=PLAN_TIMEOUT_MS)
                    seconds.append(time.perf_counter() - started)
                    page.close()
                browser.close()
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="how many requests (default 5)")
    parser.add_argument("--text", default="charge my car cheaply by 7am", help="the request")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"needs Chromium at {CHROMIUM}: run scripts/install-browser.sh", file=sys.stderr)
        return 2
    seconds = measure(args.runs, args.text)
    for run, value in enumerate(seconds, start=1):
        print(f"run {run}: {value:.2f} s")
    print(f"median of {len(seconds)}: {statistics.median(seconds):.2f} s "
          f"(send → proposal on screen, offline model)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
