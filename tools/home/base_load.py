"""The base-load section: hourly profile, standard household profile, or a series."""

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


BaseLoadSpec = Annotated[
    HourlyBaseLoad | StandardBaseLoad | SeriesBaseLoad, Field(discriminator="type")
]
