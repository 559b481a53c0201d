"""Heat in the home file: hot-water tanks, heat pumps (or air conditioners) and their building.

Both are first-order thermal models (one temperature, one capacitance, one resistance to their
surroundings); the physics and its exact discretisation are in :mod:`tools.thermal`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from tools.home.clock import ClockTime, DailyWindow, Frozen, Label, check_no_overlap
from tools.home.devices import DeviceId, _alias_list
from tools.home.priorities import Priority

WATER_KWH_PER_LITRE_K = 4.186 / 3600
"""Heat capacity of one litre of water [kWh/(l·K)]: 1 kg/l × 4.186 kJ/(kg·K) ÷ 3600 s/h."""

Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[Weekday, ...] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
WEEKDAYS_BY_NAME: dict[str, int] = {name: i for i, name in enumerate(WEEKDAYS)}
"""Python's ``date.weekday()`` number of each weekday name (monday = 0)."""


class HotWaterDraw(Frozen):
    """Hot water used every day at a local time, e.g. the morning showers.

    The energy leaving the tank is ``litres × 4.186/3600 × (tap_temp_c − cold_water_temp_c)``
    [kWh] whatever the tank's temperature (the tap mixes tank and cold water to ``tap_temp_c``),
    drawn over the planning step that contains ``time``.
    """

    time: ClockTime = Field(description="Local time HH:MM.")
    litres: float = Field(gt=0, le=2000, description="Water at the tap [l].")
    tap_temp_c: float = Field(
        default=40.0, ge=20, le=70, description="Temperature at the tap [°C]."
    )


class Legionella(Frozen):
    """A weekly disinfection: the tank reaches ``temp_c`` once in the ``window_hours`` before
    ``weekday`` ``by`` local time (planned only when the horizon holds that moment)."""

    temp_c: float = Field(default=60.0, ge=55, le=85, description="Disinfection temperature [°C].")
    weekday: Weekday = "sunday"
    by: ClockTime = Field(default="18:00", description="Local time HH:MM.")
    window_hours: float = Field(
        default=24.0, gt=0, le=168, description="How long before the due time it may happen [h]."
    )


class WaterTank(Frozen):
    """An electric hot-water tank (immersion element), modelled as one fully mixed volume.

    The element's power is a step mean between 0 and ``element_kw`` (a thermostat relay runs it
    that fraction of the step). ``min_temp_c`` is the coldest the tank may get (hot water must
    stay usable), ``max_temp_c`` its thermostat's limit, ``setpoint_c`` what a plain thermostat
    holds (the naive baseline) and the usual target of "hot water by 7".
    """

    id: DeviceId
    name: Label = ""
    aliases: tuple[str, ...] = ()
    priority: Priority = "high"
    volume_l: float = Field(gt=0, le=5000, description="Tank volume [l].")
    element_kw: float = Field(gt=0, le=50, description="Heating element power [kW].")
    element_efficiency: float = Field(default=1.0, gt=0, le=1, description="Electric→heat [-].")
    min_temp_c: float = Field(
        default=40.0, ge=5, le=90, description="Lowest tank temperature [°C]."
    )
    max_temp_c: float = Field(
        default=65.0, ge=20, le=95, description="Highest tank temperature [°C]."
    )
    setpoint_c: float = Field(
        default=55.0, ge=20, le=95, description="Thermostat set point / usual target [°C]."
    )
    ua_w_per_k: float = Field(
        default=2.0, ge=0, le=100, description="Standing loss to the room [W/K]."
    )
    ambient_temp_c: float = Field(default=20.0, ge=-20, le=45, description="Room around it [°C].")
    cold_water_temp_c: float = Field(default=10.0, ge=0, le=30, description="Mains water [°C].")
    temp_c: float = Field(ge=0, le=100, description="Tank temperature now [°C].")
    draws: tuple[HotWaterDraw, ...] = Field(default=(), description="Daily hot-water use.")
    legionella: Legionella | None = None

    _alias = field_validator("aliases")(classmethod(lambda cls, v: _alias_list(v)))

    @model_validator(mode="after")
    def _check(self) -> WaterTank:
        if not self.min_temp_c < self.max_temp_c:
            raise ValueError(
                f"min_temp_c ({self.min_temp_c:g}) must be below max_temp_c ({self.max_temp_c:g})"
            )
        if not self.min_temp_c <= self.setpoint_c <= self.max_temp_c:
            raise ValueError(
                f"setpoint_c ({self.setpoint_c:g}) must lie between min_temp_c and max_temp_c"
            )
        if self.legionella is not None and self.legionella.temp_c > self.max_temp_c:
            raise ValueError(
                f"legionella.temp_c ({self.legionella.temp_c:g}) is above max_temp_c "
                f"({self.max_temp_c:g})"
            )
        if self.cold_water_temp_c >= self.min_temp_c:
            raise ValueError("cold_water_temp_c must be below min_temp_c")
        return self

    @property
    def capacity_kwh_per_k(self) -> float:
        """Heat capacity of the full tank [kWh/K]."""
        return self.volume_l * WATER_KWH_PER_LITRE_K

    @property
    def resistance_k_per_kw(self) -> float:
        """Thermal resistance to the room [K/kW] (infinite when there is no standing loss)."""
        return float("inf") if self.ua_w_per_k == 0 else 1000.0 / self.ua_w_per_k


class ComfortPeriod(Frozen):
    """Indoor temperature band for a time of day (local ``start``–``end``)."""

    start: ClockTime
    end: ClockTime
    min_temp_c: float = Field(ge=-10, le=40, description="Coldest allowed indoors [°C].")
    max_temp_c: float = Field(ge=-10, le=45, description="Warmest allowed indoors [°C].")

    @model_validator(mode="after")
    def _check(self) -> ComfortPeriod:
        DailyWindow(start=self.start, end=self.end)
        if self.min_temp_c > self.max_temp_c:
            raise ValueError(
                f"min_temp_c ({self.min_temp_c:g}) must not exceed max_temp_c ({self.max_temp_c:g})"
            )
        return self

    def window(self) -> DailyWindow:
        return DailyWindow(start=self.start, end=self.end)


class Building(Frozen):
    """The heated (or cooled) space as one thermal node (1R1C).

    ``C·dT/dt = (T_out − T)/R + Q_hp + gains``. R and C can be estimated from a heating history
    with :func:`tools.thermal.estimate_rc`.
    """

    resistance_k_per_kw: float = Field(
        gt=0, le=1000, description="Thermal resistance to outdoors R [K/kW]."
    )
    capacitance_kwh_per_k: float = Field(
        gt=0, le=1000, description="Thermal capacitance C [kWh/K]."
    )
    internal_gains_kw: float = Field(
        default=0.0, ge=0, le=20, description="Constant heat from people and devices [kW]."
    )


class LinearCop(Frozen):
    """COP = ``cop_at_7c + slope_per_k·(T_out − 7)`` clipped to ``[min_cop, max_cop]`` (a line
    through the data sheet's A7 point; for cooling the slope is usually negative)."""

    type: Literal["linear"]
    cop_at_7c: float = Field(gt=0.5, le=10, description="COP at 7 °C outdoors [-].")
    slope_per_k: float = Field(ge=-1, le=1, description="COP change per K of outdoor temp [1/K].")
    min_cop: float = Field(default=1.0, gt=0, le=10, description="Lowest COP [-].")
    max_cop: float = Field(default=7.0, gt=0, le=15, description="Highest COP [-].")


class CarnotCop(Frozen):
    """COP = ``efficiency × T_hot / (T_hot − T_cold)`` (kelvin), clipped to ``[min_cop, max_cop]``.

    Heating: ``T_hot`` = ``supply_temp_c`` (the flow temperature), ``T_cold`` = outdoors.
    Cooling: ``T_cold`` = ``supply_temp_c``, ``T_hot`` = outdoors, and COP = efficiency ×
    T_cold / (T_hot − T_cold).
    """

    type: Literal["carnot"]
    efficiency: float = Field(gt=0, le=1, description="Fraction of the Carnot COP [-].")
    supply_temp_c: float = Field(ge=-10, le=80, description="Supply (flow) temperature [°C].")
    min_cop: float = Field(default=1.0, gt=0, le=10, description="Lowest COP [-].")
    max_cop: float = Field(default=7.0, gt=0, le=15, description="Highest COP [-].")


CopSpec = Annotated[LinearCop | CarnotCop, Field(discriminator="type")]


class HeatPump(Frozen):
    """A heat pump (``mode: heating``) or air conditioner (``mode: cooling``) and the space it
    conditions. Its electric input is a step mean between 0 and ``max_electric_kw`` (an inverter
    compressor modulates); the heat it moves is ``COP(T_out) × power``."""

    id: DeviceId
    name: Label = ""
    aliases: tuple[str, ...] = ()
    priority: Priority = "high"
    mode: Literal["heating", "cooling"] = "heating"
    max_electric_kw: float = Field(gt=0, le=50, description="Most electric power it draws [kW].")
    cop: CopSpec
    building: Building
    indoor_temp_c: float = Field(ge=-10, le=45, description="Indoor temperature now [°C].")
    comfort: tuple[ComfortPeriod, ...] = Field(
        default=(ComfortPeriod(start="00:00", end="24:00", min_temp_c=20, max_temp_c=22),),
        min_length=1,
        description="Bands by time of day; together they cover the whole day.",
    )

    _alias = field_validator("aliases")(classmethod(lambda cls, v: _alias_list(v)))

    @model_validator(mode="after")
    def _check(self) -> HeatPump:
        windows = tuple(p.window() for p in self.comfort)
        check_no_overlap(windows, "comfort periods")
        covered = sum(hi - lo for w in windows for lo, hi in w.minute_ranges())
        if covered != 1440:
            raise ValueError(
                f"comfort periods cover {covered / 60:g} h of the day; they must cover all 24 h"
            )
        if self.cop.min_cop > self.cop.max_cop:
            raise ValueError("cop.min_cop must not exceed cop.max_cop")
        return self

    def band_at_minute(self, minute: int) -> tuple[float, float]:
        """The comfort band ``(min, max)`` [°C] at local minute-of-day ``minute``."""
        for period in self.comfort:
            if period.window().contains_minute(minute):
                return period.min_temp_c, period.max_temp_c
        raise AssertionError("comfort periods cover the day")
