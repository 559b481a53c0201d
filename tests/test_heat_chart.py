"""The temperature chart: its traces are the plan's own series (rooms, bands, outdoors, tanks)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from app.ui.heat_chart import heat_figure
from tools.home import load_home
from tools.planning import schedule

REPO = Path(__file__).resolve().parents[1]
NOW = datetime.fromisoformat("2026-11-24T18:00:00+01:00")


def test_heat_figure_draws_the_plan_series() -> None:
    """Heated example home, 24 h in 15-minute steps: 97 points per temperature, the band's edges
    from the plan, the outdoor temperature step-shaped with its last value repeated; a home
    without heat draws nothing."""
    home = load_home(REPO / "examples" / "home-heat.yaml")
    plan = schedule(home, NOW, []).plan
    assert plan is not None
    figure = heat_figure(plan, tz_name=home.timezone)
    assert figure is not None
    traces = {trace.name: trace for trace in figure.data}
    assert list(traces) == [
        "Heat pump band (min)",
        "Heat pump band",
        "Heat pump indoors",
        "outdoors",
        "Hot-water tank minimum",
        "Hot-water tank",
    ]
    assert list(traces["Heat pump indoors"].y) == plan.series.indoor_temp_c["heat_pump"]
    assert (
        list(traces["Heat pump band (min)"].y) == plan.series.comfort_band_c["heat_pump"].min_temp_c
    )
    assert list(traces["Hot-water tank"].y) == plan.series.tank_temp_c["hot_water"]
    outdoor = plan.series.outdoor_temp_c
    assert outdoor is not None and list(traces["outdoors"].y) == [*outdoor, outdoor[-1]]
    assert len(traces["Heat pump indoors"].x) == 97
    plain_home = load_home(REPO / "examples" / "home.yaml")
    from tools.requests import DeviceRequest

    plain = schedule(
        plain_home, NOW, [DeviceRequest(device="dishwasher", kind="appliance_run")]
    ).plan
    assert plain is not None and heat_figure(plain) is None


def test_the_card_has_one_line_per_tank_and_room_and_the_event() -> None:
    """The plan card lists the tank's and the room's lines exactly as the plan's heat section
    words them, the weather's source, and what taking part in an event earns."""
    from datetime import timedelta

    from app.card import plan_card
    from app.render import card_markdown
    from tools.demand_response import DemandResponseEvent

    home = load_home(REPO / "examples" / "home-heat.yaml")
    event = DemandResponseEvent(
        start=NOW + timedelta(hours=1),
        end=NOW + timedelta(hours=3),
        cap_kw=1.0,
        incentive_per_kwh=0.5,
    )
    plan = schedule(home, NOW, [], events=[event]).plan
    assert plan is not None and plan.heat is not None and plan.demand_response is not None
    text = card_markdown(plan_card(plan, home), home.timezone, heading="Plan 1 — proposed")
    for line in plan.heat.lines:
        assert f"- {line.text}" in text
    assert "Outdoor temperature from the home file's climate profile" in text
    assert plan.demand_response.message in text
