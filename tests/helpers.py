"""Shared builders for the scheduler tests: homes from dicts, inputs from explicit arrays, solves.

Tests that derive an optimum on paper need full control of prices, PV and base load, so
:func:`make_inputs` builds :class:`~tools.inputs.PlanningInputs` straight from arrays on a small
UTC :class:`~tools.timeaxis.TimeAxis` instead of going through the tariff and solar engines.
The home's own tariff and base load are then irrelevant (the defaults below are placeholders the
scheduler never reads when inputs are given).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from tools.audit import audit_schedule
from tools.home import Home, parse_home
from tools.inputs import PlanningInputs
from tools.planning import cost_breakdown
from tools.requests import DeviceRequest, resolve_requests
from tools.scheduler import (
    Schedule,
    ScheduleOptions,
    ScheduleProblem,
    SolveReport,
    build_model,
    extract_schedule,
    solve_model,
)
from tools.timeaxis import TimeAxis

SOLVERS = ("highs", "cbc")
UTC = ZoneInfo("UTC")
START = datetime(2026, 1, 5, 0, 0, tzinfo=UTC)
"""Monday 2026-01-05 00:00 UTC: the start of every small test axis."""

BASE_HOME: dict[str, Any] = {
    "name": "Test home",
    "timezone": "UTC",
    "location": {"latitude_deg": 52.0, "longitude_deg": 5.0, "altitude_m": 0.0},
    "grid": {"import_limit_kw": 100.0, "export_limit_kw": 100.0},
    "tariff": {"currency": "EUR", "import": {"type": "flat", "price_per_kwh": 0.25}},
    "base_load": {"type": "hourly", "power_kw": [0.0] * 24},
}


def make_home(**sections: Any) -> Home:
    """A valid :class:`Home` from :data:`BASE_HOME` with top-level ``sections`` replaced.

    ``grid`` is merged into the default grid, so ``grid={"import_limit_kw": 5}`` keeps the export
    limit. Everything else replaces the default section as a whole.
    """
    data = copy.deepcopy(BASE_HOME)
    for key, value in sections.items():
        if key == "grid":
            data["grid"] = {**data["grid"], **value}
        else:
            data[key] = copy.deepcopy(value)
    return parse_home(data)


def ev_spec(ev_id: str = "ev", **fields: Any) -> dict[str, Any]:
    """An EV entry of a home file: 60 kWh, 0–11 kW, η = 1, at 20 %, unless ``fields`` say else."""
    return {
        "id": ev_id,
        "battery_kwh": 60.0,
        "charger_min_kw": 0.0,
        "charger_max_kw": 11.0,
        "charging_efficiency": 1.0,
        "current_soc_pct": 20.0,
        **fields,
    }


def appliance_spec(
    appliance_id: str, *, duration_minutes: int = 60, power_kw: float = 1.0, **fields: Any
) -> dict[str, Any]:
    """An appliance entry with a constant cycle (give ``cycle=`` to use a profile instead)."""
    spec: dict[str, Any] = {
        "id": appliance_id,
        "cycle": {"duration_minutes": duration_minutes, "power_kw": power_kw},
    }
    spec.update(fields)
    return spec


def battery_spec(**fields: Any) -> dict[str, Any]:
    """A 10 kWh battery, 0–100 %, 5 kW both ways, η = 0.95 both ways, empty, unless overridden."""
    return {
        "capacity_kwh": 10.0,
        "min_soc_pct": 0.0,
        "max_soc_pct": 100.0,
        "max_charge_kw": 5.0,
        "max_discharge_kw": 5.0,
        "charge_efficiency": 0.95,
        "discharge_efficiency": 0.95,
        "initial_soc_pct": 0.0,
        **fields,
    }


def small_axis(
    n_steps: int, *, step_minutes: int = 60, start: datetime = START, tz: str = "UTC"
) -> TimeAxis:
    """``n_steps`` steps of ``step_minutes`` from ``start`` (which must be on a step boundary)."""
    axis = TimeAxis.from_now(
        start, tz_name=tz, step_minutes=step_minutes, horizon_hours=n_steps * step_minutes / 60
    )
    assert axis.start == start and axis.n_steps == n_steps
    return axis


def _array(
    values: float | Sequence[float] | np.ndarray | None, n: int, default: float
) -> np.ndarray:
    if values is None:
        return np.full(n, default)
    if np.isscalar(values):
        return np.full(n, float(values))  # type: ignore[arg-type]
    out = np.asarray(values, dtype=float)
    assert out.shape == (n,), f"expected {n} values, got {out.shape}"
    return out


def make_inputs(
    import_price_per_kwh: Sequence[float] | np.ndarray,
    *,
    export_price_per_kwh: float | Sequence[float] | np.ndarray = 0.0,
    pv_kw: float | Sequence[float] | np.ndarray | None = None,
    base_load_kw: float | Sequence[float] | np.ndarray | None = None,
    step_minutes: int = 60,
    start: datetime = START,
    tz: str = "UTC",
    demand_charge_per_kw: float = 0.0,
    currency: str = "EUR",
) -> PlanningInputs:
    """Planning inputs from explicit arrays; the axis length is ``len(import_price_per_kwh)``.

    Scalars broadcast; PV and base load default to zero.
    """
    n = len(import_price_per_kwh)
    axis = small_axis(n, step_minutes=step_minutes, start=start, tz=tz)
    return PlanningInputs(
        axis=axis,
        import_price_per_kwh=_array(import_price_per_kwh, n, 0.0),
        export_price_per_kwh=_array(export_price_per_kwh, n, 0.0),
        pv_kw=_array(pv_kw, n, 0.0),
        base_load_kw=_array(base_load_kw, n, 0.0),
        co2_g_per_kwh=None,
        currency=currency,
        demand_charge_per_kw=demand_charge_per_kw,
    )


def at(hour: float, *, start: datetime = START) -> datetime:
    """The time ``hour`` hours after ``start`` (default: the test axis start)."""
    return start + timedelta(hours=hour)


def make_problem(
    home: Home,
    inputs: PlanningInputs,
    requests: Sequence[DeviceRequest],
    *,
    solver: str = "highs",
    now: datetime | None = None,
) -> ScheduleProblem:
    """Resolve ``requests`` on the inputs' axis (``now`` defaults to the axis start)."""
    axis = inputs.axis
    resolved = resolve_requests(home, axis, now or axis.start, list(requests))
    return ScheduleProblem(home, inputs, tuple(resolved), ScheduleOptions(solver=solver))


def solve_problem(problem: ScheduleProblem) -> tuple[SolveReport, Schedule]:
    """Build, solve and extract; assert the solve is proven optimal and audit the schedule."""
    model = build_model(problem)
    report = solve_model(model)
    assert report.status == "optimal", f"{report.solver}: {report.status} ({report.detail})"
    schedule = extract_schedule(model)
    audit_schedule(problem, schedule)
    return report, schedule


def solve(
    home: Home,
    inputs: PlanningInputs,
    requests: Sequence[DeviceRequest],
    *,
    solver: str = "highs",
) -> tuple[SolveReport, Schedule]:
    """:func:`make_problem` then :func:`solve_problem`."""
    return solve_problem(make_problem(home, inputs, requests, solver=solver))


def net_cost(schedule: Schedule, inputs: PlanningInputs) -> float:
    """Import cost − export revenue + demand charge [currency], the bill a plan reports.

    ``Σ_t Δt·(import_price_t·import_t − export_price_t·export_t) + demand_charge·max_t import_t``
    """
    return cost_breakdown(schedule, inputs).total


def ev_request(device: str = "ev", **fields: Any) -> DeviceRequest:
    return DeviceRequest(device=device, kind="ev_charge", **fields)


def appliance_request(device: str, **fields: Any) -> DeviceRequest:
    return DeviceRequest(device=device, kind="appliance_run", **fields)
