"""The home file's own outdoor climate: what the thermal and wind models use offline.

A weather forecast (``--air-temperature``/``--wind-speed`` series, or a weather provider) takes
precedence; the plan says which one was used.
"""

from __future__ import annotations

from pydantic import Field, field_validator

from tools.home.clock import Frozen


class Climate(Frozen):
    """Typical-day profiles by local hour (24 values each)."""

    outdoor_temp_c: tuple[float, ...] | None = Field(
        default=None,
        min_length=24,
        max_length=24,
        description="Outdoor air temperature by local hour [°C].",
    )
    wind_speed_10m_m_s: tuple[float, ...] | None = Field(
        default=None,
        min_length=24,
        max_length=24,
        description="Wind speed 10 m above ground by local hour [m/s].",
    )

    @field_validator("outdoor_temp_c")
    @classmethod
    def _temps(cls, values: tuple[float, ...] | None) -> tuple[float, ...] | None:
        for i, v in enumerate(values or ()):
            if not -50 <= v <= 60:
                raise ValueError(f"hour {i}: must be between -50 and 60 °C, got {v:g}")
        return values

    @field_validator("wind_speed_10m_m_s")
    @classmethod
    def _winds(cls, values: tuple[float, ...] | None) -> tuple[float, ...] | None:
        for i, v in enumerate(values or ()):
            if not 0 <= v <= 80:
                raise ValueError(f"hour {i}: must be between 0 and 80 m/s, got {v:g}")
        return values
