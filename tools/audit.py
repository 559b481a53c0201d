"""Independent audit of a schedule: rebuild the physics from the returned arrays with numpy.

Nothing here reads the MILP; it re-checks what any schedule must satisfy — balance, limits, SoC
recursion, targets and deadlines, windows and quiet hours, whole uninterrupted cycles and
dependencies, and (:mod:`tools.heat_audit`) tank and room temperatures, daily loads and
demand-response limits — and raises :class:`AuditError` listing every violation (residual > 1e-6).
The limits, directions and battery rules are those of :mod:`tools.rules`, which the optimiser
builds from too.
"""

from __future__ import annotations

import numpy as np

from tools.devices import allowed_steps, cycle_kw_per_step, interruptible_steps
from tools.errors import AuditError
from tools.heat_audit import audit_heat
from tools.home import Appliance, Battery, Ev
from tools.requests import ResolvedRequest
from tools.rules import (
    TOLERANCE,
    SocLimits,
    battery_both_ways_steps,
    battery_soc_limits,
    is_household_load,
    no_ev_discharge_steps,
)
from tools.scheduler.problem import Schedule, ScheduleProblem


def audit_schedule(problem: ScheduleProblem, schedule: Schedule) -> None:
    """Raise :class:`AuditError` if ``schedule`` breaks any rule of ``problem``."""
    violations: list[str] = []
    violations += _check_grid(problem, schedule)
    violations += _check_balance(problem, schedule)
    violations += _check_battery(problem, schedule)
    spans: dict[str, tuple[int, int]] = {}
    for request in problem.load_requests():
        device = problem.home.device(request.device)
        power = schedule.device_kw.get(request.device)
        if power is None:
            violations.append(f"{request.device}: requested but missing from the schedule")
            continue
        if isinstance(device, Ev):
            violations += _check_ev(problem, device, request, power)
        elif isinstance(device, Appliance):
            found, span = _check_appliance(problem, device, request, power)
            violations += found
            if span is not None:
                spans[device.id] = span
    violations += _check_dependencies(problem, spans)
    violations += audit_heat(problem, schedule)
    if violations:
        raise AuditError(violations)


def _first_bad(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def _check_grid(problem: ScheduleProblem, s: Schedule) -> list[str]:
    grid = problem.home.grid
    out = []
    for name, values, limit in (
        ("grid import", s.grid_import_kw, grid.import_limit_kw),
        ("grid export", s.grid_export_kw, grid.export_limit_kw),
    ):
        if np.any(values < -TOLERANCE):
            out.append(f"{name} negative at step {_first_bad(values < -TOLERANCE)}")
        if np.any(values > limit + TOLERANCE):
            t = _first_bad(values > limit + TOLERANCE)
            out.append(f"{name} {values[t]:.3f} kW exceeds the {limit:g} kW limit at step {t}")
    both = (s.grid_import_kw > TOLERANCE) & (s.grid_export_kw > TOLERANCE)
    if np.any(both):
        out.append(f"grid import and export at once at step {_first_bad(both)}")
    pv = problem.inputs.generation_kw
    if np.any(s.pv_curtailed_kw < -TOLERANCE) or np.any(s.pv_curtailed_kw > pv + TOLERANCE):
        out.append("PV curtailment outside [0, available PV]")
    return out


def _check_balance(problem: ScheduleProblem, s: Schedule) -> list[str]:
    inputs = problem.inputs
    supply = inputs.generation_kw - s.pv_curtailed_kw + s.grid_import_kw + s.battery_discharge_kw
    demand = inputs.base_load_kw + s.battery_charge_kw + s.grid_export_kw
    for power in s.device_kw.values():
        demand = demand + power
    residual = np.abs(supply - demand)
    if residual.max(initial=0.0) > TOLERANCE:
        t = int(np.argmax(residual))
        return [f"power balance off by {residual[t]:.2e} kW at step {t}"]
    return []


def _check_battery(problem: ScheduleProblem, s: Schedule) -> list[str]:
    battery: Battery | None = problem.home.battery
    if battery is None:
        if np.any(np.abs(s.battery_charge_kw) + np.abs(s.battery_discharge_kw) > TOLERANCE):
            return ["battery power in a home without a battery"]
        return []
    out = []
    dt = problem.step_hours
    limits = battery_soc_limits(problem, battery)
    c, d, soc = s.battery_charge_kw, s.battery_discharge_kw, s.battery_soc_kwh
    if abs(soc[0] - limits.initial_kwh) > TOLERANCE:
        out.append(f"battery starts at {soc[0]:.3f} kWh, not {limits.initial_kwh:.3f} kWh")
    expected = soc[:-1] + dt * (battery.charge_efficiency * c - d / battery.discharge_efficiency)
    residual = np.abs(soc[1:] - expected)
    if residual.max(initial=0.0) > TOLERANCE:
        out.append(
            f"battery SoC recursion off by {residual.max():.2e} kWh at step {int(np.argmax(residual))}"
        )
    if np.any(c < -TOLERANCE) or np.any(c > battery.max_charge_kw + TOLERANCE):
        out.append("battery charge power outside [0, max_charge_kw]")
    if np.any(d < -TOLERANCE) or np.any(d > battery.max_discharge_kw + TOLERANCE):
        out.append("battery discharge power outside [0, max_discharge_kw]")
    out += _soc_limit_violations(limits, soc)
    both = (c > TOLERANCE) & (d > TOLERANCE) & ~battery_both_ways_steps(problem)
    if np.any(both):
        out.append(f"battery charges and discharges at once at step {_first_bad(both)}")
    household = problem.inputs.base_load_kw.copy()
    for device_id, power in s.device_kw.items():
        if is_household_load(problem, device_id):
            household = household + power
    beyond = no_ev_discharge_steps(problem) & (d > household + TOLERANCE)
    if np.any(beyond):
        t = _first_bad(beyond)
        out.append(
            f"battery discharges {d[t]:.3f} kW at step {t}, more than the household's "
            f"{household[t]:.3f} kW, while it may not supply the EVs"
        )
    return out


def _soc_limit_violations(limits: SocLimits, soc: np.ndarray) -> list[str]:
    """Each SoC limit the trajectory breaks, named by the rule that sets it."""
    out = []
    if limits.target_boundary is not None and limits.target_kwh is not None:
        b = limits.target_boundary
        if soc[b] < limits.target_kwh - TOLERANCE:
            out.append(
                f"battery holds {soc[b]:.3f} kWh at its deadline (boundary {b}), "
                f"target {limits.target_kwh:.3f} kWh"
            )
    if limits.request_floor_boundaries is not None and limits.request_floor_kwh is not None:
        first, last = limits.request_floor_boundaries
        period = soc[first : last + 1]
        if np.any(period < limits.request_floor_kwh - TOLERANCE):
            b = first + _first_bad(period < limits.request_floor_kwh - TOLERANCE)
            out.append(
                f"battery holds {soc[b]:.3f} kWh at boundary {b}, below the requested floor "
                f"of {limits.request_floor_kwh:.3f} kWh"
            )
    if soc[-1] < limits.final_kwh - TOLERANCE:
        out.append(
            f"battery ends at {soc[-1]:.3f} kWh, below the required {limits.final_kwh:.3f} kWh"
        )
    outside = (soc[1:] < limits.device_floor[1:] - TOLERANCE) | (
        soc[1:] > limits.high[1:] + TOLERANCE
    )
    if np.any(outside):
        out.append(f"battery SoC leaves its allowed band at boundary {_first_bad(outside) + 1}")
    return out


def _check_ev(
    problem: ScheduleProblem, ev: Ev, request: ResolvedRequest, p: np.ndarray
) -> list[str]:
    out = []
    outside = np.ones(len(p), dtype=bool)
    outside[request.first_step : request.end_step] = False
    if np.any(np.abs(p[outside]) > TOLERANCE):
        out.append(
            f"{ev.id} charges outside its window (step {_first_bad(outside & (np.abs(p) > TOLERANCE))})"
        )
    on = p > TOLERANCE
    if np.any(p > ev.charger_max_kw + TOLERANCE) or np.any(p < -TOLERANCE):
        out.append(f"{ev.id} power outside [0, {ev.charger_max_kw:g}] kW")
    if np.any(on & (p < ev.charger_min_kw - TOLERANCE)):
        out.append(f"{ev.id} charges below the charger minimum of {ev.charger_min_kw:g} kW")
    stored = float(np.sum(p) * problem.step_hours * ev.charging_efficiency)
    may_shed = bool(problem.events) and ev.priority != "critical"
    short = (request.energy_kwh or 0.0) - stored
    if (short > TOLERANCE and not may_shed) or short < -TOLERANCE:
        out.append(f"{ev.id} stores {stored:.4f} kWh, request needs {request.energy_kwh:.4f} kWh")
    return out


def _check_appliance(
    problem: ScheduleProblem, appliance: Appliance, request: ResolvedRequest, p: np.ndarray
) -> tuple[list[str], tuple[int, int] | None]:
    """Check one appliance; return violations and its ``(first, end)`` running steps."""
    axis = problem.inputs.axis
    allowed = allowed_steps(appliance, axis)
    inside = np.zeros(len(p), dtype=bool)
    inside[request.first_step : request.end_step] = True
    running = np.abs(p) > TOLERANCE
    out: list[str] = []
    if not running.any() and problem.events and appliance.priority != "critical":
        return out, None  # shed for a demand-response event
    if np.any(running & ~(allowed & inside)):
        t = _first_bad(running & ~(allowed & inside))
        out.append(f"{appliance.id} runs at step {t}, outside its window, quiet hours or deadline")
    if appliance.interruptible:
        length, power_kw = interruptible_steps(appliance.cycle, axis.step_minutes)
        if int(running.sum()) != length or np.any(np.abs(p[running] - power_kw) > TOLERANCE):
            out.append(f"{appliance.id} does not run {length} steps at {power_kw:.3f} kW")
        steps = np.flatnonzero(running)
        span = (int(steps[0]), int(steps[-1]) + 1) if len(steps) else None
        return out, span
    profile = cycle_kw_per_step(appliance.cycle, axis.step_minutes)
    length = len(profile)
    steps = np.flatnonzero(running)
    lead = int(np.flatnonzero(profile > TOLERANCE)[0])
    start = int(steps[0]) - lead if len(steps) else -1
    expected = np.zeros(len(p))
    if start >= 0 and start + length <= len(p):
        expected[start : start + length] = profile
    if start < 0 or np.any(np.abs(p - expected) > TOLERANCE):
        out.append(f"{appliance.id} does not run exactly one uninterrupted cycle of its profile")
        return out, None
    if not np.all((allowed & inside)[start : start + length]):
        out.append(f"{appliance.id} cycle from step {start} leaves its allowed steps")
    return out, (start, start + length)


def _check_dependencies(problem: ScheduleProblem, spans: dict[str, tuple[int, int]]) -> list[str]:
    out = []
    for appliance in problem.home.appliances:
        for dep in appliance.after:
            if appliance.id in spans and dep in spans and spans[appliance.id][0] < spans[dep][1]:
                out.append(
                    f"{appliance.id} starts at step {spans[appliance.id][0]} before {dep} "
                    f"ends at step {spans[dep][1]}"
                )
    return out
