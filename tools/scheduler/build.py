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

Tie-breaker (second pass, primary held at its optimum)::

    Σ_devices Σ_t (t/n)·Δt·p_t + 0.001·Σ_t Δt·(charge_t + discharge_t + curtailed_t)
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
    objective: Expr = field(default_factory=Expr)
    """Primary objective: cost (+ CO2 weight, + terms for "co2"/"asap" requests)."""
    objective_value: pulp.LpVariable | None = None
    tie_break: Expr = field(default_factory=Expr)
    """Secondary objective: energy-weighted lateness of every device [kWh·horizon] plus a little
    battery throughput and curtailment, so equal-cost schedules come out early and stable."""
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
    """Import/export variables with limits; a direction binary only where it could pay.

    Where the export price exceeds the import price, ``importing_t ∈ {0,1}`` forbids importing
    and exporting at once (one meter nets the two). Its big-Ms are the most the home could draw
    (base load, every requested device at full power, the battery charging) and give (PV, the
    battery discharging) in that step, and the cut ``M_out·import_t + M_in·export_t ≤ M_in·M_out``
    (the convex hull of "import only" ∪ "export only") keeps the LP relaxation tight.
    """
    grid = problem.home.grid
    inputs = problem.inputs
    n = problem.n_steps
    imports = [_var(lp, f"grid_import_kw_{t}", 0.0, grid.import_limit_kw) for t in range(n)]
    exports = [_var(lp, f"grid_export_kw_{t}", 0.0, grid.export_limit_kw) for t in range(n)]
    could_pay = np.flatnonzero(inputs.export_price_per_kwh > inputs.import_price_per_kwh).tolist()
    if could_pay:
        most_in_kw, most_out_kw = _grid_big_m(problem)
    for t in could_pay:
        m_in, m_out = float(most_in_kw[t]), float(most_out_kw[t])
        if m_in <= 0 or m_out <= 0:
            continue  # only one direction is possible in this step anyway
        importing = _var(lp, f"grid_importing_{t}", cat="Binary")
        lp += _expr([(imports[t], 1.0), (importing, -m_in)]) <= 0, f"grid_import_direction_{t}"
        lp += _expr([(exports[t], 1.0), (importing, m_out)]) <= m_out, f"grid_export_direction_{t}"
        lp += (
            _expr([(imports[t], m_out), (exports[t], m_in)]) <= m_in * m_out,
            f"grid_direction_hull_{t}",
        )
    return BuiltModel(problem, lp, imports, exports, [])


def _grid_big_m(problem: ScheduleProblem) -> tuple[np.ndarray, np.ndarray]:
    """Most the home can import and export in each step [kW] (valid, not tight, bounds)."""
    home, inputs = problem.home, problem.inputs
    device_kw = 0.0
    for request in problem.requests:
        device = home.device(request.device)
        if isinstance(device, Ev):
            device_kw += device.charger_max_kw
        elif isinstance(device, Appliance):
            device_kw += device.cycle.peak_kw
    charge_kw = home.battery.max_charge_kw if home.battery else 0.0
    discharge_kw = home.battery.max_discharge_kw if home.battery else 0.0
    most_in = np.minimum(home.grid.import_limit_kw, inputs.base_load_kw + device_kw + charge_kw)
    most_out = np.minimum(home.grid.export_limit_kw, inputs.pv_kw + discharge_kw)
    return most_in, most_out


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

    No binaries: with curtailment available, charging and discharging in the same step only
    pays where the import price is negative (being paid to take energy, which the battery's
    losses then absorb); the tie-breaker's throughput term rules it out everywhere else.
    """
    problem = model.problem
    lp = model.lp
    n, dt = problem.n_steps, problem.step_hours
    cap = battery.capacity_kwh
    soc0 = cap * battery.initial_soc_pct / 100
    floor = cap * battery.floor_soc_pct / 100
    ceiling = cap * battery.max_soc_pct / 100
    charge = [_var(lp, f"battery_charge_kw_{t}", 0.0, battery.max_charge_kw) for t in range(n)]
    discharge = [
        _var(lp, f"battery_discharge_kw_{t}", 0.0, battery.max_discharge_kw) for t in range(n)
    ]
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
    """Primary objective (money, plus the CO2 and "asap" terms a request asks for) and the
    secondary tie-breaker that :func:`~tools.scheduler.solve.solve_model` minimises in a second
    pass with the primary held at its optimum."""
    problem = model.problem
    inputs = problem.inputs
    n, dt = problem.n_steps, problem.step_hours
    import_weight = inputs.import_price_per_kwh * dt
    if inputs.co2_g_per_kwh is not None and inputs.co2_price_per_kg > 0:
        import_weight = import_weight + inputs.co2_price_per_kg * inputs.co2_g_per_kwh / 1000 * dt
    pairs = [(model.grid_import_kw[t], float(import_weight[t])) for t in range(n)]
    pairs += [
        (model.grid_export_kw[t], -float(inputs.export_price_per_kwh[t] * dt)) for t in range(n)
    ]
    objective = _expr(pairs)
    if inputs.demand_charge_per_kw > 0:
        peak = _var(model.lp, "grid_peak_import_kw", 0.0)
        for t in range(n):
            model.lp += _expr([(peak, 1.0), (model.grid_import_kw[t], -1.0)]) >= 0, f"grid_peak_{t}"
        objective += _expr([(peak, inputs.demand_charge_per_kw)])
    price_spread = (
        float(np.ptp(inputs.import_price_per_kwh) + np.ptp(inputs.export_price_per_kwh)) + 0.01
    )
    lateness_per_kwh = np.arange(n) / n
    for device_id, power in model.device_kw.items():
        request = problem.request_for(device_id)
        assert request is not None
        weight = np.zeros(n)
        if request.request.objective == "asap":
            weight += 10.0 * price_spread * n * lateness_per_kwh * dt
        if request.request.objective == "co2":
            weight += _co2_weights(problem, device_id, price_spread)
        for t, p in enumerate(power):
            if p is not None:
                if weight[t]:
                    objective += float(weight[t]) * p
                model.tie_break += float(lateness_per_kwh[t] * dt) * p
    throughput = [(v, THROUGHPUT_WEIGHT * dt) for v in model.pv_curtailed_kw if v is not None]
    if model.battery_charge_kw is not None and model.battery_discharge_kw is not None:
        throughput += [
            (v, THROUGHPUT_WEIGHT * dt)
            for v in model.battery_charge_kw + model.battery_discharge_kw
        ]
    model.tie_break += _expr(throughput)
    model.objective = objective
    # objective_value = objective; the stability pass caps this variable at the optimum.
    model.objective_value = _var(model.lp, "objective_value", None, None)
    model.lp += objective - model.objective_value == 0, "objective_value_definition"
    model.lp.setObjective(objective)


THROUGHPUT_WEIGHT = 1e-3
"""Weight of battery throughput and PV curtailment against device lateness in the tie-breaker."""


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
