"""The one tz-aware, fixed-step time axis every series and every model variable aligns to.

Steps are fixed *physical* durations (all arithmetic in UTC): a 24-hour horizon is 96 steps of 15 minutes whatever the
wall clock does, and the local day of a DST switch (23 or 25 hours) is simply a different number
of steps. Step indices exist only inside the scheduler; everything outside speaks datetimes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cached_property
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from tools.dates import parse_aware_datetime, require_aware
from tools.errors import InputError
from tools.limits import ALLOWED_STEP_MINUTES, MAX_HORIZON_HOURS

__all__ = [
    "ALLOWED_STEP_MINUTES",
    "MAX_HORIZON_HOURS",
    "TimeAxis",
    "parse_aware_datetime",
    "require_aware",
]


@dataclass(frozen=True)
class TimeAxis:
    """A fixed-step planning axis.

    Attributes
    ----------
    start:
        Start of the first step, tz-aware, expressed in the home's time zone.
    step_minutes:
        Step length [min]; one of 5, 15, 30, 60.
    n_steps:
        Number of steps.
    tz_name:
        IANA time zone of the home, used for local wall-clock rules (TOU bands, windows).
    """

    start: datetime
    step_minutes: int
    n_steps: int
    tz_name: str

    @classmethod
    def from_now(
        cls, now: datetime, *, tz_name: str, step_minutes: int = 15, horizon_hours: float = 24
    ) -> TimeAxis:
        """Axis from the first step boundary at or after ``now`` for ``horizon_hours``.

        Step boundaries are aligned to the local wall clock (a 30-minute step starts at :00 or
        :30 local time, also in zones with half-hour offsets).
        """
        require_aware(now, "now")
        if step_minutes not in ALLOWED_STEP_MINUTES:
            raise InputError(
                "step_minutes", f"must be one of 5, 15, 30 or 60 minutes, got {step_minutes}"
            )
        if not 0 < horizon_hours <= MAX_HORIZON_HOURS:
            raise InputError(
                "horizon_hours", f"must be more than 0 and at most 72 hours, got {horizon_hours:g}"
            )
        tz = _zone(tz_name)
        local = now.astimezone(tz)
        offset = local.utcoffset() or timedelta(0)
        epoch_local_s = (local - datetime(1970, 1, 1, tzinfo=timezone.utc)).total_seconds() + (
            offset.total_seconds()
        )
        step_s = step_minutes * 60
        aligned_local_s = -(-epoch_local_s // step_s) * step_s
        start = _utc(local) + timedelta(seconds=aligned_local_s - epoch_local_s)
        n_steps = int(horizon_hours * 60 // step_minutes)
        if n_steps < 1:
            raise InputError(
                "horizon_hours",
                f"{horizon_hours:g} h is shorter than one {step_minutes}-minute step",
            )
        return cls(
            start=start.astimezone(tz), step_minutes=step_minutes, n_steps=n_steps, tz_name=tz_name
        )

    @classmethod
    def between(
        cls, start: datetime, end: datetime, *, tz_name: str, step_minutes: int = 15
    ) -> TimeAxis:
        """Axis covering ``[start, end)``; both must lie on step boundaries of ``start``."""
        require_aware(start, "start")
        require_aware(end, "end")
        hours = (end.timestamp() - start.timestamp()) / 3600
        axis = cls.from_now(start, tz_name=tz_name, step_minutes=step_minutes, horizon_hours=hours)
        if axis.start.timestamp() != start.timestamp() or axis.end.timestamp() != end.timestamp():
            raise InputError("end", f"{end.isoformat()} is not a whole number of steps from start")
        return axis

    @property
    def tz(self) -> ZoneInfo:
        return _zone(self.tz_name)

    @property
    def step_hours(self) -> float:
        """Step length [h]."""
        return self.step_minutes / 60.0

    @property
    def step(self) -> timedelta:
        return timedelta(minutes=self.step_minutes)

    @property
    def end(self) -> datetime:
        """End of the last step (exclusive), in the home's time zone."""
        return self.time_at(self.n_steps)

    @property
    def hours(self) -> float:
        """Physical length of the horizon [h]."""
        return self.n_steps * self.step_hours

    @cached_property
    def index(self) -> pd.DatetimeIndex:
        """Step start times, tz-aware in the home's time zone."""
        start_utc = pd.Timestamp(self.start).tz_convert("UTC")
        utc = pd.date_range(start_utc, periods=self.n_steps, freq=f"{self.step_minutes}min")
        return utc.tz_convert(self.tz_name)

    @cached_property
    def epoch_seconds(self) -> np.ndarray:
        """Step start times as seconds since the Unix epoch (float array)."""
        start_s = self.start.timestamp()
        return start_s + np.arange(self.n_steps) * self.step_minutes * 60.0

    @cached_property
    def local_minute_of_day(self) -> np.ndarray:
        """Local wall-clock minute of day (0..1439) at each step start."""
        idx = self.index
        return np.asarray(idx.hour * 60 + idx.minute, dtype=int)

    @cached_property
    def minute_index(self) -> pd.DatetimeIndex:
        """Local wall-clock time of every physical minute of the axis.

        ``n_steps × step_minutes`` tz-aware times; minute ``m`` of step ``k`` is element
        ``k * step_minutes + m``. Wall-clock rules (TOU bands, windows, hourly profiles) are
        evaluated per minute on this grid and averaged with :meth:`step_mean`, which is exact
        on DST days and for steps that straddle a band edge.
        """
        start_utc = pd.Timestamp(self.start).tz_convert("UTC")
        utc = pd.date_range(start_utc, periods=self.n_steps * self.step_minutes, freq="1min")
        return utc.tz_convert(self.tz_name)

    @cached_property
    def minute_of_day_each_minute(self) -> np.ndarray:
        """Local minute of day (0..1439) of every minute of :attr:`minute_index`."""
        idx = self.minute_index
        return np.asarray(idx.hour * 60 + idx.minute, dtype=int)

    def step_mean(self, per_minute: np.ndarray) -> np.ndarray:
        """Mean of a per-minute array (on :attr:`minute_index`) over each step."""
        values = np.asarray(per_minute, dtype=float)
        return values.reshape(self.n_steps, self.step_minutes).mean(axis=1)

    def time_at(self, boundary: int) -> datetime:
        """Datetime of step boundary ``boundary`` (0..n_steps), in the home's time zone."""
        return (_utc(self.start) + boundary * self.step).astimezone(self.tz)

    def boundary_at_or_before(self, moment: datetime) -> int:
        """Largest step boundary not after ``moment``, clipped to ``[0, n_steps]``."""
        delta = (moment.timestamp() - self.start.timestamp()) / (self.step_minutes * 60)
        return int(min(max(np.floor(delta + 1e-9), 0), self.n_steps))

    def boundary_at_or_after(self, moment: datetime) -> int:
        """Smallest step boundary not before ``moment``, clipped to ``[0, n_steps]``."""
        delta = (moment.timestamp() - self.start.timestamp()) / (self.step_minutes * 60)
        return int(min(max(np.ceil(delta - 1e-9), 0), self.n_steps))

    def describe(self) -> str:
        return (
            f"{self.n_steps} steps of {self.step_minutes} min from {self.start.isoformat()} "
            f"to {self.end.isoformat()}"
        )


def _utc(moment: datetime) -> datetime:
    """``moment`` in UTC: arithmetic on zoned datetimes is wall-clock arithmetic in Python,
    which is wrong across DST switches, so every step arithmetic happens in UTC."""
    return moment.astimezone(timezone.utc)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        raise InputError(
            "timezone", f"{name!r} is not an IANA time zone such as Europe/Berlin"
        ) from None
