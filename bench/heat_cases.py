"""Benchmark cases with heat: the scaling home in winter with a heat pump and a hot-water tank.

The synthetic Berlin home of ``bench/run.py`` (6 kWp PV, 10 kWh battery, SMARD day-ahead prices
+ markup × VAT) from Monday 2025-01-13 00:00 local, plus a 3 kW heat pump heating a 1R1C house
(R = 5 K/kW, C = 10 kWh/K, Carnot-fraction COP at a 35 °C flow) with a 20–22.5 °C day / 18 °C
night band, and a 200 l tank with a 3 kW element, four daily draws and a legionella cycle due
Sunday 18:00 (outside the horizon, as on six days of seven; the last row moves it to Wednesday
18:00, inside the horizon, which adds its 25 binaries). The outdoor temperature is a typical January day in Berlin (−3 to +2 °C, no
random numbers). Rows: the heat devices alone and with the ten requested devices of the scaling
table, on 24 and 72 h at 5 minutes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from tools.home import parse_home
from tools.inputs import build_inputs
from tools.requests import resolve_requests
from tools.scheduler import ScheduleOptions, ScheduleProblem
from tools.timeaxis import TimeAxis

HEAT_NOW = datetime.fromisoformat("2025-01-13T00:00:00+01:00")
HEAT_CASES = (
    (24, 5, 0, False),
    (24, 5, 10, False),
    (72, 5, 0, False),
    (72, 5, 10, False),
    (72, 5, 0, True),
)
"""(horizon [h], step [min], requested devices of the scaling table, legionella cycle due)."""
HEAT_TARGET_S = 2.0

JANUARY_BERLIN_C = [
    -1.5, -1.8, -2.1, -2.4, -2.6, -2.8, -3.0, -2.9, -2.5, -1.8, -0.9, 0.0,
    0.8, 1.4, 1.7, 1.6, 1.1, 0.5, 0.0, -0.4, -0.7, -0.9, -1.1, -1.3,
]  # fmt: skip

HEAT_DEVICES: dict[str, Any] = {
    "climate": {"outdoor_temp_c": JANUARY_BERLIN_C},
    "heat_pumps": [
        {
            "id": "heat_pump",
            "max_electric_kw": 3.0,
            "cop": {"type": "carnot", "efficiency": 0.45, "supply_temp_c": 35, "max_cop": 6},
            "building": {
                "resistance_k_per_kw": 5.0,
                "capacitance_kwh_per_k": 10.0,
                "internal_gains_kw": 0.4,
            },
            "indoor_temp_c": 20.0,
            "comfort": [
                {"start": "06:00", "end": "22:30", "min_temp_c": 20.0, "max_temp_c": 22.5},
                {"start": "22:30", "end": "06:00", "min_temp_c": 18.0, "max_temp_c": 22.5},
            ],
        }
    ],
    "water_tanks": [
        {
            "id": "hot_water",
            "volume_l": 200,
            "element_kw": 3.0,
            "min_temp_c": 45,
            "setpoint_c": 55,
            "max_temp_c": 70,
            "ua_w_per_k": 1.6,
            "ambient_temp_c": 18,
            "temp_c": 50,
            "draws": [
                {"time": "06:30", "litres": 60},
                {"time": "07:15", "litres": 60},
                {"time": "19:00", "litres": 30, "tap_temp_c": 45},
                {"time": "20:30", "litres": 40},
            ],
            "legionella": {"temp_c": 60, "weekday": "sunday", "by": "18:00"},
        }
    ],
}


def heat_problem(
    horizon_hours: int,
    step_minutes: int,
    n_devices: int,
    legionella_due: bool,
    options: ScheduleOptions,
    synthetic: Callable[..., Any],
    requests_for: Callable[..., Any],
    device_order: Sequence[str],
) -> ScheduleProblem:
    """The winter home with heat and the first ``n_devices`` of ``device_order`` requested."""
    device_ids = tuple(device_order[:n_devices])
    base = synthetic(device_ids)
    data = base.model_dump(mode="json", by_alias=True)
    data.update(HEAT_DEVICES, name=f"{data['name']} with heat")
    if legionella_due:
        tank = {**HEAT_DEVICES["water_tanks"][0]}
        tank["legionella"] = {**tank["legionella"], "weekday": "wednesday"}
        data["water_tanks"] = [tank]
    home = parse_home(data, source_dir=Path(base.source_dir) if base.source_dir else None)
    axis = TimeAxis.from_now(
        HEAT_NOW, tz_name=home.timezone, step_minutes=step_minutes, horizon_hours=horizon_hours
    )
    requests = requests_for(axis, device_ids, "day")
    resolved = resolve_requests(home, axis, HEAT_NOW, requests)
    return ScheduleProblem(home, build_inputs(home, axis), tuple(resolved), options)


def heat_rows(
    cases: Sequence[tuple[int, int, int, bool]],
    repeat: int,
    options: ScheduleOptions,
    progress: Callable[[str], None],
    measure: Callable[..., Any],
    **problem_parts: Any,
) -> list[dict[str, Any]]:
    """One row per case of :data:`HEAT_CASES`: model size, status and times."""
    rows = []
    for horizon, step, n_devices, legionella in cases:
        progress(f"heat {horizon} h × {step} min × heat pump + tank + {n_devices} devices")
        problem = heat_problem(horizon, step, n_devices, legionella, options, **problem_parts)
        row: dict[str, Any] = {
            "horizon_hours": horizon,
            "step_minutes": step,
            "steps": problem.n_steps,
            "devices": n_devices,
            "legionella_due": legionella,
        }
        row.update(asdict(measure(problem, repeat)))
        rows.append(row)
    return rows


def format_heat(rows: Sequence[dict[str, Any]]) -> list[str]:
    head = (
        f"{'horizon':>7} {'step':>4} {'steps':>5} {'+devices':>8} {'legionella':>10} {'variables':>9} "
        f"{'binaries':>8} {'constraints':>11} {'status':<9} {'median s':>8} {'solve s':>7}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{r['horizon_hours']:>5} h {r['step_minutes']:>4} {r['steps']:>5} {r['devices']:>8} "
            f"{'due' if r['legionella_due'] else '—':>10} {r['variables']:>9} {r['binaries']:>8} {r['constraints']:>11} {r['status']:<9} "
            f"{r['total_s']:>8.3f} {r['solve_s']:>7.3f}"
        )
    return lines


def heat_targets(rows: Sequence[dict[str, Any]]) -> list[str]:
    lines = []
    for r in rows:
        if r["horizon_hours"] == 72 and r["step_minutes"] == 5:
            ok = r["status"] == "optimal" and r["total_s"] < HEAT_TARGET_S
            lines.append(
                f"target: 72 h × 5 min, heat pump + tank + {r['devices']} devices"
                + (" + legionella" if r["legionella_due"] else "")
                + f", optimal under "
                f"{HEAT_TARGET_S} s: {'met' if ok else 'MISSED'} ({r['total_s']:.3f} s, {r['status']})"
            )
    return lines
