"""Inflexible household base load on the time axis [kW, mean over each step].

Four sources, as in :mod:`tools.home` (the fourth, ``type: learned``, is
:mod:`tools.baseload_learned`):

Hourly profile (``type: hourly``)
    24 mean powers by local hour, the same every day. Each step gets the mean over its local
    wall-clock minutes, so a 25-hour DST day uses the 02:00 value twice and a 23-hour day skips it.
Series (``type: series``)
    A CSV/JSON power series [kW]: time-weighted mean over each step
    (:func:`tools.series.align_mean`), or a one-day local time-of-day profile with
    ``repeat_daily`` (:func:`tools.series.align_daily_profile`).
Standard profile (``type: standard``)
    The BDEW (VDEW 1999) standard load profile H0 for households, dynamised and scaled to
    ``annual_kwh``; see :func:`h0_power_kw`.

Source of the H0 table
----------------------
``tools/data/bdew_h0.csv`` holds the static H0 values of "Repräsentative VDEW-Lastprofile"
(VDEW 1999, published by BDEW as Standardlastprofile Strom), 15-minute mean powers [kW] for
1000 kWh/a, for winter / summer / transition × workday / Saturday / Sunday. They are copied
unchanged from the ``h0`` column of ``demandlib/bdew/bdew_data/selp_series.csv`` in the
demandlib 0.2.2 wheel (oemof developer group, MIT licence; file SHA-256
``aa8d5b54c9dea6989ec1f8ced063db8e16963689abbe21c60ff2cd87d0a6a4cc``), where the Monday–Friday
blocks are identical and give the workday column.
"""

from __future__ import annotations

import csv
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from tools.errors import InputError, SeriesError
from tools.home import Home, HourlyBaseLoad, LearnedBaseLoad, SeriesBaseLoad, StandardBaseLoad
from tools.series import align, read_series
from tools.timeaxis import TimeAxis

H0_TABLE_PATH = Path(__file__).with_name("data") / "bdew_h0.csv"

#: Annual energy the H0 table is normalised to [kWh/a].
H0_REFERENCE_KWH = 1000.0
#: Coefficients of the BDEW dynamisation polynomial F(d) = Σ c_i d^i, highest power first.
H0_DYNAMISATION = (-3.92e-10, 3.2e-7, -7.02e-5, 2.1e-3, 1.24)

_SEASONS = ("winter", "summer", "transition")
_DAY_TYPES = ("workday", "saturday", "sunday")


def base_load_kw(home: Home, axis: TimeAxis) -> np.ndarray:
    """Base load of ``home`` per axis step [kW], the mean over the step.

    Parameters
    ----------
    home:
        The home; ``home.base_load`` says which source to use.
    axis:
        The planning axis.

    Returns
    -------
    numpy.ndarray
        ``axis.n_steps`` mean powers [kW], all ≥ 0.
    """
    spec = home.base_load
    if isinstance(spec, HourlyBaseLoad):
        return hourly_profile_kw(spec.power_kw, axis)
    if isinstance(spec, StandardBaseLoad):
        return h0_power_kw(spec.annual_kwh, axis)
    if isinstance(spec, SeriesBaseLoad):
        return _series_kw(spec, home, axis)
    if isinstance(spec, LearnedBaseLoad):
        # tools.baseload_learned builds on the H0 functions below, hence the import here
        from tools.baseload_learned import learned_base_load

        return learned_base_load(spec, home, axis).power_kw
    raise InputError("base_load", f"unknown base load type {type(spec).__name__}")


def hourly_profile_kw(power_kw: tuple[float, ...] | list[float], axis: TimeAxis) -> np.ndarray:
    """Mean power per step [kW] of a 24-value profile by local hour.

    ``P_k = (1/Δ) Σ_m power_kw[hour(local(t_k + m min))]`` over the step's ``Δ`` minutes.
    """
    profile = np.asarray(power_kw, dtype=float)
    if profile.shape != (24,):
        raise InputError("base_load.power_kw", f"needs 24 hourly values, got {profile.size}")
    local = axis.minute_index
    return axis.step_mean(profile[np.asarray(local.hour, dtype=int)])


def _series_kw(spec: SeriesBaseLoad, home: Home, axis: TimeAxis) -> np.ndarray:
    name = "base_load"
    path = home.resolve_path(spec.file, "base_load.file")
    series = read_series(path, value_column=spec.value_column, name=name)
    if np.any(series.values < 0):
        bad = int(np.flatnonzero(series.values < 0)[0])
        raise SeriesError(
            name,
            f"value {bad + 1} is negative; a base load cannot be negative",
        )
    return align(series, axis, repeat_daily=spec.repeat_daily)


# ----------------------------------------------------------------------------- BDEW H0

@lru_cache(maxsize=1)
def h0_table_kw() -> np.ndarray:
    """The static H0 table, shape ``(9, 96)`` [kW at 1000 kWh/a].

    Row ``3 * season + day_type`` with seasons (winter, summer, transition) and day types
    (workday, saturday, sunday); column ``q`` is the quarter hour starting at local ``q × 15`` min.
    """
    with H0_TABLE_PATH.open(newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.reader(handle) if row and not row[0].startswith("#")]
    header, body = rows[0], rows[1:]
    expected = [f"{s}_{d}" for s in _SEASONS for d in _DAY_TYPES]
    if header[1:] != expected or len(body) != 96:
        raise InputError(
            "base_load", f"the H0 table {H0_TABLE_PATH} is damaged (wrong columns or rows)"
        )
    return np.array([[float(v) for v in row[1:]] for row in body]).T


def h0_dynamisation(day_of_year: np.ndarray) -> np.ndarray:
    """BDEW dynamisation factor of H0 [-].

    ``F(d) = -3.92e-10·d⁴ + 3.2e-7·d³ - 7.02e-5·d² + 2.1e-3·d + 1.24``, ``d`` the day of the
    year (1 = 1 January). ``F(1) ≈ 1.2420``, ``F(182) ≈ 0.7962``: it carries most of the seasonal
    swing of H0.
    """
    return np.polyval(H0_DYNAMISATION, np.asarray(day_of_year, dtype=float))


def h0_row(months: np.ndarray, days: np.ndarray, weekdays: np.ndarray) -> np.ndarray:
    """Row of :func:`h0_table_kw` for local dates given as month, day of month and weekday.

    Seasons per BDEW: winter 1 Nov – 20 Mar, summer 15 May – 14 Sep, transition otherwise.
    Day types: Monday–Friday workday, Saturday, Sunday; 24 and 31 December count as Saturdays
    unless they fall on a Sunday (BDEW rule). Public holidays are *not* known here and keep the
    day type of their weekday (BDEW would treat them as Sundays).
    """
    md = np.asarray(months) * 100 + np.asarray(days)
    season = np.where(
        (md >= 1101) | (md <= 320), 0, np.where((md >= 515) & (md <= 914), 1, 2)
    )
    weekdays = np.asarray(weekdays)
    day_type = np.where(weekdays == 6, 2, np.where(weekdays == 5, 1, 0))
    christmas_or_new_year_eve = ((md == 1224) | (md == 1231)) & (weekdays != 6)
    day_type = np.where(christmas_or_new_year_eve, 1, day_type)
    return season * 3 + day_type


@lru_cache(maxsize=16)
def h0_year_energy_kwh(year: int) -> float:
    """Energy of the dynamised, unscaled H0 profile over local calendar ``year`` [kWh].

    ``E = Σ_days F(d) · Σ_q table[row(day), q] · 0.25 h`` over nominal 24-hour days. For the
    H0 table (1000 kWh/a) this is close to but not exactly 1000 kWh (2018: 998.1 kWh,
    2024: 1001.2 kWh, 2026: 998.0 kWh), hence the explicit scaling in :func:`h0_power_kw`.
    """
    dates = pd.date_range(date(year, 1, 1), date(year, 12, 31), freq="D")
    rows = h0_row(np.asarray(dates.month), np.asarray(dates.day), np.asarray(dates.day_of_week))
    daily_kwh = h0_table_kw().sum(axis=1)[rows] * 0.25
    return float(np.sum(h0_dynamisation(np.asarray(dates.day_of_year)) * daily_kwh))


def h0_power_kw(annual_kwh: float, axis: TimeAxis) -> np.ndarray:
    """BDEW H0 household profile scaled to ``annual_kwh``, mean power per step [kW].

    For the local wall-clock time of every minute of the step:

    .. math::

        P(t) = \\frac{E_a}{E_{H0}(y)} \\, F(d) \\, h_{row(day)}(q)

    with ``h`` the static H0 table [kW at 1000 kWh/a], ``q`` the local quarter hour, ``F`` the
    dynamisation (:func:`h0_dynamisation`), ``d`` the day of the year and ``E_{H0}(y)`` the
    profile's energy over the local calendar year ``y`` of that day
    (:func:`h0_year_energy_kwh`). So every calendar year of nominal 24-hour days sums to exactly
    ``annual_kwh``; on DST days the profile follows the local clock (the repeated or skipped
    hour adds or removes about one night hour, ±0.01 % of a year). The BDEW rounding of F and of
    the values to 3 decimals is not applied.
    """
    local = axis.minute_index
    rows = h0_row(np.asarray(local.month), np.asarray(local.day), np.asarray(local.day_of_week))
    quarter = axis.minute_of_day_each_minute // 15
    years = np.asarray(local.year, dtype=int)
    scale = np.ones(len(years))
    for year in np.unique(years):
        scale[years == year] = annual_kwh / h0_year_energy_kwh(int(year))
    per_minute = (
        h0_table_kw()[rows, quarter] * h0_dynamisation(np.asarray(local.day_of_year)) * scale
    )
    return axis.step_mean(per_minute)
