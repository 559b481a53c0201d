"""Tests of the PV forecast (tools/solar.py) against values derived on paper or from pvlib."""

from __future__ import annotations

import json
import time
import warnings
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pvlib
import pytest

from tools.errors import InputError, SeriesError
from tools.home import Home, PvArray, parse_home
from tools.solar import (
    air_temperature_c_on_axis,
    array_ac_power_kw,
    cell_temperature_c,
    clear_sky_irradiance,
    cloud_cover_pct_on_axis,
    dc_power_kw,
    kasten_czeplak_ghi,
    linke_turbidity,
    pv_forecast_kw,
    sample_times,
    sky_irradiance,
    solar_geometry,
)
from tools.timeaxis import TimeAxis

BERLIN = ZoneInfo("Europe/Berlin")
BERLIN_LOCATION = {"latitude_deg": 52.52, "longitude_deg": 13.405, "altitude_m": 34.0}
SOUTH_6KWP = {"name": "roof", "peak_power_kwp": 6.0, "tilt_deg": 30.0, "azimuth_deg": 180.0}


def make_home(pv_arrays: list[dict[str, Any]] | None = None, **extra: Any) -> Home:
    data: dict[str, Any] = {
        "timezone": "Europe/Berlin",
        "location": BERLIN_LOCATION,
        "grid": {"import_limit_kw": 20.0, "export_limit_kw": 10.0},
        "tariff": {"currency": "EUR", "import": {"type": "flat", "price_per_kwh": 0.3}},
        "base_load": {"type": "hourly", "power_kw": [0.3] * 24},
        "pv_arrays": pv_arrays if pv_arrays is not None else [SOUTH_6KWP],
    }
    source_dir = extra.pop("source_dir", None)
    data.update(extra)
    return parse_home(data, source_dir=source_dir)


def day_axis(
    year: int, month: int, day: int, step_minutes: int = 15, hours: float = 24
) -> TimeAxis:
    return TimeAxis.from_now(
        datetime(year, month, day, tzinfo=BERLIN), tz_name="Europe/Berlin",
        step_minutes=step_minutes, horizon_hours=hours,
    )


def energy_kwh(power_kw: np.ndarray, axis: TimeAxis) -> float:
    return float(power_kw.sum() * axis.step_hours)


def reference_array(**overrides: Any) -> PvArray:
    fields: dict[str, Any] = {
        "peak_power_kwp": 1.0, "tilt_deg": 0.0, "azimuth_deg": 180.0, "losses_pct": 0.0,
        "inverter_efficiency": 1.0,
    }
    fields.update(overrides)
    return PvArray(**fields)


# ----------------------------------------------------------------------------- sampling & night

def test_samples_sit_in_the_middle_of_five_minute_slices() -> None:
    """A 60-minute step from 00:00 CEST (22:00 UTC) has 12 samples at 22:02:30 … 22:57:30 UTC."""
    axis = day_axis(2026, 6, 21, step_minutes=60, hours=1)
    times = sample_times(axis)
    assert len(times) == 12
    assert times[0] == pd.Timestamp("2026-06-20T22:02:30Z")
    assert times[-1] == pd.Timestamp("2026-06-20T22:57:30Z")


def test_night_is_exactly_zero() -> None:
    """Berlin at 02:00 CEST on 21 June: the sun is ~14° below the horizon, so PV is exactly 0."""
    axis = TimeAxis.from_now(
        datetime(2026, 6, 21, 2, 0, tzinfo=BERLIN), tz_name="Europe/Berlin", step_minutes=60,
        horizon_hours=1,
    )
    power = pv_forecast_kw(make_home(), axis)
    assert power.shape == (1,)
    assert power[0] == 0.0


def test_whole_day_non_negative_with_zeros_at_both_ends() -> None:
    """Midnight to 03:00 and 22:00 to 24:00 CEST on 21 June are night in Berlin (sunrise ~04:43,
    sunset ~21:33): zero there, positive at midday, never negative."""
    axis = day_axis(2026, 6, 21, step_minutes=60)
    power = pv_forecast_kw(make_home(), axis)
    assert power.shape == (24,)
    assert np.all(power >= 0.0)
    assert np.all(power[:3] == 0.0) and np.all(power[22:] == 0.0)
    assert power[12] > 3.0


def test_home_without_arrays_or_series_gives_zeros() -> None:
    """No arrays and no series: no PV, zeros of the axis length."""
    axis = day_axis(2026, 6, 21)
    power = pv_forecast_kw(make_home(pv_arrays=[]), axis)
    assert power.shape == (96,)
    assert np.all(power == 0.0)


# ----------------------------------------------------------------------------- clear sky

def test_clear_sky_noon_berlin_matches_pvlib_and_hand_bound() -> None:
    """Berlin, 21 June 2026, solar noon.

    Solar noon ≈ 12:00 UTC − 13.405° × 4 min/° + 1.7 min (equation of time ≈ −1.7 min)
    ≈ 11:08 UTC. Zenith = latitude − declination = 52.52° − 23.44° = 29.08°, cos = 0.874.
    Extra-terrestrial DNI in late June ≈ 1366 × (1 − 0.033) ≈ 1321 W/m², so the top of the
    atmosphere gives 1321 × 0.874 ≈ 1155 W/m² on the horizontal. A clear sky passes well over
    60 % of that at a 29° zenith (Ineichen ≈ 880 W/m²): 0.6 × E0·cos z < GHI < E0·cos z.
    The value must equal pvlib's own Ineichen with pvlib's interpolated Linke turbidity.
    """
    location = make_home().location
    times = pd.DatetimeIndex([pd.Timestamp("2026-06-21T11:08:00Z")])
    geometry = solar_geometry(times, location, 15.0)
    assert geometry.zenith_deg[0] == pytest.approx(29.08, abs=0.1)
    clear = clear_sky_irradiance(geometry, location)

    with warnings.catch_warnings():
        # pvlib's turbidity interpolation uses DatetimeIndex.dayofyear, deprecated in pandas 3.
        warnings.simplefilter("ignore", DeprecationWarning)
        pvlib_linke = pvlib.clearsky.lookup_linke_turbidity(times, 52.52, 13.405)
    pvlib_clear = pvlib.clearsky.ineichen(
        geometry.apparent_zenith_deg, geometry.airmass_absolute, pvlib_linke.to_numpy(),
        altitude=34.0, dni_extra=geometry.dni_extra_w_m2,
    )
    assert clear.ghi_w_m2[0] == pytest.approx(pvlib_clear["ghi"][0], rel=1e-12)
    assert clear.dni_w_m2[0] == pytest.approx(pvlib_clear["dni"][0], rel=1e-12)

    top_of_atmosphere = geometry.dni_extra_w_m2[0] * np.cos(np.radians(geometry.zenith_deg[0]))
    assert top_of_atmosphere == pytest.approx(1155.0, rel=0.01)
    assert 0.6 * top_of_atmosphere < clear.ghi_w_m2[0] < top_of_atmosphere
    # closure: ghi = dni cos(z) + dhi
    closure = clear.dni_w_m2[0] * np.cos(np.radians(geometry.apparent_zenith_deg[0]))
    assert closure + clear.dhi_w_m2[0] == pytest.approx(clear.ghi_w_m2[0], rel=1e-9)


def test_linke_turbidity_equals_pvlib_interpolation() -> None:
    """Our day-of-year interpolation of the monthly turbidity reproduces pvlib's
    ``interp_turbidity=True`` over a leap (2028) and a common (2026) year."""
    location = make_home().location
    for year in (2026, 2028):
        times = pd.date_range(f"{year}-01-01", f"{year}-12-31 23:00", freq="13h", tz="UTC")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            expected = pvlib.clearsky.lookup_linke_turbidity(times, 52.52, 13.405).to_numpy()
        np.testing.assert_allclose(linke_turbidity(times, location), expected, rtol=1e-12)


# ----------------------------------------------------------------------------- cloud cover

def test_kasten_czeplak_reference_values() -> None:
    """GHI = GHI_clear (1 − 0.75 c^3.4): c = 0 → 800; c = 1 → 800 × 0.25 = 200;
    c = 0.5 → 800 × (1 − 0.75 × 0.5^3.4) = 800 × (1 − 0.75 × 0.09473) = 743.16."""
    ghi = kasten_czeplak_ghi(np.array([800.0, 800.0, 800.0]), np.array([0.0, 100.0, 50.0]))
    np.testing.assert_allclose(ghi, [800.0, 200.0, 743.16], atol=0.01)


def test_overcast_sky_keeps_a_quarter_of_clear_ghi() -> None:
    """100 % cloud cover on 21 June in Berlin: every daylight GHI sample is 25 % of the clear sky,
    and the Erbs split still closes (ghi = dni cos z + dhi)."""
    location = make_home().location
    times = sample_times(day_axis(2026, 6, 21, step_minutes=60))
    geometry = solar_geometry(times, location, 15.0)
    clear = sky_irradiance(geometry, location)
    cloudy = sky_irradiance(geometry, location, np.full(len(times), 100.0))
    np.testing.assert_allclose(cloudy.ghi_w_m2, 0.25 * clear.ghi_w_m2, rtol=1e-12)
    assert cloudy.ghi_w_m2.max() > 100.0
    closure = cloudy.dni_w_m2 * np.cos(np.radians(geometry.zenith_deg)) + cloudy.dhi_w_m2
    np.testing.assert_allclose(closure, cloudy.ghi_w_m2, atol=1e-6)


def test_cloud_cover_reduces_energy() -> None:
    """An overcast day yields far less than a clear one: GHI falls to 25 %, so the energy must
    fall below ~35 % (a little above 25 % because cooler cells and the inverter curve help)."""
    axis = day_axis(2026, 6, 21)
    home = make_home()
    clear = energy_kwh(pv_forecast_kw(home, axis), axis)
    overcast = energy_kwh(pv_forecast_kw(home, axis, cloud_cover_pct=np.full(96, 100.0)), axis)
    half = energy_kwh(pv_forecast_kw(home, axis, cloud_cover_pct=np.full(96, 50.0)), axis)
    assert 0.15 * clear < overcast < 0.35 * clear
    assert overcast < half < clear


def test_wrong_length_cloud_cover_is_an_input_error() -> None:
    """96 steps need 96 cloud values; 24 hourly values are refused, naming the argument."""
    axis = day_axis(2026, 6, 21)
    with pytest.raises(InputError) as err:
        pv_forecast_kw(make_home(), axis, cloud_cover_pct=np.full(24, 50.0))
    assert err.value.field == "cloud_cover_pct"
    assert "96" in str(err.value)


def test_cloud_cover_out_of_range_is_an_input_error() -> None:
    """Cloud cover is a percentage: 120 % is refused."""
    axis = day_axis(2026, 6, 21, step_minutes=60)
    cloud = np.full(24, 50.0)
    cloud[5] = 120.0
    with pytest.raises(InputError, match="cloud_cover_pct") as err:
        pv_forecast_kw(make_home(), axis, cloud_cover_pct=cloud)
    assert "120" in str(err.value)


def test_non_finite_air_temperature_is_an_input_error() -> None:
    """A NaN air temperature is refused, naming the argument; so is a wrong length."""
    axis = day_axis(2026, 6, 21, step_minutes=60)
    air = np.full(24, 20.0)
    air[3] = np.nan
    with pytest.raises(InputError) as err:
        pv_forecast_kw(make_home(), axis, air_temperature_c=air)
    assert err.value.field == "air_temperature_c"
    with pytest.raises(InputError) as err:
        pv_forecast_kw(make_home(), axis, air_temperature_c=np.full(25, 20.0))
    assert err.value.field == "air_temperature_c"


# ----------------------------------------------------------------------------- DC / AC

def test_pvwatts_reference_point_gives_one_kilowatt() -> None:
    """PVWatts: p_dc = pdc0 × 1000/1000 × (1 + γ (25 − 25)) = pdc0 = 1 kW for 1 kWp; 0 % losses;
    the inverter at ζ = p_dc/pdc0 = 1 runs at exactly eta_nom = 1, so AC = 1 kW."""
    power = array_ac_power_kw(1000.0, 25.0, reference_array())
    assert power.shape == (1,)
    assert power[0] == pytest.approx(1.0, rel=1e-12)


def test_pvwatts_dc_matches_pvlib_documented_value() -> None:
    """pvlib's documented example: pvwatts_dc(900, 30, 100, −0.003) = 100 × 0.9 × (1 − 0.015)
    = 88.65 W; as a 0.1 kWp array with 0 % losses that is 0.08865 kW; 14 % losses → × 0.86."""
    array = reference_array(peak_power_kwp=0.1, temp_coefficient_per_c=-0.003)
    assert dc_power_kw(np.array([900.0]), np.array([30.0]), array)[0] == pytest.approx(0.08865)
    lossy = reference_array(peak_power_kwp=0.1, temp_coefficient_per_c=-0.003, losses_pct=14.0)
    assert dc_power_kw(np.array([900.0]), np.array([30.0]), lossy)[0] == pytest.approx(
        0.08865 * 0.86
    )


def test_hotter_cells_give_less_power() -> None:
    """γ = −0.004/°C: at 50 °C the DC power is 1 − 0.004 × 25 = 0.90 of that at 25 °C."""
    array = reference_array()
    cool = dc_power_kw(np.array([800.0]), np.array([25.0]), array)[0]
    hot = dc_power_kw(np.array([800.0]), np.array([50.0]), array)[0]
    assert hot / cool == pytest.approx(0.90)
    assert array_ac_power_kw(800.0, 50.0, array)[0] < array_ac_power_kw(800.0, 25.0, array)[0]


def test_faiman_cell_temperature() -> None:
    """Faiman: 20 °C + 1000 W/m² / (25 + 6.84 × 1 m/s) = 20 + 31.407 = 51.407 °C; no sun → air."""
    temp = cell_temperature_c(np.array([1000.0, 0.0]), 20.0, 1.0)
    np.testing.assert_allclose(temp, [51.407, 20.0], atol=1e-3)


def test_hot_day_yields_less_energy_than_cold_day() -> None:
    """The same sky at 35 °C air temperature gives less energy than at 5 °C (γ < 0)."""
    axis = day_axis(2026, 6, 21, step_minutes=60)
    home = make_home()
    hot = pv_forecast_kw(home, axis, air_temperature_c=np.full(24, 35.0))
    cold = pv_forecast_kw(home, axis, air_temperature_c=np.full(24, 5.0))
    assert energy_kwh(hot, axis) < energy_kwh(cold, axis)
    assert np.all(hot <= cold + 1e-12)


def test_inverter_clips_at_its_ac_limit() -> None:
    """A 6 kWp array on a 3 kW inverter: at 1000 W/m², 25 °C the DC (6 kW) exceeds the inverter
    input pdc0 = 3 / 0.96 = 3.125 kW, so AC = 0.96 × 3.125 = 3 kW exactly. On a clear June day
    the midday steps sit at 3 kW and none exceeds it."""
    array = reference_array(peak_power_kwp=6.0, inverter_ac_kw=3.0, inverter_efficiency=0.96)
    assert array_ac_power_kw(1000.0, 25.0, array)[0] == pytest.approx(3.0, rel=1e-12)

    home = make_home([{**SOUTH_6KWP, "inverter_ac_kw": 3.0}])
    axis = day_axis(2026, 6, 21, step_minutes=60)
    power = pv_forecast_kw(home, axis)
    assert power.max() <= 3.0 + 1e-9
    assert np.sum(np.isclose(power, 3.0, rtol=1e-9)) >= 3


# ----------------------------------------------------------------------------- daily energy

def test_summer_day_energy_in_plausible_band_and_above_winter() -> None:
    """6 kWp, 30° tilt, south, Berlin, clear sky, 21 June.

    Clear-sky irradiation on a 30° south plane in Berlin at midsummer is about 8 kWh/m² per day
    (about 75 % of the extra-terrestrial ~10.5 kWh/m² on that plane). With 1 kWp per kW/m²,
    14 % losses, a 96 % inverter and ~5–10 % temperature loss the performance ratio is
    0.70–0.80: 6 × 8 × (0.70..0.80) ≈ 34–38 kWh. Band: 30–45 kWh. On 21 December the sun stands
    14° high at noon for 7.7 hours: far less, and strictly less.
    """
    home = make_home()
    june = day_axis(2026, 6, 21)
    december = day_axis(2026, 12, 21)
    summer = energy_kwh(pv_forecast_kw(home, june), june)
    winter = energy_kwh(pv_forecast_kw(home, december), december)
    assert 30.0 <= summer <= 45.0
    assert winter < summer
    assert winter < 0.5 * summer


def test_hourly_and_quarter_hourly_axes_give_the_same_daily_energy() -> None:
    """Both axes average the same 5-minute samples: daily energies agree to 1 %, and an hourly
    value is the mean of the 12 five-minute values of that hour."""
    home = make_home()
    hourly_axis = day_axis(2026, 6, 21, step_minutes=60)
    quarter_axis = day_axis(2026, 6, 21, step_minutes=15)
    five_axis = day_axis(2026, 6, 21, step_minutes=5)
    hourly = pv_forecast_kw(home, hourly_axis)
    quarter = pv_forecast_kw(home, quarter_axis)
    five = pv_forecast_kw(home, five_axis)
    assert energy_kwh(quarter, quarter_axis) == pytest.approx(
        energy_kwh(hourly, hourly_axis), rel=0.01
    )
    np.testing.assert_allclose(hourly, five.reshape(24, 12).mean(axis=1), rtol=1e-12, atol=1e-12)


def test_two_arrays_add_up() -> None:
    """An east and a west array on one roof produce the sum of what each produces alone."""
    east = {"name": "east", "peak_power_kwp": 3.0, "tilt_deg": 20.0, "azimuth_deg": 90.0}
    west = {"name": "west", "peak_power_kwp": 4.0, "tilt_deg": 20.0, "azimuth_deg": 270.0}
    axis = day_axis(2026, 6, 21, step_minutes=30)
    both = pv_forecast_kw(make_home([east, west]), axis)
    alone = pv_forecast_kw(make_home([east]), axis) + pv_forecast_kw(make_home([west]), axis)
    np.testing.assert_allclose(both, alone, rtol=1e-12, atol=1e-12)
    # east produces more in the morning than in the afternoon
    east_only = pv_forecast_kw(make_home([east]), axis)
    assert east_only[16:24].sum() > east_only[28:36].sum()


def test_dst_spring_forward_day() -> None:
    """Europe/Berlin 2026-03-29 has 23 hours: 92 quarter-hours from local midnight. Solar noon is
    ≈ 12:00 UTC − 53.6 min + 4.9 min (equation of time) ≈ 11:11 UTC = 13:11 CEST, so the peak
    step lies between 12:30 and 14:00 local time. The day's energy is within 5 % of the day
    before (24 h, one day less of spring)."""
    home = make_home()
    axis = day_axis(2026, 3, 29, step_minutes=15, hours=23)
    assert axis.n_steps == 92
    last_end = axis.index[-1] + pd.Timedelta(minutes=15)
    assert last_end == pd.Timestamp("2026-03-30T00:00:00+02:00")
    power = pv_forecast_kw(home, axis)
    assert power.shape == (92,)
    assert np.all(np.isfinite(power)) and np.all(power >= 0.0)
    assert np.all(power[:16] == 0.0)  # 00:00–05:00 local is night
    peak_local = axis.index[int(np.argmax(power))]
    assert 12 * 60 + 30 <= peak_local.hour * 60 + peak_local.minute <= 14 * 60
    previous = day_axis(2026, 3, 28, step_minutes=15)
    before = energy_kwh(pv_forecast_kw(home, previous), previous)
    assert energy_kwh(power, axis) == pytest.approx(before, rel=0.05)


def test_seventy_two_hours_at_five_minutes_is_fast() -> None:
    """864 steps × 5 min with cloud cover and air temperature: vectorised, well under 0.2 s
    (about 10 ms measured on the 2-core reference machine)."""
    home = make_home([SOUTH_6KWP, {**SOUTH_6KWP, "name": "garage", "azimuth_deg": 250.0}])
    axis = day_axis(2026, 6, 21, step_minutes=5, hours=72)
    cloud = np.full(axis.n_steps, 40.0)
    air = np.full(axis.n_steps, 18.0)
    best = np.inf
    for _ in range(3):
        start = time.perf_counter()
        power = pv_forecast_kw(home, axis, cloud_cover_pct=cloud, air_temperature_c=air)
        best = min(best, time.perf_counter() - start)
    assert power.shape == (864,)
    assert best < 0.2


# ----------------------------------------------------------------------------- PV series

def write_hourly_csv(path: Path, start: str, values: list[float], column: str = "pv_kw") -> None:
    stamps = pd.date_range(start, periods=len(values), freq="60min")
    rows = [f"{t.isoformat()},{v}" for t, v in zip(stamps, values, strict=True)]
    lines = [f"start,{column}", *rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_pv_series_file_is_used_as_is(tmp_path: Path) -> None:
    """A 24-hour PV series replaces the model (even with arrays present): on an hourly axis the
    values come back unchanged; on a 15-minute axis each hour's value repeats four times."""
    values = [0.0] * 6 + [0.5, 1.0, 2.0, 3.0, 3.5, 4.0, 4.0, 3.5, 3.0, 2.0, 1.0, 0.5] + [0.0] * 6
    write_hourly_csv(tmp_path / "pv.csv", "2026-06-21T00:00:00+02:00", values)
    home = make_home(pv_series={"type": "series", "file": "pv.csv", "value_column": "pv_kw"},
                     source_dir=tmp_path)
    hourly = day_axis(2026, 6, 21, step_minutes=60)
    np.testing.assert_allclose(pv_forecast_kw(home, hourly), values, rtol=0, atol=1e-12)
    quarter = day_axis(2026, 6, 21, step_minutes=15)
    np.testing.assert_allclose(pv_forecast_kw(home, quarter), np.repeat(values, 4), atol=1e-12)


def test_pv_series_repeat_daily_applies_to_other_days(tmp_path: Path) -> None:
    """With repeat_daily the one-day profile is used for every local day of the axis."""
    values = [float(h % 7) for h in range(24)]
    write_hourly_csv(tmp_path / "profile.csv", "2026-01-01T00:00:00+01:00", values)
    home = make_home([], pv_series={"type": "series", "file": "profile.csv", "repeat_daily": True},
                     source_dir=tmp_path)
    axis = day_axis(2026, 6, 21, step_minutes=60, hours=48)
    np.testing.assert_allclose(pv_forecast_kw(home, axis), values * 2, atol=1e-12)


def test_negative_pv_series_value_is_a_series_error(tmp_path: Path) -> None:
    """PV power cannot be negative: −0.2 kW on data line 4 (hour 2) is refused with its line."""
    values = [0.0, 0.0, -0.2] + [1.0] * 21
    write_hourly_csv(tmp_path / "pv.csv", "2026-06-21T00:00:00+02:00", values)
    home = make_home(pv_series={"type": "series", "file": "pv.csv"}, source_dir=tmp_path)
    with pytest.raises(SeriesError, match="line 4") as err:
        pv_forecast_kw(home, day_axis(2026, 6, 21, step_minutes=60))
    assert "negative" in str(err.value)


def test_pv_series_too_short_is_a_series_error(tmp_path: Path) -> None:
    """A 12-hour series cannot serve a 24-hour horizon: no value is invented."""
    write_hourly_csv(tmp_path / "pv.csv", "2026-06-21T00:00:00+02:00", [1.0] * 12)
    home = make_home(pv_series={"type": "series", "file": "pv.csv"}, source_dir=tmp_path)
    with pytest.raises(SeriesError, match="covers"):
        pv_forecast_kw(home, day_axis(2026, 6, 21, step_minutes=60))


# ----------------------------------------------------------------------------- weather files

def test_cloud_cover_file_is_aligned_to_the_axis(tmp_path: Path) -> None:
    """Hourly cloud cover 0, 50, 100 %: a 30-minute axis gets each value twice; a 2-hour mean
    over 0 and 50 would be 25 (checked through the 30-minute values)."""
    path = tmp_path / "clouds.csv"
    write_hourly_csv(path, "2026-06-21T10:00:00+02:00", [0.0, 50.0, 100.0], column="cloud_pct")
    axis = TimeAxis.from_now(datetime(2026, 6, 21, 10, tzinfo=BERLIN), tz_name="Europe/Berlin",
                             step_minutes=30, horizon_hours=3)
    cloud = cloud_cover_pct_on_axis(path, axis)
    np.testing.assert_allclose(cloud, [0.0, 0.0, 50.0, 50.0, 100.0, 100.0])
    assert cloud[:4].mean() == pytest.approx(25.0)


def test_cloud_cover_file_out_of_range_names_the_line(tmp_path: Path) -> None:
    """The third value (CSV line 4, after the header) is 130 %: a SeriesError with that line and
    the allowed range, but not the value itself (errors never quote a file's content)."""
    path = tmp_path / "clouds.csv"
    write_hourly_csv(path, "2026-06-21T10:00:00+02:00", [10.0, 20.0, 130.0, 40.0])
    axis = TimeAxis.from_now(datetime(2026, 6, 21, 10, tzinfo=BERLIN), tz_name="Europe/Berlin",
                             step_minutes=60, horizon_hours=4)
    with pytest.raises(SeriesError, match="line 4") as err:
        cloud_cover_pct_on_axis(path, axis)
    assert "0..100 %" in str(err.value) and "130" not in str(err.value)


def test_air_temperature_json_file_is_aligned(tmp_path: Path) -> None:
    """A JSON hourly series 10, 14 °C: a 15-minute axis over those two hours gets 4 × 10, 4 × 14;
    a value in Kelvin (288) is refused."""
    path = tmp_path / "air.json"
    path.write_text(json.dumps(
        {"start": "2026-06-21T10:00:00+02:00", "step_minutes": 60, "values": [10.0, 14.0]}
    ), encoding="utf-8")
    axis = TimeAxis.from_now(datetime(2026, 6, 21, 10, tzinfo=BERLIN), tz_name="Europe/Berlin",
                             step_minutes=15, horizon_hours=2)
    np.testing.assert_allclose(air_temperature_c_on_axis(path, axis), [10.0] * 4 + [14.0] * 4)

    kelvin = tmp_path / "kelvin.json"
    kelvin.write_text(json.dumps(
        {"start": "2026-06-21T10:00:00+02:00", "step_minutes": 60, "values": [288.0, 290.0]}
    ), encoding="utf-8")
    with pytest.raises(SeriesError, match="value 1"):
        air_temperature_c_on_axis(kelvin, axis)
