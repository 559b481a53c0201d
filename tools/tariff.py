"""The tariff engine: import and export prices, CO2 intensity and bill arithmetic on the time axis.

A tariff is data (:class:`tools.home.Tariff`); this module turns it into one value per axis step.

Prices are *time-weighted means over the step*. A step of length ``Δ`` minutes starting at
physical time ``t_k`` gets

.. math::

    p_k = \\frac{1}{Δ} \\sum_{m=0}^{Δ-1} π(\\mathrm{local}(t_k + m\\,\\mathrm{min}))

where ``π`` is the price at a local wall-clock minute. Every clock rule (TOU bands, day types,
months) is evaluated on the *local* wall clock of each physical minute, so DST days need no special
case: on a 25-hour day the repeated 02:00 hour is priced twice by the 02:00 band, on a 23-hour day
the missing hour is never priced, and a step that straddles a clock change (zones with 30-minute
shifts) is averaged exactly. Band edges are whole minutes, so minute resolution is exact.

Bills
-----
``energy_cost`` and ``demand_charge`` are the only bill formulas; the scheduler's audit and the
naive baseline both use them, so a saving is computed the same way on both sides.
"""

from __future__ import annotations

import calendar
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationError

from tools.errors import InputError, SeriesError
from tools.home import Co2Series, FlatPrice, Home, MarketPrice, PriceSpec, SeriesPrice, TouPrice
from tools.series import Series, align, read_series
from tools.timeaxis import TimeAxis

MINUTES_PER_DAY = 1440

_DAY_TYPES: dict[str, tuple[int, ...]] = {
    "all": (0, 1, 2, 3, 4, 5, 6),
    "weekdays": (0, 1, 2, 3, 4),
    "weekends": (5, 6),
}
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


# ----------------------------------------------------------------------------- prices

def price_on_axis(spec: PriceSpec, axis: TimeAxis, home: Home, *, name: str) -> np.ndarray:
    """Price per axis step [currency/kWh], the time-weighted mean over the step.

    Parameters
    ----------
    spec:
        Flat, time-of-use or series price from the home file.
    axis:
        The planning axis.
    home:
        The home (for resolving series file paths relative to the home file).
    name:
        Field path used in error messages, e.g. ``"tariff.import"``.

    Returns
    -------
    numpy.ndarray
        ``axis.n_steps`` prices [currency/kWh].

    Notes
    -----
    Flat
        ``p_k = price_per_kwh``.
    TOU
        For each local calendar day the first rule whose ``months`` contain the day's month and
        whose ``days`` match the day's type (weekdays = Monday–Friday) applies; ``p_k`` is the
        mean of its band prices over the step's local minutes (module docstring). A day that no
        rule covers is an :class:`InputError` naming the date and the field.
    Series
        ``p_k = (v_k + markup_per_kwh) · vat_factor`` where ``v_k`` is the time-weighted mean of
        the series over the step (:func:`tools.series.align_mean`), or of the one-day series used
        as a local time-of-day profile with ``repeat_daily``
        (:func:`tools.series.align_daily_profile`). A series that does not cover the axis is a
        :class:`SeriesError` naming both spans.
    """
    if isinstance(spec, FlatPrice):
        return np.full(axis.n_steps, float(spec.price_per_kwh))
    if isinstance(spec, TouPrice):
        return _tou_on_axis(spec, axis, name=name)
    if isinstance(spec, SeriesPrice):
        return _series_price_on_axis(spec, axis, home, name=name)
    if isinstance(spec, MarketPrice):
        # Provider prices are fetched at the edge and combined in tools.inputs; here, without
        # fetched data, only the home file's fallback can price the axis.
        if spec.fallback is None:
            raise InputError(
                name,
                f"{spec.type} prices are fetched when Hearth plans and none are available here; "
                "add a 'fallback' (a flat price, a TOU table or a series file) to plan without them",
            )
        return price_on_axis(spec.fallback, axis, home, name=f"{name}.fallback")
    raise InputError(name, f"unknown price type {type(spec).__name__}")


def retail_price_per_kwh(spec: MarketPrice, market_price_per_kwh: np.ndarray) -> np.ndarray:
    """Retail price [currency/kWh] from a provider's market price [currency/kWh].

    ``p_k = (m_k + markup_per_kwh + grid_fees_per_kwh) · vat_factor``: a market price of
    0.10 EUR/kWh with a 0.02 markup, 0.15 grid fees and 19 % VAT costs 0.3213 EUR/kWh.
    """
    market = np.asarray(market_price_per_kwh, dtype=float)
    return (market + spec.markup_per_kwh + spec.grid_fees_per_kwh) * spec.vat_factor


def import_price_per_kwh(home: Home, axis: TimeAxis) -> np.ndarray:
    """Retail import price per step [currency/kWh] (``tariff.import``)."""
    return price_on_axis(home.tariff.import_price, axis, home, name="tariff.import")


def export_price_per_kwh(home: Home, axis: TimeAxis) -> np.ndarray:
    """Export (feed-in) price per step [currency/kWh] (``tariff.export``)."""
    return price_on_axis(home.tariff.export_price, axis, home, name="tariff.export")


def _tou_on_axis(spec: TouPrice, axis: TimeAxis, *, name: str) -> np.ndarray:
    local = axis.minute_index
    # One row of 1440 minute prices per rule.
    rule_prices = np.empty((len(spec.rules), MINUTES_PER_DAY))
    for r, rule in enumerate(spec.rules):
        for band in rule.bands:
            for lo, hi in band.window().minute_ranges():
                rule_prices[r, lo:hi] = band.price_per_kwh

    # Local calendar days touched by the axis, and the first matching rule of each.
    day_key = np.asarray(local.year * 10000 + local.month * 100 + local.day, dtype=int)
    days, first_minute, day_of_minute = np.unique(day_key, return_index=True, return_inverse=True)
    months = np.asarray(local.month, dtype=int)[first_minute]
    weekdays = np.asarray(local.day_of_week, dtype=int)[first_minute]
    matches = np.array([
        np.isin(months, rule.months) & np.isin(weekdays, _DAY_TYPES[rule.days])
        for rule in spec.rules
    ])
    uncovered = ~matches.any(axis=0)
    if uncovered.any():
        i = int(np.flatnonzero(uncovered)[0])
        date = f"{days[i] // 10000:04d}-{days[i] // 100 % 100:02d}-{days[i] % 100:02d}"
        raise InputError(
            f"{name}.rules",
            f"no rule applies on {date} (a {_WEEKDAY_NAMES[weekdays[i]]} in month {months[i]}); "
            "add a rule for that month and day type, or a rule with days 'all'",
        )
    rule_of_day = matches.argmax(axis=0)
    per_minute = rule_prices[rule_of_day[day_of_minute], axis.minute_of_day_each_minute]
    return axis.step_mean(per_minute)


def _series_price_on_axis(
    spec: SeriesPrice, axis: TimeAxis, home: Home, *, name: str
) -> np.ndarray:
    series = _spec_series(home, spec.file, spec.value_column, spec.start, spec.step_minutes,
                          spec.prices_per_kwh, name=name)
    values = align(series, axis, repeat_daily=spec.repeat_daily)
    return (values + spec.markup_per_kwh) * spec.vat_factor


def _spec_series(
    home: Home,
    file: str | None,
    value_column: str | None,
    start: datetime | None,
    step_minutes: int | None,
    values: tuple[float, ...] | None,
    *,
    name: str,
) -> Series:
    """The series of a spec: read from ``file`` or built from inline values."""
    if file is not None:
        path = home.resolve_path(file, f"{name}.file")
        return read_series(path, value_column=value_column, name=name)
    if start is None or step_minutes is None or values is None:
        raise InputError(name, "inline values need 'start' and 'step_minutes'")
    return Series.regular(start, step_minutes, list(values), name)


# ----------------------------------------------------------------------------- CO2

def co2_g_per_kwh(home: Home, axis: TimeAxis) -> np.ndarray | None:
    """Grid carbon intensity per step [gCO2/kWh], or ``None`` when the tariff gives none.

    The series (file or inline ``g_per_kwh``) is aligned like a price series: time-weighted mean
    over each step, or a local time-of-day profile with ``repeat_daily``. Negative intensities are
    a :class:`SeriesError`.
    """
    spec: Co2Series | None = home.tariff.co2
    if spec is None:
        return None
    name = "tariff.co2"
    series = _spec_series(home, spec.file, spec.value_column, spec.start, spec.step_minutes,
                          spec.g_per_kwh, name=name)
    if np.any(series.values < 0):
        bad = int(np.flatnonzero(series.values < 0)[0])
        raise SeriesError(
            name,
            f"value {bad + 1} is negative; carbon intensity cannot be negative",
        )
    return align(series, axis, repeat_daily=spec.repeat_daily)


# ----------------------------------------------------------------------------- bill arithmetic

def energy_cost(
    import_kw: np.ndarray,
    export_kw: np.ndarray,
    import_price: np.ndarray,
    export_price: np.ndarray,
    step_hours: float,
) -> tuple[float, float]:
    """Energy cost of imports and revenue of exports over the horizon.

    Parameters
    ----------
    import_kw, export_kw:
        Mean grid import and export power per step [kW], both ≥ 0.
    import_price, export_price:
        Price per step [currency/kWh].
    step_hours:
        Step length [h].

    Returns
    -------
    tuple of float
        ``(import_cost, export_revenue)`` [currency]:
        ``Σ_k import_kw_k · import_price_k · Δt`` and ``Σ_k export_kw_k · export_price_k · Δt``.
    """
    arrays = {
        "import_kw": np.asarray(import_kw, dtype=float),
        "export_kw": np.asarray(export_kw, dtype=float),
        "import_price": np.asarray(import_price, dtype=float),
        "export_price": np.asarray(export_price, dtype=float),
    }
    lengths = {key: value.shape for key, value in arrays.items()}
    if len(set(lengths.values())) != 1:
        raise InputError("energy_cost", f"all series need the same length, got {lengths}")
    if step_hours <= 0:
        raise InputError("step_hours", f"must be > 0, got {step_hours:g}")
    import_cost = float(np.sum(arrays["import_kw"] * arrays["import_price"]) * step_hours)
    export_revenue = float(np.sum(arrays["export_kw"] * arrays["export_price"]) * step_hours)
    return import_cost, export_revenue


def demand_charge(import_kw: np.ndarray, demand_charge_per_kw: float) -> float:
    """Demand charge [currency]: the horizon's peak import [kW] × ``demand_charge_per_kw``.

    The peak is ``max(0, max_k import_kw_k)``: a horizon without import has no demand charge.
    """
    peak_kw = float(np.max(np.asarray(import_kw, dtype=float), initial=0.0))
    return peak_kw * float(demand_charge_per_kw)


# ----------------------------------------------------------------------------- shared records

_PERIOD_KEY = re.compile(r"^(summer|winter)_(.+?)_(\d{2}_\d{2}(?:_and_\d{2}_\d{2})*)$")
_DOW_MASKS = {"ALL": "all", "WEEKDAYS": "weekdays", "WEEKENDS": "weekends"}


PUBLISHED_TARIFFS = Path(__file__).resolve().parent / "data" / "tariffs.json"


def published_tariffs() -> list[dict[str, Any]]:
    """The published tariff records shipped in ``tools/data/tariffs.json`` (each with its source)."""
    records = json.loads(PUBLISHED_TARIFFS.read_text(encoding="utf-8"))
    assert isinstance(records, list)
    return records


def published_tariff(record_id: str) -> dict[str, Any]:
    """One record of :func:`published_tariffs` by its ``id``."""
    for record in published_tariffs():
        if record.get("id") == record_id:
            return record
    known = ", ".join(str(r.get("id")) for r in published_tariffs())
    raise InputError("tariff", f"no published tariff {record_id!r} (known: {known})")


def tariff_from_record(
    record: dict[str, Any], *, peak_price_per_kwh: float | None = None
) -> dict[str, Any]:
    """Turn a published tariff record (:func:`published_tariffs`) into a home-file ``import`` mapping.

    Parameters
    ----------
    record:
        One record. Supported: ``type: tou_schedule`` with ``summer_months`` and ``periods``
        (PG&E EV2-A style: keys ``<season>_<label>_<HH>_<HH>[_and_<HH>_<HH>]``), ``type:
        tou_schedule`` with ``schedule`` (acnportal style: seasons from ``effective_start`` to
        ``effective_end`` as ``MM-DD``, ``dow_mask``, ``times`` = band start hours, ``tariffs``),
        and ``type: two_rate`` (Intelligent Octopus Go: an ``off_peak`` window and rate).
    peak_price_per_kwh:
        Only for ``two_rate``: the price outside the off-peak window [currency/kWh], which the
        record does not contain. The caller must state it; it is never defaulted.

    Returns
    -------
    dict
        ``{"type": "tou", "rules": [...]}``, validated against :class:`tools.home.TouPrice`.

    Raises
    ------
    InputError
        For an unsupported record, a season that does not start and end on month boundaries,
        a demand charge (it belongs in ``tariff.demand_charge_per_kw``), or a missing or
        misplaced ``peak_price_per_kwh``.
    """
    label = f"record {record.get('id', '?')}"
    kind = record.get("type")
    if kind != "two_rate" and peak_price_per_kwh is not None:
        raise InputError(label, "peak_price_per_kwh is only used for 'two_rate' records")
    if kind == "tou_schedule" and "periods" in record:
        rules = _rules_from_periods(record, label)
    elif kind == "tou_schedule" and "schedule" in record:
        rules = _rules_from_schedule(record, label)
    elif kind == "two_rate":
        rules = _rules_from_two_rate(record, label, peak_price_per_kwh)
    else:
        raise InputError(label, f"unsupported tariff record type {kind!r}")
    mapping: dict[str, Any] = {"type": "tou", "rules": rules}
    try:
        TouPrice.model_validate(mapping)
    except ValidationError as err:
        reason = err.errors()[0]["msg"]
        raise InputError(label, f"does not give a valid TOU tariff: {reason}") from None
    return mapping


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _rules_from_periods(record: dict[str, Any], label: str) -> list[dict[str, Any]]:
    if record.get("all_days") is not True:
        raise InputError(label, "only records whose periods apply on all days are supported")
    summer_months = sorted(int(m) for m in record["summer_months"])
    season_months = {
        "summer": summer_months,
        "winter": [m for m in range(1, 13) if m not in summer_months],
    }
    bands: dict[str, list[dict[str, Any]]] = {"summer": [], "winter": []}
    for key, price in record["periods"].items():
        match = _PERIOD_KEY.match(key)
        if match is None:
            raise InputError(label, f"cannot read the hours of period {key!r}")
        season, _, ranges = match.groups()
        for part in ranges.split("_and_"):
            start_h, end_h = (int(h) for h in part.split("_"))
            bands[season].append({
                "start": _clock(start_h * 60), "end": _clock(end_h * 60),
                "price_per_kwh": float(price),
            })
    return [
        {"name": season, "months": season_months[season], "days": "all",
         "bands": sorted(bands[season], key=lambda b: b["start"])}
        for season in ("summer", "winter")
    ]


def _month_day(text: str, label: str) -> tuple[int, int]:
    try:
        month, day = (int(part) for part in str(text).split("-"))
    except ValueError:
        raise InputError(label, f"season boundary {text!r} is not MM-DD") from None
    return month, day


def _rules_from_schedule(record: dict[str, Any], label: str) -> list[dict[str, Any]]:
    rules = []
    for season in record["schedule"]:
        where = f"{label} season {season.get('id', '?')}"
        first_month, first_day = _month_day(season["effective_start"], where)
        last_month, last_day = _month_day(season["effective_end"], where)
        # Leap-year Februaries end on the 29th; accept either end of February.
        month_ends = {calendar.monthrange(year, last_month)[1] for year in (2023, 2024)}
        if first_day != 1 or last_day not in month_ends:
            raise InputError(
                where,
                f"runs {season['effective_start']} to {season['effective_end']}; TOU rules need "
                "seasons of whole months",
            )
        n_months = (last_month - first_month) % 12 + 1
        months = [(first_month - 1 + i) % 12 + 1 for i in range(n_months)]
        if float(season.get("demand_charge", 0) or 0) != 0:
            raise InputError(
                where,
                "has a demand charge; set it as tariff.demand_charge_per_kw, not in the price",
            )
        mask = str(season.get("dow_mask", "ALL")).upper()
        if mask not in _DOW_MASKS:
            raise InputError(where, f"dow_mask {mask!r} is not one of {', '.join(_DOW_MASKS)}")
        starts = [round(float(h) * 60) for h in season["times"]]
        prices = [float(p) for p in season["tariffs"]]
        if len(starts) != len(prices) or not starts or starts[0] != 0:
            raise InputError(where, "needs one tariff per period start time, the first at hour 0")
        ends = [*starts[1:], MINUTES_PER_DAY]
        rules.append({
            "name": str(season.get("id", "season")), "months": months, "days": _DOW_MASKS[mask],
            "bands": [
                {"start": _clock(lo), "end": _clock(hi), "price_per_kwh": price}
                for lo, hi, price in zip(starts, ends, prices, strict=True)
            ],
        })
    return rules


def _rules_from_two_rate(
    record: dict[str, Any], label: str, peak_price_per_kwh: float | None
) -> list[dict[str, Any]]:
    if peak_price_per_kwh is None:
        raise InputError(
            label,
            "the record gives only the off-peak rate; pass peak_price_per_kwh (the price outside "
            "the off-peak window) explicitly",
        )
    off_peak = record["off_peak"]
    return [{
        "name": "all year", "months": list(range(1, 13)), "days": "all",
        "bands": [
            {"start": off_peak["start"], "end": off_peak["end"],
             "price_per_kwh": float(off_peak["rate"])},
            {"start": off_peak["end"], "end": off_peak["start"],
             "price_per_kwh": float(peak_price_per_kwh)},
        ],
    }]
