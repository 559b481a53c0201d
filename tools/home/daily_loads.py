"""Loads that must run a minimum time every day inside a window, e.g. a pool pump."""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from tools.home.clock import DailyWindow, Frozen, Label
from tools.home.devices import DeviceId, _alias_list
from tools.home.priorities import Priority


class DailyRunLoad(Frozen):
    """Runs at ``power_kw`` for at least ``min_hours_per_day`` inside ``window`` every day.

    ``block: true`` runs it in one uninterrupted block of exactly that length; otherwise it may
    be spread over the window in whole steps (each step on or off). ``ran_today_hours`` is what
    it has already run today (a live reading), deducted from today's requirement.
    """

    id: DeviceId
    name: Label = ""
    aliases: tuple[str, ...] = ()
    priority: Priority = "low"
    power_kw: float = Field(gt=0, le=50, description="Power when running [kW].")
    min_hours_per_day: float = Field(gt=0, le=24, description="Least run time per day [h].")
    window: DailyWindow = Field(
        default=DailyWindow(start="00:00", end="24:00"), description="Local times it may run."
    )
    block: bool = Field(default=False, description="One uninterrupted block per day.")
    ran_today_hours: float = Field(
        default=0.0, ge=0, le=24, description="Run time so far today [h]."
    )

    _alias = field_validator("aliases")(classmethod(lambda cls, v: _alias_list(v)))

    @model_validator(mode="after")
    def _check(self) -> DailyRunLoad:
        length = sum(hi - lo for lo, hi in self.window.minute_ranges()) / 60
        if self.min_hours_per_day > length + 1e-9:
            raise ValueError(
                f"min_hours_per_day ({self.min_hours_per_day:g} h) does not fit its window "
                f"{self.window} ({length:g} h)"
            )
        if self.block and self.window.start_minute > self.window.end_minute:
            raise ValueError("a block load's window must not wrap past midnight")
        return self
