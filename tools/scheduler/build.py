"""Build the MILP: one builder per device, variables and constraints as named families over time.

Notation: ``t`` = step, ``Δt`` = step length [h]; all powers are step means [kW].

Grid (``grid_import_kw_t``, ``grid_export_kw_t``)::

    0 ≤ import_t ≤ import_limit,  0 ≤ export_t ≤ export_limit
    importing_t ∈ {0,1} only where export price > import price (else simultaneous import and
    export cannot pay):  import_t ≤ import_limit·importing_t,  export_t ≤ export_limit·(1−importing_t)

Balance (``grid_balance_t``)::

    pv_t − curtailed_t + import_t + discharge_t = base_t + Σ ev_t + Σ appliance_t + charge_t + export_t

Objective::

    Σ_t Δt·(import_price_t·import_t − export_price_t·export_t) + demand_charge·peak
      + co2_price·Σ_t Δt·import_t·co2_t/1000                      (home-wide CO2 weight)
      + device terms for requests with objective "co2" or "asap"
      + ε·(early device energy, battery throughput, curtailment)    (tie-breaker)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pulp
from pulp import LpAffineExpression as Expr

from tools.devices import (
    allowed_steps,
    cycle_kw_per_step,
    interruptible_steps,
    start_candidates,
)
from tools.errors import RequestError
from tools.home import Appliance, Battery, Ev
from tools.requests import ResolvedRequest
from tools.scheduler.problem import ScheduleProblem


@dataclass
class BuiltModel:
    """A built PuLP model and handles on its variable families."""

    problem: ScheduleProblem
    lp: pulp.LpProblem
    grid_import_kw: list[pulp.LpVariable]
    grid_export_kw: list[pulp.LpVariable]
    pv_curtailed_kw: list[pulp.LpVariable | None]
    battery_charge_kw: list[pulp.LpVariable] | None = None
    battery_discharge_kw: list[pulp.LpVariable] | None = None
    battery_soc_kwh: list[pulp.LpVariable] | None = None
    device_kw: dict[str, list[Expr | None]] = field(default_factory=dict)
    appliance_start: dict[str, dict[int, pulp.LpVariable]] = field(default_factory=dict)
    step_span: dict[str, tuple[Expr, Expr]] = field(default_factory=dict)
    unplaceable: list[str] = field(default_factory=list)
    """Requested appliances with no allowed placement: the model is infeasible by construction."""


def build_model(problem: ScheduleProblem) -> BuiltModel:
    """Build the MILP of ``problem`` (not solved)."""
    lp = pulp.LpProblem("hearth_schedule", pulp.LpMinimize)
    model = _add_grid(lp, problem)
    _add_pv(model)
    if problem.home.battery is not None:
        _add_battery(model, problem.home.battery)
    for request in problem.requests:
        device = problem.home.device(request.device)
        if isinstance(device, Ev):
            model.device_kw[device.id] = _add_ev(model, device, request)
        elif isinstance(device, Appliance):
            if device.interruptible:
                model.device_kw[device.id] = _add_interruptible(model, device, request)
            else:
                model.device_kw[device.id] = _add_cycle(model, device, request)
    _add_dependencies(model)
    _add_balance(model)
    _add_objective(model)
    return model


def _var(
    lp: pulp.LpProblem,
    name: str,
    low: float | None = 0.0,
    up: float | None = None,
    cat: str = "Continuous",
) -> pulp.LpVariable:
    return lp.add_variable(name, lowBound=low, upBound=up, cat=cat)


def _expr(pairs: list[tuple[pulp.LpVariable, float]], constant: float = 0.0) -> Expr:
    return pulp.LpAffineExpression(pairs, constant)


# ----------------------------------------------------------------------------- grid & PV


def _add_grid(lp: pulp.LpProblem, problem: ScheduleProblem) -> BuiltModel:
    """Import/export variables with limits; a direction binary only where it could pay."""
    grid = problem.home.grid
    inputs = problem.inputs
    n = problem.n_steps
    imports = [_var(lp, f"grid_import_kw_{t}", 0.0, grid.import_limit_kw) for t in range(n)]
    exports = [_var(lp, f"grid_export_kw_{t}", 0.0, grid.export_limit_kw) for t in range(n)]
    for t in np.flatnonzero(inputs.export_price_per_kwh > inputs.import_price_per_kwh).tolist():
        importing = _var(lp, f"grid_importing_{t}", cat="Binary")
        lp += (
            _expr([(imports[t], 1.0), (importing, -grid.import_limit_kw)]) <= 0,
            f"grid_import_direction_{t}",
        )
        lp += (
            _expr([(exports[t], 1.0), (importing, grid.export_limit_kw)]) <= grid.export_limit_kw,
            f"grid_export_direction_{t}",
        )
    return BuiltModel(problem, lp, imports, exports, [])


def _add_pv(model: BuiltModel) -> None:
    """Curtailment ``0 ≤ curtailed_t ≤ pv_t`` where PV is available."""
    pv = model.problem.inputs.pv_kw
    model.pv_curtailed_kw = [
        _var(model.lp, f"pv_curtailed_kw_{t}", 0.0, float(pv[t])) if pv[t] > 0 else None
        for t in range(len(pv))
    ]


# ----------------------------------------------------------------------------- battery


def _add_battery(model: BuiltModel, battery: Battery) -> None:
    """Home battery with SoC recursion (``battery_soc_kwh_t``), AC-side power limits.

    ::

        soc_{t+1} = soc_t + Δt·(η_c·charge_t − discharge_t/η_d)
        floor ≤ soc_t ≤ ceiling  for t ≥ 1   (floor = max(min SoC, reserve); relaxed to what
                                              the battery can reach if it starts outside)
        soc_T ≥ final SoC (default: the initial SoC); soc at a target deadline ≥ target
        charging_t ∈ {0,1} where import price < 0 (only then could burning energy pay):
            charge_t ≤ max_charge·charging_t,  discharge_t ≤ max_discharge·(1 − charging_t)
    """
    problem = model.problem
    lp = model.lp
    n, dt = problem.n_steps, problem.step_hours
    cap = battery.capacity_kwh
    soc0 = cap * battery.initial_soc_pct / 100
    floor = cap * battery.floor_soc_pct / 100
    ceiling = cap * battery.max_soc_pct / 100
    charge = [_var(lp, f"battery_charge_kw_{t}", 0.0, battery.max_charge_kw) for t in range(n)]
    discharge = [_var(lp, f"battery_discharge_kw_{t}", 0.0, battery.max_discharge_kw) for t in range(n)]
    reach_up = battery.max_charge_kw * battery.charge_efficiency * dt
    reach_down = battery.max_discharge_kw / battery.discharge_efficiency * dt
    soc = []
    for t in range(1, n + 1):
        low = min(floor, soc0 + t * reach_up)
        up = max(ceiling, soc0 - t * reach_down)
        soc.append(_var(lp, f"battery_soc_kwh_{t}", low, up))
    for t in range(n):
        previous = [] if t == 0 else [(soc[t - 1], -1.0)]
        lp += (
            _expr(
                [
                    (soc[t], 1.0),
                    *previous,
                    (charge[t], -battery.charge_efficiency * dt),
                    (discharge[t], dt / battery.discharge_efficiency),
                ]
            )
            == (soc0 if t == 0 else 0.0),
            f"battery_soc_balance_{t}",
        )
    final_pct = (
        battery.final_soc_pct if battery.final_soc_pct is not None else battery.initial_soc_pct
    )
    final = min(cap * final_pct / 100, soc0 + n * reach_up, ceiling)
    lp += _expr([(soc[n - 1], 1.0)]) >= final, "battery_final_soc"
    request = problem.request_for(battery.id)
    if request is not None and request.target_soc_pct is not None and request.end_step > 0:
        lp += (
            _expr([(soc[request.end_step - 1], 1.0)]) >= cap * request.target_soc_pct / 100,
            "battery_target_soc",
        )
    for t in np.flatnonzero(problem.inputs.import_price_per_kwh < 0).tolist():
        charging = _var(lp, f"battery_charging_{t}", cat="Binary")
        lp += (
            _expr([(charge[t], 1.0), (charging, -battery.max_charge_kw)]) <= 0,
            f"battery_charge_mode_{t}",
        )
        lp += (
            _expr([(discharge[t], 1.0), (charging, battery.max_discharge_kw)])
            <= battery.max_discharge_kw,
            f"battery_discharge_mode_{t}",
        )
    model.battery_charge_kw, model.battery_discharge_kw, model.battery_soc_kwh = (
        charge,
        discharge,
        soc,
    )


# ----------------------------------------------------------------------------- EV


def _add_ev(model: BuiltModel, ev: Ev, request: ResolvedRequest) -> list[Expr | None]:
    """Modulating EV charging inside ``[first_step, end_step)`` (``ev_<id>_kw_t``).

    ::

        on_t·min_kw ≤ p_t ≤ on_t·max_kw,  on_t ∈ {0,1}   (plain 0 ≤ p_t ≤ max_kw when min_kw = 0)
        Σ_t η·p_t·Δt = energy to store
    """
    lp = model.lp
    dt = model.problem.step_hours
    power: list[Expr | None] = [None] * model.problem.n_steps
    energy = request.energy_kwh or 0.0
    if energy <= 0:
        return power
    pairs = []
    for t in range(request.first_step, request.end_step):
        p = _var(lp, f"ev_{ev.id}_kw_{t}", 0.0, ev.charger_max_kw)
        if ev.charger_min_kw > 0:
            on = _var(lp, f"ev_{ev.id}_on_{t}", cat="Binary")
            lp += _expr([(p, 1.0), (on, -ev.charger_max_kw)]) <= 0, f"ev_{ev.id}_max_{t}"
            lp += _expr([(p, 1.0), (on, -ev.charger_min_kw)]) >= 0, f"ev_{ev.id}_min_{t}"
        power[t] = _expr([(p, 1.0)])
        pairs.append((p, ev.charging_efficiency * dt))
    if not pairs:
        model.unplaceable.append(ev.id)
        return power
    lp += _expr(pairs) == energy, f"ev_{ev.id}_energy"
    return power


# ----------------------------------------------------------------------------- appliances


def _add_cycle(
    model: BuiltModel, appliance: Appliance, request: ResolvedRequest
) -> list[Expr | None]:
    """A non-interruptible cycle as start binaries (``appliance_<id>_start_s``).

    With ``started_t = Σ_{s ≤ t} start_s`` (``appliance_<id>_started_t``) and the cycle's per-step
    powers ``q_0 … q_{L−1}`` the power is the telescoped convolution::

        p_t = Σ_j q_j·start_{t−j} = q_0·started_t + Σ_{j=1}^{L−1} (q_j − q_{j−1})·started_{t−j} − q_{L−1}·started_{t−L}

    which needs one term per change of the profile instead of one per profile step.
    ``Σ_s start_s = 1`` over the allowed starts (whole run inside the window, outside quiet hours).
    """
    problem = model.problem
    lp = model.lp
    n = problem.n_steps
    axis = problem.inputs.axis
    profile = cycle_kw_per_step(appliance.cycle, axis.step_minutes)
    length = len(profile)
    starts = start_candidates(appliance, axis, request.first_step, request.end_step)
    if len(starts) == 0:
        model.unplaceable.append(appliance.id)
        return [None] * n
    start = {int(s): _var(lp, f"appliance_{appliance.id}_start_{s}", cat="Binary") for s in starts}
    lp += _expr([(v, 1.0) for v in start.values()]) == 1, f"appliance_{appliance.id}_once"
    first, last = int(starts[0]), int(starts[-1])
    started: dict[int, Expr] = {}
    previous: pulp.LpVariable | None = None
    for t in range(first, last + 1):
        var = _var(lp, f"appliance_{appliance.id}_started_{t}", 0.0, 1.0)
        terms = [(var, 1.0)]
        if previous is not None:
            terms.append((previous, -1.0))
        if t in start:
            terms.append((start[t], -1.0))
        lp += _expr(terms) == 0, f"appliance_{appliance.id}_started_{t}"
        started[t] = _expr([(var, 1.0)])
        previous = var

    def started_at(t: int) -> Expr:
        if t < first:
            return _expr([])
        if t > last:
            return _expr([], 1.0)
        return started[t]

    steps = np.diff(np.concatenate(([0.0], profile, [0.0])))
    power: list[Expr | None] = [None] * n
    for t in range(first, min(last + length, n)):
        terms = _expr([])
        for j in np.flatnonzero(np.abs(steps) > 1e-12):
            terms += float(steps[j]) * started_at(t - int(j))
        power[t] = terms
    start_step = _expr([(v, float(s)) for s, v in start.items()])
    model.appliance_start[appliance.id] = start
    model.step_span[appliance.id] = (start_step, start_step + length)
    return power


def _add_interruptible(
    model: BuiltModel, appliance: Appliance, request: ResolvedRequest
) -> list[Expr | None]:
    """An interruptible load as run binaries (``appliance_<id>_run_t``) on allowed steps::

    Σ_t run_t = L,  p_t = P·run_t,  start ≤ t + n·(1 − run_t),  end ≥ (t + 1)·run_t
    """
    problem = model.problem
    lp = model.lp
    n = problem.n_steps
    length, power_kw = interruptible_steps(appliance.cycle, problem.inputs.axis.step_minutes)
    mask = allowed_steps(appliance, problem.inputs.axis)
    steps = [t for t in range(request.first_step, request.end_step) if mask[t]]
    power: list[Expr | None] = [None] * n
    if len(steps) < length:
        model.unplaceable.append(appliance.id)
        return power
    run = {t: _var(lp, f"appliance_{appliance.id}_run_{t}", cat="Binary") for t in steps}
    lp += _expr([(v, 1.0) for v in run.values()]) == length, f"appliance_{appliance.id}_steps"
    start = _var(lp, f"appliance_{appliance.id}_first_step", 0.0, n)
    end = _var(lp, f"appliance_{appliance.id}_end_step", 0.0, n)
    for t, v in run.items():
        power[t] = _expr([(v, power_kw)])
        lp += _expr([(start, 1.0), (v, float(n))]) <= t + n, f"appliance_{appliance.id}_start_{t}"
        lp += _expr([(end, 1.0), (v, -(t + 1.0))]) >= 0, f"appliance_{appliance.id}_end_{t}"
    model.step_span[appliance.id] = (_expr([(start, 1.0)]), _expr([(end, 1.0)]))
    return power


def _add_dependencies(model: BuiltModel) -> None:
    """``start_a ≥ end_b`` for every requested appliance ``a`` that runs after a requested ``b``."""
    for request in model.problem.requests:
        device = model.problem.home.device(request.device)
        if not isinstance(device, Appliance):
            continue
        for dep in device.after:
            if device.id in model.step_span and dep in model.step_span:
                start_a = model.step_span[device.id][0]
                end_b = model.step_span[dep][1]
                model.lp += start_a - end_b >= 0, f"appliance_{device.id}_after_{dep}"


# ----------------------------------------------------------------------------- balance & objective


def _add_balance(model: BuiltModel) -> None:
    inputs = model.problem.inputs
    for t in range(model.problem.n_steps):
        expr = _expr([(model.grid_import_kw[t], 1.0), (model.grid_export_kw[t], -1.0)])
        curtailed = model.pv_curtailed_kw[t]
        if curtailed is not None:
            expr += _expr([(curtailed, -1.0)])
        if model.battery_charge_kw is not None and model.battery_discharge_kw is not None:
            expr += _expr(
                [(model.battery_discharge_kw[t], 1.0), (model.battery_charge_kw[t], -1.0)]
            )
        for power in model.device_kw.values():
            if power[t] is not None:
                expr -= power[t]
        net_load = float(inputs.base_load_kw[t] - inputs.pv_kw[t])
        model.lp += expr == net_load, f"grid_balance_{t}"


def _add_objective(model: BuiltModel) -> None:
    problem = model.problem
    inputs = problem.inputs
    n, dt = problem.n_steps, problem.step_hours
    eps = problem.options.tie_break_per_kwh
    import_weight = inputs.import_price_per_kwh * dt
    if inputs.co2_g_per_kwh is not None and inputs.co2_price_per_kg > 0:
        import_weight = import_weight + inputs.co2_price_per_kg * inputs.co2_g_per_kwh / 1000 * dt
    pairs = [(model.grid_import_kw[t], float(import_weight[t])) for t in range(n)]
    pairs += [
        (model.grid_export_kw[t], -float(inputs.export_price_per_kwh[t] * dt)) for t in range(n)
    ]
    pairs += [(v, eps * dt) for v in model.pv_curtailed_kw if v is not None]
    if model.battery_charge_kw is not None and model.battery_discharge_kw is not None:
        pairs += [(v, eps * dt) for v in model.battery_charge_kw + model.battery_discharge_kw]
    objective = _expr(pairs)
    if inputs.demand_charge_per_kw > 0:
        peak = _var(model.lp, "grid_peak_import_kw", 0.0)
        for t in range(n):
            model.lp += _expr([(peak, 1.0), (model.grid_import_kw[t], -1.0)]) >= 0, f"grid_peak_{t}"
        objective += _expr([(peak, inputs.demand_charge_per_kw)])
    price_spread = (
        float(np.ptp(inputs.import_price_per_kwh) + np.ptp(inputs.export_price_per_kwh)) + 0.01
    )
    for device_id, power in model.device_kw.items():
        request = problem.request_for(device_id)
        assert request is not None
        # Earliness: weight grows linearly over the horizon (tie-breaker, or dominant for "asap").
        weight = eps if request.request.objective != "asap" else 10.0 * price_spread * n
        lateness = np.arange(n) / n * dt * weight
        if request.request.objective == "co2":
            lateness = lateness + _co2_weights(problem, device_id, price_spread)
        for t, p in enumerate(power):
            if p is not None:
                objective += float(lateness[t]) * p
    model.lp += objective


def _co2_weights(problem: ScheduleProblem, device_id: str, price_spread: float) -> np.ndarray:
    """Per-kW weights that make a "greenest" device follow low carbon intensity first, cost second.

    The device's energy is charged ``10 × price spread`` per kWh at the dirtiest step, scaled by
    ``co2_t / max(co2)``, which outweighs any price difference between steps.
    """
    co2 = problem.inputs.co2_g_per_kwh
    if co2 is None:
        raise RequestError(
            f"request ({device_id})",
            "objective 'co2' needs the grid's carbon intensity (tariff.co2) in the home file",
        )
    scale = float(np.max(co2)) or 1.0
    return 10.0 * price_spread * co2 / scale * problem.step_hours
