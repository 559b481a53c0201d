"""The MILP scheduler: :func:`build_model`, :func:`solve_model` and :func:`extract_schedule`,
composed by :func:`tools.planning.schedule`. Kept apart so a built model can be inspected
without solving it and every solver runs on the same model."""

from tools.scheduler.build import BuiltModel, build_model
from tools.scheduler.extract import extract_schedule
from tools.scheduler.problem import Schedule, ScheduleOptions, ScheduleProblem
from tools.scheduler.solve import SolveReport, available_solvers, solve_model

__all__ = [
    "BuiltModel",
    "Schedule",
    "ScheduleOptions",
    "ScheduleProblem",
    "SolveReport",
    "available_solvers",
    "build_model",
    "extract_schedule",
    "solve_model",
]
