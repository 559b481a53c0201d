"""Devices on the axis: minute masks, cycle profiles per step, allowed steps on DST days."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from helpers import appliance_spec, make_home

from tools.devices import allowed_minutes, allowed_steps, cycle_kw_per_step
from tools.home import ApplianceCycle
from tools.timeaxis import TimeAxis


@pytest.mark.parametrize(
    ("windows", "quiet"),
    [
        ([{"start": "00:00", "end": "24:00"}], []),
        ([{"start": "08:00", "end": "20:00"}], [{"start": "12:30", "end": "13:15"}]),
        ([{"start": "21:00", "end": "06:00"}], [{"start": "23:45", "end": "00:15"}]),
        ([{"start": "06:00", "end": "09:00"}, {"start": "18:00", "end": "22:00"}], []),
    ],
)
def test_minute_mask_agrees_with_the_rule_minute_by_minute(windows, quiet) -> None:
    """The vectorised mask must say exactly what ``Appliance.allowed_at_minute`` says, for
    plain, wrapping and split windows and quiet hours across midnight."""
    home = make_home(
        appliances=[appliance_spec("washer", allowed_windows=windows, quiet_hours=quiet)]
    )
    appliance = home.appliance("washer")
    expected = np.array([appliance.allowed_at_minute(m) for m in range(1440)])
    np.testing.assert_array_equal(allowed_minutes(appliance), expected)


def test_cycle_profile_keeps_its_energy_on_a_coarser_step() -> None:
    """A 15-minute profile [2, 2, 0.3, 0.3, 0.3] kW (1.225 kWh) on 30-minute steps: steps hold
    (2+2)/2 = 2, (0.3+0.3)/2 = 0.3 and 0.3/2 = 0.15 kW; 0.5 h × (2 + 0.3 + 0.15) = 1.225 kWh."""
    cycle = ApplianceCycle(profile_kw=(2, 2, 0.3, 0.3, 0.3), profile_step_minutes=15)
    np.testing.assert_allclose(cycle_kw_per_step(cycle, 30), [2.0, 0.3, 0.15])
    assert cycle_kw_per_step(cycle, 30).sum() * 0.5 == pytest.approx(cycle.energy_kwh)


def test_a_90_minute_cycle_on_hourly_steps_spreads_its_last_half_hour() -> None:
    """1.5 h at 2 kW = 3 kWh on 60-minute steps: 2 kW, then 1 kWh over the second hour = 1 kW."""
    cycle = ApplianceCycle(duration_minutes=90, power_kw=2.0)
    np.testing.assert_allclose(cycle_kw_per_step(cycle, 60), [2.0, 1.0])


def test_allowed_steps_follow_the_local_clock_on_the_october_switch() -> None:
    """Window 02:00–03:00 local on 2026-10-25 (Europe/Amsterdam): that hour happens twice, so
    eight quarter-hours are allowed — steps 8–11 (02:00+02:00) and 12–15 (02:00+01:00)."""
    home = make_home(
        timezone="Europe/Amsterdam",
        appliances=[appliance_spec("heater", allowed_windows=[{"start": "02:00", "end": "03:00"}])],
    )
    now = datetime(2026, 10, 25, tzinfo=ZoneInfo("Europe/Amsterdam"))
    axis = TimeAxis.from_now(now, tz_name="Europe/Amsterdam", step_minutes=15, horizon_hours=25)
    assert np.flatnonzero(allowed_steps(home.appliance("heater"), axis)).tolist() == list(range(8, 16))
