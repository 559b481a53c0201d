"""Typed results of the planning core: plans, diagnoses and conflicts.

These models cross every boundary (CLI JSON, agent tools, UI, plan store), so they are pydantic,
frozen and strict. Times are ISO 8601 with the home's UTC offset; powers in kW, energies in kWh,
money in the tariff's currency.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from tools.heat_results import Band, DemandResponseSummary, HeatSummary
from tools.requests import DeviceRequest

RunKind = Literal["ev_charge", "appliance_run", "water_tank", "heat_pump", "daily_load"]
CommitmentKind = Literal[
    "ev_charge", "appliance_run", "battery", "water_tank", "heat_pump", "daily_load", "mode"
]
SolveStatus = Literal["optimal", "feasible", "infeasible", "timed_out", "error"]
PlanBasis = Literal["optimised", "as_soon_as_allowed", "baseline"]
Severity = Literal["info", "warning", "error"]
ConflictKind = Literal[
    "grid_limit",
    "quiet_hours",
    "dependency_order",
    "overlap",
    "battery_reserve",
    "nothing_to_do",
    "window",
]


class Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Segment(Strict):
    """A stretch of constant power of one device."""

    start: AwareDatetime
    end: AwareDatetime
    power_kw: float = Field(description="Mean power [kW]; negative = battery discharging.")


class Commitment(Strict):
    """One device's approved part of the active plan (see :mod:`tools.commitments`).

    Attributes
    ----------
    device:
        Device id from the home file.
    name:
        The device's name from the home file ("Family car").
    kind:
        The kind of run, as :class:`DeviceRun` names it (``ev_charge``, ``appliance_run``,
        ``battery``, ``water_tank``, ``heat_pump``, ``daily_load``), or ``mode`` for the whole
        home's operation mode (device ``home``).
    requests:
        What the homeowner asked of the device and approved (targets, deadlines, windows); the
        battery may have one request of each kind, other devices one.
    segments:
        The approved run as stretches of constant power [kW], in time order.
    energy_kwh:
        Energy of the approved run [kWh] (battery: net, charging positive).
    cost:
        That energy at the import prices of the approved plan [currency].
    plan_number:
        The plan store's number of the plan version that was approved ("plan 3"); ``None``
        before it is stored.
    approved_by, approved_at:
        Who approved it and when; ``None`` before approval.
    """

    device: str
    name: str = Field(default="", description="The device's name from the home file.")
    kind: CommitmentKind
    requests: list[DeviceRequest] = []
    segments: list[Segment] = []
    energy_kwh: float = Field(default=0.0, description="Energy of the approved run [kWh].")
    cost: float = Field(
        default=0.0, description="The run's energy at the approved plan's import prices [currency]."
    )
    plan_number: int | None = None
    approved_by: str | None = None
    approved_at: AwareDatetime | None = None

    @property
    def start(self) -> datetime | None:
        """Start of the first segment, or ``None`` for a run with no power."""
        return self.segments[0].start if self.segments else None

    @property
    def end(self) -> datetime | None:
        """End of the last segment, or ``None`` for a run with no power."""
        return self.segments[-1].end if self.segments else None

    def pending_at(self, moment: datetime) -> bool:
        """Whether the run, or a request's deadline, still lies after ``moment``."""
        if self.end is not None and self.end > moment:
            return True
        return any(r.deadline is not None and r.deadline > moment for r in self.requests)


class DeviceRun(Strict):
    """One requested device's part of the plan: first start to last end, its energy and what
    the share of it taken from the grid costs (see :mod:`tools.costs`)."""

    device: str
    kind: RunKind
    start: AwareDatetime
    end: AwareDatetime
    energy_kwh: float = Field(description="Energy drawn from the home's supply [kWh].")
    grid_energy_kwh: float = Field(
        description="Of that, the energy from the grid (pro rata with the other loads) [kWh]."
    )
    cost: float = Field(
        description="That grid energy at the import price of each step [currency]; PV and "
        "battery energy are free here (the battery's charging is paid on its own row)."
    )


class BatteryRequestResult(Strict):
    """How the plan meets one battery request (its line in the plan)."""

    kind: Literal["battery_target", "battery_floor", "battery_no_ev_discharge"]
    start: AwareDatetime = Field(description="Start of the period (a target: now).")
    end: AwareDatetime = Field(description="The deadline, or the end of the period.")
    requested_soc_pct: float | None = Field(
        default=None, description="The target or the floor asked for [%]."
    )
    planned_soc_pct: float | None = Field(
        default=None,
        description="Target: the plan's SoC at the deadline; floor: its lowest SoC in the "
        "period [%].",
    )
    largest_discharge_kw: float | None = Field(
        default=None,
        description='"Not into the car": the most the battery gives in a step of the period [kW].',
    )


CostItem = Literal[
    "device", "committed", "base_load", "battery", "pv", "grid_export", "demand_charge"
]


class CostLine(Strict):
    """One row of the plan's cost table. The rows' ``cost`` add up to the plan's cost exactly,
    also after rounding to cents (``tools.formatting.apportion``)."""

    item: str = Field(
        description="Device id (a requested device, or an approved run held: kind committed), "
        "or base_load, battery, pv, grid_export, demand_charge."
    )
    kind: CostItem
    energy_kwh: float = Field(
        description="Energy consumed (devices, base load, battery charging), produced (PV) or "
        "exported [kWh]; 0 for the demand charge."
    )
    grid_energy_kwh: float = Field(description="Of that, the energy from the grid [kWh].")
    cost: float = Field(description="[currency]; negative for export revenue.")
    cost_cents: float = Field(
        description="cost rounded so the rows add up to the rounded plan cost [currency]."
    )


class SavingsSplit(Strict):
    """The saving against the naive baseline in two parts that add up to it exactly.

    ``timing`` = cost of the requested loads as soon as allowed − at their planned times, the
    battery in self-consumption mode in both; ``battery_pv`` = cost of the planned loads with
    the battery in self-consumption − the plan (its battery, curtailment and export plan for the
    whole home). The battery's trading is never credited to a request.
    """

    timing: float = Field(description="What the requests' timing saves [currency].")
    battery_pv: float = Field(
        description="What the battery and PV plan saves for the whole home [currency]."
    )


class StepSeries(Strict):
    """Per-step values on the planning axis (the chart's data)."""

    step_minutes: int
    times: list[AwareDatetime] = Field(description="Step start times.")
    import_price_per_kwh: list[float]
    export_price_per_kwh: list[float]
    pv_kw: list[float] = Field(description="PV available [kW].")
    pv_curtailed_kw: list[float]
    base_load_kw: list[float]
    grid_import_kw: list[float]
    grid_export_kw: list[float]
    battery_charge_kw: list[float]
    battery_discharge_kw: list[float]
    battery_soc_pct: list[float] = Field(description="SoC at each step boundary (n_steps + 1).")
    device_kw: dict[str, list[float]] = Field(description="Power of each EV and appliance [kW].")
    committed_kw: dict[str, list[float]] = Field(
        default={},
        description="Power of each already approved run held fixed in this plan [kW] (not in "
        "base_load_kw).",
    )
    co2_g_per_kwh: list[float] | None = None
    wind_kw: list[float] | None = Field(default=None, description="Wind power available [kW].")
    outdoor_temp_c: list[float] | None = Field(
        default=None, description="Outdoor temperature per step [°C]."
    )
    tank_temp_c: dict[str, list[float]] = Field(
        default={}, description="Each water tank's temperature at every step boundary [°C]."
    )
    indoor_temp_c: dict[str, list[float]] = Field(
        default={}, description="Each heat pump's room temperature at every step boundary [°C]."
    )
    comfort_band_c: dict[str, Band] = Field(
        default={}, description="Each thermal device's band at every step boundary [°C]."
    )


class CostBreakdown(Strict):
    energy_cost: float = Field(description="Import energy cost [currency].")
    export_revenue: float = Field(description="Export revenue [currency].")
    demand_charge: float = Field(description="Peak import × demand charge [currency].")
    peak_import_kw: float
    co2_kg: float | None = Field(default=None, description="Emissions of the import [kg].")
    stored_energy_adjustment: float = Field(
        default=0.0,
        description="Battery energy this schedule leaves short of the plan's at the horizon end, "
        "valued at what refilling it costs at the horizon's cheapest import price [currency] "
        "(baseline only).",
    )

    @property
    def total(self) -> float:
        return (
            self.energy_cost
            - self.export_revenue
            + self.demand_charge
            + self.stored_energy_adjustment
        )


class InputSource(Strict):
    """Where one planning input came from, and when it was fetched.

    ``source`` names it in plain words ("aWATTar day-ahead prices", "the home file's fallback
    prices", "Open-Meteo forecast", "standard household profile (BDEW H0, 3500 kWh/a)");
    ``fetched_at`` is when a provider delivered it (``None`` for data from the home file);
    ``note`` says what a homeowner should know, e.g. "live prices unavailable since 14:00".
    """

    source: str = Field(description="Where the input came from, in plain words.")
    fetched_at: AwareDatetime | None = Field(
        default=None, description="When a provider delivered it; None for home-file data."
    )
    note: str | None = Field(default=None, description="What the homeowner should know about it.")


class Plan(Strict):
    """A proposed schedule: what runs when, what it costs, and what doing nothing smart costs."""

    id: str
    home: str
    now: AwareDatetime
    horizon_start: AwareDatetime
    horizon_end: AwareDatetime
    step_minutes: int
    currency: str
    cost: float = Field(description="Net cost of the plan [currency].")
    baseline_cost: float = Field(description="Net cost of the naive schedule [currency].")
    baseline_valid: bool = Field(
        default=True,
        description="Whether the naive schedule keeps every rule of the home (grid limits, the "
        "battery's SoC limits, …); when not, baseline_cost is a comparison, not a plan.",
    )
    saving: float = Field(description="baseline_cost − cost [currency].")
    savings: SavingsSplit
    breakdown: CostBreakdown
    baseline_breakdown: CostBreakdown
    solve_status: SolveStatus
    solve_seconds: float
    solve_gap: float | None = Field(
        default=None,
        description="When the time limit stopped the search: how much more than the best "
        "possible this plan may cost, at most [currency] (None when proven optimal, when the "
        "solver reports no bound, or when the objective is not money alone).",
    )
    solve_gap_pct: float | None = Field(
        default=None,
        description="The same gap as a share of the plan's objective [%] (None as above, or "
        "when the objective is not positive).",
    )
    basis: PlanBasis = Field(
        default="optimised",
        description="optimised (the optimiser's plan), as_soon_as_allowed (the search found "
        "nothing better than every load as soon as allowed, with the battery planned) or "
        "baseline (the naive schedule itself: the optimiser's plan would have cost more).",
    )
    solver: str
    requests: list[DeviceRequest]
    devices: dict[str, list[Segment]]
    runs: list[DeviceRun]
    battery_requests: list[BatteryRequestResult] = Field(
        default=[], description="How the plan meets each battery request."
    )
    cost_lines: list[CostLine] = Field(
        description="The cost table: requested devices, base load, battery, PV, grid export "
        "(and demand charge); the rows add up to the cost."
    )
    series: StepSeries
    inputs: dict[str, InputSource] = Field(
        default={},
        description="Source and fetch time of each input: prices, export_prices, weather, "
        "base_load (and others that parts of Hearth add).",
    )
    heat: HeatSummary | None = Field(
        default=None, description="Tanks, heat pumps, weather and modes; None without them."
    )
    demand_response: DemandResponseSummary | None = Field(
        default=None, description="What taking part in demand-response events costs and earns."
    )
    committed: list[Commitment] = Field(
        default=[],
        description="Already approved runs of other devices, held as fixed loads in this plan; "
        "approving the plan keeps them.",
    )
    committed_runs: list[DeviceRun] = Field(
        default=[],
        description="The part of each committed run inside this plan's horizon, with its energy "
        "and its cost at this plan's prices.",
    )
    released: list[Commitment] = Field(
        default=[],
        description="Approved runs this plan cancels: approving it withdraws them.",
    )
    device_names: dict[str, str] = Field(
        default={},
        description="Each device's name from the home file, by id (for text shown to people).",
    )

    def label(self, device_id: str) -> str:
        """The device's name, else its id with spaces."""
        return self.device_names.get(device_id) or device_id.replace("_", " ")


class Alternative(Strict):
    """Something achievable instead of what was asked."""

    description: str
    device: str
    target_soc_pct: float | None = None
    floor_soc_pct: float | None = None
    energy_kwh: float | None = None
    deadline: AwareDatetime | None = None
    earliest_start: AwareDatetime | None = None

    def change(self) -> dict[str, Any]:
        """The request fields this alternative sets (a target or energy, deadline, earliest
        start), for ``request.model_copy(update=...)``."""
        return {key: getattr(self, key) for key in ("target_soc_pct", "energy_kwh", "deadline", "earliest_start")
                if getattr(self, key) is not None}


class BindingConstraint(Strict):
    kind: str = Field(
        description="Slug, e.g. ev_charger_power, appliance_window, grid_import_limit."
    )
    device: str | None
    message: str
    alternatives: list[Alternative] = []


class Diagnosis(Strict):
    """Why the requests cannot all be met, and what can be done instead."""

    message: str
    binding: list[BindingConstraint]


class Conflict(Strict):
    kind: ConflictKind
    severity: Severity
    message: str
    resolutions: list[str] = []
    devices: list[str] = []


class ScheduleOutcome(Strict):
    """What ``schedule`` returns: a plan, or a diagnosis, with the conflicts either way."""

    status: Literal["proposed", "infeasible", "error"]
    message: str
    requests: list[DeviceRequest] = Field(
        default=[], description="The requests with their defaults made explicit."
    )
    plan: Plan | None = None
    diagnosis: Diagnosis | None = None
    conflicts: list[Conflict] = []
    solve_status: SolveStatus
