"""The base-load section: hourly profile, standard household profile, a series, or learned from
the meter."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from tools.home.clock import Frozen


class HourlyBaseLoad(Frozen):
    """24 hourly mean powers [kW] by local hour, the same every day."""

    type: Literal["hourly"]
    power_kw: tuple[float, ...] = Field(min_length=24, max_length=24)

    @field_validator("power_kw")
    @classmethod
    def _non_negative(cls, values: tuple[float, ...]) -> tuple[float, ...]:
        for i, v in enumerate(values):
            if not 0 <= v <= 100:
                raise ValueError(f"hour {i}: must be between 0 and 100 kW, got {v:g}")
        return values


class StandardBaseLoad(Frozen):
    """The BDEW H0 standard household profile scaled to ``annual_kwh``."""

    type: Literal["standard"]
    annual_kwh: float = Field(gt=0, le=100_000, description="Yearly household consumption [kWh].")


class SeriesBaseLoad(Frozen):
    """Base load [kW] from a CSV/JSON series file (e.g. a forecast from a smart meter)."""

    type: Literal["series"]
    file: str
    value_column: str | None = None
    repeat_daily: bool = False


class LearnedBaseLoad(Frozen):
    """A base load forecast learned from the household's smart-meter history.

    ``file`` holds timestamps and either the energy of each interval [kWh] (``unit: kwh``) or the
    mean power over it [kW] (``unit: kw``), at any regular or irregular step. The forecast is a
    same-weekday, same-hour profile with recency weights (:mod:`tools.baseload_learned`); it is
    checked against the standard profile on the history's last week and the better one is used.
    """

    type: Literal["learned"]
    file: str = Field(description="Meter history CSV/JSON, relative to the home file.")
    unit: Literal["kwh", "kw"] = Field(
        description="kwh: energy per interval [kWh]; kw: mean power per interval [kW]."
    )
    value_column: str | None = None
    half_life_weeks: float = Field(
        default=2.0, gt=0, le=52,
        description="A week this many weeks older than the latest counts half as much [weeks].",
    )


BaseLoadSpec = Annotated[
    HourlyBaseLoad | StandardBaseLoad | SeriesBaseLoad | LearnedBaseLoad,
    Field(discriminator="type"),
]
