"""Live state in planning: the home as it is now, from readings that are fresh enough.

:func:`live_home` puts the latest charge levels into the home (:meth:`Home.with_state`). A reading
older than its limit (``integration.stale_after_minutes``, per device or for the section) is not
used: the home file's value stands, and a note says so in words. :class:`LiveSource` records for
each charge level where it came from and how old it was, under the plan-input keys ``ev_soc``
(one entry per EV: ``ev_soc`` for a home's only EV, ``ev_soc.<id>`` when there are several) and
``battery_soc``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict

from app.drivers.base import Reading, Readings
from tools.home import Home


class LiveSource(BaseModel):
    """Where one planning input came from (the shape of a plan's ``inputs`` entries)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str
    fetched_at: AwareDatetime | None = None
    note: str | None = None


@dataclass(frozen=True)
class LiveHome:
    """A home with the charge levels known now, and how they are known."""

    home: Home
    sources: dict[str, LiveSource]
    notes: list[str] = field(default_factory=list)
    stale: set[str] = field(default_factory=set)


def fresh(reading: Reading | None, now: datetime, limit_s: float) -> bool:
    """A reading exists and is not older than ``limit_s`` seconds."""
    return reading is not None and reading.age_s(now) <= limit_s


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.0f} min"


def live_home(home: Home, readings: Readings, now: datetime) -> LiveHome:
    """``home`` with every fresh charge reading; stale or missing ones noted, file values kept."""
    sources: dict[str, LiveSource] = {}
    notes: list[str] = []
    stale: set[str] = set()
    ev_soc: dict[str, float] = {}
    several = len(home.evs) > 1
    for ev in home.evs:
        key = f"ev_soc.{ev.id}" if several else "ev_soc"
        reading = readings.get(ev.id, {}).get("soc_pct")
        value = _usable(home, ev.id, reading, now, ev.current_soc_pct, sources, notes, stale, key)
        if value is not None:
            ev_soc[ev.id] = value
    battery_soc = None
    if home.battery is not None:
        battery = home.battery
        reading = readings.get(battery.id, {}).get("soc_pct")
        battery_soc = _usable(
            home,
            battery.id,
            reading,
            now,
            battery.initial_soc_pct,
            sources,
            notes,
            stale,
            "battery_soc",
        )
    return LiveHome(
        home=home.with_state(ev_soc_pct=ev_soc, battery_soc_pct=battery_soc),
        sources=sources,
        notes=notes,
        stale=stale,
    )


def _usable(
    home: Home,
    device_id: str,
    reading: Reading | None,
    now: datetime,
    file_value: float,
    sources: dict[str, LiveSource],
    notes: list[str],
    stale: set[str],
    key: str,
) -> float | None:
    """The reading's value when fresh and in 0–100 %; else ``None`` with a note and a source."""
    limit_s = home.integration.stale_after_s(device_id)
    label = home.label(device_id)
    if reading is not None and isinstance(reading.value, bool | str):
        reading = None
    if fresh(reading, now, limit_s) and reading is not None:
        value = float(reading.value)
        if 0 <= value <= 100:
            sources[key] = LiveSource(source=f"live: {reading.source}", fetched_at=reading.read_at)
            return value
        note = f"{label}: the reading {value:g} % is not a charge level; planned from the home file's {file_value:g} %"
    elif reading is None:
        note = f"{label}: no charge reading yet; planned from the home file's {file_value:g} %"
    else:
        note = (
            f"{label}: the last charge reading is {_minutes(reading.age_s(now))} old (limit "
            f"{_minutes(limit_s)}); planned from the home file's {file_value:g} %"
        )
    notes.append(note)
    stale.add(device_id)
    sources[key] = LiveSource(
        source="home file",
        fetched_at=reading.read_at if reading is not None else None,
        note=note,
    )
    return None
