"""Why requests cannot all be met, and what is achievable instead — computed, not guessed.

Each request is first checked on its own against the limit that can bind it (charger power and
grid connection for an EV, windows and quiet hours for an appliance, charge power for the
battery: charge power for a target or a floor, the SoC now for a floor from now), then
dependencies between requests, then "the battery may not supply the cars" (a re-solve without
it), then the shared grid limit with a relaxed solve that prices extra import instead of
forbidding it.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pulp

from tools.devices import cycle_steps, earliest_end
from tools.formatting import energy, power
from tools.heat_diagnosis import diagnose_heat
from tools.home import Appliance, Battery, Ev
from tools.requests import ResolvedRequest
from tools.results import Alternative, BindingConstraint, Diagnosis
from tools.rules import reach_kwh
from tools.scheduler.build import build_model
from tools.scheduler.problem import ScheduleProblem
from tools.scheduler.solve import solve_model


def diagnose(problem: ScheduleProblem) -> Diagnosis:
    """Explain the infeasibility of ``problem``."""
    binding: list[BindingConstraint] = []
    for request in problem.device_requests:
        device = problem.home.device(request.device)
        if isinstance(device, Ev):
            binding += _ev(problem, device, request)
        elif isinstance(device, Appliance):
            binding += _appliance(problem, device, request)
        elif isinstance(device, Battery):
            binding += _battery(problem, device, request)
    binding += diagnose_heat(problem)
    if not binding:
        binding += _dependencies(problem)
    if not binding:
        binding += _no_ev_discharge(problem)
    if not binding:
        binding += _grid(problem)
    if not binding:
        binding.append(
            BindingConstraint(
                kind="combination",
                device=None,
                message="each request can be met on its own, but not all of them together; "
                "drop one request or give one of them a later deadline",
            )
        )
    return Diagnosis(message="; ".join(b.message for b in binding), binding=binding)


def _clock(problem: ScheduleProblem, boundary: int) -> str:
    axis = problem.inputs.axis
    moment = axis.time_at(boundary)
    same_day = moment.date() == axis.start.date()
    return moment.strftime("%H:%M" if same_day else "%a %H:%M")


def _ev_step_cap_kw(problem: ScheduleProblem, ev: Ev) -> np.ndarray:
    """Most an EV can draw per step [kW]: its charger, or what the grid connection, the PV and
    the battery leave after the base load; 0 where that is below the charger's minimum."""
    inputs = problem.inputs
    battery_kw = problem.home.battery.max_discharge_kw if problem.home.battery else 0.0
    supply = problem.home.grid.import_limit_kw + inputs.generation_kw + battery_kw - inputs.base_load_kw
    cap = np.clip(np.minimum(ev.charger_max_kw, supply), 0.0, None)
    cap[cap < ev.charger_min_kw] = 0.0
    return cap


def _ev(problem: ScheduleProblem, ev: Ev, request: ResolvedRequest) -> list[BindingConstraint]:
    needed = request.energy_kwh or 0.0
    cap = _ev_step_cap_kw(problem, ev)
    per_step = cap * ev.charging_efficiency * problem.step_hours
    window = per_step[request.first_step : request.end_step]
    possible = float(window.sum())
    if possible >= needed - 1e-6:
        return []
    charger_binds = bool(
        np.all(cap[request.first_step : request.end_step] >= ev.charger_max_kw - 1e-9)
    )
    kind = "ev_charger_power" if charger_binds else "grid_import_limit"
    by = "the charger" if charger_binds else "the charger within the grid connection's limit"
    reach_pct = math.floor((ev.current_soc_pct + 100 * possible / ev.battery_kwh) * 10) / 10
    target = request.target_soc_pct or ev.current_soc_pct
    axis = problem.inputs.axis
    alternatives = [
        Alternative(
            description=f"reach {reach_pct:g}% by {_clock(problem, request.end_step)}",
            device=ev.id,
            target_soc_pct=reach_pct,
            deadline=axis.time_at(request.end_step),
        )
    ]
    cumulative = np.cumsum(per_step[request.first_step :])
    later = np.flatnonzero(cumulative >= needed - 1e-6)
    if len(later):
        boundary = request.first_step + int(later[0]) + 1
        alternatives.append(
            Alternative(
                description=f"{target:g}% by {_clock(problem, boundary)}",
                device=ev.id,
                target_soc_pct=target,
                deadline=axis.time_at(boundary),
            )
        )
        later_text = f", or {target:g}% by {_clock(problem, boundary)}"
    else:
        later_text = f"; {target:g}% is not reachable before the horizon ends ({_clock(problem, axis.n_steps)})"
    message = (
        f"{problem.home.label(ev.id)}: {target:g}% by {_clock(problem, request.end_step)} needs {energy(needed)}; "
        f"{by} can deliver {energy(possible)} by then: reach {reach_pct:g}% by "
        f"{_clock(problem, request.end_step)}{later_text}"
    )
    return [BindingConstraint(kind=kind, device=ev.id, message=message, alternatives=alternatives)]


def _appliance(
    problem: ScheduleProblem, appliance: Appliance, request: ResolvedRequest
) -> list[BindingConstraint]:
    axis = problem.inputs.axis
    length = cycle_steps(appliance, axis.step_minutes)
    if _fits(appliance, problem, request.first_step, request.end_step):
        return []
    if request.end_step - request.first_step < length:
        kind, why = (
            "deadline",
            (
                f"its {appliance.cycle.total_minutes} min cycle does not fit between "
                f"{_clock(problem, request.first_step)} and {_clock(problem, request.end_step)}"
            ),
        )
    elif appliance.quiet_hours and _fits(
        appliance.model_copy(update={"quiet_hours": ()}),
        problem,
        request.first_step,
        request.end_step,
    ):
        hours = ", ".join(str(q) for q in appliance.quiet_hours)
        kind, why = (
            "quiet_hours",
            f"the time before the deadline falls in its quiet hours ({hours})",
        )
    else:
        windows = ", ".join(str(w) for w in appliance.allowed_windows)
        kind, why = (
            "appliance_window",
            f"no whole cycle fits its allowed windows ({windows}) before the deadline",
        )
    alternatives = []
    end = earliest_end(appliance, axis, request.first_step)
    if end is not None:
        alternatives.append(
            Alternative(
                description=f"finish by {_clock(problem, end)}",
                device=appliance.id,
                deadline=axis.time_at(end),
            )
        )
        why += f"; the earliest it can finish is {_clock(problem, end)}"
    else:
        why += "; it cannot run anywhere in this horizon"
    return [
        BindingConstraint(
            kind=kind,
            device=appliance.id,
            message=f"{problem.home.label(appliance.id)}: {why}",
            alternatives=alternatives,
        )
    ]


def _fits(appliance: Appliance, problem: ScheduleProblem, first: int, end: int) -> bool:
    return earliest_end(appliance, problem.inputs.axis, first, end) is not None


def _battery(
    problem: ScheduleProblem, battery: Battery, request: ResolvedRequest
) -> list[BindingConstraint]:
    """A target or a floor the battery cannot reach in time at its charge power (kind
    ``battery_power``), or a floor asked from now above today's SoC (``battery_soc_now``)."""
    cap = battery.capacity_kwh
    soc0_pct = battery.initial_soc_pct
    reach_up, _ = reach_kwh(battery, problem.step_hours, problem.n_steps)
    ceiling_pct = battery.max_soc_pct

    def reachable_pct(boundary: int) -> float:
        kwh = min(cap * ceiling_pct / 100, cap * soc0_pct / 100 + float(reach_up[boundary]))
        return math.floor(100 * kwh / cap * 10) / 10

    def first_boundary_at(level_pct: float) -> int | None:
        enough = np.flatnonzero(cap * soc0_pct / 100 + reach_up >= cap * level_pct / 100 - 1e-9)
        return int(enough[0]) if len(enough) else None

    axis = problem.inputs.axis
    name = problem.home.label(battery.id)
    kind = request.request.kind
    if kind == "battery_target" and request.target_soc_pct is not None:
        target, steps = request.target_soc_pct, request.end_step
        reach = reachable_pct(steps)
        if reach >= target - 1e-6:
            return []
        later = first_boundary_at(target)
        alternatives = [
            Alternative(
                description=f"reach {reach:g}% by {_clock(problem, steps)}",
                device=battery.id,
                target_soc_pct=reach,
                deadline=axis.time_at(steps),
            )
        ]
        later_text = ""
        if later is not None:
            later_text = f", or {target:g}% by {_clock(problem, later)}"
            alternatives.append(
                Alternative(
                    description=f"{target:g}% by {_clock(problem, later)}",
                    device=battery.id,
                    target_soc_pct=target,
                    deadline=axis.time_at(later),
                )
            )
        message = (
            f"{name}: {target:g}% by {_clock(problem, steps)} needs more than its "
            f"{battery.max_charge_kw:g} kW charge power can store from {soc0_pct:g}% now; it "
            f"can reach {reach:g}% by then{later_text}"
        )
        return [_binding("battery_power", battery.id, message, alternatives)]
    if kind == "battery_floor" and request.floor_soc_pct is not None:
        floor, first = request.floor_soc_pct, request.first_step
        if reachable_pct(first) >= floor - 1e-6:
            return []
        later = first_boundary_at(floor)
        alternatives = []
        if later is not None and later < problem.n_steps:
            alternatives.append(
                Alternative(
                    description=f"keep {floor:g}% from {_clock(problem, later)}",
                    device=battery.id,
                    floor_soc_pct=floor,
                    earliest_start=axis.time_at(later),
                )
            )
        lowest = math.floor(soc0_pct * 10) / 10 if first == 0 else reachable_pct(first)
        alternatives.append(
            Alternative(
                description=f"keep {lowest:g}% from {_clock(problem, first)}",
                device=battery.id,
                floor_soc_pct=lowest,
            )
        )
        start = "now" if first == 0 else f"by {_clock(problem, first)}"
        can = (
            f"it is at {soc0_pct:g}% now"
            if first == 0
            else f"its {battery.max_charge_kw:g} kW charge power reaches {lowest:g}% by then"
        )
        message = f"{name}: a floor of {floor:g}% from {_clock(problem, first)} needs {floor:g}% {start}; {can}"
        if later is not None and later < problem.n_steps:
            message += f"; it can hold {floor:g}% from {_clock(problem, later)}"
        kind_slug = "battery_soc_now" if first == 0 else "battery_power"
        return [_binding(kind_slug, battery.id, message, alternatives)]
    return []


def _binding(
    kind: str, device: str | None, message: str, alternatives: list[Alternative]
) -> BindingConstraint:
    return BindingConstraint(kind=kind, device=device, message=message, alternatives=alternatives)


def _no_ev_discharge(problem: ScheduleProblem) -> list[BindingConstraint]:
    """The requests can be met only if the battery may help the EVs: re-solve without the
    "not into the car" request and report it as binding if that solves."""
    battery = problem.home.battery
    keep = [r for r in problem.requests if r.request.kind != "battery_no_ev_discharge"]
    if battery is None or len(keep) == len(problem.requests):
        return []
    relaxed = dataclasses.replace(problem, requests=tuple(keep))
    if solve_model(build_model(relaxed)).status not in ("optimal", "feasible"):
        return []
    name = problem.home.label(battery.id)
    message = (
        f"{name} may not supply the cars, and without it the grid connection and PV cannot "
        "deliver every request in time; let the battery help the cars, or give a car a later "
        "deadline"
    )
    return [_binding("battery_no_ev_discharge", battery.id, message, [])]


def _dependencies(problem: ScheduleProblem) -> list[BindingConstraint]:
    """An appliance that must run after another cannot start early enough to meet its deadline."""
    out = []
    axis = problem.inputs.axis
    requested = {r.device: r for r in problem.device_requests}
    for request in problem.device_requests:
        device = problem.home.device(request.device)
        if not isinstance(device, Appliance):
            continue
        for dep in device.after:
            if dep not in requested:
                continue
            dep_end = earliest_end(problem.home.appliance(dep), axis, requested[dep].first_step)
            if dep_end is None:
                continue
            first = max(request.first_step, dep_end)
            if earliest_end(device, axis, first, request.end_step) is not None:
                continue
            end = earliest_end(device, axis, first)
            alternatives = []
            name, dep_name = problem.home.label(device.id), problem.home.label(dep)
            text = f"{name} must run after {dep_name}, which cannot finish before {_clock(problem, dep_end)}"
            if end is not None:
                text += f"; {name} can finish by {_clock(problem, end)}"
                alternatives.append(
                    Alternative(
                        description=f"finish {name} by {_clock(problem, end)}",
                        device=device.id,
                        deadline=axis.time_at(end),
                    )
                )
            out.append(
                BindingConstraint(
                    kind="dependency_order",
                    device=device.id,
                    message=text,
                    alternatives=alternatives,
                )
            )
    return out


def _grid(problem: ScheduleProblem) -> list[BindingConstraint]:
    """Re-solve with import above the limit allowed at a steep price; report what it needs."""
    model = build_model(problem)
    limit = problem.home.grid.import_limit_kw
    penalty = 1000.0 * (float(np.abs(problem.inputs.import_price_per_kwh).max()) + 1.0)
    excess = []
    for t, var in enumerate(model.grid_import_kw):
        var.upBound = None
        slack = model.lp.add_variable(f"grid_import_excess_kw_{t}", lowBound=0.0)
        model.lp += var - slack <= limit, f"grid_import_relaxed_{t}"
        excess.append(slack)
    model.lp.setObjective(model.lp.objective + penalty * pulp.lpSum(excess))
    report = solve_model(model)
    if report.status not in ("optimal", "feasible"):
        return []
    values = np.array([v.varValue or 0.0 for v in excess])
    if values.max(initial=0.0) <= 1e-6:
        return []
    t = int(np.argmax(values))
    need = limit + float(values[t])
    message = (
        f"the grid connection's import limit of {limit:g} kW binds: together the requests need "
        f"{power(need)} at {_clock(problem, t)}; give one of them a later deadline"
    )
    return [BindingConstraint(kind="grid_import_limit", device=None, message=message)]
