"""Typed results of the planning core: plans, diagnoses and conflicts.

These models cross every boundary (CLI JSON, agent tools, UI, plan store), so they are pydantic,
frozen and strict. Times are ISO 8601 with the home's UTC offset; powers in kW, energies in kWh,
money in the tariff's currency.
"""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from tools.heat_results import Band, DemandResponseSummary, HeatSummary
from tools.requests import DeviceRequest

SolveStatus = Literal["optimal", "feasible", "infeasible", "timed_out", "error"]
Severity = Literal["info", "warning", "error"]
ConflictKind = Literal[
    "grid_limit",
    "quiet_hours",
    "dependency_order",
    "overlap",
    "battery_reserve",
    "active_plan",
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


class DeviceRun(Strict):
    """One device's part of the plan, for the table: first start to last end."""

    device: str
    kind: Literal["ev_charge", "appliance_run", "battery", "water_tank", "heat_pump", "daily_load"]
    start: AwareDatetime
    end: AwareDatetime
    energy_kwh: float = Field(description="Energy drawn from the home's supply [kWh].")
    cost: float = Field(
        description="That energy priced at the import price of each step [currency]."
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
    saving: float = Field(description="baseline_cost − cost [currency].")
    breakdown: CostBreakdown
    baseline_breakdown: CostBreakdown
    solve_status: SolveStatus
    solve_seconds: float
    solver: str
    requests: list[DeviceRequest]
    devices: dict[str, list[Segment]]
    runs: list[DeviceRun]
    series: StepSeries
    heat: HeatSummary | None = Field(
        default=None, description="Tanks, heat pumps, weather and modes; None without them."
    )
    demand_response: DemandResponseSummary | None = Field(
        default=None, description="What taking part in demand-response events costs and earns."
    )


class Alternative(Strict):
    """Something achievable instead of what was asked."""

    description: str
    device: str
    target_soc_pct: float | None = None
    energy_kwh: float | None = None
    deadline: AwareDatetime | None = None
    earliest_start: AwareDatetime | None = None


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
