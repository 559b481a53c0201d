"""Plans across the Europe/Amsterdam daylight-saving switches of 2026.

Autumn: Sun 2026-10-25 the clock goes from 03:00 CEST (+02:00) back to 02:00 CET (+01:00), so the
local day from midnight to midnight lasts 25 h and the hour 02:00–03:00 happens twice.
Spring: Sun 2026-03-29 the clock jumps from 02:00 CET to 03:00 CEST; the day lasts 23 h and
02:00–03:00 never happens.

The home: no PV, no battery, base load 0.5 kW every hour, TOU import price by local clock
0.25 /kWh except 0.10 in [02:00, 03:00) and 0.20 in [03:00, 04:00). A heater (1 kW × 2 h, one
uninterrupted run) may only run 02:00–03:00 local — one hour on a normal night, two on the
October night — and a dishwasher (1 kW × 1 h) may run 01:00–04:00 local.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np
import pytest
from helpers import appliance_request, appliance_spec, make_home

from tools.home import Home
from tools.planning import forecast, schedule
from tools.timeaxis import TimeAxis

TZ = "Europe/Amsterdam"
CET, CEST = timezone(timedelta(hours=1)), timezone(timedelta(hours=2))
OCTOBER_NOW = datetime(2026, 10, 25, 0, 0, tzinfo=CEST)
MARCH_NOW = datetime(2026, 3, 29, 0, 0, tzinfo=CET)


@pytest.fixture(scope="module")
def home() -> Home:
    bands = [
        {"start": "00:00", "end": "02:00", "price_per_kwh": 0.25},
        {"start": "02:00", "end": "03:00", "price_per_kwh": 0.10},
        {"start": "03:00", "end": "04:00", "price_per_kwh": 0.20},
        {"start": "04:00", "end": "24:00", "price_per_kwh": 0.25},
    ]
    return make_home(
        timezone=TZ,
        location={"latitude_deg": 52.37, "longitude_deg": 4.90, "altitude_m": 0.0},
        grid={"import_limit_kw": 10.0, "export_limit_kw": 5.0},
        tariff={"currency": "EUR", "import": {"type": "tou", "rules": [{"bands": bands}]}},
        base_load={"type": "hourly", "power_kw": [0.5] * 24},
        appliances=[
            appliance_spec(
                "heater",
                duration_minutes=120,
                power_kw=1.0,
                allowed_windows=[{"start": "02:00", "end": "03:00"}],
            ),
            appliance_spec(
                "dishwasher",
                duration_minutes=60,
                power_kw=1.0,
                allowed_windows=[{"start": "01:00", "end": "04:00"}],
            ),
        ],
    )


def iso(times: list[datetime]) -> list[str]:
    return [t.isoformat() for t in times]


def test_october_axis_has_100_quarter_hours_and_the_repeated_hour() -> None:
    """25 h × 4 = 100 steps; 02:00+02:00 and 02:00+01:00 both appear; every step is 15 physical
    minutes; the local minutes of day 120…179 occur twice (8 steps), every other minute once."""
    axis = TimeAxis.from_now(OCTOBER_NOW, tz_name=TZ, step_minutes=15, horizon_hours=25)
    assert axis.n_steps == 100
    assert axis.end.isoformat() == "2026-10-26T00:00:00+01:00"
    labels = [t.isoformat() for t in axis.index.to_pydatetime()]
    assert "2026-10-25T02:00:00+02:00" in labels
    assert "2026-10-25T02:00:00+01:00" in labels
    assert (
        labels.index("2026-10-25T02:00:00+01:00") - labels.index("2026-10-25T02:00:00+02:00") == 4
    )
    assert np.all(np.diff(axis.epoch_seconds) == 900)
    minutes = axis.local_minute_of_day
    assert int(np.sum((minutes >= 120) & (minutes < 180))) == 8
    assert len(set(minutes.tolist())) == 96


def test_october_prices_both_0200_hours_by_the_local_band(home: Home) -> None:
    """The 02:00 band applies to both 02:00 hours (8 steps at 0.10); 03:00–04:00 is 4 steps at
    0.20; the other 88 steps are 0.25."""
    inputs = forecast(home, OCTOBER_NOW, step_minutes=15, horizon_hours=25)
    prices = inputs.import_price_per_kwh
    labels = iso(list(inputs.axis.index.to_pydatetime()))
    first = labels.index("2026-10-25T02:00:00+02:00")
    second = labels.index("2026-10-25T02:00:00+01:00")
    np.testing.assert_allclose(prices[first : first + 4], 0.10)
    np.testing.assert_allclose(prices[second : second + 4], 0.10)
    assert int(np.sum(np.isclose(prices, 0.10))) == 8
    assert int(np.sum(np.isclose(prices, 0.20))) == 4
    assert int(np.sum(np.isclose(prices, 0.25))) == 88
    assert float(inputs.base_load_kw.sum() * 0.25) == pytest.approx(12.5, abs=1e-9)


def test_october_plan_runs_the_heater_through_the_two_hour_window(home: Home) -> None:
    """The heater's 02:00–03:00 window lasts two physical hours that night, so its 2 h cycle fits
    exactly: 02:00+02:00 → 03:00+01:00. The dishwasher runs one hour somewhere inside those two
    0.10 hours (every such placement costs the same, so only its bounds are asserted).

    Cost: base load 0.5 kW × (2 h × 0.10 + 1 h × 0.20 + 22 h × 0.25) = 0.5 × 5.9 = 2.95; heater
    2 kWh × 0.10 = 0.20; dishwasher 1 kWh × 0.10 = 0.10; total 3.25.
    """
    outcome = schedule(
        home,
        OCTOBER_NOW,
        [appliance_request("heater"), appliance_request("dishwasher")],
        step_minutes=15,
        horizon_hours=25,
    )
    assert outcome.status == "proposed", outcome.message
    plan = outcome.plan
    assert plan is not None
    assert plan.solve_status == "optimal"
    assert len(plan.series.times) == 100
    labels = iso(plan.series.times)
    assert labels[0] == "2026-10-25T00:00:00+02:00"
    assert "2026-10-25T02:00:00+02:00" in labels and "2026-10-25T02:00:00+01:00" in labels
    assert plan.horizon_end.isoformat() == "2026-10-26T00:00:00+01:00"
    # Physical length (datetimes sharing one ZoneInfo subtract as wall clocks, so use timestamps).
    assert plan.horizon_end.timestamp() - plan.horizon_start.timestamp() == 25 * 3600

    [heater] = plan.devices["heater"]
    assert heater.start.isoformat() == "2026-10-25T02:00:00+02:00"
    assert heater.end.isoformat() == "2026-10-25T03:00:00+01:00"
    assert heater.power_kw == pytest.approx(1.0)
    [dishwasher] = plan.devices["dishwasher"]
    cheap_from = datetime(2026, 10, 25, 2, 0, tzinfo=CEST).timestamp()
    cheap_to = datetime(2026, 10, 25, 3, 0, tzinfo=CET).timestamp()
    assert cheap_from <= dishwasher.start.timestamp()
    assert dishwasher.end.timestamp() <= cheap_to
    assert dishwasher.end.timestamp() - dishwasher.start.timestamp() == 3600
    assert plan.cost == pytest.approx(3.25, abs=1e-6)


def test_the_heater_cannot_fit_on_an_ordinary_night(home: Home) -> None:
    """The day before, 02:00–03:00 is one hour: a 2 h cycle has no allowed placement, so the
    outcome is infeasible with a window diagnosis, not an exception."""
    outcome = schedule(
        home,
        datetime(2026, 10, 24, 0, 0, tzinfo=CEST),
        [appliance_request("heater")],
        step_minutes=15,
        horizon_hours=24,
    )
    assert outcome.status == "infeasible"
    assert outcome.diagnosis is not None
    assert [b.kind for b in outcome.diagnosis.binding] == ["appliance_window"]
    assert "heater" in outcome.diagnosis.message


def test_march_plan_has_92_steps_and_no_0200_hour(home: Home) -> None:
    """23 h × 4 = 92 steps; 01:45+01:00 is followed by 03:00+02:00; the 0.10 band never applies.

    The dishwasher's 01:00–04:00 window lasts two physical hours (01:00–02:00 CET and 03:00–04:00
    CEST); it takes the cheaper 03:00 hour (0.20 against 0.25): 03:00+02:00 → 04:00+02:00.
    Cost: base load 0.5 × (2 h × 0.25 + 1 h × 0.20 + 20 h × 0.25) = 0.5 × 5.7 = 2.85; dishwasher
    0.20; total 3.05.
    """
    outcome = schedule(
        home, MARCH_NOW, [appliance_request("dishwasher")], step_minutes=15, horizon_hours=23
    )
    assert outcome.status == "proposed", outcome.message
    plan = outcome.plan
    assert plan is not None
    assert len(plan.series.times) == 92
    labels = iso(plan.series.times)
    i = labels.index("2026-03-29T01:45:00+01:00")
    assert labels[i + 1] == "2026-03-29T03:00:00+02:00"
    assert not any("T02:" in label for label in labels[: i + 2])
    assert plan.horizon_end.isoformat() == "2026-03-30T00:00:00+02:00"
    prices = np.asarray(plan.series.import_price_per_kwh)
    assert not np.any(np.isclose(prices, 0.10))
    assert int(np.sum(np.isclose(prices, 0.20))) == 4
    [dishwasher] = plan.devices["dishwasher"]
    assert dishwasher.start.isoformat() == "2026-03-29T03:00:00+02:00"
    assert dishwasher.end.isoformat() == "2026-03-29T04:00:00+02:00"
    assert plan.cost == pytest.approx(3.05, abs=1e-6)
