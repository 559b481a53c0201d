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
      + comfort weights of the mode, demand-response rewards and shedding prices
        (``tools.scheduler.heat_pump``, ``tools.scheduler.demand_response``)

Standing devices — water tanks (``tools.scheduler.thermal_tank``), heat pumps
(``tools.scheduler.heat_pump``) and daily run-time loads (``tools.scheduler.daily_run``) — are
in every model, with or without a request; their power joins the balance like any load's.

Tie-breaker (second pass, primary held at its optimum)::

    Σ_devices Σ_t (t/n)·Δt·p_t + 0.001·Σ_t Δt·(charge_t + discharge_t + curtailed_t)
"""

from __future__ import annotations

import pulp

from tools.home import Appliance, Ev
from tools.scheduler.appliances import add_cycle, add_dependencies, add_interruptible
from tools.scheduler.battery import add_battery, add_no_ev_discharge
from tools.scheduler.daily_run import add_daily_load
from tools.scheduler.demand_response import add_events, add_shed_prices
from tools.scheduler.ev import add_ev
from tools.scheduler.grid import add_balance, add_grid, add_pv
from tools.scheduler.heat_pump import add_heat_pump
from tools.scheduler.model import BuiltModel
from tools.scheduler.objective import add_objective
from tools.scheduler.problem import ScheduleProblem
from tools.scheduler.thermal_tank import add_tank

__all__ = ["BuiltModel", "build_model"]


def build_model(problem: ScheduleProblem) -> BuiltModel:
    """Build the MILP of ``problem`` (not solved)."""
    lp = pulp.LpProblem("hearth_schedule", pulp.LpMinimize)
    model = add_grid(lp, problem)
    model.shedding = bool(problem.events)
    add_pv(model)
    if problem.home.battery is not None:
        add_battery(model, problem.home.battery)
    for request in problem.load_requests():
        device = problem.home.device(request.device)
        if isinstance(device, Ev):
            model.device_kw[device.id] = add_ev(model, device, request)
        elif isinstance(device, Appliance):
            if device.interruptible:
                model.device_kw[device.id] = add_interruptible(model, device, request)
            else:
                model.device_kw[device.id] = add_cycle(model, device, request)
    add_dependencies(model)
    add_heat(model)
    add_no_ev_discharge(model)
    add_balance(model)
    add_events(model)
    add_shed_prices(model)
    add_objective(model)
    return model


def add_heat(model: BuiltModel) -> None:
    """The standing devices: water tanks, heat pumps and daily loads are always planned."""
    problem = model.problem
    for tank_id, tank in problem.tank_plans.items():
        model.device_kw[tank_id] = add_tank(model, tank)
    for pump_id, pump in problem.heat_pump_plans.items():
        model.device_kw[pump_id] = add_heat_pump(model, pump)
    for load in problem.home.daily_loads:
        model.device_kw[load.id] = add_daily_load(model, load)
