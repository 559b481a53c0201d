"""The data of one scheduling problem and of one schedule, as plain arrays."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from tools.demand_response import DemandResponseEvent
from tools.home import Home
from tools.inputs import PlanningInputs
from tools.requests import ResolvedRequest
from tools.thermal_axis import (
    HeatPumpPlan,
    ModeTimeline,
    TankPlan,
    heat_pump_plan,
    mode_timeline,
    tank_plan,
)

HEAT_KINDS = ("water_heat", "comfort", "mode")
"""Request kinds that set standing devices or the home rather than add a load."""


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
        Start the cost optimisation from a plan of every load as soon as allowed (the naive
        schedule where it is valid); see :func:`~tools.scheduler.start.find_start`.
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
    events: tuple[DemandResponseEvent, ...] = ()
    """Demand-response events the plan takes part in."""
    reference_import_kw: np.ndarray | None = None
    """What the home imports without the events [kW] (the reference of a reduction)."""

    @cached_property
    def modes(self) -> ModeTimeline:
        return mode_timeline(self.home, self.inputs.axis, self.requests)

    @cached_property
    def tank_plans(self) -> dict[str, TankPlan]:
        """Every water tank's band, draws and targets (tanks are always planned)."""
        axis = self.inputs.axis
        return {
            t.id: tank_plan(self.home, axis, t, self.requests, self.modes)
            for t in self.home.water_tanks
        }

    @cached_property
    def heat_pump_plans(self) -> dict[str, HeatPumpPlan]:
        """Every heat pump's comfort band (heat pumps are always planned)."""
        axis = self.inputs.axis
        return {
            h.id: heat_pump_plan(self.home, axis, h, self.requests, self.modes)
            for h in self.home.heat_pumps
        }

    def outdoor_temp_c(self) -> np.ndarray:
        """Outdoor temperature per step [°C] (the inputs hold one whenever a heat pump exists)."""
        values = self.inputs.outdoor_temp_c
        assert values is not None, "build_inputs requires an outdoor temperature for heat pumps"
        return values

    @property
    def n_steps(self) -> int:
        return self.inputs.axis.n_steps

    @property
    def step_hours(self) -> float:
        return self.inputs.axis.step_hours

    def request_for(self, device_id: str) -> ResolvedRequest | None:
        """The request of an EV or appliance (the battery's: see :meth:`battery_requests`)."""
        return next((r for r in self.requests if r.device == device_id), None)

    @property
    def device_requests(self) -> tuple[ResolvedRequest, ...]:
        """Requests of the battery, EVs and appliances; not the settings of standing devices
        (tank targets, comfort bands) or of the whole home (modes), which the heat builders
        read from :attr:`tank_plans`, :attr:`heat_pump_plans` and :attr:`modes`."""
        return tuple(r for r in self.requests if r.request.kind not in HEAT_KINDS)

    def battery_requests(self) -> list[ResolvedRequest]:
        """The home battery's requests (at most one of each battery kind)."""
        battery = self.home.battery
        if battery is None:
            return []
        return [r for r in self.device_requests if r.device == battery.id]

    def load_requests(self) -> list[ResolvedRequest]:
        """The requests of devices that draw power of their own when asked (EVs, appliances)."""
        battery = self.home.battery
        return [r for r in self.device_requests if battery is None or r.device != battery.id]


@dataclass(frozen=True)
class Schedule:
    """Per-step powers of a schedule [kW] (mean over each step) and battery SoC [kWh].

    ``battery_soc_kwh`` has ``n_steps + 1`` values: the state at every step boundary.
    ``device_kw`` holds every requested EV and appliance and every standing device (water
    tanks, heat pumps, daily loads); ``temperature_c`` the temperature of each tank and heated
    room at every boundary (``n_steps + 1`` values) [°C].
    """

    grid_import_kw: np.ndarray
    grid_export_kw: np.ndarray
    pv_curtailed_kw: np.ndarray
    battery_charge_kw: np.ndarray
    battery_discharge_kw: np.ndarray
    battery_soc_kwh: np.ndarray
    device_kw: dict[str, np.ndarray]
    temperature_c: dict[str, np.ndarray] = field(default_factory=dict)
    shed_kwh: dict[str, float] = field(default_factory=dict)
    """kWh-equivalents each device fell short under a demand-response event (shed)."""
