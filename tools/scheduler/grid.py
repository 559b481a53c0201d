"""Grid import/export with its limits and direction, PV curtailment, and the power balance."""

from __future__ import annotations

import numpy as np
import pulp

from tools.home import Appliance, Ev, Home
from tools.rules import grid_direction_binary_steps
from tools.scheduler.model import BuiltModel, affine, new_var
from tools.scheduler.problem import ScheduleProblem


def add_grid(lp: pulp.LpProblem, problem: ScheduleProblem) -> BuiltModel:
    """Import/export variables with limits; a direction binary only where it could pay.

    Where the export price exceeds the import price, ``importing_t ∈ {0,1}`` forbids importing
    and exporting at once (one meter nets the two). Its big-Ms are the most the home could draw
    (base load, every requested device at full power, the battery charging) and give (PV, the
    battery discharging) in that step, and the cut ``M_out·import_t + M_in·export_t ≤ M_in·M_out``
    (the convex hull of "import only" ∪ "export only") keeps the LP relaxation tight.
    """
    grid = problem.home.grid
    n = problem.n_steps
    imports = [new_var(lp, f"grid_import_kw_{t}", 0.0, grid.import_limit_kw) for t in range(n)]
    exports = [new_var(lp, f"grid_export_kw_{t}", 0.0, grid.export_limit_kw) for t in range(n)]
    could_pay = grid_direction_binary_steps(problem)
    if could_pay:
        most_in_kw, most_out_kw = grid_big_m(problem)
    for t in could_pay:
        m_in, m_out = float(most_in_kw[t]), float(most_out_kw[t])
        if m_in <= 0 or m_out <= 0:
            continue  # only one direction is possible in this step anyway
        importing = new_var(lp, f"grid_importing_{t}", cat="Binary")
        lp += affine([(imports[t], 1.0), (importing, -m_in)]) <= 0, f"grid_import_direction_{t}"
        lp += affine([(exports[t], 1.0), (importing, m_out)]) <= m_out, f"grid_export_direction_{t}"
        lp += (
            affine([(imports[t], m_out), (exports[t], m_in)]) <= m_in * m_out,
            f"grid_direction_hull_{t}",
        )
    return BuiltModel(problem, lp, imports, exports, [])


def grid_big_m(problem: ScheduleProblem) -> tuple[np.ndarray, np.ndarray]:
    """Most the home can import and export in each step [kW] (valid, not tight, bounds)."""
    home, inputs = problem.home, problem.inputs
    device_kw = 0.0
    for request in problem.device_requests:
        device = home.device(request.device)
        if isinstance(device, Ev):
            device_kw += device.charger_max_kw
        elif isinstance(device, Appliance):
            device_kw += device.cycle.peak_kw
    device_kw += standing_peak_kw(home)
    charge_kw = home.battery.max_charge_kw if home.battery else 0.0
    discharge_kw = home.battery.max_discharge_kw if home.battery else 0.0
    most_in = np.minimum(home.grid.import_limit_kw, inputs.base_load_kw + device_kw + charge_kw)
    most_out = np.minimum(home.grid.export_limit_kw, inputs.generation_kw + discharge_kw)
    return most_in, most_out


def standing_peak_kw(home: Home) -> float:
    """Most the always-planned devices (tanks, heat pumps, daily loads) draw together [kW]."""
    return (
        sum(t.element_kw for t in home.water_tanks)
        + sum(h.max_electric_kw for h in home.heat_pumps)
        + sum(d.power_kw for d in home.daily_loads)
    )


def add_pv(model: BuiltModel) -> None:
    """Curtailment ``0 ≤ curtailed_t ≤ pv_t + wind_t`` where on-site generation is available
    (``pv_curtailed_kw`` holds the curtailment of PV and wind together)."""
    pv = model.problem.inputs.generation_kw
    model.pv_curtailed_kw = [
        new_var(model.lp, f"pv_curtailed_kw_{t}", 0.0, float(pv[t])) if pv[t] > 0 else None
        for t in range(len(pv))
    ]


def add_balance(model: BuiltModel) -> None:
    inputs = model.problem.inputs
    for t in range(model.problem.n_steps):
        expr = affine([(model.grid_import_kw[t], 1.0), (model.grid_export_kw[t], -1.0)])
        curtailed = model.pv_curtailed_kw[t]
        if curtailed is not None:
            expr += affine([(curtailed, -1.0)])
        if model.battery_charge_kw is not None and model.battery_discharge_kw is not None:
            expr += affine(
                [(model.battery_discharge_kw[t], 1.0), (model.battery_charge_kw[t], -1.0)]
            )
        for power in model.device_kw.values():
            if power[t] is not None:
                expr -= power[t]
        net_load = float(inputs.base_load_kw[t] - inputs.generation_kw[t])
        model.lp += expr == net_load, f"grid_balance_{t}"
