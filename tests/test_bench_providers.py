"""Smoke test of ``bench/providers.py``: it runs, and a warm cache asks no provider.

Timings are the benchmark's business (README, "Live inputs"); this test asserts no time.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_provider_bench_runs_and_the_warm_cache_fetches_nothing(tmp_path: Path) -> None:
    out = tmp_path / "providers.json"
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "providers.py"), "--repeat", "1", "--json", str(out)],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    numbers = json.loads(out.read_text())
    assert numbers["warm_requests"] == 0
    assert set(numbers) >= {"home file", "warm cache", "cold (replayed)", "warm_added_s"}
    assert "requests made on the warm cache: 0" in done.stdout
