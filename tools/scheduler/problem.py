"""The data of one scheduling problem and of one schedule, as plain arrays."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tools.home import Home
from tools.inputs import PlanningInputs
from tools.requests import ResolvedRequest


@dataclass(frozen=True)
class ScheduleOptions:
    """Solver settings.

    Attributes
    ----------
    solver:
        ``"highs"`` (default, through highspy) or ``"cbc"``.
    time_limit_s:
        Wall-clock limit for all the solver passes together [s].
    mip_rel_gap:
        Relative optimality gap at which the solver may stop [-]; tiny, so "optimal" means optimal.
    stable:
        After the cost optimum is found, re-solve the continuous part with the cost held at it
        (within ``1e-6 + 1e-7·|cost|``) and the integer decisions kept, to pick among equal-cost
        schedules the one with the earliest device energy and the least battery throughput.
    warm_start:
        First plan every load as soon as the rules allow (with the cheapest battery plan for
        it) and start the cost optimisation from that plan; see
        :func:`~tools.scheduler.solve.solve_model`.
    """

    solver: str = "highs"
    time_limit_s: float = 10.0
    mip_rel_gap: float = 1e-7
    stable: bool = True
    warm_start: bool = True


@dataclass(frozen=True)
class ScheduleProblem:
    """Home, inputs on the axis and the requests resolved onto it."""

    home: Home
    inputs: PlanningInputs
    requests: tuple[ResolvedRequest, ...]
    options: ScheduleOptions = field(default_factory=ScheduleOptions)

    @property
    def n_steps(self) -> int:
        return self.inputs.axis.n_steps

    @property
    def step_hours(self) -> float:
        return self.inputs.axis.step_hours

    def request_for(self, device_id: str) -> ResolvedRequest | None:
        """The request of an EV or appliance (the battery's: see :meth:`battery_requests`)."""
        return next((r for r in self.requests if r.device == device_id), None)

    def battery_requests(self) -> list[ResolvedRequest]:
        """The home battery's requests (at most one of each battery kind)."""
        battery = self.home.battery
        if battery is None:
            return []
        return [r for r in self.requests if r.device == battery.id]

    def load_requests(self) -> list[ResolvedRequest]:
        """The requests of devices that draw power of their own (EVs and appliances)."""
        battery = self.home.battery
        return [r for r in self.requests if battery is None or r.device != battery.id]


@dataclass(frozen=True)
class Schedule:
    """Per-step powers of a schedule [kW] (mean over each step) and battery SoC [kWh].

    ``battery_soc_kwh`` has ``n_steps + 1`` values: the state at every step boundary.
    ``device_kw`` holds every requested EV and appliance.
    """

    grid_import_kw: np.ndarray
    grid_export_kw: np.ndarray
    pv_curtailed_kw: np.ndarray
    battery_charge_kw: np.ndarray
    battery_discharge_kw: np.ndarray
    battery_soc_kwh: np.ndarray
    device_kw: dict[str, np.ndarray]
