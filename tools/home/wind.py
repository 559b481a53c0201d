"""Small wind turbines: a data-sheet power curve and the wind shear up to the hub."""

from __future__ import annotations

import itertools
from typing import Annotated, Literal

from pydantic import Field, model_validator

from tools.home.clock import Frozen


class CurvePoint(Frozen):
    wind_speed_m_s: float = Field(ge=0, le=60, description="Wind speed at hub height [m/s].")
    power_kw: float = Field(ge=0, le=1000, description="AC output at that speed [kW].")


class PowerLawShear(Frozen):
    """``v_hub = v_10 · (h_hub / 10 m)^alpha`` (Hellman); alpha ≈ 1/7 over open land, ~0.25 to
    0.4 among houses and trees."""

    type: Literal["power_law"]
    alpha: float = Field(default=1 / 7, gt=0, lt=1, description="Hellman exponent [-].")


class LogShear(Frozen):
    """``v_hub = v_10 · ln(h_hub / z0) / ln(10 m / z0)`` with roughness length ``z0`` [m]
    (0.03 open farmland, 0.5–1 suburbs)."""

    type: Literal["log"]
    roughness_length_m: float = Field(gt=0, lt=5, description="Roughness length z0 [m].")


ShearSpec = Annotated[PowerLawShear | LogShear, Field(discriminator="type")]


class WindTurbine(Frozen):
    """A small wind turbine. Output follows the data sheet's curve (points interpolated
    linearly), is zero below ``cut_in_m_s`` and at or above ``cut_out_m_s``, and never exceeds
    ``rated_kw``."""

    name: str = Field(default="wind", min_length=1)
    hub_height_m: float = Field(gt=0, le=200, description="Hub height above ground [m].")
    cut_in_m_s: float = Field(gt=0, le=10, description="Speed where it starts producing [m/s].")
    rated_m_s: float = Field(gt=0, le=30, description="Speed of rated output [m/s].")
    cut_out_m_s: float = Field(gt=0, le=60, description="Speed where it stops for safety [m/s].")
    rated_kw: float = Field(gt=0, le=1000, description="Rated AC output [kW].")
    power_curve: tuple[CurvePoint, ...] = Field(
        default=(),
        description="Data-sheet points between cut-in and rated; empty = a cubic rise from "
        "cut-in to rated.",
    )
    shear: ShearSpec = PowerLawShear(type="power_law")

    @model_validator(mode="after")
    def _check(self) -> WindTurbine:
        if not self.cut_in_m_s < self.rated_m_s < self.cut_out_m_s:
            raise ValueError(
                f"need cut_in_m_s < rated_m_s < cut_out_m_s, got {self.cut_in_m_s:g}, "
                f"{self.rated_m_s:g}, {self.cut_out_m_s:g}"
            )
        speeds = [p.wind_speed_m_s for p in self.power_curve]
        if any(b <= a for a, b in itertools.pairwise(speeds)):
            raise ValueError("power_curve speeds must increase")
        for p in self.power_curve:
            if p.power_kw > self.rated_kw + 1e-9:
                raise ValueError(
                    f"power_curve at {p.wind_speed_m_s:g} m/s gives {p.power_kw:g} kW, above "
                    f"rated_kw {self.rated_kw:g}"
                )
        return self
