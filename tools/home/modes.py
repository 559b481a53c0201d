"""Operation modes: named presets over the comfort bands and the objective's weights.

``comfort`` keeps every band as the home file says and values warmth up to the middle of the
band; ``eco`` widens the bands towards saving (heating 1 K lower, cooling 1 K higher) and values
CO2; ``away`` holds a frost- and heat-protection band, draws no hot water and lets the tank cool
to ``tank_min_temp_c``. A home file may override any preset; a ``mode`` request switches the
mode for a period ("we're away until Friday").
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from tools.home.clock import Frozen

ModeName = Literal["eco", "comfort", "away"]
MODE_NAMES: tuple[ModeName, ...] = ("eco", "comfort", "away")


class ModePreset(Frozen):
    """What a mode changes. Offsets shift every comfort band (both its ends)."""

    heating_offset_k: float = Field(
        default=0.0, ge=-15, le=5, description="Added to heating bands [K] (eco: −1)."
    )
    cooling_offset_k: float = Field(
        default=0.0, ge=-5, le=15, description="Added to cooling bands [K] (eco: +1)."
    )
    band_min_temp_c: float | None = Field(
        default=None, ge=-10, le=40, description="Replaces every band's minimum [°C] (away)."
    )
    band_max_temp_c: float | None = Field(
        default=None, ge=-10, le=45, description="Replaces every band's maximum [°C] (away)."
    )
    hot_water_draws: bool = Field(default=True, description="Whether the daily draws happen.")
    tank_min_temp_c: float | None = Field(
        default=None, ge=5, le=90, description="Replaces the tanks' lowest temperature [°C]."
    )
    comfort_weight_per_kh: float = Field(
        default=0.0,
        ge=0,
        le=10,
        description="Cost of each kelvin-hour the room spends below the middle of its band "
        "[currency/(K·h)]; 0 = the band's edge is as good as its middle.",
    )
    co2_price_per_kg: float | None = Field(
        default=None, ge=0, le=10, description="Replaces the tariff's CO2 weight [currency/kg]."
    )

    @model_validator(mode="after")
    def _check(self) -> ModePreset:
        if (
            self.band_min_temp_c is not None
            and self.band_max_temp_c is not None
            and self.band_min_temp_c > self.band_max_temp_c
        ):
            raise ValueError("band_min_temp_c must not exceed band_max_temp_c")
        return self


class Modes(Frozen):
    """The presets and the mode that applies when no request says otherwise."""

    default: ModeName = "comfort"
    eco: ModePreset = ModePreset(heating_offset_k=-1.0, cooling_offset_k=1.0)
    comfort: ModePreset = ModePreset(comfort_weight_per_kh=0.02)
    away: ModePreset = ModePreset(
        band_min_temp_c=12.0, band_max_temp_c=30.0, hot_water_draws=False, tank_min_temp_c=20.0
    )

    def preset(self, name: ModeName) -> ModePreset:
        return {"eco": self.eco, "comfort": self.comfort, "away": self.away}[name]
