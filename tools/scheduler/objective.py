"""The primary objective (cost, CO2 weight, "greenest"/"asap" terms) and the tie-breaker."""

from __future__ import annotations

import numpy as np

from tools.errors import RequestError
from tools.scheduler.model import BuiltModel, affine, new_var
from tools.scheduler.problem import HEAT_KINDS, ScheduleProblem


def add_objective(model: BuiltModel) -> None:
    """Primary objective (money, plus the CO2 and "asap" terms a request asks for) and the
    secondary tie-breaker that :func:`~tools.scheduler.solve.solve_model` minimises in a second
    pass with the primary held at its optimum."""
    problem = model.problem
    inputs = problem.inputs
    n, dt = problem.n_steps, problem.step_hours
    import_weight = inputs.import_price_per_kwh * dt
    co2_price_per_kg = np.array(
        [
            inputs.co2_price_per_kg if p.co2_price_per_kg is None else p.co2_price_per_kg
            for p in problem.modes.presets(problem.home)
        ]
    )  # the mode in force may weigh CO2 differently (eco)
    if inputs.co2_g_per_kwh is not None and np.any(co2_price_per_kg > 0):
        import_weight = import_weight + co2_price_per_kg * inputs.co2_g_per_kwh / 1000 * dt
    pairs = [(model.grid_import_kw[t], float(import_weight[t])) for t in range(n)]
    pairs += [
        (model.grid_export_kw[t], -float(inputs.export_price_per_kwh[t] * dt)) for t in range(n)
    ]
    objective = affine(pairs)
    if inputs.demand_charge_per_kw > 0:
        peak = new_var(model.lp, "grid_peak_import_kw", 0.0)
        for t in range(n):
            model.lp += affine([(peak, 1.0), (model.grid_import_kw[t], -1.0)]) >= 0, f"grid_peak_{t}"
        objective += affine([(peak, inputs.demand_charge_per_kw)])
    price_spread = (
        float(np.ptp(inputs.import_price_per_kwh) + np.ptp(inputs.export_price_per_kwh)) + 0.01
    )
    lateness_per_kwh = np.arange(n) / n
    for device_id, power in model.device_kw.items():
        request = problem.request_for(device_id)
        if request is None or request.request.kind in HEAT_KINDS:
            continue  # standing devices: their timing is priced by physics, not lateness
        weight = np.zeros(n)
        if request.request.objective == "asap":
            weight += 10.0 * price_spread * n * lateness_per_kwh * dt
        if request.request.objective == "co2":
            weight += co2_weights(problem, device_id, price_spread)
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
    model.tie_break += affine(throughput)
    for term in model.extra_objective:
        objective += term
    model.objective = objective
    # objective_value = objective; the stability pass caps this variable at the optimum.
    model.objective_value = new_var(model.lp, "objective_value", None, None)
    model.lp += objective - model.objective_value == 0, "objective_value_definition"
    model.lp.setObjective(objective)


THROUGHPUT_WEIGHT = 1e-3
"""Weight of battery throughput and PV curtailment against device lateness in the tie-breaker."""


def co2_weights(problem: ScheduleProblem, device_id: str, price_spread: float) -> np.ndarray:
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
