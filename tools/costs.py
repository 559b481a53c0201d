"""What a schedule costs, and who pays for which kWh: the bill, its split into the plan's table rows.

Grid energy is attributed **pro rata**: in every step the energy imported from the grid is
shared among everything that consumes in that step — the base load, each requested device and the
battery's charging — in proportion to its consumption. PV and battery energy used in a step are
free in that step; what the battery stored was paid for (if from the grid) in the steps it
charged, on the battery's row. With ``cons_t = base_t + Σ_d p_d,t + charge_t``::

    grid_kWh(x) = Σ_t Δt·import_t·x_t/cons_t        cost(x) = Σ_t Δt·price_t·import_t·x_t/cons_t

Exports earn on their own row (``grid_export``, a negative cost), the demand charge is a row of
its own, and PV's row carries the energy it produced at no cost. Importing and exporting never
happen in one step (:mod:`tools.rules`), so ``import_t ≤ cons_t`` and the shares are at most 1.
The rows' costs add up to the plan's cost: Σ_x cost(x) = Σ_t Δt·price_t·import_t.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tools.inputs import PlanningInputs
from tools.results import CostBreakdown
from tools.scheduler.problem import Schedule
from tools.tariff import demand_charge, energy_cost


def cost_breakdown(
    schedule: Schedule,
    inputs: PlanningInputs,
    *,
    stored_kwh_short: float = 0.0,
    charge_efficiency: float = 1.0,
) -> CostBreakdown:
    """Import cost, export revenue, demand charge and CO2 of a schedule.

    ``stored_kwh_short`` [kWh] is battery energy this schedule ends with less than the plan it is
    compared with. It is valued at the least that refilling it can cost — the horizon's cheapest
    import price divided by the charge efficiency — so a naive baseline that drains the battery
    does not look cheaper than it is, and the saving claimed is never overstated. Energy left
    *above* the plan's is not credited: the optimiser gives stored energy at the horizon end no
    value either.
    """
    import_cost, export_revenue = energy_cost(
        schedule.grid_import_kw,
        schedule.grid_export_kw,
        inputs.import_price_per_kwh,
        inputs.export_price_per_kwh,
        inputs.axis.step_hours,
    )
    refill_price_per_kwh = float(np.min(inputs.import_price_per_kwh)) / charge_efficiency
    co2_kg = None
    if inputs.co2_g_per_kwh is not None:
        co2_kg = float(
            np.sum(schedule.grid_import_kw * inputs.co2_g_per_kwh) * inputs.axis.step_hours / 1000
        )
    return CostBreakdown(
        energy_cost=import_cost,
        export_revenue=export_revenue,
        demand_charge=demand_charge(schedule.grid_import_kw, inputs.demand_charge_per_kw),
        peak_import_kw=float(np.max(schedule.grid_import_kw, initial=0.0)),
        co2_kg=co2_kg,
        stored_energy_adjustment=stored_kwh_short * refill_price_per_kwh,
    )


@dataclass(frozen=True)
class Attribution:
    """One consumer's energy [kWh], its pro-rata grid energy [kWh] and that energy's cost."""

    energy_kwh: float
    grid_energy_kwh: float
    cost: float


def grid_shares(schedule: Schedule, inputs: PlanningInputs) -> np.ndarray:
    """Per step, the fraction of every consumer's power that comes from the grid [-]."""
    consumption = (
        inputs.base_load_kw
        + schedule.battery_charge_kw
        + sum(schedule.device_kw.values(), np.zeros(inputs.axis.n_steps))
    )
    shares = np.divide(
        schedule.grid_import_kw,
        consumption,
        out=np.zeros_like(consumption),
        where=consumption > 1e-12,
    )
    return np.clip(shares, 0.0, 1.0)


def attribute(power_kw: np.ndarray, shares: np.ndarray, inputs: PlanningInputs) -> Attribution:
    """The energy, grid energy and grid cost of one consumer with per-step ``power_kw``."""
    dt = inputs.axis.step_hours
    grid_kw = power_kw * shares
    return Attribution(
        energy_kwh=float(np.sum(power_kw) * dt),
        grid_energy_kwh=float(np.sum(grid_kw) * dt),
        cost=float(np.sum(grid_kw * inputs.import_price_per_kwh) * dt),
    )
