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
        solver = pulp.HiGHS(msg=False, timeLimit=time_limit_s, gapRel=gap, threads=1)
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
    """Solve ``model`` in place; never raises for infeasible or timed-out models."""
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
    solver = _solver(name, options.time_limit_s, options.mip_rel_gap)
    started = time.perf_counter()
    status = model.lp.solve(solver)
    seconds = time.perf_counter() - started
    typed = _typed_status(status, model.lp.sol_status)
    objective = pulp.value(model.lp.objective) if typed in ("optimal", "feasible") else None
    detail = f"pulp status {pulp.LpStatus.get(status, status)}, solution " + str(
        pulp.LpSolution.get(model.lp.sol_status, model.lp.sol_status)
    )
    return SolveReport(typed, name, seconds, objective, detail)


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
