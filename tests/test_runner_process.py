"""``hearth run`` as a process: killed with ``kill -9`` it resumes without double-starting, its
last will marks it offline, and bad input is refused with exit status 2."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import aiomqtt
import pytest
import yaml
from mqtt_fixtures import Broker, broker  # noqa: F401  (the fixture)
from runner_helpers import EXAMPLES, NOW, approve_night, example_home

from app.store import PlanStore

HEARTH = [sys.executable, "-m", "app.cli"]
UNTIL = "2026-11-25T07:00:00+01:00"


def _env(db: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["HEARTH_DB"] = str(db)
    return env


def _home_file(folder: Path, integration: dict[str, object]) -> Path:
    data = yaml.safe_load((EXAMPLES / "home.yaml").read_text(encoding="utf-8"))
    data["integration"] = integration
    path = folder / "home.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    (folder / "data").mkdir(exist_ok=True)
    for csv in (EXAMPLES / "data").iterdir():
        (folder / "data" / csv.name).write_bytes(csv.read_bytes())
    return path


def _acknowledged_start(db: Path) -> bool:
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            row = conn.execute(
                "SELECT acknowledged_at FROM runner_starts WHERE device = 'dishwasher'"
            ).fetchone()
    except sqlite3.OperationalError:
        return False
    return row is not None and row[0] is not None


def test_kill_9_after_a_start_resumes_without_starting_twice(tmp_path: Path) -> None:
    """The runner is killed right after the dishwasher started (23:00); the next run resumes
    the simulated home and the plan from the store, starts nothing twice, and the night is
    still carried out (80 % by 07:00, the dishwasher done by 06:00)."""
    home_file = _home_file(tmp_path, {"replan": {"interval_minutes": 60}})
    db = tmp_path / "plans.sqlite3"
    approve_night(PlanStore(db), example_home())
    first = subprocess.Popen(
        [
            *HEARTH,
            "run",
            "--home",
            str(home_file),
            "--driver",
            "sim",
            "--now",
            NOW.isoformat(),
            "--until",
            UNTIL,
            "--speed",
            "1800",
            "--json",
        ],
        env=_env(db),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 240
    while not _acknowledged_start(db):
        assert first.poll() is None, "the first run ended before the dishwasher started"
        assert time.monotonic() < deadline, "the dishwasher did not start within 240 s"
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.wait()
    second = subprocess.run(
        [
            *HEARTH,
            "run",
            "--home",
            str(home_file),
            "--driver",
            "sim",
            "--resume",
            "--until",
            UNTIL,
            "--json",
        ],
        env=_env(db),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert second.returncode == 0, second.stderr
    summary = json.loads(second.stdout)
    results = {r["device"]: r for r in summary["requests"]}
    assert results["ev"]["met"] is True
    assert results["dishwasher"]["met"] is True
    with sqlite3.connect(db) as conn:
        snapshot = conn.execute("SELECT value FROM runner_meta WHERE key = 'sim_state'").fetchone()
        starts = conn.execute("SELECT COUNT(*) FROM runner_starts").fetchone()[0]
    sim_state = json.loads(snapshot[0])
    assert len(sim_state["appliances"]["dishwasher"]["runs_started"]) == 1
    assert starts == 1
    assert not any(
        line.endswith("dishwasher: start") for line in summary["commands"]["unacknowledged"]
    )


def test_the_last_will_marks_hearth_offline_on_kill_9(tmp_path: Path, broker: Broker) -> None:  # noqa: F811
    home_file = _home_file(tmp_path, {"driver": "mqtt", "mqtt": {"port": broker.port}})
    db = tmp_path / "plans.sqlite3"
    runner = subprocess.Popen(
        [*HEARTH, "run", "--home", str(home_file)],
        env=_env(db),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    async def watch() -> list[str]:
        seen: list[str] = []
        async with aiomqtt.Client("127.0.0.1", broker.port, identifier="will-watcher") as client:
            await client.subscribe("hearth/status", qos=1)
            async with asyncio.timeout(120):
                async for message in client.messages:
                    payload = message.payload
                    seen.append(payload.decode() if isinstance(payload, bytes) else str(payload))
                    if seen[-1] == "online":
                        runner.send_signal(signal.SIGKILL)
                    if seen[-1] == "offline" and "online" in seen:
                        return seen
        return seen

    try:
        seen = asyncio.run(watch())
    finally:
        if runner.poll() is None:
            runner.kill()
        runner.wait()
    assert seen[-2:] == ["online", "offline"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--speed", "0"], "--speed: must be more than 0"),
        (["--now", NOW.isoformat(), "--until", "2026-11-24T17:00:00+01:00"], "--until:"),
        (["--resume", "--until", UNTIL], "--resume: there is no earlier simulated run"),
        (["--now", NOW.isoformat(), "--until", UNTIL], "no approved plan"),
        (["--now", "yesterday"], "--now:"),
    ],
)
def test_bad_input_is_refused_with_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    db = tmp_path / "plans.sqlite3"
    result = subprocess.run(
        [*HEARTH, "run", "--home", str(EXAMPLES / "home.yaml"), "--driver", "sim", *args],
        env=_env(db),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_integration_section_names_the_field(tmp_path: Path) -> None:
    home_file = _home_file(tmp_path, {"devices": {"van": {"driver": "mqtt"}}})
    result = subprocess.run(
        [*HEARTH, "run", "--home", str(home_file)],
        env=_env(tmp_path / "p.db"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "integration.devices: 'van' is not a device of this home" in result.stderr


@pytest.mark.parametrize(
    "argv",
    [["run", "--help"], ["api", "--help"], ["api-token", "--help"], ["run", "--speed", "0"],
     ["run", "--until", "tomorrow"], ["api", "--port", "0"]],
    ids=lambda argv: " ".join(argv),
)
def test_the_new_commands_answer_help_and_flag_errors_without_heavy_imports(
    argv: list[str], tmp_path: Path
) -> None:
    from test_cli_startup import HEAVY, imported

    assert imported(argv, (*HEAVY, "pydantic", "yaml", "aiomqtt", "fastapi"), tmp_path) == []
