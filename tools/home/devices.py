"""The home's flexible devices: battery, EVs and shiftable appliances."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator, model_validator

from tools.home.clock import DailyWindow, Frozen, Label, check_label, check_no_overlap
from tools.home.priorities import Priority

#: Most aliases of one device.
MAX_ALIASES = 20


def _alias_list(values: tuple[str, ...]) -> tuple[str, ...]:
    if len(values) > MAX_ALIASES:
        raise ValueError(f"has {len(values)} aliases; at most {MAX_ALIASES} are allowed")
    cleaned = []
    for i, value in enumerate(values):
        try:
            alias = check_label(value).lower()
        except ValueError as err:
            raise ValueError(f"alias {i + 1} {err}") from None
        if not alias:
            raise ValueError("aliases must not be empty")
        cleaned.append(alias)
    return tuple(cleaned)


DeviceId = Annotated[
    str,
    Field(
        pattern=r"^[a-z][a-z0-9_]*$",
        max_length=40,
        description="Lower-case id: letters, digits, underscores.",
    ),
]


class Battery(Frozen):
    """Home battery. Power limits are on the AC side (what the battery draws from or gives to
    the home); efficiencies apply between that and the stored energy."""

    id: DeviceId = "battery"
    name: Label = "Home battery"
    aliases: tuple[str, ...] = ("battery", "home battery", "powerwall")
    capacity_kwh: float = Field(gt=0, le=1000, description="Usable capacity [kWh].")
    min_soc_pct: float = Field(default=0.0, ge=0, le=100, description="Lowest SoC [%].")
    max_soc_pct: float = Field(default=100.0, ge=0, le=100, description="Highest SoC [%].")
    max_charge_kw: float = Field(gt=0, le=1000, description="AC charge limit [kW].")
    max_discharge_kw: float = Field(gt=0, le=1000, description="AC discharge limit [kW].")
    charge_efficiency: float = Field(default=0.95, gt=0, le=1, description="AC→stored [-].")
    discharge_efficiency: float = Field(default=0.95, gt=0, le=1, description="Stored→AC [-].")
    initial_soc_pct: float = Field(ge=0, le=100, description="SoC now [%].")
    backup_reserve_pct: float = Field(
        default=0.0, ge=0, le=100, description="Kept for outages [%]."
    )
    final_soc_pct: float | None = Field(
        default=None,
        ge=0,
        le=100,
        description="SoC required at the horizon end [%]; default: at least the initial SoC.",
    )

    _alias = field_validator("aliases")(classmethod(lambda cls, v: _alias_list(v)))

    @model_validator(mode="after")
    def _bounds(self) -> Battery:
        if self.min_soc_pct > self.max_soc_pct:
            raise ValueError(
                f"min_soc_pct ({self.min_soc_pct:g}) must not exceed max_soc_pct ({self.max_soc_pct:g})"
            )
        if self.backup_reserve_pct > self.max_soc_pct:
            raise ValueError(
                f"backup_reserve_pct ({self.backup_reserve_pct:g}) must not exceed max_soc_pct "
                f"({self.max_soc_pct:g})"
            )
        return self

    @property
    def floor_soc_pct(self) -> float:
        """Lowest SoC the plan may use [%]: the larger of min SoC and backup reserve."""
        return max(self.min_soc_pct, self.backup_reserve_pct)


class Ev(Frozen):
    """An electric vehicle and its charger (modulating between min and max power)."""

    id: DeviceId
    name: Label = ""
    aliases: tuple[str, ...] = ()
    priority: Priority = Field(
        default="medium", description="What a demand-response event sheds first."
    )
    battery_kwh: float = Field(gt=0, le=300, description="Usable battery [kWh].")
    charger_min_kw: float = Field(
        default=0.0, ge=0, le=400, description="Lowest charging power when on [kW]."
    )
    charger_max_kw: float = Field(gt=0, le=400, description="Highest charging power [kW].")
    charging_efficiency: float = Field(default=0.9, gt=0, le=1, description="Grid→battery [-].")
    current_soc_pct: float = Field(ge=0, le=100, description="SoC now [%].")
    default_target_soc_pct: float = Field(
        default=80.0, ge=0, le=100, description="Usual target [%]."
    )
    max_soc_pct: float = Field(
        default=100.0, gt=0, le=100, description="Charge limit set in the car [%]."
    )
    consumption_kwh_per_100km: float | None = Field(
        default=None,
        gt=0,
        le=100,
        description="Battery energy the car uses per 100 km driven [kWh/100 km] (turns "
        "'enough for 100 km' into energy); unknown when not given.",
    )

    _alias = field_validator("aliases")(classmethod(lambda cls, v: _alias_list(v)))

    @model_validator(mode="after")
    def _check(self) -> Ev:
        if self.charger_min_kw > self.charger_max_kw:
            raise ValueError(
                f"charger_min_kw ({self.charger_min_kw:g}) must not exceed charger_max_kw "
                f"({self.charger_max_kw:g})"
            )
        return self


class ApplianceCycle(Frozen):
    """A cycle as duration and constant power, or as a power profile per profile step."""

    duration_minutes: int | None = Field(default=None, gt=0, le=24 * 60, description="[min]")
    power_kw: float | None = Field(default=None, gt=0, le=50, description="[kW]")
    profile_kw: tuple[float, ...] | None = Field(
        default=None, min_length=1, description="[kW] per step"
    )
    profile_step_minutes: int | None = Field(default=None, gt=0, le=240, description="[min]")

    @model_validator(mode="after")
    def _shape(self) -> ApplianceCycle:
        constant = self.duration_minutes is not None or self.power_kw is not None
        profile = self.profile_kw is not None or self.profile_step_minutes is not None
        if constant == profile:
            raise ValueError(
                "give duration_minutes and power_kw, or profile_kw and profile_step_minutes"
            )
        if constant and (self.duration_minutes is None or self.power_kw is None):
            raise ValueError("duration_minutes and power_kw go together")
        if profile:
            if self.profile_kw is None or self.profile_step_minutes is None:
                raise ValueError("profile_kw and profile_step_minutes go together")
            for i, p in enumerate(self.profile_kw):
                if not 0 <= p <= 50:
                    raise ValueError(f"profile_kw[{i}] must be between 0 and 50 kW, got {p:g}")
            if sum(self.profile_kw) <= 0:
                raise ValueError("profile_kw must draw some power")
        return self

    @property
    def total_minutes(self) -> int:
        if self.duration_minutes is not None:
            return self.duration_minutes
        assert self.profile_kw is not None and self.profile_step_minutes is not None
        return len(self.profile_kw) * self.profile_step_minutes

    @property
    def energy_kwh(self) -> float:
        if self.power_kw is not None and self.duration_minutes is not None:
            return self.power_kw * self.duration_minutes / 60
        assert self.profile_kw is not None and self.profile_step_minutes is not None
        return sum(self.profile_kw) * self.profile_step_minutes / 60

    @property
    def peak_kw(self) -> float:
        return self.power_kw if self.power_kw is not None else max(self.profile_kw or (0.0,))


class Appliance(Frozen):
    """A shiftable appliance run: once per request, inside its windows, outside quiet hours."""

    id: DeviceId
    name: Label = ""
    aliases: tuple[str, ...] = ()
    priority: Priority = Field(
        default="medium", description="What a demand-response event sheds first."
    )
    cycle: ApplianceCycle
    interruptible: bool = Field(default=False, description="May pause between steps.")
    allowed_windows: tuple[DailyWindow, ...] = Field(
        default=(DailyWindow(start="00:00", end="24:00"),),
        min_length=1,
        description="Local times the appliance may run in.",
    )
    quiet_hours: tuple[DailyWindow, ...] = Field(
        default=(), description="Local times it must not run."
    )
    after: tuple[str, ...] = Field(
        default=(), description="Ids of appliances that must finish first."
    )

    _alias = field_validator("aliases")(classmethod(lambda cls, v: _alias_list(v)))

    @model_validator(mode="after")
    def _check(self) -> Appliance:
        check_no_overlap(self.allowed_windows, "allowed_windows")
        check_no_overlap(self.quiet_hours, "quiet_hours")
        if self.interruptible and self.cycle.profile_kw is not None:
            raise ValueError(
                "an interruptible appliance takes duration_minutes and power_kw, not a profile"
            )
        if self.id in self.after:
            raise ValueError(f"{self.id} cannot run after itself")
        return self

    def allowed_at_minute(self, minute: int) -> bool:
        """Whether local minute-of-day ``minute`` is inside a window and outside quiet hours."""
        return any(w.contains_minute(minute) for w in self.allowed_windows) and not any(
            q.contains_minute(minute) for q in self.quiet_hours
        )
