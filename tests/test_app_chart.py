"""plan_figure: rows, names, step shape, price axis from 0, deadlines, now-line, phone layout.

Sample plan a (app_samples): 12 hourly steps from Tue 24 Nov 2026 18:00 +01:00, so the stepped
x axis has 13 points, 18:00 … 06:00 Wed (local); Family car 7 kW in steps 6–8 (00:00–03:00),
Dishwasher 1.2 kW in step 4; price 0.30, 0.10 in steps 6–8; battery SoC 50 % at all 13
boundaries, no PV. The car's request is due at 07:00 Wed, after the horizon end (06:00), so only
a deadline inside the horizon is drawn.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import plotly.graph_objects as go
import pytest
from app_samples import NOW, make_plan, sample_home

from app.ui.chart import CHART_CONFIG, plan_figure
from tools.errors import SeriesError
from tools.requests import DeviceRequest


def _trace(fig: go.Figure, name: str) -> go.Scatter:
    return next(t for t in fig.data if t.name == name)


def test_traces_by_name_in_order() -> None:
    fig = plan_figure(make_plan(), sample_home())
    assert [t.name for t in fig.data] == [
        "Household", "Family car", "Dishwasher", "Battery charging", "Battery discharging",
        "Price",
    ]


def test_consumption_is_stacked_step_shaped_and_continuous() -> None:
    fig = plan_figure(make_plan(), sample_home())
    for name in ("Household", "Family car", "Dishwasher"):
        assert _trace(fig, name).stackgroup == "use"
        assert _trace(fig, name).line.shape == "hv"
    car = _trace(fig, "Family car")
    assert list(car.y) == [0.0] * 6 + [7.0] * 3 + [0.0] * 4  # 12 steps + the repeated last value
    assert car.x[0] == datetime(2026, 11, 24, 18, 0)
    assert car.x[-1] == datetime(2026, 11, 25, 6, 0)  # horizon end


def test_battery_is_its_own_band_and_price_its_own_axis_from_zero() -> None:
    plan = make_plan()
    series = plan.series.model_copy(update={
        "battery_charge_kw": [2.0] + [0.0] * 11, "battery_discharge_kw": [0.0] * 5 + [1.5] + [0.0] * 6})
    fig = plan_figure(plan.model_copy(update={"series": series}), sample_home())
    charge, discharge = _trace(fig, "Battery charging"), _trace(fig, "Battery discharging")
    assert charge.yaxis == discharge.yaxis == "y2" and charge.stackgroup is None
    assert next(iter(charge.y)) == 2.0 and list(discharge.y)[5] == -1.5
    price = _trace(fig, "Price")
    assert price.yaxis == "y3"
    assert list(price.y)[6:9] == [0.10, 0.10, 0.10]
    assert fig.layout.yaxis3.rangemode == "tozero"
    assert fig.layout.yaxis3.title.text == "EUR/kWh"
    assert fig.layout.yaxis.title.text == "use kW"


def test_solar_used_and_sent_to_the_grid() -> None:
    """PV 4 kW in step 0 with 1 kW curtailed and 1.5 kW exported: 1.5 used, 1.5 to the grid."""
    plan = make_plan()
    zeros = [0.0] * 11
    series = plan.series.model_copy(update={
        "pv_kw": [4.0, *zeros], "pv_curtailed_kw": [1.0, *zeros], "grid_export_kw": [1.5, *zeros]})
    fig = plan_figure(plan.model_copy(update={"series": series}), sample_home())
    assert next(iter(_trace(fig, "Solar used").y)) == pytest.approx(1.5)
    assert next(iter(_trace(fig, "Solar to grid").y)) == pytest.approx(1.5)
    assert _trace(fig, "Solar used").stackgroup == "pv"


def test_without_battery_or_pv_two_rows() -> None:
    fig = plan_figure(make_plan(with_battery=False), sample_home(with_battery=False))
    names = [t.name for t in fig.data]
    assert "Battery charging" not in names and "Solar used" not in names
    assert "xaxis2" in fig.layout.to_plotly_json() and "xaxis3" not in fig.layout.to_plotly_json()


def test_approved_runs_are_hatched_and_named() -> None:
    plan = make_plan(dishwasher_step=None)
    series = plan.series.model_copy(update={"committed_kw": {"dishwasher": [0.0] * 4 + [1.2] +
                                                             [0.0] * 7}})
    fig = plan_figure(plan.model_copy(update={"series": series}), sample_home())
    approved = _trace(fig, "Dishwasher (approved)")
    assert approved.fillpattern.shape == "/" and approved.stackgroup == "use"


def test_deadlines_inside_the_horizon_and_now_are_marked() -> None:
    plan = make_plan()
    due = DeviceRequest(device="dishwasher", kind="appliance_run",
                        deadline=NOW + timedelta(hours=5))
    fig = plan_figure(plan.model_copy(update={"requests": [*plan.requests, due]}), sample_home())
    texts = [a.text for a in fig.layout.annotations]
    assert "Dishwasher ready" in texts and "Family car ready" not in texts  # car due after 06:00
    assert "now" in texts
    xs = {shape.x0 for shape in fig.layout.shapes}
    assert datetime(2026, 11, 24, 23, 0) in xs and datetime(2026, 11, 24, 18, 0) in xs
    later = plan_figure(plan, sample_home(), now=NOW + timedelta(hours=5, minutes=30))
    assert datetime(2026, 11, 24, 23, 30) in {shape.x0 for shape in later.layout.shapes}


def test_phone_friendly_layout() -> None:
    """No title to clip, no right axis, legend under the time axis, no mode bar."""
    fig = plan_figure(make_plan(), sample_home())
    assert fig.layout.title.text is None
    assert fig.layout.margin.r <= 20
    assert fig.layout.legend.orientation == "h" and fig.layout.legend.y < 0
    assert CHART_CONFIG["displayModeBar"] is False
    assert "2026-11-24T18:00:00" in fig.to_json()  # naive local times survive JSON


def test_series_of_wrong_length_is_refused() -> None:
    plan = make_plan()
    short = plan.model_copy(update={"series": plan.series.model_copy(
        update={"base_load_kw": plan.series.base_load_kw[:-1]})})
    with pytest.raises(SeriesError, match=r"plan.series.base_load_kw: has 11 values for 12 steps"):
        plan_figure(short, sample_home())
    bad_soc = plan.model_copy(update={"series": plan.series.model_copy(
        update={"battery_soc_pct": [50.0] * 12})})
    with pytest.raises(SeriesError, match="needs 13"):
        plan_figure(bad_soc, sample_home())
