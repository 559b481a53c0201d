"""Solve a built model with HiGHS (highspy) or CBC and read a typed status.

PuLP reports two things: ``status`` (what the solver concluded) and ``sol_status`` (what the
solution is). A time-limited MILP can end with ``status`` 1 ("Optimal") while ``sol_status`` says
the incumbent was not proven optimal, so both are read.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from functools import cache

import pulp

from tools.errors import SolverUnavailableError
from tools.results import SolveStatus
from tools.scheduler.build import BuiltModel

SOLVERS = ("highs", "cbc")


@dataclass(frozen=True)
class SolveReport:
    """Outcome of one solve: typed status, solver used, wall time [s], objective value."""

    status: SolveStatus
    solver: str
    seconds: float
    objective: float | None
    detail: str = ""


def available_solvers() -> list[str]:
    """Solvers usable on this machine, in order of preference."""
    found = []
    if pulp.HiGHS(msg=False).available():
        found.append("highs")
    if _cbc_path() is not None:
        found.append("cbc")
    return found


def _cbc_path() -> str | None:
    """The CBC binary shipped by the ``cbcbox`` package (PuLP's ``cbc`` extra), if installed."""
    try:
        import cbcbox
    except ImportError:
        return None
    path = cbcbox.cbc_bin_path()
    return path if os.path.isfile(path) else None


@cache
def _quiet_highs_banner() -> None:
    """HiGHS prints a copyright banner to the process's stdout the first time a solver object is
    created, whatever the options; create that first one with stdout pointed at /dev/null so the
    CLI's JSON output stays clean."""
    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _solver(name: str, time_limit_s: float, gap: float) -> pulp.LpSolver:
    if name == "highs":
        _quiet_highs_banner()
        solver = pulp.HiGHS(msg=False, timeLimit=time_limit_s, gapRel=gap)
    elif name == "cbc":
        solver = pulp.COIN_CMD(
            msg=False, path=_cbc_path(), timeLimit=time_limit_s, gapRel=gap, threads=1
        )
    else:
        raise SolverUnavailableError(f"unknown solver {name!r}; choose one of {', '.join(SOLVERS)}")
    if not solver.available():
        raise SolverUnavailableError(
            f"solver {name} is not available here (available: {', '.join(available_solvers()) or 'none'})"
        )
    return solver


def choose_solver(preferred: str) -> str:
    """``preferred`` if available; HiGHS falls back to CBC when highspy is missing."""
    available = available_solvers()
    if preferred in available:
        return preferred
    if preferred == "highs" and "cbc" in available:
        return "cbc"
    raise SolverUnavailableError(
        f"solver {preferred} is not available here (available: {', '.join(available) or 'none'})"
    )


def solve_model(model: BuiltModel) -> SolveReport:
    """Solve ``model`` in place; never raises for infeasible or timed-out models.

    With ``options.stable`` a second pass minimises the tie-breaker with the primary objective
    held at its optimum; the reported status is that of the cost optimisation.
    """
    options = model.problem.options
    name = choose_solver(options.solver)
    if model.unplaceable:
        return SolveReport(
            "infeasible",
            name,
            0.0,
            None,
            "no allowed placement for " + ", ".join(model.unplaceable),
        )
    started = time.perf_counter()
    status = _run(model, name, options.time_limit_s, options.mip_rel_gap)
    detail = f"pulp status {pulp.LpStatus.get(model.lp.status, model.lp.status)}, solution " + str(
        pulp.LpSolution.get(model.lp.sol_status, model.lp.sol_status)
    )
    time_left_s = options.time_limit_s - (time.perf_counter() - started)
    if status in ("optimal", "feasible") and options.stable and time_left_s > 0:
        _second_pass(model, name, time_left_s, options.mip_rel_gap)
    seconds = time.perf_counter() - started
    objective = pulp.value(model.objective) if status in ("optimal", "feasible") else None
    return SolveReport(status, name, seconds, objective, detail)


def _run(model: BuiltModel, name: str, time_limit_s: float, gap: float) -> SolveStatus:
    status = model.lp.solve(_solver(name, max(time_limit_s, 0.1), gap))
    return _typed_status(status, model.lp.sol_status)


def _second_pass(model: BuiltModel, name: str, time_left_s: float, gap: float) -> None:
    """Minimise the tie-breaker with the primary objective capped at its optimum, every integer
    decision (appliance starts, charger on/off, grid direction) kept as the first pass chose it,
    and the variables a builder holds (``model.held_in_second_pass``: the heat devices' power,
    which the tie-breaker does not weigh) kept within ``HELD_BAND`` of their first-pass values —
    a band, not a point, so that first-pass round-off cannot force tiny compensating flows
    elsewhere — which keeps this pass small.

    This pass is a linear programme: it moves EV power to the earliest of equally priced steps
    and removes needless battery cycling and curtailment. The cap is the upper bound of
    ``objective_value`` (tied to the objective by an equality, see ``build_model``), so
    restoring the model afterwards is just resetting bounds. If this pass finds no solution in
    the time left, the first pass's values are put back: the values returned are always those
    of the cost optimisation.
    """
    optimum = float(pulp.value(model.objective))
    cap = model.objective_value
    assert cap is not None, "build_model defines objective_value"
    variables = model.lp.variables()
    first_pass = [v.varValue for v in variables]
    fixed = [v for v in variables if v.cat == pulp.LpInteger]
    bounds = [(v.lowBound, v.upBound) for v in fixed]
    for var in fixed:
        var.lowBound = var.upBound = round(var.varValue or 0.0)
    held = [(v, v.lowBound, v.upBound) for v in model.held_in_second_pass]
    for var, low, up in held:
        value = var.varValue or 0.0
        var.lowBound = value - HELD_BAND if low is None else max(low, value - HELD_BAND)
        var.upBound = value + HELD_BAND if up is None else min(up, value + HELD_BAND)
    cap.upBound = optimum + 1e-9 * (1.0 + abs(optimum))
    model.lp.setObjective(model.tie_break)
    second = _run(model, name, time_left_s, gap)
    for var, (low, up) in zip(fixed, bounds, strict=True):
        var.lowBound, var.upBound = low, up
    for var, low, up in held:
        var.lowBound, var.upBound = low, up
    cap.upBound = None
    model.lp.setObjective(model.objective)
    if second not in ("optimal", "feasible"):
        for var, value in zip(variables, first_pass, strict=True):
            var.varValue = value


HELD_BAND = 1e-4
"""Half-width of the band a held variable keeps in the stability pass [its unit, kW]."""


def _typed_status(status: int, sol_status: int) -> SolveStatus:
    """Map PuLP's ``(status, sol_status)`` to Hearth's :data:`SolveStatus`."""
    if sol_status == pulp.LpSolutionOptimal and status == pulp.LpStatusOptimal:
        return "optimal"
    if sol_status == pulp.LpSolutionIntegerFeasible:
        return "feasible"
    if status == pulp.LpStatusInfeasible or sol_status == pulp.LpSolutionInfeasible:
        return "infeasible"
    if sol_status == pulp.LpSolutionNoSolutionFound or status == pulp.LpStatusNotSolved:
        return "timed_out"
    return "error"
