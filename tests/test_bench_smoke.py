"""Smoke test of the benchmark script: ``bench/run.py --quick`` runs end to end.

No timing is asserted (CI machines differ); what is asserted is that the script runs, that it
reaches the reference day's proven optimum with every available solver, and that its JSON agrees
with its printed table.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tools.scheduler import available_solvers

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "bench" / "run.py"

#: Proven optimal net cost [EUR] of the reference day per step [min], copied from
#: ``bench/reference-day/README.md`` (an independent model of the same scenario). Kept here
#: rather than imported from ``bench/run.py`` so a wrong constant there would be caught.
PROVEN_OPTIMUM = {30: 2.778104, 15: 2.778436, 5: 2.778531}

ROW = re.compile(
    r"^(?P<solver>highs|cbc)\s+(?P<step>\d+)\s+(?P<steps>\d+)\s+(?P<cost>-?\d+\.\d+)\s+"
    r"(?P<optimum>\d+\.\d+)\s+\S+\s+(?P<status>\S+)",
    re.MULTILINE,
)


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict]:
    json_path = tmp_path_factory.mktemp("bench") / "quick.json"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--json", str(json_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout, json.loads(json_path.read_text(encoding="utf-8"))


def test_reference_day_costs_are_the_proven_optimum(quick_run: tuple[str, dict]) -> None:
    """Each available solver at 30, 15 and 5 min prints status ``optimal`` and a net cost within
    1e-4 EUR of the proven optimum (2.778104, 2.778436 and 2.778531 EUR), with 48, 96 and 288
    steps (24 h / step)."""
    stdout, _ = quick_run
    rows = {(m["solver"], int(m["step"])): m for m in ROW.finditer(stdout)}
    solvers = available_solvers()
    assert "highs" in solvers
    for solver in solvers:
        for step, optimum in PROVEN_OPTIMUM.items():
            row = rows.get((solver, step))
            assert row is not None, f"no reference row for {solver} at {step} min in:\n{stdout}"
            assert row["status"] == "optimal"
            assert int(row["steps"]) == 24 * 60 // step
            assert float(row["optimum"]) == optimum
            assert abs(float(row["cost"]) - optimum) <= 1e-4


def test_json_matches_the_table(quick_run: tuple[str, dict]) -> None:
    """The JSON holds the same reference rows (cost = import cost − export revenue, within 1e-4
    of the optimum) and a scaling table of the quick subset: 24 h × 60/15 min × 1/4 devices,
    every case optimal and audited."""
    _, data = quick_run
    for row in data["reference_day"]:
        if row["status"] == "unavailable":
            continue
        assert row["status"] == "optimal"
        assert row["audit"] == "passed"
        assert row["cost"] == pytest.approx(row["import_cost"] - row["export_revenue"], abs=1e-9)
        assert abs(row["cost"] - PROVEN_OPTIMUM[row["step_minutes"]]) <= 1e-4
    cases = {(r["horizon_hours"], r["step_minutes"], r["devices"]) for r in data["scaling"]["rows"]}
    assert cases == {(24, 60, 1), (24, 60, 4), (24, 15, 1), (24, 15, 4)}
    for row in data["scaling"]["rows"]:
        assert row["status"] == "optimal"
        assert row["audit"] == "passed"
        assert row["steps"] == 24 * 60 // row["step_minutes"]
        assert 0 < row["binaries"] < row["variables"]
