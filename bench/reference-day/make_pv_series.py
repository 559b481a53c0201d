"""Write ``pv.csv``: the reference day's PV as exact 5-minute averages.

P(t) = 4.0 kW · sin²(π·(t − 6.5 h)/13 h) on [6.5 h, 19.5 h], 0 otherwise. With ω = π/13 h and
x = t − 6.5 h, ∫ sin²(ωx) dx = x/2 − sin(2ωx)/(4ω), so the mean over [a, b] is exact. Averages
of 5-minute averages are the exact 15- and 30-minute averages, so one file serves every step.
Run ``python bench/reference-day/make_pv_series.py`` to regenerate.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone
from pathlib import Path

PEAK_KW = 4.0
OMEGA = math.pi / 13.0


def _integral_kwh(hours: float) -> float:
    x = min(max(hours - 6.5, 0.0), 13.0)
    return PEAK_KW * (x / 2 - math.sin(2 * OMEGA * x) / (4 * OMEGA))


def main() -> None:
    start = datetime(2025, 6, 21, tzinfo=timezone.utc)
    lines = [
        "# reference day PV: exact 5-minute means of 4.0 kW·sin²(π(t−6.5h)/13h)",
        "start,pv_kw",
    ]
    for k in range(288):
        a, b = k / 12, (k + 1) / 12
        mean_kw = (_integral_kwh(b) - _integral_kwh(a)) / (b - a)
        lines.append(f"{(start + timedelta(minutes=5 * k)).isoformat()},{mean_kw:.12f}")
    Path(__file__).with_name("pv.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
