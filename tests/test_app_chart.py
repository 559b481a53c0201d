"""plan_figure: traces, step shape, axes, time zone and the now-line.

Sample plan a (app_samples): 12 hourly steps from Tue 24 Nov 2026 18:00 +01:00, so the stepped
x axis has 13 points, 18:00 … 06:00 Wed (local); EV 7 kW in steps 6–8 (00:00–03:00);
price 0.30, 0.10 in steps 6–8; battery SoC 50 % at all 13 boundaries.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import plotly.graph_objects as go
import pytest
from app_samples import NOW, TZ, make_plan

from app.ui.chart import plan_figure
from tools.errors import SeriesError


def _trace(fig: go.Figure, name: str) -> go.Scatter:
    return next(t for t in fig.data if t.name == name)


def test_traces_in_order() -> None:
    fig = plan_figure(make_plan(), tz_name=TZ)
    assert isinstance(fig, go.Figure)
    assert [t.name for t in fig.data] == [
        "base load", "ev", "dishwasher", "battery charging", "PV available", "import price",
        "battery SoC",
    ]


def test_consumption_is_stacked_and_step_shaped() -> None:
    fig = plan_figure(make_plan(), tz_name=TZ)
    for name in ("base load", "ev", "dishwasher", "battery charging"):
        assert _trace(fig, name).stackgroup == "consumption"
        assert _trace(fig, name).line.shape == "hv"
    assert _trace(fig, "PV available").stackgroup is None
    ev = _trace(fig, "ev")
    assert list(ev.y) == [0.0] * 6 + [7.0] * 3 + [0.0] * 4  # 12 steps + the repeated last value
    assert ev.x[0] == datetime(2026, 11, 24, 18, 0)
    assert ev.x[-1] == datetime(2026, 11, 25, 6, 0)  # horizon end
    assert len(ev.x) == 13


def test_price_on_secondary_axis_and_soc_on_own_panel() -> None:
    fig = plan_figure(make_plan(), tz_name=TZ)
    price = _trace(fig, "import price")
    assert price.yaxis == "y2"
    assert list(price.y)[6:9] == [0.10, 0.10, 0.10]
    soc = _trace(fig, "battery SoC")
    assert soc.yaxis == "y3"
    assert list(soc.y) == [50.0] * 13
    assert fig.layout.yaxis.title.text == "power [kW]"
    assert fig.layout.yaxis2.title.text == "price [EUR/kWh]"
    assert fig.layout.yaxis2.tickformat == ".3f"
    assert fig.layout.yaxis3.title.text == "battery SoC [%]"
    assert fig.layout.xaxis2.title.text == "local time (Europe/Berlin)"


def test_without_battery_one_panel_and_no_battery_traces() -> None:
    fig = plan_figure(make_plan(with_battery=False), tz_name=TZ)
    names = [t.name for t in fig.data]
    assert "battery SoC" not in names and "battery charging" not in names
    assert "xaxis2" not in fig.layout.to_plotly_json()  # no second panel
    assert fig.layout.xaxis.title.text == "local time (Europe/Berlin)"


def test_times_follow_the_given_zone() -> None:
    """18:00 +01:00 is 17:00 UTC and 12:00 in New York."""
    assert plan_figure(make_plan(), tz_name="UTC").data[0].x[0] == datetime(2026, 11, 24, 17, 0)
    assert plan_figure(make_plan(), tz_name="America/New_York").data[0].x[0] == datetime(
        2026, 11, 24, 12, 0)


def test_now_line_at_plan_now_or_given_now() -> None:
    fig = plan_figure(make_plan(), tz_name=TZ)
    line = fig.layout.shapes[0]
    assert (line.x0, line.x1) == (datetime(2026, 11, 24, 18, 0), datetime(2026, 11, 24, 18, 0))
    assert (line.y0, line.y1, line.yref) == (0, 1, "paper")
    assert fig.layout.annotations[-1].text == "now"
    later = plan_figure(make_plan(), tz_name=TZ, now=NOW + timedelta(hours=5, minutes=30))
    assert later.layout.shapes[0].x0 == datetime(2026, 11, 24, 23, 30)


def test_default_title_has_cost_and_baseline() -> None:
    fig = plan_figure(make_plan("abc"), tz_name=TZ)
    assert fig.layout.title.text == "Plan abc: 3.96 EUR (without planning 9.00 EUR)"
    assert plan_figure(make_plan(), title="Active plan").layout.title.text == "Active plan"


def test_figure_serialises_to_json() -> None:
    """cl.Plotly sends figure.to_json(); the naive local times must survive it."""
    text = plan_figure(make_plan(), tz_name=TZ).to_json()
    assert "2026-11-24T18:00:00" in text


def test_series_of_wrong_length_is_refused() -> None:
    plan = make_plan()
    short = plan.model_copy(update={"series": plan.series.model_copy(
        update={"pv_kw": plan.series.pv_kw[:-1]})})
    with pytest.raises(SeriesError, match=r"plan.series.pv_kw: has 11 values for 12 steps"):
        plan_figure(short, tz_name=TZ)
    bad_soc = plan.model_copy(update={"series": plan.series.model_copy(
        update={"battery_soc_pct": [50.0] * 12})})
    with pytest.raises(SeriesError, match="needs 13"):
        plan_figure(bad_soc, tz_name=TZ)
