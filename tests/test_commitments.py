"""Approved runs as fixed loads of the next plan (``schedule(..., committed=...)``).

A small UTC home, hourly steps from Mon 00:00, 6 steps: import price 0.10 EUR/kWh in steps 0–2
and 0.30 EUR/kWh in steps 3–5, base load 0.5 kW, no PV, no battery, grid import limit 10 kW.
The EV's approved run is 7 kW in steps 0–2 (21 kWh). The new request is a 3 kW, 60-minute
oven-style appliance due by step 6.

On paper: alone, the appliance would run in step 0 at 0.10. Next to the car the home would draw
0.5 + 7 + 3 = 10.5 kW > 10 kW, so steps 0–2 are closed to it and it runs in step 3 (the first
of the equal-price 0.30 steps): 3 kWh × 0.30 = 0.90 EUR. The plan's cost is the whole home's:
base 6 × 0.5 kWh = 3 kWh at 3 × 0.5 × 0.10 + 3 × 0.5 × 0.30 = 0.60, car 21 kWh × 0.10 = 2.10,
appliance 0.90 — 3.60 EUR. The naive baseline (as soon as possible, no grid limit) runs the
appliance in step 0 at 0.10: 3.60 − 0.90 + 0.30 = 3.00 EUR; it ignores the limit, as a home
without Hearth would, so the "saving" is −0.60 and the card calls it an extra cost.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from helpers import START, appliance_request, appliance_spec, at, ev_spec, make_home, make_inputs

from tools.commitments import (
    carried_requests,
    committed_load_kw,
    plan_commitments,
    segment_power_kw,
    whole_plan,
)
from tools.planning import schedule
from tools.requests import DeviceRequest
from tools.results import Commitment, Segment
from tools.timeaxis import TimeAxis

PRICES = [0.10, 0.10, 0.10, 0.30, 0.30, 0.30]


def home():
    return make_home(
        grid={"import_limit_kw": 10.0},
        evs=[ev_spec("car", name="Family car")],
        appliances=[appliance_spec("oven", duration_minutes=60, power_kw=3.0, name="Oven"),
                    appliance_spec("washer", duration_minutes=60, power_kw=2.0),
                    appliance_spec("dryer", duration_minutes=60, power_kw=2.0, after=["washer"])],
    )


def car_run(power_kw: float = 7.0, start: float = 0, end: float = 3) -> Commitment:
    return Commitment(
        device="car", kind="ev_charge", energy_kwh=power_kw * (end - start), cost=2.10,
        requests=[DeviceRequest(device="car", kind="ev_charge", target_soc_pct=55,
                                deadline=at(end))],
        segments=[Segment(start=at(start), end=at(end), power_kw=power_kw)], plan_number=1,
        approved_by="you",
    )


def inputs():
    return make_inputs(PRICES, base_load_kw=0.5)


def test_a_committed_run_is_a_fixed_load_in_balance_limit_and_cost() -> None:
    """The figures of the module docstring."""
    outcome = schedule(home(), START, [appliance_request("oven", deadline=at(6))],
                       inputs=inputs(), committed=[car_run()])
    assert outcome.status == "proposed" and outcome.plan is not None
    plan = outcome.plan
    [oven] = plan.runs
    assert (oven.device, oven.start, oven.end) == ("oven", at(3), at(4))
    assert oven.cost == pytest.approx(0.90)
    assert plan.cost == pytest.approx(3.60)
    assert plan.baseline_cost == pytest.approx(3.00)
    assert max(plan.series.grid_import_kw) <= 10.0 + 1e-6
    # the plan lists the car as already approved, with its energy and cost in this horizon,
    # and reports the base load without it
    assert [c.device for c in plan.committed] == ["car"]
    [car] = plan.committed_runs
    assert (car.device, car.start, car.end) == ("car", at(0), at(3))
    assert (car.energy_kwh, car.cost) == (pytest.approx(21.0), pytest.approx(2.10))
    assert plan.series.committed_kw == {"car": [7.0, 7.0, 7.0, 0.0, 0.0, 0.0]}
    assert plan.series.base_load_kw == [0.5] * 6
    assert "car" not in plan.series.device_kw and "car" not in plan.devices


def test_the_cost_table_lists_the_approved_run_and_adds_up() -> None:
    """The cost table of the module docstring's plan: Oven 3 kWh for 0.90, Family car (approved)
    21 kWh for 2.10, base load 3 kWh for 0.60 (without the car's 21 kWh) — 3.60 in all, to the
    cent; everything comes from the grid (no PV, no battery)."""
    outcome = schedule(home(), START, [appliance_request("oven", deadline=at(6))],
                       inputs=inputs(), committed=[car_run()])
    assert outcome.plan is not None
    rows = {(line.item, line.kind): line for line in outcome.plan.cost_lines}
    assert list(rows) == [("oven", "device"), ("car", "committed"), ("base_load", "base_load")]
    assert [(r.energy_kwh, r.grid_energy_kwh, r.cost_cents) for r in rows.values()] == [
        (3.0, 3.0, 0.90), (21.0, 21.0, 2.10), (3.0, 3.0, 0.60)]
    assert sum(r.cost_cents for r in rows.values()) == pytest.approx(3.60)


def test_without_the_commitment_the_appliance_takes_the_cheap_hour() -> None:
    """The control: no approved car run, so the oven runs in step 0 at 0.10 EUR/kWh."""
    outcome = schedule(home(), START, [appliance_request("oven", deadline=at(6))],
                       inputs=inputs())
    assert outcome.plan is not None
    assert outcome.plan.runs[0].start == at(0)
    assert outcome.plan.committed == [] and outcome.plan.committed_runs == []


def test_a_request_for_a_committed_device_replaces_its_run() -> None:
    """Asking for the car again is a revision: the commitment is not held, the car is planned."""
    request = DeviceRequest(device="car", kind="ev_charge", energy_kwh=10, deadline=at(6))
    outcome = schedule(home(), START, [request], inputs=inputs(), committed=[car_run()])
    assert outcome.plan is not None
    assert outcome.plan.committed == []
    assert [r.device for r in outcome.plan.runs] == ["car"]
    assert outcome.plan.runs[0].energy_kwh == pytest.approx(10.0)


def test_a_released_run_is_neither_held_nor_kept() -> None:
    """Cancelling the car's run: an empty request list, nothing held, the release listed."""
    outcome = schedule(home(), START, [], inputs=inputs(), committed=[car_run()],
                       released=[car_run()])
    assert outcome.plan is not None
    assert outcome.plan.committed == []
    assert [c.device for c in outcome.plan.released] == ["car"]
    assert outcome.plan.cost == pytest.approx(0.60)  # base load only


def test_a_dependant_waits_for_the_approved_run_it_depends_on() -> None:
    """Washer approved 1.0–2.0 (step 1); the dryer, due by step 6, may start at step 2 at the
    earliest; cheapest allowed is step 2 (0.10), and the plan says why it waits."""
    washer = Commitment(device="washer", kind="appliance_run", energy_kwh=2.0, cost=0.2,
                        segments=[Segment(start=at(1), end=at(2), power_kw=2.0)])
    outcome = schedule(home(), START, [appliance_request("dryer", deadline=at(6))],
                       inputs=inputs(), committed=[washer])
    assert outcome.plan is not None
    assert outcome.plan.runs[0].start == at(2)
    assert outcome.plan.requests[0].earliest_start == at(2)
    assert any(c.kind == "dependency_order" and c.severity == "info" for c in outcome.conflicts)


def test_segment_power_is_time_weighted_over_each_step() -> None:
    """11 kW from 00:10 to 00:40 on a 15-minute axis: 00:00 step 11 × 5/15, 00:15 step 11,
    00:30 step 11 × 10/15; energy 11 × 0.5 h = 5.5 kWh either way."""
    axis = TimeAxis.from_now(START, tz_name="UTC", step_minutes=15, horizon_hours=1)
    power = segment_power_kw(
        [Segment(start=START + timedelta(minutes=10), end=START + timedelta(minutes=40),
                 power_kw=11.0)], axis)
    assert power == pytest.approx([11 / 3, 11.0, 11 * 2 / 3, 0.0])
    assert float(np.sum(power) * 0.25) == pytest.approx(5.5)


def test_runs_outside_the_horizon_and_battery_runs_are_no_fixed_load() -> None:
    axis = TimeAxis.from_now(START, tz_name="UTC", step_minutes=60, horizon_hours=6)
    past = car_run(start=-3, end=0)
    battery = Commitment(device="battery", kind="battery",
                         segments=[Segment(start=at(0), end=at(2), power_kw=5.0)])
    assert committed_load_kw([past, battery], axis) == {}


def test_approved_battery_requests_are_carried_until_replaced() -> None:
    """A battery target by step 4 is carried into the next plan; one by step 8 (beyond the
    6-hour horizon) or already past is not; a new battery target replaces it."""
    axis = TimeAxis.from_now(START, tz_name="UTC", step_minutes=60, horizon_hours=6)
    target = DeviceRequest(device="battery", kind="battery_target", target_soc_pct=80,
                           deadline=at(4))
    late = target.model_copy(update={"deadline": at(8)})
    battery = Commitment(device="battery", kind="battery", requests=[target])
    assert carried_requests([battery], [], axis, START) == [target]
    assert carried_requests([battery], [], axis, at(5)) == []
    assert carried_requests([battery.model_copy(update={"requests": [late]})], [], axis,
                            START) == []
    new = target.model_copy(update={"target_soc_pct": 60})
    assert carried_requests([battery], [new], axis, START) == []


def test_a_plan_commits_its_requested_devices_and_the_battery() -> None:
    """A plan with a battery (a device in plan.devices without a device_kw series) commits it
    too, with its net energy; held runs are not committed again."""
    battery_home = make_home(
        evs=[ev_spec("car")],
        battery={"capacity_kwh": 10, "max_charge_kw": 5, "max_discharge_kw": 5,
                 "initial_soc_pct": 50},
        appliances=[appliance_spec("oven", duration_minutes=60, power_kw=3.0)],
    )
    outcome = schedule(battery_home, START, [appliance_request("oven", deadline=at(6))],
                       inputs=inputs(), committed=[car_run()])
    assert outcome.plan is not None
    made = plan_commitments(outcome.plan)
    assert [(c.device, c.kind) for c in made] == [("oven", "appliance_run"),
                                                  ("battery", "battery")]
    oven = made[0]
    assert oven.requests == outcome.plan.requests
    assert oven.energy_kwh == pytest.approx(3.0)


def test_the_whole_plan_holds_the_approved_runs_as_its_own() -> None:
    """What the runner carries out: the oven's plan with the car's held run folded in."""
    outcome = schedule(home(), START, [appliance_request("oven", deadline=at(6))],
                       inputs=inputs(), committed=[car_run()])
    assert outcome.plan is not None
    whole = whole_plan(outcome.plan)
    assert whole.committed == [] and whole.committed_runs == [] and whole.series.committed_kw == {}
    assert whole.series.device_kw["car"] == [7.0, 7.0, 7.0, 0.0, 0.0, 0.0]
    assert [r.device for r in whole.runs] == ["car", "oven"]
    assert {r.device for r in whole.requests} == {"oven", "car"}
    assert whole.devices["car"] == car_run().segments
    assert whole.cost == outcome.plan.cost
    assert whole_plan(whole) == whole  # nothing held: unchanged
