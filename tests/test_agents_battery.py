"""Battery requests through the agents' typed path: ``update_requests`` fields and replay scripts
driving the real team (the offline model's phrasing is tested with the offline model elsewhere).

Home: examples/home.yaml (10 kWh battery at 40 %, floor 20 % = backup reserve, 5 kW, η = 0.95;
an EV on an 11 kW charger); clock Tue 2026-11-24 18:00 (UTC+01:00).
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest

from agents.run import Conversation, run_request
from agents.session import PlanningSession
from agents.testing import Script, call, calls, say
from agents.tools import RequestChange, ToolFailure, UpdateRequestsArgs
from agents.tools.binding import tools_for
from tools.results import Plan

pytest_plugins = ["agents_conftest"]


def update(session: PlanningSession, *changes: dict, cancel: tuple[str, ...] = ()) -> object:
    tool = next(t for t in tools_for("coordinator", session) if t.name == "update_requests")
    return tool.call(UpdateRequestsArgs(upsert=[RequestChange(**c) for c in changes],
                                        cancel=list(cancel)))


def soc_at(plan: Plan, clock: str) -> float:
    """The battery's SoC [%] at the step boundary of the first step starting at ``clock``."""
    times = [t.strftime("%H:%M") for t in plan.series.times]
    return plan.series.battery_soc_pct[times.index(clock)]


# ----------------------------------------------------------------------------- update_requests


def test_one_request_of_each_battery_kind_in_the_draft(session: PlanningSession) -> None:
    result = update(
        session,
        {"device": "battery", "target_soc_pct": 80, "deadline": "07:00"},
        {"device": "battery", "floor_soc_pct": 30, "earliest_start": "22:00", "deadline": "06:00"},
        {"device": "home battery", "no_ev_discharge": True},
    )
    assert not isinstance(result, ToolFailure), result
    kinds = {r.kind: r for r in session.draft}
    assert set(kinds) == {"battery_target", "battery_floor", "battery_no_ev_discharge"}
    assert kinds["battery_floor"].floor_soc_pct == 30.0
    assert kinds["battery_floor"].earliest_start.isoformat() == "2026-11-24T22:00:00+01:00"
    assert kinds["battery_no_ev_discharge"].deadline is None  # open: to the horizon end
    # a change that names the kind updates only that request
    update(session, {"device": "battery", "floor_soc_pct": 40})
    assert {r.kind: r.floor_soc_pct for r in session.draft}["battery_floor"] == 40.0
    # withdrawing "not into the car", then every battery request
    update(session, {"device": "battery", "no_ev_discharge": False})
    assert {r.kind for r in session.draft} == {"battery_target", "battery_floor"}
    update(session, cancel=("battery",))
    assert session.draft == []


def test_battery_changes_that_cannot_be_read_say_why(session: PlanningSession) -> None:
    both = update(session, {"device": "battery", "target_soc_pct": 80, "floor_soc_pct": 30,
                            "deadline": "07:00"})
    assert isinstance(both, ToolFailure) and "one battery request per change" in both.error
    car = update(session, {"device": "ev", "floor_soc_pct": 30, "deadline": "07:00"})
    assert isinstance(car, ToolFailure) and "only the home battery takes floor_soc_pct" in car.error
    vague = update(session, {"device": "battery", "deadline": "07:00"})
    assert isinstance(vague, ToolFailure) and "say what battery should do" in vague.error


# ----------------------------------------------------------------------------- replay scripts


def script_for(*changes: dict, reply: str) -> Script:
    return Script(
        coordinator=[call("update_requests", upsert=list(changes)), say(reply)],
        scheduler=[call("propose_plan")],
        auditor=[calls(("check_conflicts", {}), ("verify_reply", {}))],
    )


@pytest.mark.asyncio
async def test_replay_battery_target_by_seven(session: PlanningSession) -> None:
    """"Charge the home battery to 80% by 7am": a plan whose battery holds ≥ 80 % at Wed 07:00."""
    script = script_for({"device": "battery", "target_soc_pct": 80, "deadline": "07:00"},
                        reply="The home battery will be at 80% by 07:00.")
    result = await run_request(session, "charge the home battery to 80% by 7am", script)
    assert result.status == "proposed", result.message
    assert [r.kind for r in result.requests] == ["battery_target"]
    assert soc_at(result.plan, "07:00") >= 80.0 - 1e-4


@pytest.mark.asyncio
async def test_replay_battery_floor_tonight(session: PlanningSession) -> None:
    """"Keep the battery above 30% tonight" (22:00–06:00): every boundary from Tue 22:00 to
    Wed 06:00 holds ≥ 30 %, above the 20 % the plan may otherwise use."""
    script = script_for(
        {"device": "battery", "floor_soc_pct": 30, "earliest_start": "22:00", "deadline": "06:00"},
        reply="The battery stays above 30% from 22:00 to 06:00.",
    )
    result = await run_request(session, "keep the battery above 30% tonight", script)
    assert result.status == "proposed", result.message
    plan = result.plan
    times = [t.strftime("%a %H:%M") for t in plan.series.times]
    first, last = times.index("Tue 22:00"), times.index("Wed 06:00")
    assert min(plan.series.battery_soc_pct[first:last + 1]) >= 30.0 - 1e-4


@pytest.mark.asyncio
async def test_replay_battery_not_into_the_car(session: PlanningSession) -> None:
    """"Charge the car by 7, but don't discharge the battery into it": in every step the battery
    gives at most the household's own load (base load; nothing else is requested)."""
    script = script_for(
        {"device": "ev", "deadline": "07:00"},
        {"device": "battery", "no_ev_discharge": True},
        reply="Your car charges by 07:00 from the grid, not from the battery.",
    )
    result = await run_request(session, "charge the car by 7 but not from the battery", script)
    assert result.status == "proposed", result.message
    plan = result.plan
    discharge = np.asarray(plan.series.battery_discharge_kw)
    assert np.all(discharge <= np.asarray(plan.series.base_load_kw) + 1e-4)


@pytest.mark.asyncio
async def test_the_battery_reserve_hint_leads_to_a_working_plan(session: PlanningSession) -> None:
    """The plan for the car takes the battery down to its 20 % reserve and says "ask for a
    battery target above 20% by <time>"; asking exactly that gives a plan holding it."""
    conversation = Conversation(session, script_for(
        {"device": "ev", "deadline": "07:00"}, reply="Your car charges overnight."
    ))
    first = await conversation.ask("charge my car by 7")
    await conversation.close()
    assert first.status == "proposed"
    hint = next(c for c in first.conflicts if c.kind == "battery_reserve")
    resolution = hint.resolutions[0]
    assert resolution.startswith("ask for a battery target above 20% by ")
    deadline = resolution.split(" by ")[1].split(" to ")[0]  # e.g. "Wed 08:15"
    at = datetime.strptime(deadline.split()[1], "%H:%M").strftime("%H:%M")
    second = await run_request(session, "then keep 25% in the battery until then", script_for(
        {"device": "battery", "target_soc_pct": 25, "deadline": at},
        reply="The battery keeps 25% until then.",
    ))
    assert second.status == "proposed", second.message
    assert soc_at(second.plan, at) >= 25.0 - 1e-4
