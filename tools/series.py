"""Reading time series files and aligning them to the planning axis.

A series is piecewise constant: value ``v_i`` holds on ``[t_i, t_i + step)``. Aligning it to the
axis takes the time-weighted mean over each axis step, which is exact for energies and prices and
works the same for up- and down-sampling. A series that does not cover the horizon is an error:
no value is ever invented.

File formats
------------
CSV
    A header row, a first column of ISO 8601 timestamps with offsets (``start``) and a value
    column (named by ``value_column`` or the only other column).
JSON
    ``{"start": ISO, "step_minutes": N, "values": [...]}`` (the values key may also be named
    after the quantity, e.g. ``prices_per_kwh``), or a list of ``{"start": ISO, "<value>": x}``.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

from tools.dates import parse_aware_datetime, require_aware
from tools.errors import InputError, SeriesError
from tools.files import MAX_SERIES_FILE_BYTES, check_regular_file, read_text
from tools.timeaxis import TimeAxis


@dataclass(frozen=True)
class Series:
    """A piecewise-constant series: ``values[i]`` holds on ``[starts[i], starts[i] + step)``.

    ``step_minutes`` is the length of the last interval (and of all, for regular series).
    """

    starts: tuple[datetime, ...]
    values: np.ndarray
    step_minutes: int
    name: str = "series"

    def __post_init__(self) -> None:
        if len(self.starts) != len(self.values):
            raise SeriesError(self.name, "needs as many timestamps as values")
        if len(self.starts) == 0:
            raise SeriesError(self.name, "is empty")
        if not np.all(np.isfinite(self.values)):
            bad = int(np.flatnonzero(~np.isfinite(self.values))[0])
            raise SeriesError(self.name, f"value {bad + 1} is not a finite number")
        seconds = np.array([s.timestamp() for s in self.starts])
        if np.any(np.diff(seconds) <= 0):
            raise SeriesError(self.name, "timestamps must be strictly increasing")

    @classmethod
    def regular(
        cls, start: datetime, step_minutes: int, values: list[float] | np.ndarray, name: str
    ) -> Series:
        require_aware(start, f"{name} start")  # years 1900–2200: the steps cannot overflow
        step = timedelta(minutes=step_minutes)
        arr = np.asarray(values, dtype=float)
        start_utc = start.astimezone(timezone.utc)
        starts = tuple((start_utc + i * step).astimezone(start.tzinfo) for i in range(len(arr)))
        return cls(starts, arr, step_minutes, name)

    @property
    def end(self) -> datetime:
        last = self.starts[-1]
        return (last.astimezone(timezone.utc) + timedelta(minutes=self.step_minutes)).astimezone(
            last.tzinfo
        )


def align_mean(series: Series, axis: TimeAxis) -> np.ndarray:
    """Time-weighted mean of ``series`` over every axis step.

    Raises :class:`SeriesError` naming the uncovered time if the series does not cover the axis.
    """
    edges = np.array([s.timestamp() for s in series.starts] + [series.end.timestamp()])
    step_s = axis.step_minutes * 60.0
    lo = axis.epoch_seconds
    hi = lo + step_s
    if lo[0] < edges[0] - 1e-6 or hi[-1] > edges[-1] + 1e-6:
        raise SeriesError(
            series.name,
            f"covers {series.starts[0].isoformat()} to {series.end.isoformat()}, but the plan "
            f"needs {axis.start.isoformat()} to {axis.end.isoformat()}",
        )
    # Integral of the step function up to each edge; interpolating it is exact for a step function.
    cumulative = np.concatenate(([0.0], np.cumsum(series.values * np.diff(edges))))
    return (np.interp(hi, edges, cumulative) - np.interp(lo, edges, cumulative)) / step_s


def align_mean_where_covered(series: Series, axis: TimeAxis) -> tuple[np.ndarray, np.ndarray]:
    """Time-weighted mean of ``series`` over the axis steps it covers, and which steps those are.

    Returns ``(values, covered)``: ``covered[k]`` is true when step ``k`` lies wholly within the
    series' span; ``values[k]`` is its mean there and NaN elsewhere (never an invented value).
    Used for provider data that covers only part of a horizon (day-ahead prices end at the end
    of the auctioned day).
    """
    edges = np.array([s.timestamp() for s in series.starts] + [series.end.timestamp()])
    step_s = axis.step_minutes * 60.0
    lo = axis.epoch_seconds
    hi = lo + step_s
    covered = (lo >= edges[0] - 1e-6) & (hi <= edges[-1] + 1e-6)
    cumulative = np.concatenate(([0.0], np.cumsum(series.values * np.diff(edges))))
    values = (np.interp(hi, edges, cumulative) - np.interp(lo, edges, cumulative)) / step_s
    return np.where(covered, values, np.nan), covered


def align_daily_profile(series: Series, axis: TimeAxis) -> np.ndarray:
    """Use a one-day series as a local time-of-day profile repeated on every day of the axis.

    The value at each axis step is the profile's value at the same local wall-clock time
    (mean over the step's minutes), so a 24-value hourly profile applies on 23- and 25-hour days.
    """
    minutes = np.array(
        [(s.timestamp() - series.starts[0].timestamp()) / 60.0 for s in series.starts]
        + [(series.end.timestamp() - series.starts[0].timestamp()) / 60.0]
    )
    first_local = series.starts[0].astimezone(axis.tz)
    if first_local.hour or first_local.minute or abs(minutes[-1] - 1440) > 1e-6:
        raise SeriesError(
            series.name,
            "a daily profile must start at local midnight and cover exactly 24 hours, got "
            f"{series.starts[0].isoformat()} to {series.end.isoformat()}",
        )
    cumulative = np.concatenate(([0.0], np.cumsum(series.values * np.diff(minutes))))
    start_min = axis.local_minute_of_day.astype(float)
    end_min = start_min + axis.step_minutes
    wrapped = end_min > 1440
    total = cumulative[-1]
    integral_hi = np.where(
        wrapped,
        total + np.interp(end_min - 1440, minutes, cumulative),
        np.interp(np.minimum(end_min, 1440), minutes, cumulative),
    )
    return (integral_hi - np.interp(start_min, minutes, cumulative)) / axis.step_minutes


def align(series: Series, axis: TimeAxis, *, repeat_daily: bool = False) -> np.ndarray:
    """:func:`align_daily_profile` for a one-day profile, else :func:`align_mean`."""
    return align_daily_profile(series, axis) if repeat_daily else align_mean(series, axis)


def read_series(path: Path, *, value_column: str | None = None, name: str | None = None) -> Series:
    """Read a CSV or JSON series file (formats in the module docstring).

    The file must be a regular UTF-8 file of at most 20 MB. Errors name the file, the line and
    what is wrong with its shape; they never quote the file's content.
    """
    label = name or str(path)
    suffix = path.suffix.lower()
    try:
        check_regular_file(path, label, max_bytes=MAX_SERIES_FILE_BYTES)
        if suffix not in (".csv", ".json"):
            raise SeriesError(
                label, f"unsupported file type {suffix or '(none)'!r}: use .csv or .json"
            )
        text = read_text(path, label, max_bytes=MAX_SERIES_FILE_BYTES)
    except SeriesError:
        raise
    except InputError as err:
        raise SeriesError(label, err.reason) from None
    if suffix == ".csv":
        return _read_csv(text, value_column, label)
    return _read_json(text, value_column, label)


def _file_time(text: object, label: str, where: str) -> datetime:
    """A timestamp read from a file; the error says what is wrong, not what was there."""
    if not isinstance(text, str):
        raise SeriesError(label, f"{where}: the time must be text such as 2026-11-24T18:00:00+01:00")
    try:
        return parse_aware_datetime(text, f"{label} {where}", echo=False)
    except InputError as err:
        raise SeriesError(label, f"{where}: the time {err.reason}") from None


def _read_csv(text: str, value_column: str | None, label: str) -> Series:
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            if row and not row[0].startswith("#"):
                rows.append(row)
    except csv.Error as err:
        raise SeriesError(
            label, f"line {reader.line_num}: not a readable CSV row ({_csv_reason(err)})"
        ) from None
    if len(rows) < 2:
        raise SeriesError(label, "needs a header row and at least one data row")
    header = [h.strip() for h in rows[0]]
    if value_column is None:
        if len(header) != 2:
            raise SeriesError(
                label, f"has {len(header)} columns; name the value column to use (value_column)"
            )
        col, column = 1, "the value column"
    elif value_column in header:
        col, column = header.index(value_column), repr(value_column)
    else:
        raise SeriesError(label, f"has no column {value_column!r} in its header row")
    starts, values = [], []
    for line_no, row in enumerate(rows[1:], start=2):
        starts.append(_file_time(row[0], label, f"line {line_no}"))
        try:
            values.append(float(row[col]))
        except IndexError:
            raise SeriesError(label, f"line {line_no}: has no value in {column}") from None
        except ValueError:
            raise SeriesError(label, f"line {line_no}: {column} is not a number") from None
    return Series(tuple(starts), np.asarray(values), _infer_step(starts, label), label)


def _csv_reason(err: csv.Error) -> str:
    text = str(err)
    if "field larger than field limit" in text:
        return "a field is too long"
    if "NUL" in text:
        return "it contains a NUL character"
    return "malformed quoting"


def _read_json(text: str, value_column: str | None, label: str) -> Series:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise SeriesError(label, f"is not valid JSON: {err.msg} at line {err.lineno}") from None
    except RecursionError:
        raise SeriesError(label, "is not a series: its JSON is nested too deeply") from None
    if isinstance(data, dict):
        if "start" not in data or "step_minutes" not in data:
            raise SeriesError(label, "a JSON series object needs 'start' and 'step_minutes'")
        keys = [k for k in data if k not in ("start", "step_minutes") and isinstance(data[k], list)]
        key = value_column or (
            "values" if "values" in keys else (keys[0] if len(keys) == 1 else None)
        )
        if key is None or not isinstance(data.get(key), list):
            raise SeriesError(
                label,
                f"cannot tell which list holds the values ({len(keys)} lists found); "
                "name it with value_column",
            )
        step = data["step_minutes"]
        if isinstance(step, bool) or not isinstance(step, int) or not 1 <= step <= 1440:
            raise SeriesError(label, "step_minutes must be a whole number of minutes from 1 to 1440")
        start = _file_time(data["start"], label, "start")
        return Series.regular(start, step, _floats(data[key], label), label)
    if isinstance(data, list) and data and all(isinstance(r, dict) for r in data):
        key = value_column or next((k for k in data[0] if k != "start"), None)
        if key is None:
            raise SeriesError(label, "records need a 'start' and a value field")
        starts = [_file_time(r.get("start"), label, f"record {i + 1}") for i, r in enumerate(data)]
        values = _floats([r.get(key) for r in data], label)
        return Series(tuple(starts), np.asarray(values), _infer_step(starts, label), label)
    raise SeriesError(
        label, "must be an object with start/step_minutes/values or a list of records"
    )


def _floats(raw: list[object], label: str) -> list[float]:
    out = []
    for i, item in enumerate(raw):
        if isinstance(item, bool) or not isinstance(item, (int, float)):
            raise SeriesError(label, f"value {i + 1} is not a number")
        out.append(float(item))
    return out


def _infer_step(starts: list[datetime], label: str) -> int:
    if len(starts) < 2:
        raise SeriesError(label, "needs at least two timestamps to infer its step")
    gaps = {round((b.timestamp() - a.timestamp()) / 60) for a, b in itertools.pairwise(starts)}
    if len(gaps) != 1:
        raise SeriesError(
            label, f"timestamps must be evenly spaced, found gaps of {sorted(gaps)} min"
        )
    return gaps.pop()
