"""Tests of the base load: hourly profiles, series files and the BDEW H0 standard profile."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from tools.baseload import (
    base_load_kw,
    h0_dynamisation,
    h0_row,
    h0_table_kw,
    h0_year_energy_kwh,
)
from tools.errors import SeriesError
from tools.home import Home, parse_home
from tools.timeaxis import TimeAxis

BERLIN = "Europe/Berlin"
LORD_HOWE = "Australia/Lord_Howe"
HOURLY = [0.1 * (h + 1) for h in range(24)]  # hour h draws (h + 1) × 0.1 kW


def make_home(
    base_load: dict[str, Any], *, tz: str = BERLIN, source_dir: Path | None = None
) -> Home:
    return parse_home(
        {
            "timezone": tz,
            "location": {"latitude_deg": 52.5, "longitude_deg": 13.4},
            "grid": {"import_limit_kw": 11, "export_limit_kw": 7},
            "tariff": {"currency": "EUR", "import": {"type": "flat", "price_per_kwh": 0.3}},
            "base_load": base_load,
        },
        source_dir=source_dir,
    )


def axis_from(year: int, month: int, day: int, tz: str, *, step_minutes: int, hours: float,
              hour: int = 0) -> TimeAxis:
    start = datetime(year, month, day, hour, tzinfo=ZoneInfo(tz))
    return TimeAxis.from_now(start, tz_name=tz, step_minutes=step_minutes, horizon_hours=hours)


def year_axis(year: int, tz: str) -> TimeAxis:
    """All of a local calendar year in 60-min steps (longer than the planner's 72 h limit, so the
    axis is built directly). 2026 in Berlin: 8760 physical hours (the DST hours cancel)."""
    start = datetime(year, 1, 1, tzinfo=ZoneInfo(tz))
    end = datetime(year + 1, 1, 1, tzinfo=ZoneInfo(tz))
    hours = round((end.timestamp() - start.timestamp()) / 3600)
    return TimeAxis(start=start, step_minutes=60, n_steps=hours, tz_name=tz)


# ----------------------------------------------------------------------------- hourly profile

def test_hourly_profile_at_quarter_hours() -> None:
    """15-min steps: each of the four quarter hours of local hour h draws (h + 1) × 0.1 kW."""
    home = make_home({"type": "hourly", "power_kw": HOURLY})
    axis = axis_from(2026, 1, 20, BERLIN, step_minutes=15, hours=24)
    load = base_load_kw(home, axis)
    assert len(load) == 96
    np.testing.assert_allclose(load, np.repeat(HOURLY, 4))


def test_hourly_profile_from_half_past() -> None:
    """30-min steps from 07:30 for 2 h: 07:30 → hour 7 (0.8), 08:00 and 08:30 → 0.9, 09:00 → 1.0."""
    home = make_home({"type": "hourly", "power_kw": HOURLY})
    axis = TimeAxis.from_now(datetime(2026, 1, 20, 7, 30, tzinfo=ZoneInfo(BERLIN)),
                             tz_name=BERLIN, step_minutes=30, horizon_hours=2)
    np.testing.assert_allclose(base_load_kw(home, axis), [0.8, 0.9, 0.9, 1.0])


def test_hourly_profile_on_25_and_23_hour_days() -> None:
    """Berlin, 60-min steps. 25 Oct 2026 (25 h): the local hours run 0, 1, 2, 2, 3, …, 23, so the
    02:00 value 0.3 kW appears twice and the day's energy is Σ HOURLY + 0.3 = 30.0 + 0.3 =
    30.3 kWh. 29 Mar 2026 (23 h): hour 2 is skipped, 30.0 - 0.3 = 29.7 kWh."""
    home = make_home({"type": "hourly", "power_kw": HOURLY})
    autumn = base_load_kw(home, axis_from(2026, 10, 25, BERLIN, step_minutes=60, hours=25))
    np.testing.assert_allclose(autumn[:5], [0.1, 0.2, 0.3, 0.3, 0.4])
    assert autumn.sum() == pytest.approx(30.3)
    spring = base_load_kw(home, axis_from(2026, 3, 29, BERLIN, step_minutes=60, hours=23))
    np.testing.assert_allclose(spring[:4], [0.1, 0.2, 0.4, 0.5])
    assert spring.sum() == pytest.approx(29.7)


def test_hourly_profile_60_min_step_straddling_a_half_hour_clock_change() -> None:
    """Lord Howe Island goes back 30 min on 5 Apr 2026 at 02:00 (+11:00 → 01:30 +10:30). The
    60-min step from 15:00 UTC covers local 01:30–02:30 (+10:30): 30 min of hour 1 (0.2 kW) and
    30 min of hour 2 (0.3 kW), mean 0.25 kW. The step before (01:00–02:00 +11:00) is 0.2 kW."""
    start = datetime(2026, 4, 5, 0, tzinfo=ZoneInfo(LORD_HOWE))
    axis = TimeAxis(start=start, step_minutes=60, n_steps=4, tz_name=LORD_HOWE)
    assert [t.isoformat() for t in axis.index[1:3]] == [
        "2026-04-05T01:00:00+11:00", "2026-04-05T01:30:00+10:30"]
    load = base_load_kw(make_home({"type": "hourly", "power_kw": HOURLY}, tz=LORD_HOWE), axis)
    np.testing.assert_allclose(load, [0.1, 0.2, 0.25, 0.35])


# ----------------------------------------------------------------------------- series

def test_series_base_load_and_daily_repeat(tmp_path: Path) -> None:
    """A CSV of two 12-hour values (0.2 kW 00–12, 0.6 kW 12–24) on 20 Jan 2026. On that day the
    60-min steps read 0.2 × 12, 0.6 × 12; with repeat_daily it applies to 21–22 Jan too. The
    30-min axis from 11:00 to 13:00 gives 0.2, 0.2, 0.6, 0.6. The comment line is skipped; a
    plan for 21 Jan without repeat_daily is not covered."""
    (tmp_path / "load.csv").write_text(
        "# measured\nstart,power_kw\n"
        "2026-01-20T00:00:00+01:00,0.2\n2026-01-20T12:00:00+01:00,0.6\n",
        encoding="utf-8",
    )
    home = make_home({"type": "series", "file": "load.csv"}, source_dir=tmp_path)
    day = base_load_kw(home, axis_from(2026, 1, 20, BERLIN, step_minutes=60, hours=24))
    np.testing.assert_allclose(day, [0.2] * 12 + [0.6] * 12)
    noon = base_load_kw(home, axis_from(2026, 1, 20, BERLIN, step_minutes=30, hours=2, hour=11))
    np.testing.assert_allclose(noon, [0.2, 0.2, 0.6, 0.6])
    repeat = make_home({"type": "series", "file": "load.csv", "repeat_daily": True},
                       source_dir=tmp_path)
    two_days = base_load_kw(repeat, axis_from(2026, 1, 21, BERLIN, step_minutes=60, hours=48))
    np.testing.assert_allclose(two_days, ([0.2] * 12 + [0.6] * 12) * 2)
    with pytest.raises(SeriesError, match="covers"):
        base_load_kw(home, axis_from(2026, 1, 21, BERLIN, step_minutes=60, hours=24))


def test_series_base_load_refuses_negative_power(tmp_path: Path) -> None:
    (tmp_path / "load.csv").write_text(
        "start,power_kw\n2026-01-20T00:00:00+01:00,0.2\n2026-01-20T12:00:00+01:00,-0.1\n",
        encoding="utf-8",
    )
    home = make_home({"type": "series", "file": "load.csv"}, source_dir=tmp_path)
    with pytest.raises(SeriesError, match="negative") as err:
        base_load_kw(home, axis_from(2026, 1, 20, BERLIN, step_minutes=60, hours=24))
    assert err.value.field == "base_load"


# ----------------------------------------------------------------------------- BDEW H0

def test_h0_table_is_the_published_one() -> None:
    """Shape 9 × 96. Spot values of VDEW 1999 H0 (kW at 1000 kWh/a, quarter hour from 00:00):
    winter workday 00:00 = 0.0676, 00:15 = 0.06084; summer workday 00:00 = 0.08636. A day of
    each type holds about 1000 kWh / 365 ≈ 2.74 kWh before dynamisation (winter workday:
    Σ 96 values × 0.25 h = 2.556 kWh)."""
    table = h0_table_kw()
    assert table.shape == (9, 96)
    assert table[0, 0] == 0.0676
    assert table[0, 1] == 0.06084
    assert table[3, 0] == 0.08636
    assert table[0].sum() * 0.25 == pytest.approx(2.556, abs=0.001)


def test_h0_dynamisation_polynomial() -> None:
    """F(d) = -3.92e-10 d⁴ + 3.2e-7 d³ - 7.02e-5 d² + 2.1e-3 d + 1.24.
    d = 1: 1.24 + 0.0021 - 0.0000702 + 0.00000032 - 0.000000000392 = 1.242030119608.
    d = 100: -0.0392 + 0.32 - 0.702 + 0.21 + 1.24 = 1.0288."""
    np.testing.assert_allclose(h0_dynamisation(np.array([1, 100])), [1.242030119608, 1.0288],
                               rtol=1e-9)


def test_h0_seasons_and_day_types() -> None:
    """Row = 3 × season + day type. 20 Mar 2026 (Fri) winter workday → 0; 21 Mar (Sat)
    transition Saturday → 7; 15 May (Fri) summer workday → 3; 14 Sep (Mon) summer workday → 3;
    15 Sep (Tue) transition → 6; 1 Nov (Sun) winter Sunday → 2; 24 Dec 2026 (Thu) counts as a
    Saturday → 1; 31 Dec 2028 is a Sunday and stays one → 2."""
    months = np.array([3, 3, 5, 9, 9, 11, 12, 12])
    days = np.array([20, 21, 15, 14, 15, 1, 24, 31])
    weekdays = np.array([4, 5, 4, 0, 1, 6, 3, 6])
    np.testing.assert_array_equal(h0_row(months, days, weekdays), [0, 7, 3, 3, 6, 2, 1, 2])


def test_h0_shape_within_a_day() -> None:
    """On one day the profile is the table row × one constant (F(d) × scale): the ratio of the
    18:00–18:15 and 03:00–03:15 steps on Wed 14 Jan 2026 (winter workday) equals the table ratio
    winter_workday[72] / winter_workday[12]."""
    home = make_home({"type": "standard", "annual_kwh": 3500})
    load = base_load_kw(home, axis_from(2026, 1, 14, BERLIN, step_minutes=15, hours=24))
    table = h0_table_kw()
    assert load[72] / load[12] == pytest.approx(table[0, 72] / table[0, 12])


def test_h0_dynamisation_between_days() -> None:
    """Same day type and time on Wed 14 Jan (d = 14) and Wed 4 Mar 2026 (d = 63), both winter:
    the ratio of the 00:00 steps is F(14) / F(63)."""
    home = make_home({"type": "standard", "annual_kwh": 3500})
    jan = base_load_kw(home, axis_from(2026, 1, 14, BERLIN, step_minutes=15, hours=1))
    mar = base_load_kw(home, axis_from(2026, 3, 4, BERLIN, step_minutes=15, hours=1))
    f14, f63 = h0_dynamisation(np.array([14, 63]))
    assert jan[0] / mar[0] == pytest.approx(f14 / f63)


def test_h0_scaled_year_sums_to_annual_kwh() -> None:
    """H0 scaled to 3500 kWh/a over all of 2026 (8760 h, 60-min steps) gives 3500 kWh ± 2 %
    (by construction it is exact up to the DST hours). The unscaled dynamised table sums to
    about 1000 kWh/a, the VDEW normalisation (±1 %)."""
    home = make_home({"type": "standard", "annual_kwh": 3500})
    axis = year_axis(2026, BERLIN)
    assert axis.n_steps == 8760
    energy_kwh = base_load_kw(home, axis).sum() * axis.step_hours
    assert energy_kwh == pytest.approx(3500, rel=0.02)
    assert energy_kwh == pytest.approx(3500, rel=1e-3)
    assert h0_year_energy_kwh(2026) == pytest.approx(1000, rel=0.01)


def test_h0_winter_evening_above_summer_night() -> None:
    """Plausibility on published shape: a January workday 18:00 hour draws more than a July
    workday 03:00 hour (hour means of the table 0.1662 kW × F(14) ≈ 1.23 vs
    0.0469 kW × F(196) ≈ 0.81)."""
    home = make_home({"type": "standard", "annual_kwh": 3500})
    jan = base_load_kw(home, axis_from(2026, 1, 14, BERLIN, step_minutes=60, hours=24))
    jul = base_load_kw(home, axis_from(2026, 7, 15, BERLIN, step_minutes=60, hours=24))
    assert jan[18] > 2 * jul[3]
    assert np.all(jan > 0)
