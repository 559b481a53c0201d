"""``hearth --help`` and bad input answer without loading the planning core, the agents or the UI.

Each case runs ``app.cli.main`` in a fresh interpreter and lists which heavy packages got
imported. Help and flag errors may import none of them (not even pydantic); a bad home file may
import pydantic and PyYAML (it is validated with them) but nothing heavier. The wall time these
save is measured in the README (``python -X importtime``), not asserted here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
HOME = str(REPO / "examples" / "home.yaml")
#: Imported by a command that plans (solver, solar model, tables), talks (agents, model client)
#: or serves the UI.
HEAVY = ("pulp", "highspy", "pvlib", "pandas", "scipy", "numpy", "autogen_core",
         "autogen_agentchat", "autogen_ext", "openai", "chainlit", "plotly")

PROBE = """
import json, sys
from app.cli import main
try:
    main(json.loads(sys.argv[1]))
except SystemExit:
    pass
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in json.loads(sys.argv[2]))))
"""


def imported(argv: list[str], watched: tuple[str, ...], tmp_path: Path) -> list[str]:
    process = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(argv), json.dumps(list(watched))],
        cwd=REPO, capture_output=True, text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "HEARTH_DB": str(tmp_path / "p.sqlite3"),
             "HEARTH_LOG": str(tmp_path / "hearth.log")},
    )
    return json.loads(process.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("argv", [
    ["--help"],
    ["schedule", "--help"],
    ["plan", "--help"],
    ["ui", "--help"],
    ["init", "--help"],
    ["init", "--yes", "--pv-kwp", "-3"],
    ["cancel", "--help"],
    ["schedule", "--home", HOME, "--step", "7", "--request", "ev"],
    ["schedule", "--home", HOME, "--now", "", "--request", "ev"],
    ["plan", "charge the car", "--home", HOME, "--horizon", "1000"],
    ["chat", "--home", HOME, "--now", "9999-12-31T23:00:00+00:00"],
    ["ui", "--home", HOME, "--port", "0"],
    ["plans", "--limit", "0"],
    ["approve", "abc"],
    ["standing", "--help"],
    ["standing", "pause", "abc"],
    ["meter", "check", "--help"],
    ["meter", "check", "meter.csv", "--unit", "wh", "--timezone", "Europe/Berlin"],
], ids=lambda argv: " ".join(argv)[:40])
def test_help_and_flag_errors_import_nothing_heavy(argv: list[str], tmp_path: Path) -> None:
    assert imported(argv, (*HEAVY, "pydantic", "yaml"), tmp_path) == []


@pytest.mark.parametrize("command", [["schedule", "--request", "ev"], ["plan", "charge the car"],
                                     ["chat"], ["ui"]])
def test_a_bad_home_file_imports_nothing_heavy(command: list[str], tmp_path: Path) -> None:
    bad = tmp_path / "home.yaml"
    bad.write_text("timezone: Mars/Olympus\n", encoding="utf-8")
    argv = [command[0], *command[1:], "--home", str(bad)]
    assert imported(argv, HEAVY, tmp_path) == []


def test_a_bad_request_imports_nothing_heavy(tmp_path: Path) -> None:
    argv = ["schedule", "--home", HOME, "--now", "2026-11-24T18:00:00+01:00",
            "--request", "ev:target_soc=nan"]
    assert imported(argv, HEAVY, tmp_path) == []
