"""The naive baseline: what the same requests cost without Hearth.

Every load starts as soon as it may (EVs at full charger power from their earliest start until
their energy is stored; appliances at their first allowed start, after their dependencies), and
the battery runs in self-consumption mode: it charges from PV surplus and discharges to cover
demand, never from or to the grid. Grid limits are not enforced here — a naive home does not
know about them either — so the saving Hearth reports is against what would really happen.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from tools.devices import allowed_steps, cycle_kw_per_step, interruptible_steps, start_candidates
from tools.heat_baseline import heat_baseline
from tools.home import Appliance, Battery, Ev
from tools.requests import ResolvedRequest
from tools.scheduler.problem import Schedule, ScheduleProblem


def baseline_schedule(problem: ScheduleProblem) -> Schedule:
    """Simulate the naive schedule of ``problem``."""
    n = problem.n_steps
    device_kw: dict[str, np.ndarray] = {}
    ends: dict[str, int] = {}
    for request in _dependency_order(problem):
        device = problem.home.device(request.device)
        if isinstance(device, Ev):
            device_kw[device.id] = _ev_asap(problem, device, request)
        elif isinstance(device, Appliance):
            earliest = max([request.first_step] + [ends[d] for d in device.after if d in ends])
            power, end = _appliance_asap(problem, device, request, earliest)
            device_kw[device.id] = power
            ends[device.id] = end
    heat_kw, temperature_c = heat_baseline(problem)
    device_kw.update(heat_kw)
    load = problem.inputs.base_load_kw + sum(device_kw.values(), np.zeros(n))
    naive = _self_consumption(problem, load, device_kw)
    return replace(naive, temperature_c=temperature_c)


def _dependency_order(problem: ScheduleProblem) -> list[ResolvedRequest]:
    """Requests with every appliance after the appliances it depends on."""
    ordered: list[ResolvedRequest] = []
    pending = list(problem.device_requests)
    while pending:
        for request in pending:
            device = problem.home.device(request.device)
            deps = device.after if isinstance(device, Appliance) else ()
            if all(d not in {r.device for r in pending} for d in deps):
                ordered.append(request)
                pending.remove(request)
                break
    return ordered


def _ev_asap(problem: ScheduleProblem, ev: Ev, request: ResolvedRequest) -> np.ndarray:
    """Full power from the earliest start until the energy is stored (the last step partly)."""
    dt = problem.step_hours
    power = np.zeros(problem.n_steps)
    remaining = request.energy_kwh or 0.0
    for t in range(request.first_step, problem.n_steps):
        if remaining <= 1e-12:
            break
        step_kw = min(ev.charger_max_kw, remaining / (ev.charging_efficiency * dt))
        power[t] = step_kw
        remaining -= step_kw * ev.charging_efficiency * dt
    return power


def _appliance_asap(
    problem: ScheduleProblem, appliance: Appliance, request: ResolvedRequest, earliest: int
) -> tuple[np.ndarray, int]:
    """The first allowed placement at or after ``earliest`` (ignoring the deadline if it must)."""
    axis = problem.inputs.axis
    power = np.zeros(problem.n_steps)
    if appliance.interruptible:
        length, power_kw = interruptible_steps(appliance.cycle, axis.step_minutes)
        steps = [t for t in np.flatnonzero(allowed_steps(appliance, axis)) if t >= earliest][
            :length
        ]
        power[steps] = power_kw
        return power, (int(steps[-1]) + 1 if steps else earliest)
    profile = cycle_kw_per_step(appliance.cycle, axis.step_minutes)
    for end_step in (request.end_step, problem.n_steps):
        starts = start_candidates(appliance, axis, earliest, end_step)
        if len(starts):
            start = int(starts[0])
            power[start : start + len(profile)] = profile
            return power, start + len(profile)
    start = min(earliest, problem.n_steps - 1)
    stop = min(start + len(profile), problem.n_steps)
    power[start:stop] = profile[: stop - start]
    return power, stop


def _self_consumption(
    problem: ScheduleProblem, load_kw: np.ndarray, device_kw: dict[str, np.ndarray]
) -> Schedule:
    """Battery covers deficits and stores surpluses; the grid takes the rest."""
    n, dt = problem.n_steps, problem.step_hours
    pv = problem.inputs.generation_kw
    export_limit = problem.home.grid.export_limit_kw
    battery: Battery | None = problem.home.battery
    charge, discharge = np.zeros(n), np.zeros(n)
    imports, exports, curtailed = np.zeros(n), np.zeros(n), np.zeros(n)
    soc = np.zeros(n + 1)
    if battery is not None:
        soc[0] = battery.capacity_kwh * battery.initial_soc_pct / 100
        floor = battery.capacity_kwh * battery.floor_soc_pct / 100
        ceiling = battery.capacity_kwh * battery.max_soc_pct / 100
    for t in range(n):
        net = load_kw[t] - pv[t]
        if battery is not None and net < 0:
            room_kw = max(0.0, ceiling - soc[t]) / (battery.charge_efficiency * dt)
            charge[t] = min(-net, battery.max_charge_kw, room_kw)
        elif battery is not None and net > 0:
            stored_kw = max(0.0, soc[t] - floor) * battery.discharge_efficiency / dt
            discharge[t] = min(net, battery.max_discharge_kw, stored_kw)
        if battery is not None:
            soc[t + 1] = soc[t] + dt * (
                battery.charge_efficiency * charge[t] - discharge[t] / battery.discharge_efficiency
            )
        residual = net + charge[t] - discharge[t]
        imports[t] = max(residual, 0.0)
        exports[t] = min(max(-residual, 0.0), export_limit)
        curtailed[t] = max(-residual, 0.0) - exports[t]
    return Schedule(imports, exports, curtailed, charge, discharge, soc, device_kw)
