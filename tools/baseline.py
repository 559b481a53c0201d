"""The naive baseline: what the same requests cost without Hearth.

Every load starts as soon as it may: appliances at their first allowed start, after their
dependencies; EVs from their earliest start as fast as their charger and the grid connection
allow (a wallbox with load management: at most the import limit minus the base load, the
appliances and the EVs before it in that step, plus the PV; never below the charger's minimum,
the last part-step evened out with the one before) until their energy is stored. And
the battery runs in self-consumption mode: it charges from PV surplus and discharges to cover
demand, never to the grid. The battery requests are met the naive way too: below a target (or a
floor that is still to come) the battery charges at full power from now — PV surplus first, then
the grid — until it is there, and it does not discharge below a target before its deadline, below
a floor in its period, nor beyond the household's own load while it may not supply the EVs.
Grid limits are not enforced here — a naive home does not know about them either — so the saving
Hearth reports is against what would really happen; whether the naive schedule is itself a valid
plan is for the audit to say.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from tools.devices import allowed_steps, cycle_kw_per_step, interruptible_steps, start_candidates
from tools.heat_baseline import heat_baseline
from tools.home import Appliance, Battery, Ev
from tools.requests import ResolvedRequest
from tools.rules import is_household_load, no_ev_discharge_steps
from tools.scheduler.problem import Schedule, ScheduleProblem


def baseline_schedule(problem: ScheduleProblem) -> Schedule:
    """Simulate the naive schedule of ``problem``."""
    device_kw: dict[str, np.ndarray] = {}
    ends: dict[str, int] = {}
    requests = _dependency_order(problem.load_requests(), problem)
    for request in requests:
        device = problem.home.device(request.device)
        if isinstance(device, Appliance):
            earliest = max([request.first_step] + [ends[d] for d in device.after if d in ends])
            power, end = _appliance_asap(problem, device, request, earliest)
            device_kw[device.id] = power
            ends[device.id] = end
    heat_kw, temperature_c = heat_baseline(problem)
    device_kw.update(heat_kw)
    inputs = problem.inputs
    headroom_kw = (
        problem.home.grid.import_limit_kw
        + inputs.generation_kw
        - inputs.base_load_kw
        - sum(device_kw.values(), np.zeros(problem.n_steps))
    )
    for request in requests:
        device = problem.home.device(request.device)
        if isinstance(device, Ev):
            power = _ev_asap(problem, device, request, headroom_kw)
            device_kw[device.id] = power
            headroom_kw = headroom_kw - power
    order = [r.device for r in requests] + list(heat_kw)
    naive = self_consumption(problem, {d: device_kw[d] for d in order})
    return replace(naive, temperature_c=temperature_c)


def self_consumption(problem: ScheduleProblem, device_kw: dict[str, np.ndarray]) -> Schedule:
    """The schedule of the loads ``device_kw`` [kW per step] (requested and standing devices)
    with the battery in self-consumption mode (the naive battery; see the module docstring)."""
    n = problem.n_steps
    load = problem.inputs.base_load_kw + sum(device_kw.values(), np.zeros(n))
    return _self_consumption(problem, load, device_kw)


def _dependency_order(
    requests: list[ResolvedRequest], problem: ScheduleProblem
) -> list[ResolvedRequest]:
    """Requests with every appliance after the appliances it depends on."""
    ordered: list[ResolvedRequest] = []
    pending = list(requests)
    while pending:
        for request in pending:
            device = problem.home.device(request.device)
            deps = device.after if isinstance(device, Appliance) else ()
            if all(d not in {r.device for r in pending} for d in deps):
                ordered.append(request)
                pending.remove(request)
                break
    return ordered


def _ev_asap(
    problem: ScheduleProblem, ev: Ev, request: ResolvedRequest, headroom_kw: np.ndarray
) -> np.ndarray:
    """As fast as the charger and ``headroom_kw`` allow from the earliest start until the energy
    is stored; steps with less headroom than the charger's minimum are skipped, and a last
    part-step below the minimum is raised to it, the step before giving up as much."""
    dt = problem.step_hours
    power = np.zeros(problem.n_steps)
    remaining = request.energy_kwh or 0.0
    for t in range(request.first_step, problem.n_steps):
        if remaining <= 1e-12:
            break
        wanted_kw = remaining / (ev.charging_efficiency * dt)
        step_kw = min(ev.charger_max_kw, wanted_kw, headroom_kw[t])
        if step_kw < max(ev.charger_min_kw, 1e-9) and step_kw < wanted_kw - 1e-12:
            continue  # not enough headroom for the charger in this step
        power[t] = step_kw
        remaining -= step_kw * ev.charging_efficiency * dt
    on = np.flatnonzero(power > 0)
    if len(on) >= 2 and power[on[-1]] < ev.charger_min_kw:
        short = ev.charger_min_kw - power[on[-1]]
        if power[on[-2]] - short >= ev.charger_min_kw:
            power[on[-2]] -= short
            power[on[-1]] = ev.charger_min_kw
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
    """Battery covers deficits and stores surpluses; the grid takes the rest (see the module
    docstring for the battery requests)."""
    n, dt = problem.n_steps, problem.step_hours
    pv = problem.inputs.generation_kw
    export_limit = problem.home.grid.export_limit_kw
    battery: Battery | None = problem.home.battery
    charge, discharge = np.zeros(n), np.zeros(n)
    imports, exports, curtailed = np.zeros(n), np.zeros(n), np.zeros(n)
    soc = np.zeros(n + 1)
    if battery is not None:
        soc[0] = battery.capacity_kwh * battery.initial_soc_pct / 100
        ceiling = battery.capacity_kwh * battery.max_soc_pct / 100
        goal, keep, discharge_cap = _battery_request_levels(problem, battery, device_kw)
    for t in range(n):
        net = load_kw[t] - pv[t]
        if battery is not None:
            room_kw = max(0.0, ceiling - soc[t]) / (battery.charge_efficiency * dt)
            short_kw = max(0.0, goal[t] - soc[t]) / (battery.charge_efficiency * dt)
            charge[t] = min(max(short_kw, -net), battery.max_charge_kw, room_kw)
            if charge[t] <= 0 and net > 0:
                stored_kw = max(0.0, soc[t] - keep[t]) * battery.discharge_efficiency / dt
                discharge[t] = min(net, battery.max_discharge_kw, stored_kw, discharge_cap[t])
            soc[t + 1] = soc[t] + dt * (
                battery.charge_efficiency * charge[t] - discharge[t] / battery.discharge_efficiency
            )
        residual = net + charge[t] - discharge[t]
        imports[t] = max(residual, 0.0)
        exports[t] = min(max(-residual, 0.0), export_limit)
        curtailed[t] = max(-residual, 0.0) - exports[t]
    return Schedule(imports, exports, curtailed, charge, discharge, soc, device_kw)


def _battery_request_levels(
    problem: ScheduleProblem, battery: Battery, device_kw: dict[str, np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per step ``t``: the SoC to charge up to at full power (``goal``, a target or floor still
    ahead) and the SoC not to discharge below (``keep``) [kWh], and the most the battery may
    discharge [kW] (the household's load while it may not supply the EVs, else unlimited)."""
    n = problem.n_steps
    cap = battery.capacity_kwh
    floor = cap * battery.floor_soc_pct / 100
    goal = np.zeros(n)
    keep = np.full(n, floor)
    household = problem.inputs.base_load_kw + sum(
        (p for d, p in device_kw.items() if is_household_load(problem, d)), np.zeros(n)
    )
    discharge_cap = np.where(no_ev_discharge_steps(problem), household, np.inf)
    for request in problem.battery_requests():
        kind = request.request.kind
        if kind == "battery_target" and request.target_soc_pct is not None:
            level = cap * request.target_soc_pct / 100
            goal[: request.end_step] = np.maximum(goal[: request.end_step], level)
            keep[: request.end_step] = np.maximum(keep[: request.end_step], level)
        elif kind == "battery_floor" and request.floor_soc_pct is not None:
            level = cap * request.floor_soc_pct / 100
            goal[: request.end_step] = np.maximum(goal[: request.end_step], level)
            period = slice(max(request.first_step - 1, 0), request.end_step)
            keep[period] = np.maximum(keep[period], level)
    return goal, keep, discharge_cap
