"""Demand-response events in the MILP: the import limit in the window, the incentive, and the
price of shedding by priority.

For each event with window steps ``W``, reference import ``ref_t`` and incentive ``c``::

    import_t ≤ limit_t,  t ∈ W      limit = cap_kw, or max(ref_t − reduction_kw, 0)  (dr_<id>_limit_t)
    objective −= c·Δt·Σ_{t∈W} (ref_t − import_t)        (the constant c·Δt·Σ ref_t is left out)

Requests may then fall short (see ``BuiltModel.shed``): each kWh-equivalent short costs
``SHED_WEIGHT[priority] × (10·(max import price + max incentive) + 1)``, more than any kWh could
save or earn, so a load is shed only where the limit leaves no other way, lower priorities
first (each level weighs a hundred times the one below).
"""

from __future__ import annotations

import numpy as np

from tools.errors import InputError
from tools.home import SHED_WEIGHT, Battery
from tools.scheduler.model import BuiltModel, affine


def reference_kw(model: BuiltModel, index: int) -> np.ndarray:
    """The reference import of event ``index`` per step [kW]."""
    problem = model.problem
    event = problem.events[index]
    if event.reference_kw is not None:
        return np.full(problem.n_steps, event.reference_kw)
    if problem.reference_import_kw is None:
        raise InputError(
            f"demand-response event {event.id}",
            "needs a reference import (reference_kw) or the plan without the event",
        )
    return problem.reference_import_kw


def add_events(model: BuiltModel) -> None:
    """Limits and rewards of every event (see the module docstring)."""
    problem = model.problem
    axis = problem.inputs.axis
    dt = problem.step_hours
    for index, event in enumerate(problem.events):
        reference = reference_kw(model, index)
        limit = event.import_limit_kw(axis, reference)
        first, end = event.steps(axis)
        slug = "".join(c if c.isalnum() else "_" for c in event.id)
        for t in range(first, end):
            model.lp += (
                affine([(model.grid_import_kw[t], 1.0)]) <= float(limit[t]),
                f"dr_{slug}_{index}_limit_{t}",
            )
        if event.incentive_per_kwh > 0:
            model.extra_objective.append(
                affine(
                    [
                        (model.grid_import_kw[t], event.incentive_per_kwh * dt)
                        for t in range(first, end)
                    ]
                )
            )


def shed_price_per_kwh(model: BuiltModel) -> float:
    """The base price of one kWh-equivalent shed [currency/kWh] (times the priority weight)."""
    problem = model.problem
    incentive = max((e.incentive_per_kwh for e in problem.events), default=0.0)
    return 10.0 * (float(np.max(np.abs(problem.inputs.import_price_per_kwh))) + incentive) + 1.0


def add_shed_prices(model: BuiltModel) -> None:
    """Price every shortfall variable by its device's priority."""
    if not model.shed:
        return
    base = shed_price_per_kwh(model)
    terms = []
    for device_id, variables in model.shed.items():
        device = model.problem.home.device(device_id)
        assert not isinstance(device, Battery), "the battery is never shed"
        priority = device.priority
        weight = SHED_WEIGHT[priority] * base
        terms += [(var, weight * kwh) for var, kwh in variables]
    model.extra_objective.append(affine(terms))
