"""Scheduler benchmark: the reference day against its proven optimum, and a scaling table.

Run ``python bench/run.py`` (``--help`` for the options). Two parts:

1. **Reference day** (``bench/reference-day/``, specified in ``bench/reference-day/README.md``) at
   30, 15 and 5 minutes with HiGHS and CBC. The net cost is recomputed from the returned schedule
   with :func:`tools.tariff.energy_cost` (import cost − export revenue) and compared with the
   proven optimum of an independent model. Time = build + solve + extract, the median of
   ``--repeat`` runs, with the median of each part.
2. **Scaling**: synthetic homes, generated here without any random number, over
   24/48/72 h × 60/15/5 min × a number of requested devices (EVs and appliances, taken in a
   fixed order from :data:`DEVICE_ORDER`; the home battery is always present).
3. **Hard cases** (``bench/hard.py``): the example home with five requests, ten devices on one
   day at 5 minutes, and ten devices with windows over the whole 72 h — the gap after 2 s and
   10 s and the time to the proof of optimality.

Every returned schedule is checked by :func:`tools.audit.audit_schedule` (untimed); a rejected
one is reported with the status ``audit_failed``. Inputs (prices, pvlib PV, base load) are built once per case and are not part of the time: the
time is what the scheduler itself costs.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pulp
from hard import format_hard, measure_hard
from heat_cases import HEAT_CASES, format_heat, heat_rows, heat_targets

from tools.audit import audit_schedule
from tools.errors import AuditError, SolverUnavailableError
from tools.home import Home, load_home, parse_home
from tools.inputs import PlanningInputs, build_inputs
from tools.requests import DeviceRequest, parse_request_spec, resolve_requests
from tools.scheduler import (
    Schedule,
    ScheduleOptions,
    ScheduleProblem,
    available_solvers,
    build_model,
    extract_schedule,
    solve_model,
)
from tools.tariff import energy_cost
from tools.timeaxis import TimeAxis

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
REFERENCE_DIR = BENCH_DIR / "reference-day"
EXAMPLES_DIR = REPO_DIR / "examples"

# ----------------------------------------------------------------------------- reference day

#: Start of the reference day (UTC, no DST).
REFERENCE_NOW = datetime.fromisoformat("2025-06-21T00:00:00+00:00")
#: Proven optimal net cost [EUR] per step length [min], from bench/reference-day/README.md.
REFERENCE_OPTIMUM = {30: 2.778104, 15: 2.778436, 5: 2.778531}
#: A reference cost is "at the optimum" within this absolute difference [EUR].
COST_TOLERANCE = 1e-4
#: Target for the reference day at 5 minutes: build + solve + extract [s].
REFERENCE_TARGET_S = 0.3

# ----------------------------------------------------------------------------- scaling

#: Start of every synthetic horizon: local midnight of a midsummer Saturday in Berlin.
SCALING_NOW = datetime.fromisoformat("2025-06-21T00:00:00+02:00")
SCALING_HORIZONS_H = (24, 48, 72)
SCALING_STEPS_MIN = (60, 15, 5)
SCALING_DEVICES = (1, 4, 10)
#: Target for 72 h × 5 min with all ten requested devices and the battery [s].
SCALING_TARGET_S = 2.0

#: Requested devices in the order they are added: ``--devices 4`` requests the first four.
#: The washer and the dryer (which must run after it) come early so that small homes already
#: carry the dependency.
DEVICE_ORDER = (
    "ev_a",
    "dishwasher",
    "washing_machine",
    "tumble_dryer",
    "ev_b",
    "water_heater",
    "pool_pump",
    "sauna",
    "ebike_charger",
    "robot_mower",
)

#: Local clock time each device must be done by (``HH:MM``).
DAILY_DEADLINE = {
    "ev_a": "07:00",
    "dishwasher": "07:00",
    "washing_machine": "18:00",
    "tumble_dryer": "22:00",
    "ev_b": "08:00",
    "water_heater": "21:00",
    "pool_pump": "20:00",
    "sauna": "22:00",
    "ebike_charger": "09:00",
    "robot_mower": "19:00",
}

#: Day of the horizon (0 = the first local day) each device is due on, modulo the number of days
#: in the horizon, so a 72 h plan holds requests for three days. The dryer shares the washer's day.
DUE_DAY = {
    "ev_a": 0,
    "dishwasher": 0,
    "washing_machine": 1,
    "tumble_dryer": 1,
    "ev_b": 1,
    "water_heater": 2,
    "pool_pump": 2,
    "sauna": 0,
    "ebike_charger": 2,
    "robot_mower": 1,
}

#: How request windows are laid out: ``day`` — each request lies inside its due day (earliest
#: start that day's 00:00, deadline that day's clock time); ``open`` — every request may run
#: anywhere from the horizon start to the last occurrence of its clock time in the horizon.
WINDOW_MODES = ("day", "open")

#: EV targets: (state of charge to reach [%]).
EV_TARGET_SOC_PCT = {"ev_a": 80.0, "ev_b": 80.0}

_EVS: list[dict[str, Any]] = [
    {  # 3-phase wallbox that cannot modulate below 6 A: on/off binaries per step
        "id": "ev_a",
        "name": "Family car",
        "battery_kwh": 60.0,
        "charger_min_kw": 4.1,
        "charger_max_kw": 11.0,
        "charging_efficiency": 0.9,
        "current_soc_pct": 35,
    },
    {  # single-phase charger modulating down to zero
        "id": "ev_b",
        "name": "Second car",
        "battery_kwh": 40.0,
        "charger_min_kw": 0.0,
        "charger_max_kw": 7.2,
        "charging_efficiency": 0.92,
        "current_soc_pct": 20,
    },
]

_APPLIANCES: list[dict[str, Any]] = [
    {  # eco programme: heat, wash, heat rinse, dry
        "id": "dishwasher",
        "cycle": {
            "profile_step_minutes": 15,
            "profile_kw": [1.9, 0.15, 0.15, 0.15, 1.9, 0.1, 0.05, 0.05],
        },
    },
    {
        "id": "washing_machine",
        "cycle": {
            "profile_step_minutes": 15,
            "profile_kw": [2.0, 2.0, 0.3, 0.3, 0.3, 0.3, 0.5, 0.5],
        },
        "quiet_hours": [{"start": "22:00", "end": "07:00"}],
    },
    {
        "id": "tumble_dryer",
        "cycle": {"duration_minutes": 90, "power_kw": 2.2},
        "quiet_hours": [{"start": "22:00", "end": "07:00"}],
        "after": ["washing_machine"],
    },
    {  # may pause between steps; two windows
        "id": "water_heater",
        "cycle": {"duration_minutes": 180, "power_kw": 3.0},
        "interruptible": True,
        "allowed_windows": [{"start": "00:00", "end": "06:00"}, {"start": "10:00", "end": "17:00"}],
    },
    {
        "id": "pool_pump",
        "cycle": {"duration_minutes": 240, "power_kw": 1.1},
        "allowed_windows": [{"start": "08:00", "end": "20:00"}],
    },
    {
        "id": "sauna",
        "cycle": {"profile_step_minutes": 30, "profile_kw": [6.0, 4.5, 3.0]},
        "allowed_windows": [{"start": "16:00", "end": "22:30"}],
    },
    {  # window across midnight
        "id": "ebike_charger",
        "cycle": {"duration_minutes": 200, "power_kw": 0.4},
        "allowed_windows": [{"start": "18:00", "end": "09:00"}],
    },
    {
        "id": "robot_mower",
        "cycle": {"duration_minutes": 75, "power_kw": 0.6},
        "allowed_windows": [{"start": "09:00", "end": "19:00"}],
        "quiet_hours": [{"start": "12:00", "end": "14:00"}],
    },
]


def synthetic_home(device_ids: Sequence[str]) -> Home:
    """A Berlin home with 6 kWp PV, a 10 kWh battery and the devices ``device_ids``.

    Prices are the real SMARD day-ahead curve of 2018-03-14 (``examples/data``) repeated every
    day, plus a 0.17 EUR/kWh markup, times 1.19 VAT; export 0.08 EUR/kWh. PV is modelled with
    pvlib from the home's array (clear sky). Base load: BDEW H0 scaled to 3500 kWh/a. Grid:
    22 kW import, 6 kW export.
    """
    wanted = set(device_ids)
    unknown = wanted - set(DEVICE_ORDER)
    if unknown:
        raise ValueError(f"unknown synthetic devices {sorted(unknown)}; known: {DEVICE_ORDER}")
    data = {
        "name": f"Synthetic home ({len(device_ids)} devices)",
        "timezone": "Europe/Berlin",
        "location": {"latitude_deg": 52.52, "longitude_deg": 13.405, "altitude_m": 34},
        "grid": {"import_limit_kw": 22.0, "export_limit_kw": 6.0},  # 3 × 32 A; export capped
        "tariff": {
            "currency": "EUR",
            "import": {
                "type": "series",
                "file": "data/day-ahead-de-2018-03-14.csv",
                "value_column": "price_per_kwh",
                "repeat_daily": True,
                "markup_per_kwh": 0.17,
                "vat_factor": 1.19,
            },
            "export": {"type": "flat", "price_per_kwh": 0.08},
        },
        "pv_arrays": [
            {
                "name": "roof_south",
                "peak_power_kwp": 6.0,
                "tilt_deg": 35,
                "azimuth_deg": 180,
                "losses_pct": 14,
                "inverter_ac_kw": 5.5,
            }
        ],
        "battery": {
            "capacity_kwh": 10.0,
            "min_soc_pct": 5,
            "max_soc_pct": 100,
            "max_charge_kw": 5.0,
            "max_discharge_kw": 5.0,
            "charge_efficiency": 0.95,
            "discharge_efficiency": 0.95,
            "initial_soc_pct": 40,
            "backup_reserve_pct": 20,
        },
        "evs": [ev for ev in _EVS if ev["id"] in wanted],
        "appliances": [a for a in _APPLIANCES if a["id"] in wanted],
        "base_load": {"type": "standard", "annual_kwh": 3500},
    }
    return parse_home(data, source_dir=EXAMPLES_DIR, source="synthetic")


def synthetic_requests(
    axis: TimeAxis, device_ids: Sequence[str], windows: str = "day"
) -> list[DeviceRequest]:
    """One request per device; each device runs once within the horizon.

    ``windows`` is one of :data:`WINDOW_MODES`. The horizon must start at local midnight and
    last a whole number of days.
    """
    if windows not in WINDOW_MODES:
        raise ValueError(f"windows must be one of {WINDOW_MODES}, got {windows!r}")
    n_days = round(axis.hours / 24)
    requests = []
    for device_id in device_ids:
        if windows == "day":
            day_start = axis.start.astimezone(axis.tz) + timedelta(days=DUE_DAY[device_id] % n_days)
            earliest: datetime | None = day_start
            deadline = clock_time_on(day_start, DAILY_DEADLINE[device_id])
        else:
            earliest = None
            deadline = last_clock_time(axis, DAILY_DEADLINE[device_id])
        if device_id in EV_TARGET_SOC_PCT:
            request = DeviceRequest(
                device=device_id,
                kind="ev_charge",
                earliest_start=earliest,
                deadline=deadline,
                target_soc_pct=EV_TARGET_SOC_PCT[device_id],
            )
        else:
            request = DeviceRequest(
                device=device_id, kind="appliance_run", earliest_start=earliest, deadline=deadline
            )
        requests.append(request)
    return requests


def clock_time_on(day_start: datetime, clock: str) -> datetime:
    """Local time ``clock`` (``HH:MM``) on the local day that starts at ``day_start``."""
    hours, minutes = (int(part) for part in clock.split(":"))
    return day_start.replace(hour=hours, minute=minutes, second=0, microsecond=0)


def last_clock_time(axis: TimeAxis, clock: str) -> datetime:
    """The last local time ``clock`` (``HH:MM``) after the axis start and not after its end."""
    end = axis.end.astimezone(axis.tz)
    candidate = clock_time_on(end, clock)
    while candidate > end:
        candidate -= timedelta(days=1)
    if candidate <= axis.start:
        raise ValueError(f"no {clock} inside the horizon {axis.describe()}")
    return candidate


# ----------------------------------------------------------------------------- measuring


@dataclass(frozen=True)
class Measurement:
    """One benchmark case: model size, outcome, net cost [currency] and times [s].

    ``*_s`` are medians over ``runs`` runs (``total_min_s`` / ``total_max_s`` the extremes);
    the part medians need not add up to the total median.
    """

    status: str
    statuses: list[str]
    audit: str
    solver: str
    runs: int
    total_s: float
    build_s: float
    solve_s: float
    extract_s: float
    total_min_s: float
    total_max_s: float
    variables: int
    binaries: int
    constraints: int
    cost: float | None
    import_cost: float | None
    export_revenue: float | None


def measure(problem: ScheduleProblem, repeat: int) -> Measurement:
    """Build, solve and extract ``problem`` ``repeat`` times; audit the last schedule.

    Every run builds a fresh model. The garbage collector runs before each run, not inside it.
    ``status`` is the runs' common status, or the distinct ones joined by ``/`` when runs differ
    (a time-limited solve can end either way); ``audit_failed`` when the audit rejects the
    schedule (its message is kept in ``audit``).
    """
    totals, builds, solves, extracts = [], [], [], []
    statuses: list[str] = []
    solver = problem.options.solver
    schedule: Schedule | None = None
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        model = build_model(problem)
        t1 = time.perf_counter()
        report = solve_model(model)
        t2 = time.perf_counter()
        statuses.append(report.status)
        solver = report.solver
        schedule = extract_schedule(model) if report.status in ("optimal", "feasible") else None
        t3 = time.perf_counter()
        builds.append(t1 - t0)
        solves.append(t2 - t1)
        extracts.append(t3 - t2)
        totals.append(t3 - t0)
    fresh = build_model(problem)  # sizes of the model as built, before any solve adds rows
    variables = fresh.lp.variables()
    binaries = sum(1 for v in variables if v.cat == pulp.LpInteger)
    status = statuses[0] if len(set(statuses)) == 1 else "/".join(sorted(set(statuses)))
    cost = import_cost = export_revenue = None
    audit = "not run (no schedule)"
    if schedule is not None:
        try:
            audit_schedule(problem, schedule)
            audit = "passed"
        except AuditError as err:
            audit = str(err)
            status = "audit_failed"
        inputs = problem.inputs
        import_cost, export_revenue = energy_cost(
            schedule.grid_import_kw,
            schedule.grid_export_kw,
            inputs.import_price_per_kwh,
            inputs.export_price_per_kwh,
            problem.step_hours,
        )
        cost = import_cost - export_revenue
    return Measurement(
        status=status,
        statuses=statuses,
        audit=audit,
        solver=solver,
        runs=repeat,
        total_s=statistics.median(totals),
        build_s=statistics.median(builds),
        solve_s=statistics.median(solves),
        extract_s=statistics.median(extracts),
        total_min_s=min(totals),
        total_max_s=max(totals),
        variables=len(variables),
        binaries=binaries,
        constraints=len(fresh.lp.constraints),
        cost=cost,
        import_cost=import_cost,
        export_revenue=export_revenue,
    )


def reference_problem(step_minutes: int, options: ScheduleOptions) -> ScheduleProblem:
    """The reference day of ``bench/reference-day/`` at ``step_minutes``."""
    home = load_home(REFERENCE_DIR / "home.yaml")
    raw = json.loads((REFERENCE_DIR / "requests.json").read_text(encoding="utf-8"))
    requests = [DeviceRequest.model_validate(item) for item in raw]
    axis = TimeAxis.from_now(
        REFERENCE_NOW, tz_name=home.timezone, step_minutes=step_minutes, horizon_hours=24
    )
    resolved = resolve_requests(home, axis, REFERENCE_NOW, requests)
    return ScheduleProblem(home, build_inputs(home, axis), tuple(resolved), options)


def scaling_problem(
    horizon_hours: int, step_minutes: int, n_devices: int, windows: str, options: ScheduleOptions
) -> ScheduleProblem:
    """The synthetic home with the first ``n_devices`` of :data:`DEVICE_ORDER` requested."""
    device_ids = DEVICE_ORDER[:n_devices]
    home = synthetic_home(device_ids)
    axis = TimeAxis.from_now(
        SCALING_NOW, tz_name=home.timezone, step_minutes=step_minutes, horizon_hours=horizon_hours
    )
    inputs: PlanningInputs = build_inputs(home, axis)
    requests = synthetic_requests(axis, device_ids, windows)
    resolved = resolve_requests(home, axis, SCALING_NOW, requests)
    return ScheduleProblem(home, inputs, tuple(resolved), options)


#: Clock of the example-home hard case (Tue 2026-11-24 18:00 in Berlin, as in the README).
EXAMPLE_NOW = datetime.fromisoformat("2026-11-24T18:00:00+01:00")
#: Its five requests, as ``hearth schedule --request`` specs.
EXAMPLE_REQUESTS = (
    "ev:target_soc=80,deadline=07:00",
    "dishwasher:deadline=06:00",
    "washer:deadline=18:00",
    "dryer",
    "water_heater",
)


def hard_problems(options: ScheduleOptions) -> list[tuple[str, ScheduleProblem]]:
    """The hard cases: the example home with five requests (15 min, 24 h), the ten synthetic
    devices on one day (5 min, 24 h), and the ten with windows over the whole 72 h (5 min)."""
    home = load_home(EXAMPLES_DIR / "home.yaml")
    axis = TimeAxis.from_now(EXAMPLE_NOW, tz_name=home.timezone, step_minutes=15,
                             horizon_hours=24)
    requests = [parse_request_spec(spec, home, EXAMPLE_NOW) for spec in EXAMPLE_REQUESTS]
    resolved = resolve_requests(home, axis, EXAMPLE_NOW, requests)
    example = ScheduleProblem(home, build_inputs(home, axis), tuple(resolved), options)
    return [
        ("example home, 5 requests (24 h × 15 min)", example),
        ("10 devices on one day (24 h × 5 min)", scaling_problem(24, 5, 10, "day", options)),
        ("10 devices, windows over 72 h (72 h × 5 min)", scaling_problem(72, 5, 10, "open", options)),
    ]


# ----------------------------------------------------------------------------- tables


def reference_rows(
    solvers: Sequence[str],
    steps: Sequence[int],
    repeat: int,
    base: ScheduleOptions,
    progress: Callable[[str], None],
) -> list[dict[str, Any]]:
    """One row per solver and step: cost, proven optimum, difference, status and times."""
    rows = []
    usable = available_solvers()
    for solver in solvers:
        for step in steps:
            progress(f"reference day {solver} {step} min")
            row: dict[str, Any] = {
                "solver": solver,
                "step_minutes": step,
                "steps": 24 * 60 // step,
                "proven_optimum": REFERENCE_OPTIMUM[step],
            }
            if solver not in usable:
                row.update(status="unavailable", cost=None, difference=None)
                rows.append(row)
                continue
            options = replace(base, solver=solver)
            m = measure(reference_problem(step, options), repeat)
            row.update(asdict(m))
            row["difference"] = None if m.cost is None else m.cost - REFERENCE_OPTIMUM[step]
            rows.append(row)
    return rows


def scaling_rows(
    horizons: Sequence[int],
    steps: Sequence[int],
    devices: Sequence[int],
    windows: str,
    repeat: int,
    options: ScheduleOptions,
    progress: Callable[[str], None],
) -> list[dict[str, Any]]:
    """One row per horizon × step × device count: model size, status and times."""
    rows = []
    for horizon in horizons:
        for step in steps:
            for n_devices in devices:
                progress(f"scaling {horizon} h × {step} min × {n_devices} devices ({windows})")
                problem = scaling_problem(horizon, step, n_devices, windows, options)
                m = measure(problem, repeat)
                row: dict[str, Any] = {
                    "horizon_hours": horizon,
                    "step_minutes": step,
                    "steps": problem.n_steps,
                    "devices": n_devices,
                    "device_ids": list(DEVICE_ORDER[:n_devices]),
                    "windows": windows,
                }
                row.update(asdict(m))
                rows.append(row)
    return rows


def _num(value: float | None, fmt: str) -> str:
    return "—" if value is None else format(value, fmt)


def format_reference(rows: Sequence[dict[str, Any]]) -> list[str]:
    head = (
        f"{'solver':<6} {'step':>4} {'steps':>5} {'cost':>9} {'optimum':>9} {'diff':>8} "
        f"{'status':<9} {'total s':>7} {'build s':>7} {'solve s':>7} {'extract s':>9}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{r['solver']:<6} {r['step_minutes']:>4} {r['steps']:>5} "
            f"{_num(r.get('cost'), '.6f'):>9} {r['proven_optimum']:>9.6f} "
            f"{_num(r.get('difference'), '+.1e'):>8} {r['status']:<9} "
            f"{_num(r.get('total_s'), '.3f'):>7} {_num(r.get('build_s'), '.3f'):>7} "
            f"{_num(r.get('solve_s'), '.3f'):>7} {_num(r.get('extract_s'), '.4f'):>9}"
        )
    return lines


def format_scaling(rows: Sequence[dict[str, Any]]) -> list[str]:
    head = (
        f"{'horizon':>7} {'step':>4} {'steps':>5} {'devices':>7} {'variables':>9} "
        f"{'binaries':>8} {'constraints':>11} {'status':<9} {'median s':>8} "
        f"{'build s':>7} {'solve s':>7}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{r['horizon_hours']:>5} h {r['step_minutes']:>4} {r['steps']:>5} {r['devices']:>7} "
            f"{r['variables']:>9} {r['binaries']:>8} {r['constraints']:>11} {r['status']:<9} "
            f"{r['total_s']:>8.3f} {r['build_s']:>7.3f} {r['solve_s']:>7.3f}"
        )
    return lines


def target_lines(
    reference: Sequence[dict[str, Any]], scaling: Sequence[dict[str, Any]]
) -> list[str]:
    """``met`` / ``MISSED`` for each target the measured cases cover."""
    lines = []
    for r in reference:
        if r["step_minutes"] == 5 and r.get("total_s") is not None:
            ok = r["total_s"] < REFERENCE_TARGET_S and r["status"] == "optimal"
            lines.append(
                f"target: reference day at 5 min with {r['solver']} under {REFERENCE_TARGET_S} s: "
                f"{'met' if ok else 'MISSED'} ({r['total_s']:.3f} s, {r['status']})"
            )
    for r in scaling:
        if (r["horizon_hours"], r["step_minutes"], r["devices"]) == (72, 5, len(DEVICE_ORDER)):
            ok = r["total_s"] < SCALING_TARGET_S and r["status"] == "optimal"
            lines.append(
                f"target: 72 h × 5 min, 2 EVs + battery + 8 appliances ({r['windows']} windows), "
                f"optimal under {SCALING_TARGET_S} s: {'met' if ok else 'MISSED'} "
                f"({r['total_s']:.3f} s, {r['status']})"
            )
    return lines


def machine_info() -> dict[str, Any]:
    """Versions and machine facts that the numbers depend on."""
    from importlib.metadata import PackageNotFoundError, version

    def _version(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "pulp": _version("pulp"),
        "highspy": _version("highspy"),
        "solvers_available": available_solvers(),
        "scheduler_sha256": scheduler_fingerprint(),
    }


def scheduler_fingerprint() -> str:
    """SHA-256 over the source files of tools/, so numbers can be tied to a code version."""
    digest = hashlib.sha256()
    for path in sorted((REPO_DIR / "tools").rglob("*.py")):
        digest.update(path.relative_to(REPO_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


# ----------------------------------------------------------------------------- command line


def _int_list(text: str) -> list[int]:
    try:
        values = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated integers, got {text!r}"
        ) from None
    if not values:
        raise argparse.ArgumentTypeError("expected at least one integer")
    return values


def schedule_overrides(items: Sequence[str]) -> dict[str, Any]:
    """``["time_limit_s=60"]`` → ``{"time_limit_s": 60.0}``, typed like the field's default."""
    defaults = ScheduleOptions()
    known = {f.name for f in fields(ScheduleOptions)} - {"solver"}
    overrides: dict[str, Any] = {}
    for item in items:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or key not in known:
            raise ValueError(
                f"--option {item!r}: expected KEY=VALUE with KEY one of {', '.join(sorted(known))}"
            )
        default = getattr(defaults, key)
        if isinstance(default, bool):
            if text.lower() not in ("true", "false", "1", "0"):
                raise ValueError(f"--option {key}: expected true or false, got {text!r}")
            overrides[key] = text.lower() in ("true", "1")
        else:
            try:
                overrides[key] = type(default)(text)
            except ValueError:
                raise ValueError(
                    f"--option {key}: expected a {type(default).__name__}, got {text!r}"
                ) from None
    return overrides


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/run.py", description="Hearth scheduler benchmark: reference day and scaling."
    )
    add = parser.add_argument
    add(
        "--repeat",
        type=int,
        default=None,
        help="runs per case, the median is reported (default 7, 1 with --quick)",
    )
    add(
        "--quick",
        action="store_true",
        help="small subset for CI smoke runs: reference day, 24 h × 60/15 min × 1/4 devices, 1 run",
    )
    add("--json", metavar="FILE", type=Path, help="also write every number as JSON to FILE")
    add("--devices", type=_int_list, help="scaling device counts, 1-10 (default 1,4,10)")
    add("--horizons", type=_int_list, help="scaling horizons: 24, 48 and/or 72 h (default all)")
    add("--steps", type=_int_list, help="scaling steps: 5, 15, 30 and/or 60 min (default 60,15,5)")
    add(
        "--windows",
        choices=WINDOW_MODES,
        default="day",
        help="request windows of the scaling homes (default day)",
    )
    add(
        "--solver",
        choices=("highs", "cbc"),
        default="highs",
        help="solver of the scaling table (default highs)",
    )
    add(
        "--option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a ScheduleOptions field for every case, e.g. time_limit_s=60 "
        f"(fields: {', '.join(f.name for f in fields(ScheduleOptions) if f.name != 'solver')})",
    )
    add("--skip-reference", action="store_true", help="leave out the reference day")
    add("--skip-scaling", action="store_true", help="leave out the scaling table")
    add("--skip-heat", action="store_true", help="leave out the rows with a heat pump and tank")
    add("--skip-hard", action="store_true", help="leave out the hard cases (--quick does)")
    add(
        "--proof-limit",
        type=float,
        default=120.0,
        help="time limit [s] of the hard cases' proof run (default 120)",
    )
    add("--progress", action="store_true", help="name each case on stderr as it starts")
    args = parser.parse_args(argv)
    if args.repeat is None:
        args.repeat = 1 if args.quick else 7
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.devices and not all(1 <= d <= len(DEVICE_ORDER) for d in args.devices):
        parser.error(f"--devices must be between 1 and {len(DEVICE_ORDER)}")
    if args.steps and not all(s in (5, 15, 30, 60) for s in args.steps):
        parser.error("--steps must be among 5, 15, 30 and 60")
    if args.horizons and not all(h in (24, 48, 72) for h in args.horizons):
        parser.error("--horizons must be among 24, 48 and 72")
    try:
        args.overrides = schedule_overrides(args.option)
    except ValueError as err:
        parser.error(str(err))
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, print both tables and the targets; exit status 0, or 2 for bad flags."""
    args = parse_args(argv)
    quick = args.quick
    horizons = args.horizons or ([24] if quick else list(SCALING_HORIZONS_H))
    steps = args.steps or ([60, 15] if quick else list(SCALING_STEPS_MIN))
    devices = args.devices or ([1, 4] if quick else list(SCALING_DEVICES))
    options = ScheduleOptions(solver=args.solver, **args.overrides)
    non_default = [f"{key}={value}" for key, value in args.overrides.items()]

    def progress(text: str) -> None:
        if args.progress:
            sys.stderr.write(text + "\n")
            sys.stderr.flush()

    try:
        reference = (
            []
            if args.skip_reference
            else reference_rows(("highs", "cbc"), (30, 15, 5), args.repeat, options, progress)
        )
        scaling = (
            []
            if args.skip_scaling
            else scaling_rows(
                horizons, steps, devices, args.windows, args.repeat, options, progress
            )
        )
        heat = (
            []
            if args.skip_heat
            else heat_rows(
                HEAT_CASES[:1] if quick else HEAT_CASES,
                args.repeat,
                options,
                progress,
                measure,
                synthetic=synthetic_home,
                requests_for=synthetic_requests,
                device_order=DEVICE_ORDER,
            )
        )
        hard = []
        if not (quick or args.skip_hard):
            for name, problem in hard_problems(options):
                progress(f"hard case: {name}")
                hard.append(measure_hard(name, problem, args.proof_limit))
    except SolverUnavailableError as err:
        sys.stderr.write(f"bench/run.py: {err}\n")
        return 2

    info = machine_info()
    load = info["load_average"]
    out = [
        f"Hearth scheduler benchmark: median of {args.repeat} run(s) per case; "
        "time = build + solve + extract [s] (inputs and the audit not timed)",
        f"python {info['python']}, pulp {info['pulp']}, highspy {info['highspy']}, "
        f"{info['cpu_count']} CPUs, tools/ {info['scheduler_sha256']}, load average "
        + ("n/a" if load is None else " ".join(f"{x:.2f}" for x in load)),
        "scheduler options: "
        + (", ".join(non_default) + " (NOT the defaults)" if non_default else "defaults"),
    ]
    if reference:
        out += [
            "",
            "Reference day (bench/reference-day: 24 h from 2025-06-21 00:00 UTC); "
            "cost = import cost − export revenue [EUR]",
            *format_reference(reference),
        ]
    if scaling:
        out += [
            "",
            f"Scaling ({args.solver}; synthetic Berlin home with PV and battery; {args.windows} "
            "windows; devices = the first N of " + ", ".join(DEVICE_ORDER) + ")",
            *format_scaling(scaling),
        ]
    if heat:
        out += [
            "",
            f"Heat ({args.solver}; the scaling home in January with a heat pump and a 200 l tank; "
            "+devices = the first N requested devices above)",
            *format_heat(heat),
        ]
    if hard:
        out += [
            "",
            f"Hard cases ({args.solver}): gap = cost above the best bound proved, in % of the "
            f"cost (and in EUR), after a 2 s and a 10 s limit; proof s = time to proven optimal "
            f"(limit {args.proof_limit:g} s)",
            *format_hard(hard),
        ]
    targets = target_lines(reference, scaling) + heat_targets(heat)
    if targets:
        out += ["", *targets]
    print("\n".join(out))

    if args.json is not None:
        payload = {
            "machine": info,
            "repeat": args.repeat,
            "options": asdict(options),
            "reference_day": reference,
            "scaling": {
                "solver": args.solver,
                "windows": args.windows,
                "device_order": list(DEVICE_ORDER),
                "rows": scaling,
            },
            "heat": heat,
            "hard_cases": hard,
            "targets": targets,
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
