"""Standing orders: requests a homeowner approved once, turned into requests every planning day.

"Every weekday the car at 80% by 7:00", "the dishwasher every evening by 7am", "the pool pump
every day by 20:00" are :class:`StandingOrder` objects: a device, the local clock time it must be
done by, optionally the clock time it may start from, the days it applies, and the target. They
live in the plan store (``app/standing.py``) with their status (proposed, active, paused,
cancelled); this module is the pure part: checking an order against the home and turning the
active ones into :class:`~tools.requests.DeviceRequest` objects for one plan.

Turning an order into a request
-------------------------------
For a plan from ``now`` on ``axis``, an order's next *occurrence* is the first local date ``d``
whose deadline ``d + deadline`` lies after ``now`` and within the horizon, with ``d`` one of the
order's days and not in a pause. Its window opens at ``d + earliest`` (the day before when the
earliest clock time is later than the deadline's: "every evening from 18:00 by 07:00") or at
``now``, whichever is later. One request per device: a request the homeowner makes for the same
device in the conversation takes its place for that plan.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from tools.errors import RequestError
from tools.home import Appliance, ClockTime, Ev, Home, parse_clock_minutes
from tools.requests import DeviceRequest, Objective, kind_for
from tools.timeaxis import TimeAxis

StandingStatus = Literal["proposed", "active", "paused", "cancelled"]
DayRule = Literal["daily", "weekdays", "weekends"]
_DAYS: dict[str, tuple[int, ...]] = {
    "daily": (0, 1, 2, 3, 4, 5, 6), "weekdays": (0, 1, 2, 3, 4), "weekends": (5, 6),
}
_DAY_WORDS = {"daily": "every day", "weekdays": "every weekday", "weekends": "every weekend day"}


class StandingOrderSpec(BaseModel):
    """What a standing order asks for, as the homeowner approved it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    device: str = Field(description="Device id from the home file (an EV or an appliance).")
    days: DayRule = Field(default="daily", description="daily, weekdays (Mon–Fri) or weekends.")
    deadline: ClockTime = Field(description="Done by this local time, HH:MM.")
    earliest: ClockTime | None = Field(
        default=None,
        description="Not before this local time, HH:MM (the evening before when later than the "
        "deadline); default: as soon as the plan starts.",
    )
    target_soc_pct: float | None = Field(default=None, gt=0, le=100, description="EV target [%].")
    energy_kwh: float | None = Field(default=None, gt=0, le=500, description="EV energy [kWh].")
    objective: Objective = Field(default="cost", description="cost, co2 or asap.")

    @model_validator(mode="after")
    def _target(self) -> StandingOrderSpec:
        if self.target_soc_pct is not None and self.energy_kwh is not None:
            raise ValueError("give target_soc_pct or energy_kwh, not both")
        return self

    @field_validator("deadline", "earliest")
    @classmethod
    def _clock(cls, clock: str | None) -> str | None:
        if clock is not None and parse_clock_minutes(clock) >= 1440:
            raise ValueError(f"clock times run from 00:00 to 23:59, got {clock}")
        return clock

    def check(self, home: Home) -> None:
        """Raise :class:`RequestError` if the order does not fit ``home``."""
        try:
            device = home.device(self.device)
        except KeyError:
            known = ", ".join(d.id for d in home.devices() if isinstance(d, Ev | Appliance))
            raise RequestError("device", f"unknown device {self.device!r} (this home has: {known})") from None
        if not isinstance(device, Ev | Appliance):
            raise RequestError(
                "device", f"a standing order is for an EV or an appliance, not {home.label(self.device)}"
            )
        if isinstance(device, Appliance) and (self.target_soc_pct is not None or self.energy_kwh is not None):
            raise RequestError("target_soc_pct", f"{self.device} is an appliance: it runs its cycle, "
                               "it has no charge target")

    def describe(self, home: Home) -> str:
        """In words: "Family car → 80% every weekday by 07:00 (from 18:00)"."""
        target = ""
        if self.target_soc_pct is not None:
            target = f" → {self.target_soc_pct:g}%"
        elif self.energy_kwh is not None:
            target = f" → +{self.energy_kwh:g} kWh"
        elif isinstance(_device(home, self.device), Ev):
            ev = home.ev(self.device)
            target = f" → {ev.default_target_soc_pct:g}% (your usual)"
        start = f" (from {self.earliest})" if self.earliest else ""
        mode = {"cost": "", "co2": ", greenest", "asap": ", as soon as possible"}[self.objective]
        return f"{home.label(self.device)}{target} {_DAY_WORDS[self.days]} by {self.deadline}{start}{mode}"


class StandingOrder(StandingOrderSpec):
    """A stored standing order: the spec with its id, status and pause."""

    id: int
    status: StandingStatus
    text: str | None = Field(default=None, description="The homeowner's words, if it came from chat.")
    paused_until: date | None = Field(
        default=None, description="Paused up to and including this local date; None = until resumed."
    )
    created_at: AwareDatetime
    approved_by: str | None = None


def occurrence(order: StandingOrderSpec, now: datetime, axis: TimeAxis, *,
               paused_until: date | None = None, paused: bool = False) -> tuple[datetime, datetime] | None:
    """The next ``(earliest_start, deadline)`` of ``order`` within the plan, or ``None``.

    See the module docstring. ``paused`` without ``paused_until`` skips every date; with it,
    dates up to and including ``paused_until`` are skipped.
    """
    tz = axis.tz
    deadline_min = parse_clock_minutes(order.deadline)
    first = now.astimezone(tz).date()
    last = axis.end.astimezone(tz).date()
    day = first
    while day <= last:
        skip_pause = paused and (paused_until is None or day <= paused_until)
        if day.weekday() in _DAYS[order.days] and not skip_pause:
            deadline = _local(day, deadline_min, axis)
            if now < deadline <= axis.end:
                earliest = now
                if order.earliest is not None:
                    earliest_min = parse_clock_minutes(order.earliest)
                    opens = day - timedelta(days=1) if earliest_min >= deadline_min else day
                    earliest = max(now, _local(opens, earliest_min, axis))
                if earliest < deadline:
                    return earliest, deadline
        day += timedelta(days=1)
    return None


def standing_requests(
    orders: list[StandingOrder], home: Home, now: datetime, axis: TimeAxis
) -> list[DeviceRequest]:
    """The requests the active (and partly paused) orders make for a plan from ``now``.

    Cancelled and proposed orders make none; an order paused without an end makes none; one paused
    until a date skips the dates up to it. At most one request per device (the first order wins).
    """
    requests: dict[str, DeviceRequest] = {}
    for order in orders:
        if order.status not in ("active", "paused") or order.device in requests:
            continue
        window = occurrence(order, now, axis, paused=order.status == "paused",
                            paused_until=order.paused_until)
        if window is None:
            continue
        device = _device(home, order.device)
        if device is None:
            continue
        requests[order.device] = DeviceRequest(
            device=order.device, kind=kind_for(device), earliest_start=window[0],
            deadline=window[1], target_soc_pct=order.target_soc_pct, energy_kwh=order.energy_kwh,
            objective=order.objective,
        )
    return list(requests.values())


def _device(home: Home, device_id: str) -> Ev | Appliance | None:
    """The EV or appliance ``device_id``; ``None`` for any other device or an unknown id."""
    try:
        device = home.device(device_id)
    except KeyError:
        return None
    return device if isinstance(device, Ev | Appliance) else None


def _local(day: date, minute_of_day: int, axis: TimeAxis) -> datetime:
    """Local wall-clock ``day`` + minutes, resolved in the home's zone (a time that does not
    exist on a DST day moves forward with the clock, as zoneinfo does)."""
    naive = datetime.combine(day, time(minute_of_day // 60, minute_of_day % 60))
    return naive.replace(tzinfo=axis.tz)
