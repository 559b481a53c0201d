"""Clocks for the runner: real time, or simulated time that advances as fast as asked.

The runner never calls :func:`datetime.now` or :func:`asyncio.sleep` itself; it asks its clock.
:class:`RealClock` follows the wall clock. :class:`SimClock` holds a simulated time that moves
only when the runner sleeps: a sleep of ``d`` simulated seconds takes ``d / speed`` real seconds
(``speed=None``: no real wait at all), and work between sleeps (re-planning, MQTT round trips)
takes no simulated time. So a simulated night is the same night on a loaded machine as on an idle
one, and a test runs a day in seconds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Protocol

from tools.timeaxis import require_aware

#: Called after a simulated clock moved to a new time (e.g. a simulated home publishing its state).
AdvanceListener = Callable[[datetime], Awaitable[None]]


class Clock(Protocol):
    """What the runner needs from time."""

    def now(self) -> datetime:
        """The current time, tz-aware."""
        ...

    async def sleep_until(self, moment: datetime) -> None:
        """Return at ``moment`` (at once if it has passed)."""
        ...


class RealClock:
    """The wall clock, in the zone of ``tz`` (UTC when not given)."""

    def __init__(self, tz: tzinfo | None = None) -> None:
        self._tz = tz

    def now(self) -> datetime:
        moment = datetime.now(timezone.utc)
        return moment.astimezone(self._tz) if self._tz is not None else moment

    async def sleep_until(self, moment: datetime) -> None:
        delay_s = (moment - self.now()).total_seconds()
        if delay_s > 0:
            await asyncio.sleep(delay_s)


class SimClock:
    """Simulated time from ``start``, ``speed`` simulated seconds per real second.

    Parameters
    ----------
    start:
        The simulated time at creation, tz-aware.
    speed:
        Simulated seconds per real second (``3600``: an hour a second); ``None`` runs as fast as
        the work allows.
    """

    def __init__(self, start: datetime, *, speed: float | None = None) -> None:
        require_aware(start, "start")
        if speed is not None and speed <= 0:
            raise ValueError(
                f"speed must be positive (or None for as fast as possible), got {speed}"
            )
        self._now = start
        self.speed = speed
        self._listeners: list[AdvanceListener] = []

    def now(self) -> datetime:
        return self._now

    def on_advance(self, listener: AdvanceListener) -> None:
        """Await ``listener(new_time)`` after every move of the clock."""
        self._listeners.append(listener)

    async def sleep_until(self, moment: datetime) -> None:
        delta_s = (moment - self._now).total_seconds()
        if delta_s <= 0:
            await asyncio.sleep(0)  # let other tasks (MQTT traffic) run
            return
        await asyncio.sleep(delta_s / self.speed if self.speed is not None else 0)
        self._now = moment
        for listener in self._listeners:
            await listener(moment)

    async def advance(self, delta: timedelta) -> None:
        """Move the clock forward by ``delta`` (tests)."""
        await self.sleep_until(self._now + delta)
