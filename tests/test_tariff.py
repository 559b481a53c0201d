"""Tests of the tariff engine against published tariffs and hand-computed values."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from tools.errors import InputError, SeriesError
from tools.home import Home, parse_home
from tools.tariff import (
    co2_g_per_kwh,
    demand_charge,
    energy_cost,
    export_price_per_kwh,
    import_price_per_kwh,
    price_on_axis,
    published_tariff,
    tariff_from_record,
)
from tools.timeaxis import TimeAxis

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"

LA = "America/Los_Angeles"
BERLIN = "Europe/Berlin"
LONDON = "Europe/London"


def published_record(record_id: str) -> dict[str, Any]:
    return published_tariff(record_id)


def make_home(import_price: dict[str, Any], *, tz: str = BERLIN, **tariff: Any) -> Home:
    return parse_home(
        {
            "timezone": tz,
            "location": {"latitude_deg": 52.5, "longitude_deg": 13.4},
            "grid": {"import_limit_kw": 11, "export_limit_kw": 7},
            "tariff": {"currency": "EUR", "import": import_price, **tariff},
            "base_load": {"type": "hourly", "power_kw": [0.3] * 24},
        },
        source_dir=EXAMPLES,
    )


def day_axis(year: int, month: int, day: int, tz: str, *, step_minutes: int = 60,
             hours: float = 24) -> TimeAxis:
    start = datetime(year, month, day, tzinfo=ZoneInfo(tz))
    return TimeAxis.from_now(start, tz_name=tz, step_minutes=step_minutes, horizon_hours=hours)


def price_at(prices: np.ndarray, axis: TimeAxis, hour: int, minute: int = 0) -> float:
    """Price of the (first) step starting at local hour:minute."""
    idx = axis.index
    hits = np.flatnonzero((idx.hour == hour) & (idx.minute == minute))
    return float(prices[hits[0]])


# ----------------------------------------------------------------------------- PG&E EV2-A

@pytest.fixture(scope="module")
def pge_home() -> Home:
    return make_home(tariff_from_record(published_record("pge_ev2a_circa_2024")), tz=LA)


def test_pge_ev2a_winter_weekday_bands(pge_home: Home) -> None:
    """PG&E EV2-A on Wednesday 14 Jan 2026 (winter), 60-min steps, from the published record:
    off-peak 00–15 = 0.34578, part-peak 15–16 and 21–24 = 0.51447, peak 16–21 = 0.53117.
    The 15:00 step lies wholly in part-peak, so it is exactly 0.51447."""
    axis = day_axis(2026, 1, 14, LA)
    prices = import_price_per_kwh(pge_home, axis)
    assert axis.n_steps == 24
    assert price_at(prices, axis, 17) == pytest.approx(0.53117)
    assert price_at(prices, axis, 15) == pytest.approx(0.51447)
    assert price_at(prices, axis, 3) == pytest.approx(0.34578)
    assert price_at(prices, axis, 22) == pytest.approx(0.51447)
    expected = [0.34578] * 15 + [0.51447] + [0.53117] * 5 + [0.51447] * 3
    np.testing.assert_allclose(prices, expected)


def test_pge_ev2a_quarter_hour_axis(pge_home: Home) -> None:
    """15-min steps on the same winter day: 15:30 is part-peak 0.51447, 14:45 off-peak 0.34578,
    16:00 peak 0.53117; 96 steps."""
    axis = day_axis(2026, 1, 14, LA, step_minutes=15)
    prices = import_price_per_kwh(pge_home, axis)
    assert len(prices) == 96
    assert price_at(prices, axis, 15, 30) == pytest.approx(0.51447)
    assert price_at(prices, axis, 14, 45) == pytest.approx(0.34578)
    assert price_at(prices, axis, 16, 0) == pytest.approx(0.53117)


def test_pge_ev2a_summer_peak(pge_home: Home) -> None:
    """July is in summer_months [6, 7, 8, 9]: 18:00 is the summer peak 0.65828, 15:00 the summer
    part-peak 0.54779."""
    axis = day_axis(2026, 7, 15, LA)
    prices = import_price_per_kwh(pge_home, axis)
    assert price_at(prices, axis, 18) == pytest.approx(0.65828)
    assert price_at(prices, axis, 15) == pytest.approx(0.54779)


def test_step_straddling_two_bands_is_time_weighted() -> None:
    """A band edge at 14:30 inside a 60-min step: the step from 14:00 is 30 min at 0.34578 and
    30 min at 0.51447, mean (0.34578 + 0.51447) / 2 = 0.430125."""
    edge_home = make_home({"type": "tou", "rules": [{"bands": [
        {"start": "00:00", "end": "14:30", "price_per_kwh": 0.34578},
        {"start": "14:30", "end": "24:00", "price_per_kwh": 0.51447},
    ]}]}, tz=LA)
    axis = day_axis(2026, 1, 14, LA)
    assert price_at(import_price_per_kwh(edge_home, axis), axis, 14) == pytest.approx(0.430125)


# ----------------------------------------------------------------------------- SCE, Octopus

def test_sce_tou_ev_8_winter_morning() -> None:
    """SCE TOU-EV-8 (acnportal record): winter runs 10-01 to 5-31, bands start at 0, 8, 16, 21 h
    with 0.05993, 0.03964, 0.17698, 0.05993. On 14 Jan 2026 10:00 the price is 0.03964; in
    summer (15 Jul) 17:00 is 0.17698 and 10:00 is 0.05993."""
    home = make_home(tariff_from_record(published_record("acnportal_sce_tou_ev_8_oct_2018")),
                     tz=LA)
    winter_axis = day_axis(2026, 1, 14, LA)
    winter = import_price_per_kwh(home, winter_axis)
    assert price_at(winter, winter_axis, 10) == pytest.approx(0.03964)
    assert price_at(winter, winter_axis, 7) == pytest.approx(0.05993)
    summer_axis = day_axis(2026, 7, 15, LA)
    summer = import_price_per_kwh(home, summer_axis)
    assert price_at(summer, summer_axis, 17) == pytest.approx(0.17698)
    assert price_at(summer, summer_axis, 10) == pytest.approx(0.05993)


def test_sce_season_months_wrap_the_new_year() -> None:
    """Winter 10-01..5-31 becomes months 10, 11, 12, 1..5; summer 06-01..9-30 months 6–9."""
    mapping = tariff_from_record(published_record("acnportal_sce_tou_ev_8_oct_2018"))
    months = {rule["name"]: rule["months"] for rule in mapping["rules"]}
    assert months == {"Summer": [6, 7, 8, 9], "Winter": [10, 11, 12, 1, 2, 3, 4, 5]}


def test_octopus_go_wraparound_window_mean_of_two_rates() -> None:
    """Intelligent Octopus Go: off-peak 23:30–05:30 at 0.075 (shared record). The record has no
    peak rate, so this test states one: 0.30 GBP/kWh, an arbitrary test input, not a published
    price. The 60-min step from 23:00 is half peak, half off-peak: (0.30 + 0.075) / 2 = 0.1875;
    00:00–05:00 are off-peak, 05:00 is half/half again, 06:00–23:00 peak."""
    mapping = tariff_from_record(published_record("intelligent_octopus_go"),
                                        peak_price_per_kwh=0.30)
    home = make_home(mapping, tz=LONDON)
    axis = day_axis(2026, 1, 14, LONDON)
    prices = import_price_per_kwh(home, axis)
    assert price_at(prices, axis, 23) == pytest.approx(0.1875)
    assert price_at(prices, axis, 2) == pytest.approx(0.075)
    assert price_at(prices, axis, 5) == pytest.approx(0.1875)
    assert price_at(prices, axis, 12) == pytest.approx(0.30)


def test_octopus_go_needs_a_stated_peak_price() -> None:
    """The record does not contain the peak rate; the function must refuse to guess it."""
    with pytest.raises(InputError, match="peak_price_per_kwh"):
        tariff_from_record(published_record("intelligent_octopus_go"))
    with pytest.raises(InputError, match="only used for 'two_rate'"):
        tariff_from_record(published_record("pge_ev2a_circa_2024"), peak_price_per_kwh=0.3)


# ----------------------------------------------------------------------------- rule selection

WEEKDAY_WEEKEND = {"type": "tou", "rules": [
    {"name": "weekdays", "days": "weekdays",
     "bands": [{"start": "00:00", "end": "24:00", "price_per_kwh": 0.30}]},
    {"name": "weekends", "days": "weekends",
     "bands": [{"start": "00:00", "end": "24:00", "price_per_kwh": 0.20}]},
]}


def test_weekday_and_weekend_rules() -> None:
    """Fri 16 Jan 2026 → weekday rule 0.30, Sat 17 Jan → weekend rule 0.20 (48 h, 60-min steps)."""
    home = make_home(WEEKDAY_WEEKEND)
    axis = day_axis(2026, 1, 16, BERLIN, hours=48)
    prices = import_price_per_kwh(home, axis)
    np.testing.assert_allclose(prices, [0.30] * 24 + [0.20] * 24)


def test_first_matching_rule_wins() -> None:
    """Rule 1 (January only, 0.10) comes before rule 2 (all year, 0.40): January gets 0.10,
    February 0.40."""
    home = make_home({"type": "tou", "rules": [
        {"months": [1], "bands": [{"start": "00:00", "end": "24:00", "price_per_kwh": 0.10}]},
        {"bands": [{"start": "00:00", "end": "24:00", "price_per_kwh": 0.40}]},
    ]})
    axis = day_axis(2026, 1, 31, BERLIN, hours=48)
    prices = import_price_per_kwh(home, axis)
    np.testing.assert_allclose(prices, [0.10] * 24 + [0.40] * 24)


def test_day_without_rule_names_date_and_field() -> None:
    """Only a weekday rule: Saturday 17 Jan 2026 has no rule."""
    home = make_home({"type": "tou", "rules": [WEEKDAY_WEEKEND["rules"][0]]})
    axis = day_axis(2026, 1, 16, BERLIN, hours=48)
    with pytest.raises(InputError, match="2026-01-17") as err:
        import_price_per_kwh(home, axis)
    assert err.value.field == "tariff.import.rules"
    assert "Saturday" in str(err.value)


# ----------------------------------------------------------------------------- DST

DST_TOU = {"type": "tou", "rules": [{"bands": [
    {"start": "00:00", "end": "02:00", "price_per_kwh": 0.10},
    {"start": "02:00", "end": "03:00", "price_per_kwh": 0.20},
    {"start": "03:00", "end": "24:00", "price_per_kwh": 0.30},
]}]}


def test_tou_on_25_hour_day_prices_the_repeated_hour_twice() -> None:
    """25 Oct 2026, Europe/Berlin: clocks go back at 03:00 CEST to 02:00 CET; the local day lasts
    25 h = 100 quarter hours. By local clock: 00:00–02:00 (8 steps) 0.10, 02:00–03:00 CEST
    (4 steps) 0.20, 02:00–03:00 CET (4 steps) 0.20, 03:00–24:00 (84 steps) 0.30."""
    axis = day_axis(2026, 10, 25, BERLIN, step_minutes=15, hours=25)
    assert axis.n_steps == 100
    assert axis.index[-1].isoformat() == "2026-10-25T23:45:00+01:00"
    prices = import_price_per_kwh(make_home(DST_TOU), axis)
    np.testing.assert_allclose(prices, [0.10] * 8 + [0.20] * 8 + [0.30] * 84)


def test_tou_on_23_hour_day_skips_the_missing_hour() -> None:
    """29 Mar 2026, Europe/Berlin: 02:00 CET jumps to 03:00 CEST; 23 h = 92 quarter hours; the
    02:00 band never applies: 8 steps of 0.10, then 84 of 0.30."""
    axis = day_axis(2026, 3, 29, BERLIN, step_minutes=15, hours=23)
    assert axis.n_steps == 92
    assert axis.index[-1].isoformat() == "2026-03-29T23:45:00+02:00"
    prices = import_price_per_kwh(make_home(DST_TOU), axis)
    np.testing.assert_allclose(prices, [0.10] * 8 + [0.30] * 84)


# ----------------------------------------------------------------------------- series prices

SMARD_FILE = "data/day-ahead-de-2018-03-14.csv"


def test_smard_day_ahead_with_markup_and_vat() -> None:
    """SMARD DE-AT-LU 14 Mar 2018, hour 7 (07:00–08:00 CET) = 0.0606 EUR/kWh wholesale.
    Retail = (0.0606 + 0.20) × 1.19 = 0.2606 × 1.19 = 0.310114 EUR/kWh.
    Hour 23 = (0.02955 + 0.20) × 1.19 = 0.2731645."""
    home = make_home({"type": "series", "file": SMARD_FILE, "value_column": "price_per_kwh",
                      "markup_per_kwh": 0.20, "vat_factor": 1.19})
    axis = day_axis(2018, 3, 14, BERLIN)
    prices = import_price_per_kwh(home, axis)
    assert prices[7] == pytest.approx(0.310114)
    assert prices[23] == pytest.approx(0.2731645)
    quarter_axis = day_axis(2018, 3, 14, BERLIN, step_minutes=15)
    quarter = import_price_per_kwh(home, quarter_axis)
    np.testing.assert_allclose(quarter[28:32], [0.310114] * 4)


def test_smard_example_file_matches_published_record() -> None:
    """The example CSV holds the 24 prices of the shared SMARD record (hourly axis = file steps,
    equal up to the float rounding of the time-weighted mean)."""
    home = make_home({"type": "series", "file": SMARD_FILE})
    prices = import_price_per_kwh(home, day_axis(2018, 3, 14, BERLIN))
    np.testing.assert_allclose(prices, published_record("smard_de_at_lu_2018_03_14")["prices"],
                               rtol=1e-12)


def test_series_not_covering_the_horizon_names_both_spans() -> None:
    """The file covers 14 Mar 00:00 to 15 Mar 00:00; a plan from 14 Mar 12:00 for 24 h needs
    until 15 Mar 12:00."""
    home = make_home({"type": "series", "file": SMARD_FILE})
    axis = TimeAxis.from_now(datetime(2018, 3, 14, 12, tzinfo=ZoneInfo(BERLIN)), tz_name=BERLIN,
                             step_minutes=60, horizon_hours=24)
    with pytest.raises(SeriesError) as err:
        import_price_per_kwh(home, axis)
    message = str(err.value)
    assert err.value.field == "tariff.import"
    assert "2018-03-14T00:00:00+01:00 to 2018-03-15T00:00:00+01:00" in message
    assert "2018-03-14T12:00:00+01:00 to 2018-03-15T12:00:00+01:00" in message


def test_inline_series_repeated_daily_over_three_days() -> None:
    """A one-day inline series of 24 hourly prices 0.00, 0.01, …, 0.23 (value = hour / 100),
    used with repeat_daily on 72 h of 30-min steps from 20 Jan 2026: every step costs its local
    hour / 100, on all three days."""
    home = make_home({"type": "series", "start": "2026-01-01T00:00:00+01:00", "step_minutes": 60,
                      "prices_per_kwh": [h / 100 for h in range(24)], "repeat_daily": True})
    axis = day_axis(2026, 1, 20, BERLIN, step_minutes=30, hours=72)
    prices = import_price_per_kwh(home, axis)
    assert len(prices) == 144
    np.testing.assert_allclose(prices, np.asarray(axis.index.hour) / 100)


def test_export_series_and_flat_default() -> None:
    """Export defaults to flat 0.0; an inline export series of 0.08 for 24 h gives 0.08."""
    home = make_home({"type": "flat", "price_per_kwh": 0.30})
    axis = day_axis(2026, 1, 20, BERLIN)
    np.testing.assert_array_equal(export_price_per_kwh(home, axis), np.zeros(24))
    np.testing.assert_array_equal(import_price_per_kwh(home, axis), np.full(24, 0.30))
    home2 = make_home({"type": "flat", "price_per_kwh": 0.30},
                      export={"type": "series", "start": "2026-01-20T00:00:00+01:00",
                              "step_minutes": 15, "prices_per_kwh": [0.08] * 96})
    np.testing.assert_allclose(export_price_per_kwh(home2, axis), np.full(24, 0.08))


def test_price_on_axis_uses_given_field_name() -> None:
    """Errors carry the field path passed by the caller (here the SMARD file of 2018 on a 2026
    axis, which it does not cover)."""
    home = make_home({"type": "series", "file": SMARD_FILE})
    axis = day_axis(2026, 1, 20, BERLIN)
    with pytest.raises(SeriesError) as err:
        price_on_axis(home.tariff.import_price, axis, home, name="tariff.export")
    assert err.value.field == "tariff.export"


# ----------------------------------------------------------------------------- CO2

def test_co2_inline_daily_profile_and_absent() -> None:
    """No co2 section → None. Inline daily profile 400 g/kWh for 00–12 and 200 g/kWh for 12–24
    (two 12-hour values): the 60-min steps give 400 × 12 then 200 × 12."""
    axis = day_axis(2026, 1, 20, BERLIN)
    assert co2_g_per_kwh(make_home({"type": "flat", "price_per_kwh": 0.3}), axis) is None
    home = make_home({"type": "flat", "price_per_kwh": 0.3},
                     co2={"start": "2026-01-01T00:00:00+01:00", "step_minutes": 720,
                          "g_per_kwh": [400, 200], "repeat_daily": True})
    np.testing.assert_allclose(co2_g_per_kwh(home, axis), [400.0] * 12 + [200.0] * 12)


def test_co2_negative_values_are_refused() -> None:
    home = make_home({"type": "flat", "price_per_kwh": 0.3},
                     co2={"start": "2026-01-20T00:00:00+01:00", "step_minutes": 60,
                          "g_per_kwh": [300.0] * 5 + [-1.0] + [300.0] * 18})
    with pytest.raises(SeriesError, match="negative") as err:
        co2_g_per_kwh(home, day_axis(2026, 1, 20, BERLIN))
    assert err.value.field == "tariff.co2"
    assert "value 6" in str(err.value)


# ----------------------------------------------------------------------------- bill arithmetic

def test_energy_cost_flat_tariff_one_kwh() -> None:
    """Flat 0.30/kWh and 1 kWh of import (1 kW for one 60-min step) cost 0.30.
    Export 2 kW for one 30-min step at 0.08/kWh = 1 kWh × 0.08 = 0.08 revenue."""
    cost, revenue = energy_cost(np.array([1.0, 0.0]), np.array([0.0, 0.0]),
                                np.full(2, 0.30), np.full(2, 0.08), 1.0)
    assert cost == pytest.approx(0.30)
    assert revenue == 0.0
    cost, revenue = energy_cost(np.array([0.0, 0.0]), np.array([2.0, 0.0]),
                                np.full(2, 0.30), np.full(2, 0.08), 0.5)
    assert cost == 0.0
    assert revenue == pytest.approx(0.08)


def test_energy_cost_refuses_mismatched_lengths() -> None:
    with pytest.raises(InputError, match="same length"):
        energy_cost(np.ones(3), np.ones(2), np.ones(3), np.ones(3), 0.25)


def test_demand_charge_is_peak_times_rate() -> None:
    """Imports 1, 3, 2 kW and 10 per kW → peak 3 kW × 10 = 30; no import → 0."""
    assert demand_charge(np.array([1.0, 3.0, 2.0]), 10.0) == pytest.approx(30.0)
    assert demand_charge(np.zeros(4), 10.0) == 0.0
