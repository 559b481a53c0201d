"""The runner's parts one by one: the integration section, payloads and acknowledgements, live
state, the start-safety rules and the rule that decides between applying and asking."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from runner_helpers import NOW, example_home

from app.drivers.base import Command, Reading
from app.drivers.codec import command_messages, is_acknowledged, parse_value
from app.runner.commitments import decide, window_cost
from app.runner.executor import desired_commands
from app.runner.live import live_home
from tools.errors import HomeFileError
from tools.planning import schedule
from tools.requests import parse_request_spec
from tools.results import Plan


def _reading(value: float | bool | str, at: datetime = NOW) -> Reading:
    return Reading(value=value, read_at=at, source="test")


# -- the integration section ----------------------------------------------------------------------


def test_topics_default_to_the_device_prefix_and_can_be_overridden() -> None:
    home = example_home(
        {
            "mqtt": {"device_prefix": "house"},
            "devices": {"ev": {"topics": {"soc_pct": "evcc/vehicle/soc"}}},
        }
    )
    assert home.integration.topic("ev", "soc_pct") == "evcc/vehicle/soc"
    assert home.integration.topic("ev", "plugged_in") == "house/ev/plugged_in"
    assert home.integration.topic("site", "grid_power_kw") == "house/site/grid_power_kw"
    assert home.integration.stale_after_s("ev") == 15 * 60


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"devices": {"van": {}}}, "integration.devices: 'van' is not a device of this home"),
        (
            {"devices": {"dishwasher": {"topics": {"soc_pct": "x/y"}}}},
            "integration.devices.dishwasher.topics: 'soc_pct' is not a topic of a appliance",
        ),
        ({"devices": {"ev": {"topics": {"soc_pct": "car/#"}}}}, "without wildcards"),
        ({"mqtt": {"port": 70000}}, "must be ≤ 65535"),
        ({"driver": "zigbee"}, "driver"),
    ],
)
def test_a_bad_integration_section_names_the_field(section: dict, message: str) -> None:
    with pytest.raises(HomeFileError) as info:
        example_home(section)
    assert message in str(info.value)


# -- payloads and acknowledgements ----------------------------------------------------------------


def test_payloads_are_read_per_role_and_refused_with_the_role_named() -> None:
    assert parse_value("soc_pct", b" 42.5 ") == 42.5
    assert parse_value("plugged_in", "ON") is True
    assert parse_value("status", "Running") == "running"
    for role, payload in (("soc_pct", "nan"), ("plugged_in", "maybe"), ("status", "washing")):
        with pytest.raises(ValueError, match=role):
            parse_value(role, payload)


def test_a_command_is_acknowledged_by_its_state_echo() -> None:
    """A 7.4 kW setpoint echoed as 7.43 kW is the same setpoint (within 0.05 kW); 3 phases ×
    230 V carry 7.4 kW at 10.7 A."""
    home = example_home({"devices": {"ev": {"command_unit": "a"}}})
    integration = home.integration
    charge = Command(device="ev", action="ev_power", power_kw=7.4)
    assert command_messages(integration, charge) == [("home/ev/set/current_a", "10.7")]
    assert is_acknowledged(integration, charge, {"current_a": _reading(10.7)})
    assert not is_acknowledged(integration, charge, {"current_a": _reading(16.0)})
    plain = example_home().integration
    assert is_acknowledged(plain, charge, {"setpoint_kw": _reading(7.43)})
    assert not is_acknowledged(plain, charge, {})
    start = Command(device="dishwasher", action="appliance_start", run_id="plan3-dishwasher")
    assert is_acknowledged(
        plain, start, {"status": _reading("running"), "run_id": _reading("plan3-dishwasher")}
    )
    assert not is_acknowledged(
        plain, start, {"status": _reading("running"), "run_id": _reading("plan2-dishwasher")}
    )
    battery = Command(device="battery", action="battery", mode="discharge", power_kw=2.0)
    assert [t for t, _ in command_messages(plain, battery)] == [
        "home/battery/set/power_kw",
        "home/battery/set/mode",
    ]
    assert not is_acknowledged(
        plain, battery, {"mode": _reading("discharge"), "setpoint_kw": _reading(0.0)}
    )


# -- live state ------------------------------------------------------------------------------------


def test_fresh_readings_replace_the_home_file_and_stale_ones_are_noted() -> None:
    home = example_home()
    readings = {
        "ev": {"soc_pct": _reading(62.0, NOW - timedelta(minutes=5))},
        "battery": {"soc_pct": _reading(90.0, NOW - timedelta(minutes=40))},
    }
    live = live_home(home, readings, NOW)
    assert live.home.ev("ev").current_soc_pct == 62.0
    assert live.home.battery is not None and live.home.battery.initial_soc_pct == 40  # the file's
    assert live.sources["ev_soc"].source == "live: test"
    assert live.sources["battery_soc"].source == "home file"
    assert live.stale == {"battery"}
    assert live.notes == [
        "Home battery: the last charge reading is 40 min old (limit 15 min); "
        "planned from the home file's 40 %"
    ]


# -- starting appliances safely --------------------------------------------------------------------


def _washer_plan(start_hour: int) -> Plan:
    """The washing machine planned for the next day by 18:00, its cycle moved to start at
    ``start_hour`` (a plan the optimiser would never make, to test the runner's own checks)."""
    home = example_home()
    outcome = schedule(home, NOW, [parse_request_spec("washer:deadline=18:00", home, NOW)])
    assert outcome.plan is not None
    plan = outcome.plan
    power = plan.series.device_kw["washing_machine"]
    cycle = [p for p in power if p > 0]
    first = next(i for i, t in enumerate(plan.series.times) if t.hour == start_hour)
    moved = [0.0] * len(power)
    moved[first : first + len(cycle)] = cycle
    series = plan.series.model_copy(update={"device_kw": {"washing_machine": moved}})
    return plan.model_copy(update={"series": series})


@pytest.mark.parametrize(
    ("start_hour", "status", "age_min", "held"),
    [
        (21, "ready", 0, "outside its allowed hours"),  # 21:00–23:00 runs into quiet hours
        (8, "ready", 30, "stale"),
        (8, "running", 0, "not ready"),
        (8, "ready", 0, None),
    ],
)
def test_an_appliance_starts_only_inside_its_window_when_ready(
    start_hour: int, status: str, age_min: int, held: str | None
) -> None:
    home = example_home()
    plan = _washer_plan(start_hour)
    start = next(t for t in plan.series.times if t.hour == start_hour)
    request = plan.requests[0]
    readings = {"washing_machine": {"status": _reading(status, start - timedelta(minutes=age_min))}}
    intents = desired_commands(
        home,
        plan,
        7,
        {"washing_machine": request},
        start,
        readings,
        controlled={"washing_machine"},
        started_runs=set(),
    )
    (intent,) = intents
    if held is None:
        assert intent.command is not None and intent.command.run_id == "plan7-washing_machine"
    else:
        assert intent.command is None and held in (intent.held or "")
    again = desired_commands(
        home,
        plan,
        7,
        {"washing_machine": request},
        start,
        readings,
        controlled={"washing_machine"},
        started_runs={"plan7-washing_machine"},
    )
    assert again == []  # a run once started is never started again


# -- apply or ask ----------------------------------------------------------------------------------


def test_a_replan_costing_more_than_the_tolerance_is_asked_not_applied() -> None:
    """The cost compared is the net energy cost over the re-plan's period; over the whole plan
    it is the plan's energy cost minus its export revenue (no demand charge in this home), up to
    the rounding of the stored series to 6 decimals."""
    home = example_home()
    cheap = schedule(home, NOW, [parse_request_spec("ev:target_soc=80,deadline=07:00", home, NOW)])
    dear = schedule(home, NOW, [parse_request_spec("ev:target_soc=90,deadline=07:00", home, NOW)])
    assert cheap.plan is not None and dear.plan is not None
    total = window_cost(cheap.plan, cheap.plan.horizon_start, cheap.plan.horizon_end)
    assert total == pytest.approx(
        cheap.plan.breakdown.energy_cost - cheap.plan.breakdown.export_revenue, abs=1e-4
    )
    extra = window_cost(dear.plan, dear.plan.horizon_start, dear.plan.horizon_end) - total
    assert extra > 0.5  # 6 kWh stored more, at ≥ 0.2 EUR/kWh
    same = decide(cheap, cheap.plan, spent=0.0, cost_tolerance=0.0, cost_tolerance_pct=0.0)
    assert same.action == "apply"
    # 0.50 already spent before a re-plan that costs as much as the whole approved period:
    # the period would cost 0.50 more than approved
    over = decide(cheap, cheap.plan, spent=0.5, cost_tolerance=0.10, cost_tolerance_pct=0.0)
    assert over.action == "ask" and "0.50 EUR more" in over.reason
    asked = decide(dear, cheap.plan, spent=0.0, cost_tolerance=0.10, cost_tolerance_pct=2.0)
    assert asked.action == "ask" and "more than the approved plan" in asked.reason
    allowed = decide(
        dear, cheap.plan, spent=0.0, cost_tolerance=extra + 0.01, cost_tolerance_pct=0.0
    )
    assert allowed.action == "apply"


def test_the_chat_says_which_charge_levels_plans_start_from(tmp_path) -> None:
    from app.runner.journal import Journal
    from app.runner.notify import live_note, live_state
    from app.store import PlanStore

    home = example_home()
    store = PlanStore(tmp_path / "plans.sqlite3")
    assert live_state(home, store, NOW).sources == {}  # the runner never ran: nothing to say
    Journal(store.path).save_readings(
        {
            "ev": {"soc_pct": _reading(52.0, NOW - timedelta(minutes=3))},
            "battery": {"soc_pct": _reading(70.0, NOW - timedelta(hours=1))},
        }
    )
    live = live_state(home, store, NOW)
    assert live.home.ev("ev").current_soc_pct == 52.0
    assert live_note(live).splitlines() == [
        "Plans start from these charge levels:",
        "- Home battery: the last charge reading is 60 min old (limit 15 min); planned from the "
        "home file's 40 %",
        "- Family car: 52 % (live reading of 17:57)",
    ]
