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
from agents_helpers import NOW, flat_home
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
from tools.home import Home

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
    upsert(session, device="ev", charge_full=True, objective="co2")
    (request,) = session.draft
    assert (request.target_soc_pct, request.energy_kwh, request.objective) == (100.0, None, "co2")


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


def test_deadline_beyond_the_horizon_is_refused():
    result = upsert(flat_session(), device="dishwasher", deadline="+30h")
    assert isinstance(result, ToolFailure) and "beyond the planning horizon" in result.error


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
    session = flat_session()
    bad = call_tool(session, "ask_homeowner", AskArgs(question="Tell me the time", missing=["deadline"]))
    assert isinstance(bad, ToolFailure) and session.pending is None
    ask_homeowner(session, AskArgs(question="By when?", missing=["deadline"]))
    assert session.pending is not None and session.run.question == session.pending


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
    """Templates hold no numbers (``co2`` is a name); filled prompts only the numbers in the
    home's names and ids ("model 3")."""
    number = re.compile(r"(?<![A-Za-z])\d+")
    assert not number.search(load_template(role))
    values = prompt_values(home)
    facts = " ".join([home.name, home.timezone] + [
        " ".join([d.id, d.name, *d.aliases]) for d in home.devices()
    ])
    assert set(number.findall(system_prompt(role, home))) <= set(number.findall(facts))
    for computed in ("60", "11", "10", "35", "80", "13.8"):  # battery, charger, SoC, grid facts
        assert computed not in re.findall(r"\d+(?:\.\d+)?", values["devices"])


def test_device_table_round_trips(home: Home):
    entries = {e.id: e for e in parse_devices(system_prompt("coordinator", home))}
    assert set(entries) == {d.id for d in home.devices()}
    assert entries["ev"].kind == "ev_charge" and "tesla" in entries["ev"].names
    assert entries["tumble_dryer"].after == ("washing_machine",)
