"""Typed results about heat: each thermal device's band and line, the weather used, the modes
in force, and what taking part in a demand-response event costs and earns.

Built by :mod:`tools.heat_report` from the audited schedule, so the card, the chart, the replies
and the JSON quote the same values.
"""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Band(_Strict):
    """A thermal device's allowed band at every step boundary (``n_steps + 1`` values) [°C]."""

    min_temp_c: list[float]
    max_temp_c: list[float]


class ThermalLine(_Strict):
    """One tank or heated room in the plan, for the card and the replies."""

    device: str
    name: str
    kind: Literal["water_tank", "heat_pump"]
    energy_kwh: float = Field(description="Electricity it draws over the horizon [kWh].")
    cost: float = Field(description="That energy at the import price of each step [currency].")
    min_temp_c: float = Field(description="Coldest it gets in the plan [°C].")
    max_temp_c: float = Field(description="Warmest it gets in the plan [°C].")
    below_band_kh: float = Field(
        description="Kelvin-hours below the band's lower edge (above the upper, cooling) [K·h]: "
        "0 unless a demand-response event sheds comfort or it starts outside its band."
    )
    text: str = Field(description="The line in words.")


class ModeSpan(_Strict):
    """An operation mode (eco, comfort, away) in force from ``start`` to ``end``."""

    mode: str
    start: AwareDatetime
    end: AwareDatetime


class HeatSummary(_Strict):
    """Heat in the plan: the weather used, the modes in force and one line per thermal device."""

    outdoor_temp_source: str | None = Field(description="Where the outdoor temperature came from.")
    wind_speed_source: str | None = Field(description="Where the wind speed came from.")
    modes: list[ModeSpan]
    lines: list[ThermalLine]


class ShedItem(_Strict):
    """One request a demand-response plan leaves short."""

    device: str
    name: str
    priority: str
    shortfall_kwh: float = Field(description="Energy (or heat-equivalent) not delivered [kWh].")
    text: str = Field(description="What falls short, in words.")


class EventResult(_Strict):
    id: str
    start: AwareDatetime
    end: AwareDatetime
    ask: str = Field(description="What the event asks, in words.")
    reference_kwh: float = Field(description="Import over the window without taking part [kWh].")
    import_kwh: float = Field(description="Import over the window in this plan [kWh].")
    reduced_kwh: float = Field(description="reference_kwh − import_kwh [kWh].")
    earned: float = Field(description="incentive × reduced_kwh [currency].")


class DemandResponseSummary(_Strict):
    """What taking part costs and earns, against the same plan without the events."""

    events: list[EventResult]
    cost_without: float = Field(description="Net cost of the plan without taking part [currency].")
    cost_with: float = Field(description="Net cost of this plan before the incentive [currency].")
    earned: float = Field(description="Incentives over all events [currency].")
    net_gain: float = Field(description="cost_without − (cost_with − earned) [currency].")
    shed: list[ShedItem] = Field(description="Requests left short, lowest priority first.")
    comfort: list[str] = Field(description="What taking part does to each room and tank.")
    message: str
