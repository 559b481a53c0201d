"""Tool adapters, the numbers check and the prompts.

Paper scenarios use ``flat_home`` (tests/agents_conftest.py): base load 0.5 kW all day, a
dishwasher drawing 1.0 kW for 60 min, an EV at 50 % of 40 kWh with a 10 kW charger at efficiency 1.
Clock: Tue 2026-11-24 18:00, Europe/Berlin (UTC+01:00); the horizon ends Wed 18:00.
"""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest
from agents_helpers import EXAMPLES, NOW, flat_home
from pydantic import ValidationError

from agents.numbers import extract_mentions, verify_numbers
from agents.prompts import (
    ROLES,
    PromptError,
    fill,
    load_template,
    parse_devices,
    placeholders,
    prompt_values,
    system_prompt,
)
from agents.session import PlanningSession
from agents.tools import (
    SPECS,
    AskArgs,
    ExplainArgs,
    NoArgs,
    RequestChange,
    SessionWorkbench,
    ToolFailure,
    UpdateRequestsArgs,
    WhatIfArgs,
    ask_homeowner,
    check_conflicts,
    explain,
    get_forecast,
    get_plan,
    propose_plan,
    resolve_when,
    tools_for,
    what_if,
)
from tools.errors import InputError
from tools.home import Appliance, Home

pytest_plugins = ["agents_conftest"]

TOU = {"currency": "EUR", "import": {"type": "tou", "rules": [{"bands": [
    {"start": "00:00", "end": "06:00", "price_per_kwh": 0.10},
    {"start": "06:00", "end": "24:00", "price_per_kwh": 0.30},
]}]}}


def iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


def flat_session(**changes) -> PlanningSession:
    return PlanningSession(home=flat_home(**changes), now=NOW)


def upsert(session: PlanningSession, **change) -> object:
    return call_tool(session, "update_requests", UpdateRequestsArgs(upsert=[RequestChange(**change)]))


def call_tool(session: PlanningSession, name: str, args) -> object:
    tool = next(t for t in tools_for(_role_of(name), session) if t.name == name)
    return tool.call(args)


def _role_of(tool: str) -> str:
    from agents.tools import ROLE_TOOLS

    return next(role for role, names in ROLE_TOOLS.items() if tool in names)


# -- time arguments ------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("07:00", "2026-11-25T07:00:00+01:00"),
    ("19:00", "2026-11-24T19:00:00+01:00"),
    ("24:00", "2026-11-25T00:00:00+01:00"),
    ("tomorrow 07:00", "2026-11-25T07:00:00+01:00"),
    ("today 20:00", "2026-11-24T20:00:00+01:00"),
    ("+3h", "2026-11-24T21:00:00+01:00"),
    ("+90min", "2026-11-24T19:30:00+01:00"),
    ("2026-11-25T06:15:00+01:00", "2026-11-25T06:15:00+01:00"),
    ("2026-11-25T05:15:00Z", "2026-11-25T06:15:00+01:00"),
    ("horizon_end", "2026-11-25T18:00:00+01:00"),
])
def test_time_arguments(text: str, expected: str):
    assert resolve_when(text, flat_session(), "deadline", allow_end=True) == iso(expected)


def test_time_arguments_across_the_spring_dst_switch():
    """Sat 2026-03-28 18:00 CET; clocks go to CEST (UTC+02:00) on Sunday at 02:00."""
    session = PlanningSession(home=flat_home(), now=iso("2026-03-28T18:00:00+01:00"))
    assert resolve_when("07:00", session, "deadline", allow_end=True).isoformat() == "2026-03-29T07:00:00+02:00"
    assert resolve_when("+12h", session, "deadline", allow_end=True).isoformat() == "2026-03-29T07:00:00+02:00"


@pytest.mark.parametrize(("text", "allow_end", "reason"), [
    ("noonish", True, "cannot read the time 'noonish'"),
    ("25:00", True, "between 00:00 and 24:00"),
    ("now", True, "cannot be a deadline"),
    ("horizon_end", False, "only a deadline"),
    ("2026-11-25T06:00:00", True, "naive"),
])
def test_bad_time_arguments_name_the_field(text: str, allow_end: bool, reason: str):
    with pytest.raises(InputError) as err:
        resolve_when(text, flat_session(), "upsert[0].deadline", allow_end=allow_end)
    assert err.value.field == "upsert[0].deadline"
    assert reason in str(err.value)


# -- update_requests -----------------------------------------------------------------------------

def test_new_request_needs_a_deadline_and_the_draft_stays_unchanged():
    session = flat_session()
    result = upsert(session, device="car", target_soc_pct=90)
    assert isinstance(result, ToolFailure)
    assert "needs a deadline" in result.error and result.field == "upsert[0].deadline"
    assert session.draft == []
    assert session.run.records[-1].ok is False


def test_changes_merge_into_the_draft():
    session = flat_session()
    upsert(session, device="car", deadline="07:00", target_soc_pct=90)
    result = upsert(session, device="ev", energy_kwh=10)
    (request,) = result.requests
    assert (request.device, request.deadline, request.target_soc_pct, request.energy_kwh) == (
        "ev", iso("2026-11-25T07:00:00+01:00"), None, 10.0,
    )
    result = upsert(session, device="ev", charge_full=True, objective="co2")
    (request,) = session.draft
    # the flat home has no CO2 data: "greenest" is planned for cost, and the result says so
    assert (request.target_soc_pct, request.energy_kwh, request.objective) == (100.0, None, "cost")
    assert any("CO2" in note for note in result.notes)


def test_energy_that_does_not_fit_is_refused_atomically():
    """The EV is at 50 % of 40 kWh: 20 kWh of room up to 100 %; 25 kWh does not fit."""
    session = flat_session()
    upsert(session, device="dishwasher", deadline="07:00")
    result = call_tool(session, "update_requests", UpdateRequestsArgs(upsert=[
        RequestChange(device="dishwasher", deadline="06:00"),
        RequestChange(device="ev", deadline="07:00", energy_kwh=25),
    ]))
    assert isinstance(result, ToolFailure) and "does not fit" in result.error and "20.0 kWh" in result.error
    assert [(r.device, r.deadline) for r in session.draft] == [("dishwasher", iso("2026-11-25T07:00:00+01:00"))]


def test_deadline_beyond_the_horizon_lengthens_it_up_to_72_hours():
    """The session plans 24 h ahead; a deadline 30 h away lengthens the horizon to the next whole
    hour with a quarter-hour to spare (ceil(30.25) = 31 h) and says so; 80 h is beyond the 72 h
    a plan may look ahead and is refused."""
    session = flat_session()
    result = upsert(session, device="dishwasher", deadline="+30h")
    assert not isinstance(result, ToolFailure)
    assert session.horizon_hours == 31.0
    assert result.notes == ["the plan now looks 31 hours ahead to cover the deadline"]
    refused = upsert(flat_session(), device="dishwasher", deadline="+80h")
    assert isinstance(refused, ToolFailure) and "beyond the planning horizon" in refused.error


def test_unknown_device_lists_the_home_devices():
    result = upsert(flat_session(), device="boat", deadline="07:00")
    assert isinstance(result, ToolFailure)
    assert result.error == "upsert[0].device: this home has no device called 'boat' (it has: ev (Car), dishwasher (Dishwasher))"


def test_cancel_and_clear():
    session = flat_session()
    upsert(session, device="dishwasher", deadline="07:00")
    missing = call_tool(session, "update_requests", UpdateRequestsArgs(cancel=["car"]))
    assert isinstance(missing, ToolFailure) and "no request for ev" in missing.error
    done = call_tool(session, "update_requests", UpdateRequestsArgs(cancel=["dishwasher"]))
    assert done.requests == [] and done.cancelled == ["dishwasher"] and session.proposal is None


def test_argument_models_forbid_unknown_fields():
    with pytest.raises(ValidationError):
        RequestChange(device="ev", deadline="07:00", colour="red")
    for spec in SPECS.values():
        schema = tools_for(_role_of(spec.name), flat_session())[0].schema
        assert schema["parameters"]["additionalProperties"] is False
        assert "title" not in json.dumps(schema)


# -- proposals, questions, explanations ----------------------------------------------------------

def test_propose_plan_without_requests_fails_clearly():
    result = call_tool(flat_session(), "propose_plan", NoArgs())
    assert isinstance(result, ToolFailure) and "no requests to plan" in result.error


def test_ask_homeowner_records_the_question():
    """Whatever the model drafts becomes one question (it never fails): a statement gets its
    question mark, two questions keep the first, an empty draft a general one."""
    session = flat_session()
    drafted = call_tool(session, "ask_homeowner", AskArgs(question="Tell me the time", missing=["deadline"]))
    assert not isinstance(drafted, ToolFailure) and drafted.question == "Tell me the time?"
    assert session.pending is not None and session.pending.question == "Tell me the time?"
    two = ask_homeowner(session, AskArgs(question="By when? And how full?", missing=["deadline"]))
    assert two.question == "By when?"
    assert session.pending.question == "By when?" and session.run.question == session.pending
    empty = ask_homeowner(session, AskArgs(question="", missing=["other"]))
    assert empty.question.endswith("?") and len(empty.question) > 3


def test_forecast_summary_of_the_flat_home():
    """Flat 0.30 EUR/kWh; no PV; base load 0.5 kW × 24 h = 12 kWh."""
    summary = get_forecast(flat_session(), NoArgs())
    assert (summary.import_price_min_per_kwh, summary.import_price_max_per_kwh) == (0.30, 0.30)
    assert summary.import_price_mean_per_kwh == 0.30
    assert summary.import_price_min_at == iso("2026-11-24T18:00:00+01:00")
    assert (summary.pv_energy_kwh, summary.pv_peak_at) == (0.0, None)
    assert (summary.base_load_energy_kwh, summary.base_load_peak_kw, summary.horizon_hours) == (12.0, 0.5, 24.0)


def tou_session_with_dishwasher() -> PlanningSession:
    session = flat_session(tariff=TOU)
    upsert(session, device="dishwasher", deadline="07:00")
    propose_plan(session, NoArgs())
    return session


def test_proposal_and_explanation_on_a_two_price_tariff():
    """0.10 EUR/kWh 00:00–06:00, else 0.30. Base load: 0.5 kW × 6 h × 0.10 + 0.5 kW × 18 h × 0.30
    = 0.30 + 2.70 = 3.00 EUR. The 1 kWh dishwasher run costs 0.10 at night, 0.30 at 18:00
    (as soon as possible): plan 3.10 EUR, baseline 3.30 EUR, saving 0.20 EUR, all of it from the
    dishwasher's timing (no battery, no PV)."""
    session = tou_session_with_dishwasher()
    view = get_plan(session, NoArgs())
    assert (view.status, view.cost, view.baseline_cost, view.saving) == ("proposed", 3.10, 3.30, 0.20)
    assert (view.timing_saving, view.battery_pv_saving, view.saving_pct_of_baseline) == (0.20, 0.0, 6.1)
    (run,) = view.runs
    assert iso("2026-11-25T00:00:00+01:00") <= run.start <= iso("2026-11-25T05:00:00+01:00")
    assert (run.energy_kwh, run.grid_energy_kwh, run.cost) == (1.0, 1.0, 0.10)
    why = explain(session, ExplainArgs(device="Dishwasher"))
    assert (why.mean_price_per_kwh, why.cost_at_grid_price, why.asap_cost_at_grid_price,
            why.saving_vs_asap) == (0.10, 0.10, 0.30, 0.20)
    assert why.asap_start == why.window_start == iso("2026-11-24T18:00:00+01:00")
    assert why.window_end == iso("2026-11-25T07:00:00+01:00")
    assert (why.window_price_min_per_kwh, why.window_price_max_per_kwh) == (0.10, 0.30)
    at_run = explain(session, ExplainArgs(at=run.start.strftime("%H:%M")))
    assert at_run.device == "dishwasher" and at_run.running_at == ["Dishwasher"]
    assert at_run.price_at_per_kwh == 0.10


def test_what_if_compares_without_replacing_unless_adopted():
    """Done by 23:00 the dishwasher must run at 0.30: plan 3.30 EUR, 0.20 EUR more."""
    session = tou_session_with_dishwasher()
    before = session.proposal.plan.id
    change = WhatIfArgs(upsert=[RequestChange(device="dishwasher", deadline="23:00")])
    result = what_if(session, change)
    assert (result.cost, result.cost_difference, result.adopted) == (3.30, 0.20, False)
    assert result.compared_with == before and session.proposal.plan.id == before
    assert session.draft[0].deadline == iso("2026-11-25T07:00:00+01:00")
    adopted = what_if(session, change.model_copy(update={"adopt": True}))
    assert adopted.adopted and session.proposal.plan.id == adopted.plan_id != before
    assert session.draft[0].deadline == iso("2026-11-24T23:00:00+01:00")


def test_check_conflicts():
    session = flat_session()
    empty = check_conflicts(session, NoArgs())
    assert empty.plan_id is None and empty.note
    session = tou_session_with_dishwasher()
    report = check_conflicts(session, NoArgs())
    assert report.plan_id == session.proposal.plan.id and report.changed_since_proposal is False


@pytest.mark.asyncio
async def test_workbench_marks_failures_as_errors():
    session = flat_session()
    bench = SessionWorkbench(session, tools_for("coordinator", session))
    bad = await bench.call_tool("update_requests", {"upsert": [{"device": "boat", "deadline": "07:00"}]})
    good = await bench.call_tool("update_requests", {"upsert": [{"device": "dishwasher", "deadline": "07:00"}]})
    unknown = await bench.call_tool("approve_plan", {})
    invalid = await bench.call_tool("update_requests", {"upsert": "everything"})
    assert [r.is_error for r in (bad, good, unknown, invalid)] == [True, False, True, True]
    assert json.loads(good.to_text())["changed"] == ["dishwasher"]
    assert [r.ok for r in session.run.records] == [False, True, False, False]


# -- the numbers check ---------------------------------------------------------------------------

def test_extracting_numbers_times_and_dates():
    text = "Charging 23:00–03:00 costs 7.20 EUR (15%), 30 kWh, ready by 7am on 25 Nov; step 1."
    got = [(m.kind, m.value) for m in extract_mentions(text)]
    assert got == [("time", 1380.0), ("time", 180.0), ("number", 7.2), ("number", 15.0),
                   ("number", 30.0), ("time", 420.0), ("day", 25.0)]


def test_identifiers_and_small_counts_are_not_numbers():
    assert extract_mentions("ev2 and CO2 in plan-3fa2b, 2 devices, model 3") == []


@pytest.mark.parametrize(("reply", "verified"), [
    ("It costs 7.73 EUR.", True),
    ("It costs 7.7 EUR.", True),
    ("About 8 EUR.", True),
    ("It costs 7.74 EUR.", False),
    ("It costs 7.8 EUR.", False),
    ("Starts at 23:00.", True),      # 22:00 UTC is 23:00 in Berlin
    ("Starts at 11pm.", True),
    ("Starts at 22:00.", False),
    ("24 ct per kWh.", True),        # 0.24 EUR
    ("You save 0.12 EUR.", True),    # the saving is -0.12: compared by magnitude
    ("Peak 13.8 kW.", True),         # a number inside a result's message
    ("Peak 13.9 kW.", False),
])
def test_verify_numbers_against_results(reply: str, verified: bool):
    results = [{"cost": 7.7312, "saving": -0.12, "price": 0.24, "start": "2026-11-24T22:00:00+00:00",
                "message": "grid import peaks at 13.8 kW"}]
    check = verify_numbers(reply, results, "Europe/Berlin")
    assert (not check.unverified) is verified, check


# -- prompts ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
def test_every_placeholder_is_filled(role: str, home: Home):
    template = load_template(role)
    assert placeholders(template) <= set(prompt_values(home))
    filled = system_prompt(role, home)
    assert "{" not in filled and "}" not in filled
    assert filled.startswith(f"# Role: {role}")


def test_a_missing_value_is_refused():
    with pytest.raises(PromptError, match="home_name"):
        fill("Hello {home_name}", {})


@pytest.mark.parametrize("role", ROLES)
def test_prompts_contain_no_computed_numbers(role: str, home: Home):
    """Templates hold numbers only inside quoted homeowner examples ("not before 23:00", "by 7");
    filled prompts only numbers of the home file: names and ids ("model 3") and the device
    table's facts, each a value the home file states (the charger's 11 kW, the car's 60 kWh, 35 %
    now, 80 % usual) that a reading needs to ask about a limit. Never a number a tool computes:
    the grid's 13.8 kW and the battery's 10 kWh are not device facts, and no price, cost or
    forecast figure is there."""
    number = re.compile(r"(?<![A-Za-z])\d+")
    def unquoted(text: str) -> str:
        return re.sub(r'"[^"\n]*"', "", text)

    assert not number.search(unquoted(load_template(role)))
    stated = [home.name, home.timezone]
    for device in home.devices():
        stated += [device.id, device.name, *device.aliases, json.dumps(device.model_dump(mode="json"))]
        if isinstance(device, Appliance):
            stated.append(str(device.cycle.total_minutes))  # "2h" in the file, 120 min in the table
    assert set(number.findall(unquoted(system_prompt(role, home)))) <= set(number.findall(" ".join(stated)))
    values = prompt_values(home)["devices"]
    assert "charger_max_kw=11" in values and "battery_kwh=60" in values and "soc_now_pct=35" in values
    for computed in ("13.8", "10", "0.3"):  # grid limit, battery capacity, a price
        assert computed not in re.findall(r"\d+(?:\.\d+)?", values)


def test_device_table_round_trips(home: Home):
    entries = {e.id: e for e in parse_devices(system_prompt("coordinator", home))}
    assert set(entries) == {d.id for d in home.devices()}
    assert entries["ev"].kind == "ev_charge" and "tesla" in entries["ev"].names
    assert entries["tumble_dryer"].after == ("washing_machine",)


def test_tool_schemas_leave_out_fields_of_device_kinds_the_home_lacks(home: Home):
    """The Berlin example has no water tank or heat pump: update_requests' schema does not spend
    tokens on target_temp_c, draw_litres, min/max_temp_c or mode; the heat example keeps them."""
    from agents.tools.binding import tools_for
    from tools.home import load_home

    def fields(session: PlanningSession) -> set[str]:
        tool = next(t for t in tools_for("coordinator", session) if t.name == "update_requests")
        return set(tool.schema["parameters"]["properties"]["upsert"]["items"]["properties"])

    plain = fields(PlanningSession(home=home, now=NOW))
    assert {"deadline", "target_soc_pct", "energy_kwh"} <= plain
    assert not plain & {"target_temp_c", "draw_litres", "min_temp_c", "max_temp_c", "mode"}
    heat_home = load_home(EXAMPLES / "home-heat.yaml")
    heat = fields(PlanningSession(home=heat_home, now=NOW))
    assert {"target_temp_c", "draw_litres", "min_temp_c", "max_temp_c", "mode"} <= heat
