"""Daily run-time loads on the time axis: which steps each day's window holds and how many of
them the plan must run.

Each occurrence of the load's window (one per local day; a window past midnight belongs to the
day it starts) is planned on its own. It must run ``ceil(min_hours_per_day / step)`` whole
steps, less what it already ran today (``ran_today_hours``, for the occurrence that holds
now), less what can still happen after the horizon ends inside the same occurrence. So a
horizon that ends mid-window asks only for what cannot wait, and nothing is ever run twice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from tools.home import DailyRunLoad
from tools.timeaxis import TimeAxis


@dataclass(frozen=True)
class DailyOccurrence:
    """One day's window on the axis.

    Attributes
    ----------
    day:
        Local date the window starts on.
    steps:
        Steps of the horizon wholly inside the window (ascending).
    need_steps:
        Steps it must run inside the horizon.
    block_steps:
        For a block load, the length of its one block [steps] (0 = no block due here).
    """

    day: date
    steps: np.ndarray
    need_steps: int
    block_steps: int


def daily_occurrences(load: DailyRunLoad, axis: TimeAxis) -> list[DailyOccurrence]:
    """Every window occurrence that overlaps the horizon, with what it must run."""
    minute_ok = np.zeros(1440, dtype=bool)
    for lo, hi in load.window.minute_ranges():
        minute_ok[lo:hi] = True
    per_minute = minute_ok[axis.minute_of_day_each_minute]
    allowed = per_minute.reshape(axis.n_steps, axis.step_minutes).all(axis=1)
    index = axis.index
    wraps = load.window.end_minute <= load.window.start_minute
    keys = []
    for t in range(axis.n_steps):
        local = index[t]
        minute = local.hour * 60 + local.minute
        day = local.date()
        if wraps and minute < load.window.end_minute:
            day -= timedelta(days=1)
        keys.append(day)
    dt_min = axis.step_minutes
    full_steps = math.ceil(load.min_hours_per_day * 60 / dt_min - 1e-9)
    today = axis.start.astimezone(axis.tz).date()
    out = []
    for day in sorted({keys[t] for t in range(axis.n_steps) if allowed[t]}):
        steps = np.array([t for t in range(axis.n_steps) if allowed[t] and keys[t] == day])
        need = full_steps
        if day == today:
            need = max(
                0, math.ceil((load.min_hours_per_day - load.ran_today_hours) * 60 / dt_min - 1e-9)
            )
        after = _minutes_after_horizon(load, axis, day) // dt_min
        in_horizon = min(max(0, need - after), len(steps))
        block = 0
        if load.block:
            block = need if need > after else 0
            in_horizon = block
        out.append(DailyOccurrence(day, steps, in_horizon, block))
    return out


def _minutes_after_horizon(load: DailyRunLoad, axis: TimeAxis, day: date) -> int:
    """Minutes of the ``day`` occurrence of the window that lie after the horizon's end."""
    tz = axis.tz
    from datetime import datetime, time

    start = datetime.combine(day, time()).replace(tzinfo=tz) + timedelta(
        minutes=load.window.start_minute
    )
    length = (load.window.end_minute - load.window.start_minute) % 1440 or 1440
    end = start + timedelta(minutes=length)
    horizon_end = axis.end.astimezone(tz)
    if end <= horizon_end:
        return 0
    return int((end - max(start, horizon_end)).total_seconds() // 60)
