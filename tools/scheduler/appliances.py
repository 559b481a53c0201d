"""Shiftable appliances: whole cycles as start binaries, interruptible loads, "after" dependencies."""

from __future__ import annotations

import numpy as np
import pulp
from pulp import LpAffineExpression as Expr

from tools.devices import (
    allowed_steps,
    cycle_kw_per_step,
    cycle_steps,
    interruptible_steps,
    start_candidates,
)
from tools.home import Appliance
from tools.requests import ResolvedRequest
from tools.scheduler.model import BuiltModel, affine, new_var


def add_cycle(
    model: BuiltModel, appliance: Appliance, request: ResolvedRequest
) -> list[Expr | None]:
    """A non-interruptible cycle as start binaries (``appliance_<id>_start_s``).

    With ``started_t = Σ_{s ≤ t} start_s`` (``appliance_<id>_started_t``) and the cycle's per-step
    powers ``q_0 … q_{L−1}`` the power is the telescoped convolution::

        p_t = Σ_j q_j·start_{t−j} = q_0·started_t + Σ_{j=1}^{L−1} (q_j − q_{j−1})·started_{t−j} − q_{L−1}·started_{t−L}

    which needs one term per change of the profile instead of one per profile step.
    ``Σ_s start_s = 1`` over the allowed starts (whole run inside the window, outside quiet hours);
    ``+ skipped`` while a demand-response event may shed it.
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
    start = {int(s): new_var(lp, f"appliance_{appliance.id}_start_{s}", cat="Binary") for s in starts}
    once = [(v, 1.0) for v in start.values()]
    if model.shedding and appliance.priority != "critical":
        skip = new_var(lp, f"appliance_{appliance.id}_skipped", cat="Binary")
        once.append((skip, 1.0))
        model.shed[appliance.id] = [(skip, appliance.cycle.energy_kwh)]
    lp += affine(once) == 1, f"appliance_{appliance.id}_once"
    first, last = int(starts[0]), int(starts[-1])
    started: dict[int, Expr] = {}
    previous: pulp.LpVariable | None = None
    for t in range(first, last + 1):
        var = new_var(lp, f"appliance_{appliance.id}_started_{t}", 0.0, 1.0)
        terms = [(var, 1.0)]
        if previous is not None:
            terms.append((previous, -1.0))
        if t in start:
            terms.append((start[t], -1.0))
        lp += affine(terms) == 0, f"appliance_{appliance.id}_started_{t}"
        started[t] = affine([(var, 1.0)])
        previous = var

    def started_at(t: int) -> Expr:
        if t < first:
            return affine([])
        # after the last start: every start (1, or 0 for a cycle a demand-response event skips)
        return started[min(t, last)]

    steps = np.diff(np.concatenate(([0.0], profile, [0.0])))
    power: list[Expr | None] = [None] * n
    for t in range(first, min(last + length, n)):
        terms = affine([])
        for j in np.flatnonzero(np.abs(steps) > 1e-12):
            terms += float(steps[j]) * started_at(t - int(j))
        power[t] = terms
    start_step = affine([(v, float(s)) for s, v in start.items()])
    model.appliance_start[appliance.id] = start
    model.appliance_started[appliance.id] = started_at
    model.step_span[appliance.id] = (start_step, start_step + length)
    return power


def add_interruptible(
    model: BuiltModel, appliance: Appliance, request: ResolvedRequest
) -> list[Expr | None]:
    """An interruptible load as run binaries (``appliance_<id>_run_t``) on allowed steps::

        Σ_t run_t (+ short) = L,  p_t = P·run_t

    (``short`` only while a demand-response event may shed it) and, only where a dependency
    needs its span, ``start ≤ t + n·(1 − run_t)`` and ``end ≥ (t + 1)·run_t``.
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
    run = {t: new_var(lp, f"appliance_{appliance.id}_run_{t}", cat="Binary") for t in steps}
    count = [(v, 1.0) for v in run.values()]
    if model.shedding and appliance.priority != "critical":
        short = new_var(lp, f"appliance_{appliance.id}_short_steps", 0.0, float(length))
        count.append((short, 1.0))
        model.shed[appliance.id] = [(short, power_kw * problem.step_hours)]
    lp += affine(count) == length, f"appliance_{appliance.id}_steps"
    for t, v in run.items():
        power[t] = affine([(v, power_kw)])
    model.appliance_run[appliance.id] = run
    if _in_dependency(model, appliance.id):
        start = new_var(lp, f"appliance_{appliance.id}_first_step", 0.0, n)
        end = new_var(lp, f"appliance_{appliance.id}_end_step", 0.0, n)
        for t, v in run.items():
            lp += affine([(start, 1.0), (v, float(n))]) <= t + n, f"appliance_{appliance.id}_start_{t}"
            lp += affine([(end, 1.0), (v, -(t + 1.0))]) >= 0, f"appliance_{appliance.id}_end_{t}"
        model.step_span[appliance.id] = (affine([(start, 1.0)]), affine([(end, 1.0)]))
    return power


def _in_dependency(model: BuiltModel, appliance_id: str) -> bool:
    """Whether a requested appliance must run after, or before, another requested one."""
    problem = model.problem
    requested = {r.device for r in problem.load_requests()}
    mine = problem.home.appliance(appliance_id)
    if any(dep in requested for dep in mine.after):
        return True
    return any(
        appliance_id in other.after for other in problem.home.appliances if other.id in requested
    )


def add_dependencies(model: BuiltModel) -> None:
    """Every requested appliance ``a`` that runs after a requested ``b`` starts when ``b`` has
    ended.

    Two cycles (``appliance_<a>_after_<b>_t``), in the aggregated time-indexed form: ``a`` can
    have started by step ``t`` only if ``b`` had started by ``t − L_b``::

        started_a(t) ≤ started_b(t − L_b)   for every start step t of a

    which for 0/1 starts says the same as ``start_a ≥ end_b`` but keeps fractional starts of the
    LP relaxation in order too (the relaxation of the span form lets half a washer run beside
    half a dryer). With an interruptible load on either side (``appliance_<a>_after_<b>``):
    ``first step_a ≥ end step_b``.
    """
    problem = model.problem
    for request in problem.load_requests():
        device = problem.home.device(request.device)
        if not isinstance(device, Appliance):
            continue
        for dep in device.after:
            if device.id not in model.step_span or dep not in model.step_span:
                continue
            if device.id in model.appliance_started and dep in model.appliance_started:
                started_a = model.appliance_started[device.id]
                started_b = model.appliance_started[dep]
                length_b = cycle_steps(problem.home.appliance(dep), problem.inputs.axis.step_minutes)
                for t in sorted(model.appliance_start[device.id]):
                    model.lp += (
                        started_a(t) - started_b(t - length_b) <= 0,
                        f"appliance_{device.id}_after_{dep}_{t}",
                    )
                continue
            start_a = model.step_span[device.id][0]
            end_b = model.step_span[dep][1]
            model.lp += start_a - end_b >= 0, f"appliance_{device.id}_after_{dep}"
