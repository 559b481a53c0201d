"""The tools' typed arguments and results (pydantic, ``extra="forbid"``): what a model reads and writes."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from agents.session import MissingFact
from tools.requests import DeviceRequest
from tools.results import InputSource


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NoArgs(StrictModel):
    """This tool takes no arguments."""


class ToolOutput(StrictModel):
    ok: bool = Field(default=True, description="False when the call failed; see error.")


class ToolFailure(ToolOutput):
    """A tool call that could not be carried out, with the reason to act on."""

    ok: bool = False
    tool: str
    error: str = Field(description="What is wrong and, where it helps, what would be accepted.")
    field: str | None = Field(default=None, description="The argument or fact at fault.")


class RequestChange(StrictModel):
    """What the homeowner wants of one device. Fields left out keep their draft value.

    The home battery takes one request of each kind: a target (``target_soc_pct`` or
    ``charge_full`` + ``deadline``), a floor (``floor_soc_pct`` from ``earliest_start`` to
    ``deadline``) and "not into the car" (``no_ev_discharge``); one kind per change. A floor or
    "not into the car" without times holds from now to the horizon end.
    """

    device: str = Field(description="Device id (or a name the homeowner used).")
    deadline: str | None = Field(
        default=None,
        description="Done by: 'HH:MM' (next such local time), 'tomorrow HH:MM', '+3h', ISO 8601, "
        "or 'horizon_end' if the homeowner leaves it open. Needed for a new device.",
    )
    earliest_start: str | None = Field(default=None, description="Not before: as deadline, or 'now'.")
    target_soc_pct: float | None = Field(default=None, ge=0, le=100, description="Target SoC [%].")
    charge_full: bool | None = Field(default=None, description="Charge to the device's limit.")
    energy_kwh: float | None = Field(default=None, gt=0, le=500, description="Energy to add [kWh].")
    floor_soc_pct: float | None = Field(
        default=None, ge=0, le=100,
        description="Battery only: keep at least this SoC [%] from earliest_start to deadline.",
    )
    no_ev_discharge: bool | None = Field(
        default=None,
        description="Battery only: true = it may not supply the cars from earliest_start to "
        "deadline; false withdraws that rule.",
    )
    objective: Literal["cost", "co2", "asap"] | None = Field(
        default=None, description="cost (cheapest), co2 (greenest), asap."
    )
    target_temp_c: float | None = Field(
        default=None, ge=20, le=95,
        description="Water tank: at least this hot by the deadline [°C] ('hot water by 7').",
    )
    draw_litres: float | None = Field(
        default=None, gt=0, le=2000,
        description="Water tank: hot water used at the deadline [l] (a bath ≈ 150, a shower ≈ 50).",
    )
    min_temp_c: float | None = Field(
        default=None, ge=-10, le=40, description="Heat pump: coldest indoors from earliest_start to deadline [°C]."
    )
    max_temp_c: float | None = Field(
        default=None, ge=-10, le=45, description="Heat pump: warmest indoors in that period [°C]."
    )
    mode: Literal["eco", "comfort", "away"] | None = Field(
        default=None,
        description="With device 'home': the operation mode from earliest_start to deadline "
        "('we're away until Friday' = away until Friday 00:00).",
    )


class UpdateRequestsArgs(StrictModel):
    upsert: list[RequestChange] = Field(default_factory=list, description="Add or change.")
    cancel: list[str] = Field(
        default_factory=list, description="Device ids to withdraw (the battery: all its requests)."
    )
    clear_all: bool = Field(default=False, description="Withdraw every request first.")


class DraftResult(ToolOutput):
    requests: list[DeviceRequest] = Field(description="The whole draft after the change.")
    changed: list[str] = Field(description="Device ids added or changed.")
    cancelled: list[str] = Field(description="Device ids withdrawn.")
    horizon_end: datetime = Field(description="End of the planning horizon.")


class AskArgs(StrictModel):
    question: str = Field(min_length=3, max_length=300, description="One short question.")
    missing: list[MissingFact] = Field(min_length=1, description="What the question is about.")


class QuestionRecorded(ToolOutput):
    question: str
    missing: list[MissingFact]


class RunView(StrictModel):
    device: str
    name: str
    start: datetime
    end: datetime
    energy_kwh: float = Field(description="Energy the device draws [kWh].")
    grid_energy_kwh: float = Field(
        description="Of that, from the grid (shared pro rata with the home's other loads) [kWh]."
    )
    cost: float = Field(description="That grid energy at the import price [currency]; PV and "
                        "battery energy are free here.")


class BatteryRequestView(StrictModel):
    """How the plan meets one battery request."""

    kind: str = Field(description="battery_target, battery_floor or battery_no_ev_discharge.")
    start: datetime
    end: datetime
    requested_soc_pct: float | None = Field(default=None, description="Target or floor asked [%].")
    planned_soc_pct: float | None = Field(
        default=None, description="SoC at the deadline (target) or lowest in the period (floor) [%]."
    )
    largest_discharge_kw: float | None = Field(
        default=None, description="Most the battery gives in a step while kept from the cars [kW]."
    )


class ConflictView(StrictModel):
    kind: str
    severity: Literal["info", "warning", "error"]
    message: str
    resolutions: list[str]


class AlternativeView(StrictModel):
    description: str


class BindingView(StrictModel):
    kind: str
    device: str | None
    message: str
    alternatives: list[AlternativeView]


class DiagnosisView(StrictModel):
    message: str
    binding: list[BindingView]


class PlanView(ToolOutput):
    """A proposal or plan as the agents see it: runs, money and conflicts, no per-step series."""

    status: Literal["proposed", "infeasible", "error", "active", "none"]
    message: str
    plan_id: str | None = None
    solve_status: str | None = None
    currency: str
    solve_gap: float | None = Field(
        default=None, description="Not proven optimal: the plan costs at most this much more "
        "than the best possible [currency]."
    )
    solve_gap_pct: float | None = Field(
        default=None, description="Not proven optimal: at most this far above the best possible "
        "cost [% of the cost]."
    )
    basis: str | None = Field(
        default=None, description="optimised, as_soon_as_allowed (nothing better found in time) "
        "or baseline (the naive schedule is proposed: nothing cheaper found)."
    )
    cost: float | None = None
    baseline_cost: float | None = Field(
        default=None, description="Cost if every load ran as soon as it may, the battery in "
        "self-consumption [currency]."
    )
    baseline_valid: bool | None = Field(
        default=None, description="False: running everything as soon as possible breaks the "
        "home's limits, so baseline_cost is a comparison, not a plan."
    )
    saving: float | None = Field(default=None, description="baseline_cost − cost [currency].")
    saving_pct_of_baseline: float | None = Field(
        default=None, description="saving as a share of baseline_cost [%]."
    )
    timing_saving: float | None = Field(
        default=None, description="Part of the saving from the requests' timing: the requested "
        "loads as soon as allowed vs as planned, the battery in self-consumption in both [currency]."
    )
    battery_pv_saving: float | None = Field(
        default=None, description="Part of the saving from the battery and PV plan for the whole "
        "home (not from any request) [currency]; timing_saving + battery_pv_saving = saving."
    )
    horizon_start: datetime | None = None
    horizon_end: datetime | None = None
    runs: list[RunView] = Field(default_factory=list)
    battery_requests: list[BatteryRequestView] = Field(default_factory=list)
    requests: list[DeviceRequest] = Field(default_factory=list)
    conflicts: list[ConflictView] = Field(default_factory=list)
    diagnosis: DiagnosisView | None = None
    standing: list[str] = Field(
        default_factory=list,
        description="Standing orders this plan includes (requests the homeowner approved once).",
    )
    inputs: list[str] = Field(
        default_factory=list,
        description="What the homeowner should know about the inputs, e.g. live prices unavailable.",
    )
    heat: list[str] = Field(
        default_factory=list,
        description="One line per water tank and heat pump: energy and temperatures reached.",
    )
    demand_response: str | None = Field(
        default=None, description="What taking part in a demand-response event costs and earns."
    )


class ForecastSummary(ToolOutput):
    horizon_start: datetime
    horizon_end: datetime
    horizon_hours: float
    currency: str
    import_price_min_per_kwh: float
    import_price_min_at: datetime
    import_price_max_per_kwh: float
    import_price_max_at: datetime
    import_price_mean_per_kwh: float
    export_price_min_per_kwh: float
    export_price_max_per_kwh: float
    pv_energy_kwh: float
    pv_peak_kw: float
    pv_peak_at: datetime | None
    base_load_energy_kwh: float
    base_load_peak_kw: float
    co2_min_g_per_kwh: float | None = None
    co2_min_at: datetime | None = None
    co2_max_g_per_kwh: float | None = None
    co2_max_at: datetime | None = None
    cloud_cover_mean_pct: float | None = Field(
        default=None, description="Mean total cloud cover over the horizon [%]; None = clear sky."
    )
    air_temperature_min_c: float | None = Field(default=None, description="Lowest air temperature [°C].")
    air_temperature_max_c: float | None = Field(default=None, description="Highest air temperature [°C].")
    sources: dict[str, InputSource] = Field(
        default_factory=dict,
        description="Where prices, export prices, weather and base load came from, and when "
        "they were fetched.",
    )


class ExplainArgs(StrictModel):
    device: str | None = Field(default=None, description="Device id to explain.")
    at: str | None = Field(default=None, description="A time asked about: 'HH:MM' or ISO 8601.")


class Explanation(ToolOutput):
    """Why a device runs when it does: prices and PV at its run against its alternatives."""

    plan_id: str
    device: str
    name: str
    currency: str
    start: datetime
    end: datetime
    energy_kwh: float
    cost_at_grid_price: float = Field(
        description="The run's energy at the import price of its steps, as if all from the grid "
        "[currency] (the plan's table charges only the grid share)."
    )
    mean_price_per_kwh: float = Field(description="Energy-weighted import price of the run.")
    pv_energy_kwh_during_run: float = Field(description="PV produced during the run [kWh].")
    window_start: datetime = Field(description="Earliest time the device could start.")
    window_end: datetime = Field(description="When it has to be done.")
    window_price_min_per_kwh: float
    window_price_min_at: datetime
    window_price_max_per_kwh: float
    window_price_max_at: datetime
    asap_start: datetime = Field(description="Start if it ran as soon as allowed.")
    asap_cost_at_grid_price: float = Field(
        description="The same run started at asap_start, at the import price [currency]."
    )
    asap_mean_price_per_kwh: float
    saving_vs_asap: float = Field(
        description="asap_cost_at_grid_price − cost_at_grid_price [currency]."
    )
    at: datetime | None = None
    price_at_per_kwh: float | None = None
    pv_kw_at: float | None = None
    running_at: list[str] = Field(default_factory=list, description="Devices running at 'at' (names).")


class WhatIfArgs(UpdateRequestsArgs):
    adopt: bool = Field(default=False, description="Make it the proposal (only if asked).")


class WhatIfResult(PlanView):
    compared_with: str | None = Field(description="Id of the current proposal, if any.")
    cost_difference: float | None = Field(
        default=None, description="cost − current proposal's cost [currency]."
    )
    adopted: bool


class ConflictReport(ToolOutput):
    plan_id: str | None
    conflicts: list[ConflictView]
    errors: int
    warnings: int
    changed_since_proposal: bool = Field(
        description="True when the re-check differs from what the scheduler reported."
    )
    note: str | None = None


class ReplyCheck(ToolOutput):
    """Whether every number and time in the coordinator's reply appears in a tool result."""

    checked: list[str]
    unverified: list[str]
    verified: bool
    note: str | None = None
