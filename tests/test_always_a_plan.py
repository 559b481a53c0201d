"""Always a plan when one exists, never one worse than the baseline: the start plan the search
begins from, and the guard that proposes a valid naive schedule rather than a costlier plan."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from helpers import (
    appliance_request,
    appliance_spec,
    at,
    battery_spec,
    ev_request,
    ev_spec,
    make_home,
    make_inputs,
    make_problem,
)

from tools.baseline import baseline_schedule
from tools.planning import _costs_more_than_naive
from tools.scheduler import Schedule, ScheduleOptions, build_model, solve_model
from tools.scheduler.solve import _HighsWithStart, _solver, _typed_status
from tools.scheduler.start import find_start


def _solve_fn(model):
    def solve(limit_s: float) -> str:
        return _typed_status(model.lp.solve(_solver("highs", limit_s, 1e-7)), model.lp.sol_status)

    return solve


def test_the_start_runs_every_load_as_soon_as_allowed_with_the_battery_planned() -> None:
    """Prices 0.40 then 0.10; a 1 kW × 1 h dishwasher due by 02:00; base load 1 kW in hour 1;
    a 10 kWh battery at 50 %, 5 kW, η = 1, ending at ≥ 50 %.

    The naive schedule covers the dishwasher from the battery and never refills it, ending below
    the 50 % it must end with — no valid plan — so the start keeps the naive loads and plans the
    battery: the dishwasher at once, covered from the battery in hour 0, 1 kWh refilled in hour 1
    at 0.10: cost 0.10 (refill) + 0.10 (base load) = 0.20. Running the dishwasher in hour 1 costs the same
    0.20, so the optimum is no better than its start here — and never worse."""
    home = make_home(
        battery=battery_spec(initial_soc_pct=50.0, charge_efficiency=1.0,
                             discharge_efficiency=1.0),
        appliances=[appliance_spec("dishwasher")],
    )
    inputs = make_inputs([0.40, 0.10], base_load_kw=[0.0, 1.0])
    problem = make_problem(home, inputs, [appliance_request("dishwasher", deadline=at(2))])
    model = build_model(problem)
    start = find_start(model, baseline_schedule(problem), _solve_fn(model), 5.0)
    assert start is not None and start.kind == "asap_loads"
    assert start.values["appliance_dishwasher_start_0"] == pytest.approx(1.0)
    assert start.objective == pytest.approx(0.20, abs=1e-6)
    report = solve_model(build_model(problem))
    assert report.status == "optimal" and report.objective <= start.objective + 1e-6


def test_a_valid_naive_schedule_is_the_start() -> None:
    """The car could charge at 11 kW, but the grid connection allows 5 kW: like a wallbox with
    load management the naive schedule charges at 5 kW for two hours (no base load, no PV, no
    battery) — a valid plan, and so the start: 5 kWh × 0.30 + 5 kWh × 0.20 = 2.50."""
    home = make_home(grid={"import_limit_kw": 5.0}, evs=[ev_spec()])
    inputs = make_inputs([0.30, 0.20, 0.10])
    problem = make_problem(home, inputs, [ev_request(energy_kwh=10.0, deadline=at(3))])
    naive = baseline_schedule(problem)
    np.testing.assert_allclose(naive.device_kw["ev"], [5.0, 5.0, 0.0])
    model = build_model(problem)
    start = find_start(model, naive, _solve_fn(model), 5.0)
    assert start is not None and start.kind == "naive"
    assert start.objective == pytest.approx(5 * 0.30 + 5 * 0.20)


def test_a_plan_costlier_than_a_valid_naive_schedule_is_replaced_by_it() -> None:
    """The guard compares money: a schedule importing 2 kWh at 0.30 (0.60) against a naive one
    importing 1 kWh (0.30) is replaced — but not when the request asks for speed (the planner
    then proposes the naive schedule only where the audit passes it, see ``schedule``)."""
    home = make_home(evs=[ev_spec()])
    inputs = make_inputs([0.30, 0.30])

    def one(import_kw: list[float], ev_kw: list[float]) -> Schedule:
        zeros = np.zeros(2)
        return Schedule(np.array(import_kw), zeros, zeros, zeros, zeros, np.zeros(3),
                        {"ev": np.array(ev_kw)})

    request = ev_request(energy_kwh=1.0, deadline=at(2))
    problem = make_problem(home, inputs, [request])
    costly, naive = one([2.0, 0.0], [1.0, 0.0]), one([1.0, 0.0], [1.0, 0.0])
    # "costly" imports more than it uses; only the cost matters to the guard
    assert _costs_more_than_naive(problem, costly, naive)
    asap = make_problem(home, inputs, [ev_request(energy_kwh=1.0, deadline=at(2), objective="asap")])
    assert not _costs_more_than_naive(asap, costly, naive)


def test_options_without_a_start_still_solve() -> None:
    home = make_home(appliances=[appliance_spec("dishwasher")])
    inputs = make_inputs([0.40, 0.10])
    problem = make_problem(home, inputs, [appliance_request("dishwasher", deadline=at(2))])
    problem = dataclasses.replace(problem, options=ScheduleOptions(warm_start=False))
    report = solve_model(build_model(problem))
    assert report.status == "optimal" and report.start_kind is None
    assert report.objective == pytest.approx(0.10)


def test_highs_accepts_the_start_plan(capfd: pytest.CaptureFixture[str]) -> None:
    """The start reaches HiGHS through ``setSolution``: its log says it assessed the given
    solution (the dishwasher at once: objective 0.40) and found it feasible."""
    home = make_home(appliances=[appliance_spec("dishwasher")])
    inputs = make_inputs([0.40, 0.10])
    problem = make_problem(home, inputs, [appliance_request("dishwasher", deadline=at(2))])
    model = build_model(problem)
    start = find_start(model, baseline_schedule(problem), _solve_fn(model), 5.0)
    assert start is not None and start.objective == pytest.approx(0.40)
    model.lp.setObjective(model.objective)
    capfd.readouterr()
    model.lp.solve(_HighsWithStart(start=start.values, msg=True, timeLimit=5, threads=1))
    log = capfd.readouterr().out
    (verdict,) = [line for line in log.splitlines() if "feasibility of MIP solution" in line]
    assert verdict.endswith(": feasible"), verdict
