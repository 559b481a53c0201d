"""The agents' tools on the heated example home: the typed heat fields of ``update_requests``,
modes on device ``home``, and a proposal that carries the heat lines and a demand-response
summary (events handed in on the session, as the runner and the HTTP API do)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from agents.session import PlanningSession
from agents.tools import NoArgs, RequestChange, UpdateRequestsArgs, propose_plan
from agents.tools.requests import update_requests
from tools.demand_response import DemandResponseEvent
from tools.errors import RequestError
from tools.home import load_home

pytest_plugins = ["agents_conftest"]

HOME = load_home(Path(__file__).resolve().parents[1] / "examples" / "home-heat.yaml")
NOW = datetime.fromisoformat("2026-11-24T18:00:00+01:00")


def session() -> PlanningSession:
    return PlanningSession(home=HOME, now=NOW)


def test_hot_water_by_seven_with_a_bath() -> None:
    """ "Hot for a bath at 7" → the tank (by its alias "boiler"), 60 °C by Wed 07:00, 150 l."""
    s = session()
    result = update_requests(
        s,
        UpdateRequestsArgs(
            upsert=[
                RequestChange(device="boiler", deadline="07:00", target_temp_c=60, draw_litres=150)
            ]
        ),
    )
    (request,) = result.requests
    assert request.device == "hot_water" and request.kind == "water_heat"
    assert request.target_temp_c == 60 and request.draw_litres == 150
    assert request.deadline == datetime.fromisoformat("2026-11-25T07:00:00+01:00")


def test_keep_the_living_room_between_20_and_22_needs_no_deadline() -> None:
    """A comfort band without an end holds to the horizon's end; a mode goes on device 'home'."""
    s = session()
    result = update_requests(
        s,
        UpdateRequestsArgs(
            upsert=[
                RequestChange(device="living room", min_temp_c=20, max_temp_c=22),
                RequestChange(device="home", mode="away", deadline="tomorrow 12:00"),
            ]
        ),
    )
    comfort, mode = result.requests
    assert comfort.kind == "comfort" and comfort.deadline is None and comfort.min_temp_c == 20
    assert mode.device == "home" and mode.kind == "mode" and mode.mode == "away"
    with pytest.raises(RequestError, match="say which mode"):
        update_requests(
            s,
            UpdateRequestsArgs(
                upsert=[RequestChange(device="the house", deadline="20:00")], clear_all=True
            ),
        )
    with pytest.raises(RequestError, match="charge target"):
        update_requests(
            s,
            UpdateRequestsArgs(
                upsert=[RequestChange(device="boiler", deadline="07:00", charge_full=True)]
            ),
        )


def test_proposal_carries_heat_lines_and_what_taking_part_earns() -> None:
    """With a 1 kW cap 19:00–21:00 at 0.50/kWh on the session, the proposal's view has one heat
    line per tank and room, and the demand-response text with the money earned."""
    s = session()
    s.events = [
        DemandResponseEvent(
            start=NOW + timedelta(hours=1),
            end=NOW + timedelta(hours=3),
            cap_kw=1.0,
            incentive_per_kwh=0.5,
        )
    ]
    update_requests(s, UpdateRequestsArgs(upsert=[RequestChange(device="car", deadline="07:00")]))
    view = propose_plan(s, NoArgs())
    assert view.status == "proposed"
    assert [line.split(":")[0] for line in view.heat] == ["Hot-water tank", "Heat pump"]
    assert view.demand_response is not None and "Taking part" in view.demand_response
    assert s.proposal is not None and s.proposal.plan is not None
    assert s.proposal.plan.demand_response is not None
