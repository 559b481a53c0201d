"""The built model: a PuLP problem and handles on its variable families, and two small helpers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pulp
from pulp import LpAffineExpression as Expr

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
    appliance_started: dict[str, Callable[[int], Expr]] = field(default_factory=dict)
    """Per cycle appliance: ``t ↦ Σ_{s ≤ t} start_s`` (0 before its first start, 1 after its last)."""
    appliance_run: dict[str, dict[int, pulp.LpVariable]] = field(default_factory=dict)
    """Per interruptible appliance: its run binary per allowed step."""
    ev_kw: dict[str, dict[int, pulp.LpVariable]] = field(default_factory=dict)
    """Per EV: its charging power variable per step of its window [kW]."""
    ev_on: dict[str, dict[int, pulp.LpVariable]] = field(default_factory=dict)
    """Per EV with a charger minimum: its on/off binary per step of its window."""
    step_span: dict[str, tuple[Expr, Expr]] = field(default_factory=dict)
    objective: Expr = field(default_factory=Expr)
    """Primary objective: cost (+ CO2 weight, + terms for "co2"/"asap" requests)."""
    objective_value: pulp.LpVariable | None = None
    tie_break: Expr = field(default_factory=Expr)
    """Secondary objective: energy-weighted lateness of every device [kWh·horizon] plus a little
    battery throughput and curtailment, so equal-cost schedules come out early and stable."""
    last_bound: float | None = None
    """Best bound on the objective the last MILP solve proved (HiGHS only)."""
    unplaceable: list[str] = field(default_factory=list)
    """Requested appliances with no allowed placement: the model is infeasible by construction."""
    temperature_c: dict[str, list[Expr]] = field(default_factory=dict)
    """Temperature of each tank and heated room at boundaries ``1..n`` [°C]."""
    shed: dict[str, list[tuple[pulp.LpVariable, float]]] = field(default_factory=dict)
    """Per device, the shortfall variables a demand-response event may use and what one unit
    of each is worth in kWh (the objective prices it by the device's priority)."""
    shedding: bool = False
    """Whether requests may fall short (only while a demand-response event is planned)."""
    held_in_second_pass: list[pulp.LpVariable] = field(default_factory=list)
    """Variables the stability pass keeps near their first-pass values (the heat devices'
    power: the tie-breaker does not weigh it, and holding it keeps that pass small)."""
    extra_objective: list[Expr] = field(default_factory=list)
    """Objective terms of the heat builders (comfort weights, demand-response rewards)."""


def new_var(
    lp: pulp.LpProblem,
    name: str,
    low: float | None = 0.0,
    up: float | None = None,
    cat: str = "Continuous",
) -> pulp.LpVariable:
    return lp.add_variable(name, lowBound=low, upBound=up, cat=cat)


def affine(pairs: list[tuple[pulp.LpVariable, float]], constant: float = 0.0) -> Expr:
    return pulp.LpAffineExpression(pairs, constant)
