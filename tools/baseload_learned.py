"""A base load forecast learned from the household's own smart-meter history.

Method
------
The history (any step; energy per interval [kWh] or mean power [kW]) is turned into mean power
per local clock hour, ``P(d, h)`` for local day ``d`` and hour ``h``. The forecast for a local
weekday ``w`` and hour ``h`` is the recency-weighted mean over the history's days of that weekday:

.. math::

    \\hat P(w, h) = \\frac{\\sum_{d: wd(d)=w} g_d \\, P(d, h)}{\\sum_{d: wd(d)=w} g_d},
    \\qquad g_d = 2^{-a_d / (7 \\cdot \\mathrm{half\\_life\\_weeks})}

with ``a_d`` the age of day ``d`` in days before the history's last day. Hours without readings
are left out of the sums; a weekday-hour with none at all takes the mean of that hour over all
days. The forecast repeats weekly, so it covers any horizon after the history ends (a history
that ends on 8 June still plans 10 June).

Check against the standard profile
----------------------------------
The last 7 days of the history are held back. Both forecasts are made from the days before:
the weekday profile above, and the BDEW H0 standard profile scaled so that its energy over
those days equals the metered energy (:func:`standard_profile_kw`). Their mean absolute errors
[kW] over the held-back week are compared and the lower one forecasts the plan (from the whole
history). A history shorter than two weeks cannot be checked; the weekday profile is used and
the description says the check was not possible.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from tools.baseload import h0_dynamisation, h0_row, h0_table_kw
from tools.errors import SeriesError
from tools.home import Home, LearnedBaseLoad
from tools.series import read_series
from tools.timeaxis import TimeAxis

HOLD_OUT_DAYS = 7
MIN_TRAINING_DAYS = 7


@dataclass(frozen=True)
class BaseLoadCheck:
    """The held-back-week comparison of the learned and the standard profile.

    Attributes
    ----------
    learned_mae_kw, standard_mae_kw:
        Mean absolute error over the held-back hours [kW].
    test_start, test_end:
        The held-back week [local time].
    training_days:
        Days of history the two forecasts were made from.
    """

    learned_mae_kw: float
    standard_mae_kw: float
    test_start: pd.Timestamp
    test_end: pd.Timestamp
    training_days: int

    @property
    def better(self) -> str:
        """``"learned"`` or ``"standard"``: the one with the lower error (learned on a tie)."""
        return "learned" if self.learned_mae_kw <= self.standard_mae_kw else "standard"


@dataclass(frozen=True)
class LearnedBaseLoadResult:
    """The base load on the axis, how it was made, and the check that chose the method."""

    power_kw: np.ndarray
    method: str
    check: BaseLoadCheck | None
    description: str


def read_meter_history(
    path: Path, *, unit: str, tz_name: str, value_column: str | None = None
) -> pd.Series:
    """Mean power per local clock hour [kW] from a meter history file.

    Parameters
    ----------
    path:
        CSV/JSON series (:func:`tools.series.read_series`): timestamps with offsets and one value
        per interval, each holding until the next timestamp.
    unit:
        ``"kwh"``: each value is the energy of its interval [kWh] (power = energy ÷ hours);
        ``"kw"``: each value is the mean power over its interval [kW].
    tz_name:
        The home's time zone; hours are local clock hours.

    Returns
    -------
    pandas.Series
        Hourly mean power [kW], index = local hour starts (tz-aware); hours without readings are
        NaN. Intervals are spread over the hours they overlap, time-weighted.
    """
    name = f"base_load.file {path}"
    series = read_series(path, value_column=value_column, name=name)
    values = np.asarray(series.values, dtype=float)
    if np.any(values < 0):
        bad = int(np.flatnonzero(values < 0)[0])
        raise SeriesError(
            name, f"value {bad + 1} ({series.starts[bad].isoformat()}) is negative; a meter "
            "reading of household consumption cannot be"
        )
    edges = np.array([s.timestamp() for s in series.starts] + [series.end.timestamp()])
    lengths_h = np.diff(edges) / 3600.0
    power = values / lengths_h if unit == "kwh" else values
    first = pd.Timestamp(edges[0], unit="s", tz="UTC").floor("h")
    last = pd.Timestamp(edges[-1], unit="s", tz="UTC").ceil("h")
    hours = pd.date_range(first, last, freq="h", inclusive="left")
    lo = np.asarray([t.timestamp() for t in hours])
    hi = lo + 3600.0
    # Energy up to each edge; hours covered only partly by readings count what they have.
    cumulative = np.concatenate(([0.0], np.cumsum(power * np.diff(edges))))
    covered_s = np.clip(np.minimum(hi, edges[-1]) - np.maximum(lo, edges[0]), 0, None)
    energy = np.interp(hi, edges, cumulative) - np.interp(lo, edges, cumulative)
    hourly = np.where(covered_s >= 1800, energy / np.maximum(covered_s, 1e-9), np.nan)
    return pd.Series(hourly, index=hours.tz_convert(tz_name))


def weekday_profile_kw(history_kw: pd.Series, *, half_life_weeks: float) -> np.ndarray:
    """The recency-weighted same-weekday profile, shape ``(7, 24)`` [kW] (Monday = 0).

    See the module docstring for the formula.
    """
    valid = history_kw.dropna()
    if valid.empty:
        raise SeriesError("base_load.file", "has no readings")
    index = pd.DatetimeIndex(valid.index)
    last_day = index[-1].normalize()
    age_days = np.asarray((last_day - index.normalize()).days, dtype=float)
    weights = np.power(2.0, -age_days / (7.0 * half_life_weeks))
    weekday = np.asarray(index.day_of_week)
    hour = np.asarray(index.hour)
    values = valid.to_numpy(dtype=float)
    sums = np.zeros((7, 24))
    totals = np.zeros((7, 24))
    np.add.at(sums, (weekday, hour), weights * values)
    np.add.at(totals, (weekday, hour), weights)
    hour_mean = np.array([
        values[hour == h].mean() if np.any(hour == h) else values.mean() for h in range(24)
    ])
    with np.errstate(invalid="ignore", divide="ignore"):
        profile = sums / totals
    return np.where(totals > 0, profile, hour_mean[np.newaxis, :])


def profile_at(profile_kw: np.ndarray, times: pd.DatetimeIndex) -> np.ndarray:
    """Values of a ``(7, 24)`` weekday profile at local times [kW]."""
    return profile_kw[np.asarray(times.day_of_week), np.asarray(times.hour)]


def standard_profile_kw(training_kw: pd.Series, times: pd.DatetimeIndex) -> np.ndarray:
    """BDEW H0 at ``times`` (local hour starts) [kW], scaled to the training data's energy.

    ``P(t) = s · H0_1000(t)`` with ``s = Σ_train P / Σ_train H0_1000`` over the training hours
    that have readings, ``H0_1000`` the dynamised H0 profile at 1000 kWh/a averaged over the hour's
    four quarter hours. The standard profile thus gets the household's real consumption level;
    only its shape is compared.
    """
    valid = training_kw.dropna()
    reference = _h0_hourly_1000_kw(pd.DatetimeIndex(valid.index))
    scale = float(valid.sum() / reference.sum()) if reference.sum() > 0 else 0.0
    return scale * _h0_hourly_1000_kw(times)


def _h0_hourly_1000_kw(times: pd.DatetimeIndex) -> np.ndarray:
    rows = h0_row(np.asarray(times.month), np.asarray(times.day), np.asarray(times.day_of_week))
    quarters = np.asarray(times.hour) * 4
    table = h0_table_kw()
    hourly = table[rows[:, None], quarters[:, None] + np.arange(4)[None, :]].mean(axis=1)
    return hourly * h0_dynamisation(np.asarray(times.day_of_year))


def check_against_standard(history_kw: pd.Series, *, half_life_weeks: float) -> BaseLoadCheck | None:
    """Hold back the last week; forecast it with both methods from the rest; compare MAE [kW].

    ``None`` when the history has fewer than ``MIN_TRAINING_DAYS + HOLD_OUT_DAYS`` days.
    """
    index = pd.DatetimeIndex(history_kw.index)
    days = index.normalize().unique()
    if len(days) < MIN_TRAINING_DAYS + HOLD_OUT_DAYS:
        return None
    split = days[-HOLD_OUT_DAYS]
    training = history_kw[index < split]
    test = history_kw[index >= split].dropna()
    if test.empty or training.dropna().empty:
        return None
    test_times = pd.DatetimeIndex(test.index)
    profile = weekday_profile_kw(training, half_life_weeks=half_life_weeks)
    learned = profile_at(profile, test_times)
    standard = standard_profile_kw(training, test_times)
    actual = test.to_numpy(dtype=float)
    return BaseLoadCheck(
        learned_mae_kw=float(np.mean(np.abs(learned - actual))),
        standard_mae_kw=float(np.mean(np.abs(standard - actual))),
        test_start=test_times[0],
        test_end=test_times[-1] + pd.Timedelta(hours=1),
        training_days=len(pd.DatetimeIndex(training.index).normalize().unique()),
    )


def learned_base_load(spec: LearnedBaseLoad, home: Home, axis: TimeAxis) -> LearnedBaseLoadResult:
    """The base load of a ``type: learned`` home on ``axis`` [kW], checked and described.

    The per-minute value is the chosen forecast at the minute's local weekday and hour, averaged
    over each step (exact on DST days, like every clock rule here).
    """
    path = home.resolve_path(spec.file, "base_load.file")
    stat = path.stat() if path.is_file() else None
    history, profile, check = _learn(
        str(path), stat.st_mtime_ns if stat else 0, spec.unit, spec.value_column,
        home.timezone, spec.half_life_weeks,
    )
    minutes = axis.minute_index
    if check is not None and check.better == "standard":
        hourly_times = minutes.floor("h")
        per_minute = standard_profile_kw(history, hourly_times)
        method = "standard"
    else:
        per_minute = profile_at(profile, minutes)
        method = "learned"
    valid = pd.DatetimeIndex(history.dropna().index)
    span = (
        f"{len(valid.normalize().unique())} days of meter readings to "
        f"{(valid[-1] + pd.Timedelta(hours=1)).strftime('%Y-%m-%d %H:%M')}"
    )
    if check is None:
        description = (
            f"a same-weekday profile learned from {span} (too short to compare with the standard "
            f"profile: that needs {MIN_TRAINING_DAYS + HOLD_OUT_DAYS} days)"
        )
    else:
        errors = (
            f"error on the last week {check.learned_mae_kw:.2f} kW learned vs "
            f"{check.standard_mae_kw:.2f} kW standard"
        )
        description = (
            f"a same-weekday profile learned from {span} ({errors})" if method == "learned"
            else f"the standard household profile scaled to {span} ({errors})"
        )
    return LearnedBaseLoadResult(
        power_kw=axis.step_mean(per_minute), method=method, check=check, description=description
    )


@lru_cache(maxsize=8)
def _learn(
    path: str, mtime_ns: int, unit: str, value_column: str | None, tz_name: str,
    half_life_weeks: float,
) -> tuple[pd.Series, np.ndarray, BaseLoadCheck | None]:
    """Read, learn and check once per file version (``mtime_ns`` keys the cache)."""
    del mtime_ns
    history = read_meter_history(Path(path), unit=unit, tz_name=tz_name, value_column=value_column)
    profile = weekday_profile_kw(history, half_life_weeks=half_life_weeks)
    check = check_against_standard(history, half_life_weeks=half_life_weeks)
    return history, profile, check
