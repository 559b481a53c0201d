"""Property-based scenarios (Hypothesis) for :func:`tools.planning.schedule`.

Feasible by construction
    Step 15/30/60 min, horizon 6–24 h from a random UTC hour; prices from a small set (one of them
    negative, drawn only for homes without a battery — see below); PV as an explicit daylight-shaped array; base load per step from a small set;
    0–2 EVs whose energy is at most 90 % of what their charger can deliver by the deadline; 0–3
    of four appliances (constant cycle, 30-min profile, a dryer that runs after the washer, an
    interruptible water heater) whose windows start within an hour of "now" and last ≥ 4 h;
    an optional battery; an import limit above the naive schedule's peak. Every plan must pass
    the audit, both inside ``schedule`` and when re-run here on the extracted arrays.

Cost against the naive baseline — proved only without a battery
    Without a battery the naive schedule satisfies every MILP constraint: EVs at full power from
    now (energies ≤ 90 % of what fits, and a whole number of full-power steps when the charger
    has a minimum), appliances at their first allowed start (windows built to fit, the dryer
    after the washer), import ≤ limit (the limit exceeds base + every device's peak), export ≤
    limit with the rest curtailed. The MILP minimises cost + tie-breaker, so
    ``cost ≤ baseline + tie-breaker(baseline) + MIP gap``; the tolerance below bounds those.
    With a battery the naive schedule is *not* a MILP point (it may end below the initial SoC,
    which the MILP forbids) and the baseline values that shortfall at the horizon's *mean* import
    price, whereas refilling it costs at least ``min price / η_c``. So the inequality need not
    hold: 24 hourly steps at 0.12 then 23 × 0.10, base load 4 kW in the first hour, a 10 kWh
    battery at 50 % (η = 0.95): the optimum discharges 4 kW and refills 4 / 0.9025 kWh at 0.10
    (cost 0.443), while the baseline is 4 / 0.95 × 0.1008 = 0.424 + the same extra load. For
    homes with a battery only the audit is asserted.

Negative prices with a battery
    At a negative import price the battery earns by wasting energy in its losses, alternating
    full-power charge and discharge steps; the many equivalent alternations make the MILP hard to
    *prove* optimal (24 quarter-hours hit the 10 s limit and return "feasible"). That is a bug
    of its own with a deterministic test below
    (``test_negative_prices_with_battery_are_proven_optimal_quickly``); the generators leave the
    combination out so that one known slow case does not dominate the property run.

Possibly infeasible
    Random deadlines (also shorter than a cycle), EV energies up to 160 % of what the charger can
    deliver, random windows, tight import limits: ``schedule`` returns ``proposed`` or
    ``infeasible`` with a non-empty diagnosis and never raises.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pytest
from helpers import (
    START,
    appliance_request,
    battery_spec,
    ev_request,
    ev_spec,
    make_home,
    make_inputs,
    make_problem,
    net_cost,
    solve_problem,
)
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tools.home import Ev, Home
from tools.inputs import PlanningInputs
from tools.planning import schedule
from tools.requests import DeviceRequest
from tools.results import Plan
from tools.scheduler import ScheduleOptions

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
    derandomize=True,
)

OPTIONS = ScheduleOptions(time_limit_s=3.0)
"""These problems are tiny (≤ 96 steps, ≤ 5 devices) and solve in well under a second; the
limit only bounds the damage if one does not."""

IMPORT_PRICES = [-0.05, 0.05, 0.10, 0.20, 0.30]
BASE_LOADS_KW = [0.2, 0.5, 1.0]

APPLIANCE_CYCLES: dict[str, dict[str, Any]] = {
    "dishwasher": {"cycle": {"duration_minutes": 120, "power_kw": 1.8}},
    "washer": {
        "cycle": {"profile_kw": [2.0, 0.5, 0.5], "profile_step_minutes": 30},
    },
    "dryer": {"cycle": {"duration_minutes": 60, "power_kw": 2.5}, "after": ["washer"]},
    "water_heater": {
        "cycle": {"duration_minutes": 120, "power_kw": 3.0},
        "interruptible": True,
    },
}
APPLIANCE_PEAK_KW = {"dishwasher": 1.8, "washer": 2.0, "dryer": 2.5, "water_heater": 3.0}


@dataclass(frozen=True)
class Scenario:
    home: Home
    inputs: PlanningInputs
    requests: list[DeviceRequest]
    device_energy_kwh: float
    """Energy the requested devices draw [kWh] (bounds the tie-breaker)."""

    @property
    def now(self) -> datetime:
        return self.inputs.axis.start


def clock(hour: float) -> str:
    hour = hour % 24
    return f"{int(hour):02d}:{round((hour % 1) * 60):02d}"


def pv_profile(axis_start: datetime, n: int, step_minutes: int, peak_kw: float) -> np.ndarray:
    """``peak · max(0, sin(π (h − 6) / 12))`` at each step's UTC hour of day h (explicit data)."""
    hours = np.array(
        [
            (
                (axis_start + timedelta(minutes=step_minutes * i)).hour
                + (axis_start + timedelta(minutes=step_minutes * i)).minute / 60
            )
            for i in range(n)
        ]
    )
    return np.round(peak_kw * np.clip(np.sin(np.pi * (hours - 6) / 12), 0, None), 6)


@st.composite
def axis_data(draw: st.DrawFn) -> tuple[int, int, datetime]:
    step = draw(st.sampled_from([15, 30, 60]))
    horizon_h = draw(st.integers(6, 24))
    start = START + timedelta(hours=draw(st.integers(0, 23)))
    return step, horizon_h, start


def draw_inputs(
    draw: st.DrawFn, step: int, horizon_h: int, start: datetime, *, negative_prices: bool
) -> PlanningInputs:
    """Prices, PV and base load as explicit arrays; negative import prices only if allowed."""
    n = horizon_h * 60 // step
    price_set = IMPORT_PRICES if negative_prices else [p for p in IMPORT_PRICES if p >= 0]
    prices = draw(st.lists(st.sampled_from(price_set), min_size=n, max_size=n))
    base = draw(st.lists(st.sampled_from(BASE_LOADS_KW), min_size=n, max_size=n))
    export = draw(st.sampled_from([0.0, 0.04, 0.08]))
    pv_peak = draw(st.sampled_from([0.0, 2.0, 6.0]))
    return make_inputs(
        prices,
        export_price_per_kwh=export,
        pv_kw=pv_profile(start, n, step, pv_peak),
        base_load_kw=base,
        step_minutes=step,
        start=start,
    )


@st.composite
def feasible_scenarios(draw: st.DrawFn, *, with_battery: bool | None = None) -> Scenario:
    step, horizon_h, start = draw(axis_data())
    dt = step / 60
    steps_per_hour = 60 // step
    requests: list[DeviceRequest] = []
    evs = []
    device_energy = 0.0
    peak_kw = 0.0
    for number in range(draw(st.integers(0, 2))):
        ev_id = f"ev{number + 1}"
        charger_max = draw(st.sampled_from([3.7, 7.2, 11.0]))
        charger_min = draw(st.sampled_from([0.0, 1.4]))
        efficiency = draw(st.sampled_from([0.9, 1.0]))
        soc = draw(st.sampled_from([10.0, 20.0, 30.0]))
        deadline_h = draw(st.integers(2, horizon_h))
        window_steps = deadline_h * steps_per_hour
        full_step_kwh = charger_max * efficiency * dt
        room_kwh = 60.0 * (100.0 - soc) / 100.0
        if charger_min > 0:
            # Whole full-power steps, so the naive schedule never charges below the minimum.
            most = min(int(0.9 * window_steps), int(room_kwh // full_step_kwh))
            k = draw(st.integers(1, max(1, most)))
            energy = k * full_step_kwh
        else:
            share = draw(st.floats(0.05, 0.9))
            energy = round(min(share * full_step_kwh * window_steps, room_kwh - 0.01), 3)
        evs.append(
            ev_spec(
                ev_id,
                charger_min_kw=charger_min,
                charger_max_kw=charger_max,
                charging_efficiency=efficiency,
                current_soc_pct=soc,
            )
        )
        requests.append(
            ev_request(ev_id, energy_kwh=energy, deadline=start + timedelta(hours=deadline_h))
        )
        device_energy += energy / efficiency
        peak_kw += charger_max

    appliances = []
    for appliance_id, spec in APPLIANCE_CYCLES.items():
        entry = {"id": appliance_id, **spec}
        if draw(st.booleans()):
            offset = draw(st.integers(0, 1))
            length = draw(st.integers(4, 5))
            local_start = start.hour + offset
            entry["allowed_windows"] = [
                {"start": clock(local_start), "end": clock(local_start + length)}
            ]
        appliances.append(entry)
        peak_kw += APPLIANCE_PEAK_KW[appliance_id]
    chosen = draw(st.lists(st.sampled_from(list(APPLIANCE_CYCLES)), max_size=3, unique=True))
    for appliance_id in chosen:
        requests.append(appliance_request(appliance_id))
    device_energy += sum(
        {"dishwasher": 3.6, "washer": 1.5, "dryer": 2.5, "water_heater": 6.0}[a] for a in chosen
    )

    battery = None
    if with_battery is None:
        with_battery = draw(st.booleans())
    if with_battery:
        battery = battery_spec(
            capacity_kwh=draw(st.sampled_from([5.0, 10.0, 13.5])),
            min_soc_pct=10.0,
            backup_reserve_pct=draw(st.sampled_from([0.0, 20.0])),
            initial_soc_pct=draw(st.sampled_from([20.0, 50.0, 90.0])),
            max_charge_kw=draw(st.sampled_from([3.0, 5.0])),
            max_discharge_kw=draw(st.sampled_from([3.0, 5.0])),
            charge_efficiency=draw(st.sampled_from([0.9, 0.95])),
            discharge_efficiency=draw(st.sampled_from([0.9, 0.95])),
        )
    export_limit = draw(st.sampled_from([3.0, 10.0]))
    inputs = draw_inputs(draw, step, horizon_h, start, negative_prices=battery is None)
    import_limit = float(inputs.base_load_kw.max()) + peak_kw + 0.5
    sections: dict[str, Any] = {
        "grid": {"import_limit_kw": import_limit, "export_limit_kw": export_limit},
        "evs": evs,
        "appliances": appliances,
    }
    if battery is not None:
        sections["battery"] = battery
    return Scenario(make_home(**sections), inputs, requests, device_energy)


@st.composite
def risky_scenarios(draw: st.DrawFn) -> Scenario:
    """Like the feasible ones but with random deadlines, windows and limits."""
    step, horizon_h, start = draw(axis_data())
    requests: list[DeviceRequest] = []
    evs = []
    for number in range(draw(st.integers(0, 2))):
        ev_id = f"ev{number + 1}"
        charger_max = draw(st.sampled_from([3.7, 7.2, 11.0]))
        deadline_h = draw(st.integers(1, horizon_h))
        factor = draw(st.floats(0.5, 1.6))
        energy = round(min(factor * charger_max * 0.9 * deadline_h, 150.0), 3)
        evs.append(
            ev_spec(
                ev_id,
                battery_kwh=200.0,
                charger_min_kw=draw(st.sampled_from([0.0, 1.4])),
                charger_max_kw=charger_max,
                charging_efficiency=0.9,
                current_soc_pct=20.0,
            )
        )
        requests.append(
            ev_request(
                ev_id,
                energy_kwh=energy,
                deadline=start + timedelta(hours=deadline_h),
                objective=draw(st.sampled_from(["cost", "asap"])),
            )
        )
    appliances = []
    for appliance_id, spec in APPLIANCE_CYCLES.items():
        entry = {"id": appliance_id, **spec}
        if draw(st.booleans()):
            window_start = draw(st.integers(0, 23))
            length = draw(st.integers(1, 8))
            entry["allowed_windows"] = [
                {"start": clock(window_start), "end": clock(window_start + length)}
            ]
        if draw(st.booleans()):
            quiet_start = draw(st.integers(0, 23))
            entry["quiet_hours"] = [
                {"start": clock(quiet_start), "end": clock(quiet_start + draw(st.integers(1, 6)))}
            ]
        appliances.append(entry)
    for appliance_id in draw(
        st.lists(st.sampled_from(list(APPLIANCE_CYCLES)), max_size=3, unique=True)
    ):
        deadline_h = draw(st.integers(1, horizon_h))
        requests.append(
            appliance_request(appliance_id, deadline=start + timedelta(hours=deadline_h))
        )
    sections: dict[str, Any] = {
        "grid": {
            "import_limit_kw": draw(st.sampled_from([1.5, 3.0, 6.0, 50.0])),
            "export_limit_kw": 5.0,
        },
        "evs": evs,
        "appliances": appliances,
    }
    with_battery = draw(st.booleans())
    if with_battery:
        sections["battery"] = battery_spec(initial_soc_pct=50.0, backup_reserve_pct=20.0)
    inputs = draw_inputs(draw, step, horizon_h, start, negative_prices=not with_battery)
    return Scenario(make_home(**sections), inputs, requests, 0.0)


# ----------------------------------------------------------------------------- properties


def assert_feasible_plan_is_audited(scenario: Scenario) -> tuple[Plan, float]:
    """Plan with ``schedule``; re-solve by hand and audit the extracted arrays; return the plan
    and the cost tolerance for the baseline comparison."""
    outcome = schedule(
        scenario.home, scenario.now, scenario.requests, inputs=scenario.inputs, options=OPTIONS
    )
    assert outcome.status == "proposed", outcome.message
    plan = outcome.plan
    assert plan is not None
    assert plan.solve_status == "optimal"

    problem = make_problem(scenario.home, scenario.inputs, scenario.requests)
    _, found = solve_problem(problem)  # asserts optimal and runs audit_schedule on the arrays
    dt = scenario.inputs.axis.step_hours
    for request in problem.requests:
        power = found.device_kw[request.device]
        device = scenario.home.device(request.device)
        if isinstance(device, Ev):
            stored = float(power.sum()) * dt * device.charging_efficiency
            assert math.isclose(stored, request.energy_kwh or 0.0, abs_tol=1e-6)
    # Two optimal solves of the same model agree on the bill (up to the tie-breaker and gap).
    pv_kwh = float(scenario.inputs.pv_kw.sum() * dt)
    tolerance = 2e-6 + 1e-7 * (scenario.device_energy_kwh + pv_kwh + abs(plan.cost) + 1)
    if scenario.home.battery is not None:
        tolerance += 1e-7 * 2 * scenario.home.battery.capacity_kwh * scenario.inputs.axis.hours
    assert math.isclose(net_cost(found, scenario.inputs), plan.cost, abs_tol=10 * tolerance)
    event(f"{len(scenario.requests)} request(s)")
    return plan, tolerance


@SETTINGS
@given(feasible_scenarios())
def test_feasible_homes_get_audited_plans(scenario: Scenario) -> None:
    assert_feasible_plan_is_audited(scenario)


@SETTINGS
@given(feasible_scenarios(with_battery=False))
def test_without_battery_the_plan_never_costs_more_than_the_naive_baseline(
    scenario: Scenario,
) -> None:
    """See the module docstring for why the naive schedule is a MILP point here."""
    plan, tolerance = assert_feasible_plan_is_audited(scenario)
    assert plan.baseline_breakdown.stored_energy_adjustment == 0
    assert plan.cost <= plan.baseline_cost + tolerance
    assert plan.saving >= -tolerance


@SETTINGS
@given(risky_scenarios(), st.sampled_from(["highs", "cbc"]))
def test_possibly_infeasible_requests_never_raise(scenario: Scenario, solver: str) -> None:
    outcome = schedule(
        scenario.home,
        scenario.now,
        scenario.requests,
        inputs=scenario.inputs,
        options=ScheduleOptions(solver=solver, time_limit_s=OPTIONS.time_limit_s),
    )
    assert outcome.status in ("proposed", "infeasible"), outcome.message
    event(outcome.status)
    if outcome.status == "proposed":
        assert outcome.plan is not None
        assert outcome.plan.solve_status in ("optimal", "feasible")
        assert outcome.diagnosis is None
    else:
        assert outcome.plan is None
        assert outcome.solve_status == "infeasible"
        diagnosis = outcome.diagnosis
        assert diagnosis is not None
        assert diagnosis.message.strip()
        assert diagnosis.binding
        assert all(b.message.strip() for b in diagnosis.binding)


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_negative_prices_with_battery_are_solved_and_audited(solver: str) -> None:
    """A day-ahead day with negative midday prices: 96 quarter-hours at 0.20 except six hours
    (10:00–16:00, 24 steps) at −0.05; base load 0.3 kW; a 5 kWh battery at 20 %, 5 kW, η = 0.95,
    no requests; export price 0, so at the negative steps exporting pays more than importing and
    a direction binary per step forbids doing both at once (one meter).

    Optimum −0.53765625 (both solvers agree on it when they prove it): the battery alternates
    full-power charging (paid to import) and discharging into the grid at price 0 to make room
    again — a symmetric MILP that HiGHS proves in seconds on a quiet machine and CBC often not
    within its limit. What the product promises does not depend on the machine's load: a plan
    (audited by ``schedule`` before it is returned), never above the naive baseline (the battery
    covering the base load as it can, then importing at 0.20), never below the optimum, and a
    status that says how sure it is — "optimal" at exactly −0.53765625, or "feasible" with the gap
    HiGHS proved (or the as-soon-as-possible plan, named as such).
    """
    home = make_home(battery=battery_spec(capacity_kwh=5.0, initial_soc_pct=20.0))
    prices = [0.20] * 40 + [-0.05] * 24 + [0.20] * 32
    inputs = make_inputs(prices, base_load_kw=0.3, step_minutes=15)
    outcome = schedule(home, inputs.axis.start, [], inputs=inputs,
                       options=ScheduleOptions(solver=solver, time_limit_s=5.0))
    assert outcome.status == "proposed", outcome.message
    plan = outcome.plan
    assert plan is not None
    assert plan.cost <= plan.baseline_cost + 1e-9
    assert plan.cost >= -0.53765625 - 1e-6
    if plan.solve_status == "optimal":
        assert plan.cost == pytest.approx(-0.53765625, abs=1e-6)
    else:
        assert plan.solve_status == "feasible"
        if solver == "highs" and plan.basis == "optimised":
            assert plan.solve_gap is not None  # HiGHS proves a bound; CBC through PuLP gives none
