"""Numbers that reconcile: one rounding rule, grid energy attributed pro rata, a cost table whose
rows add up to the plan's cost, and the saving split into the requests' timing and the battery
and PV plan. Reference values are derived on paper in each docstring."""

from __future__ import annotations

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
)

from app.figures import cost_rows, plan_saving_line
from tools import formatting
from tools.costs import attribute, grid_shares
from tools.planning import schedule
from tools.scheduler import Schedule

# ----------------------------------------------------------------------------- rounding


def test_one_rounding_rule_half_away_from_zero() -> None:
    """14.85 kWh is 14.9 (not float round-half-even's 14.8); 0.125 EUR is 0.13, −0.125 is −0.13;
    a tiny negative amount is 0.00 (no negative zero); 59.66 % is 59.7 %, 80.0 % is 80 %."""
    assert formatting.energy(14.85) == "14.9 kWh"
    assert formatting.energy(14.849) == "14.8 kWh"
    assert formatting.money(0.125, "EUR") == "0.13 EUR"
    assert formatting.money(-0.125, "EUR") == "-0.13 EUR"
    assert formatting.money(-0.004, "EUR") == "0.00 EUR"
    assert formatting.pct(59.66) == "59.7%"
    assert formatting.pct(80.0) == "80%"
    assert formatting.share_of(1.0, 0.0) is None


def test_apportioned_rows_add_up_to_the_rounded_total() -> None:
    """0.333 + 0.333 + 0.334 = 1.000: plain rounding shows 0.33 + 0.33 + 0.33 = 0.99; the largest
    remainder gives the missing cent to the third row. 1.005 + 2.004 − 0.5 = 2.509 → 2.51: the
    cent goes to 1.005 (remainder 0.5 against 0.4)."""
    assert formatting.apportion([0.333, 0.333, 0.334]) == [0.33, 0.33, 0.34]
    assert formatting.apportion([1.005, 2.004, -0.5]) == [1.01, 2.0, -0.5]


# ----------------------------------------------------------------------------- attribution


def test_grid_energy_is_shared_pro_rata_among_the_loads_of_a_step() -> None:
    """One hour at 0.30: base load 1 kW, EV 3 kW, PV 2 kW, so 2 kW come from the grid — half of
    the 4 kW consumed. The EV's grid energy is 1.5 kWh (0.45), the base load's 0.5 kWh (0.15);
    together the whole import cost 0.60."""
    inputs = make_inputs([0.30], pv_kw=2.0, base_load_kw=1.0)
    found = Schedule(
        grid_import_kw=np.array([2.0]), grid_export_kw=np.zeros(1),
        pv_curtailed_kw=np.zeros(1), battery_charge_kw=np.zeros(1),
        battery_discharge_kw=np.zeros(1), battery_soc_kwh=np.zeros(2),
        device_kw={"ev": np.array([3.0])},
    )
    shares = grid_shares(found, inputs)
    ev = attribute(found.device_kw["ev"], shares, inputs)
    base = attribute(inputs.base_load_kw, shares, inputs)
    assert (ev.energy_kwh, ev.grid_energy_kwh, ev.cost) == pytest.approx((3.0, 1.5, 0.45))
    assert (base.grid_energy_kwh, base.cost) == pytest.approx((0.5, 0.15))


def test_the_cost_table_adds_up_to_the_plan_cost() -> None:
    """Two hours at 0.30 then 0.10, export 0.05; PV 3 kW in hour 0; base load 1 kW; a 1 kW × 1 h
    dishwasher by 02:00; no battery.

    The dishwasher runs in hour 0 on PV (free); 1 kW of PV is exported (0.05). Hour 1 imports the
    base load (0.10). Rows: dishwasher 1.0 kWh, 0 from the grid, 0.00; base load 2.0 kWh, 1.0 from
    the grid, 0.10; PV 3.0 kWh; grid export 1.0 kWh, −0.05. Total 0.05 = the plan's cost.
    """
    home = make_home(appliances=[appliance_spec("dishwasher")])
    inputs = make_inputs([0.30, 0.10], export_price_per_kwh=0.05, pv_kw=[3.0, 0.0],
                         base_load_kw=1.0)
    outcome = schedule(home, inputs.axis.start, [appliance_request("dishwasher", deadline=at(2))],
                       inputs=inputs)
    plan = outcome.plan
    assert plan is not None and plan.cost == pytest.approx(0.05)
    lines = {line.item: line for line in plan.cost_lines}
    assert [line.item for line in plan.cost_lines] == ["dishwasher", "base_load", "pv", "grid_export"]
    assert (lines["dishwasher"].grid_energy_kwh, lines["dishwasher"].cost) == pytest.approx((0, 0))
    assert (lines["base_load"].grid_energy_kwh, lines["base_load"].cost) == pytest.approx((1, 0.1))
    assert lines["grid_export"].cost == pytest.approx(-0.05)
    assert sum(line.cost_cents for line in plan.cost_lines) == pytest.approx(0.05)
    rows = cost_rows(plan)
    assert rows[-1] == ("Total", "", "", "", "", "0.05")
    assert [r[5] for r in rows[:-1]] == ["0.00", "0.10", "0.00", "-0.05"]
    (run,) = plan.runs
    assert (run.energy_kwh, run.grid_energy_kwh, run.cost) == pytest.approx((1.0, 0.0, 0.0))


# ----------------------------------------------------------------------------- the saving's parts


def test_moving_the_car_is_credited_to_timing_and_the_battery_to_the_battery() -> None:
    """Two hours at 0.40 then 0.10; base load 2 kW in hour 0; an EV needs 10 kWh (0–11 kW, η = 1)
    by 02:00; a 10 kWh battery at 50 %, 5 kW, η = 1, ending at least at 50 %.

    Plan: the battery covers hour 0's 2 kW, the car charges in hour 1 and the battery refills
    2 kWh then: 12 kWh × 0.10 = 1.20.
    Naive: the car charges at once (10 kW in hour 0); the battery, in self-consumption, gives its
    5 kW: import 7 kW × 0.40 = 2.80; it ends empty, 5 kWh short of the plan's end, refilled at the
    cheapest price 0.10: 0.50. Baseline 3.30.
    Planned loads with the battery in self-consumption: hour 0 is covered by the battery (2 kWh),
    hour 1 imports 10 − 3 = 7 kWh × 0.10 = 0.70; 5 kWh short again: 0.50. Total 1.20.
    So timing = 3.30 − 1.20 = 2.10 and battery/PV = 1.20 − 1.20 = 0: the whole saving comes from
    moving the car, none of it from the battery.
    """
    home = make_home(
        battery=battery_spec(initial_soc_pct=50.0, charge_efficiency=1.0,
                             discharge_efficiency=1.0),
        evs=[ev_spec()],
    )
    inputs = make_inputs([0.40, 0.10], base_load_kw=[2.0, 0.0])
    outcome = schedule(home, inputs.axis.start, [ev_request(energy_kwh=10.0, deadline=at(2))],
                       inputs=inputs)
    plan = outcome.plan
    assert plan is not None
    assert (plan.cost, plan.baseline_cost) == pytest.approx((1.20, 3.30), abs=1e-6)
    assert (plan.savings.timing, plan.savings.battery_pv) == pytest.approx((2.10, 0.0), abs=1e-6)
    assert plan_saving_line(plan) == (
        "without planning 3.30 EUR · **you save 2.10 EUR** (63.6% of the cost without planning): "
        "2.10 EUR from the requests' timing, 0.00 EUR from the battery and PV plan for the whole "
        "home"
    )


def test_a_load_run_right_away_saves_nothing_by_its_timing() -> None:
    """A 1 kW × 1 h dishwasher due within its first hour runs exactly as the naive schedule does:
    its timing saves 0, whatever the battery plan earns (here: the battery covers hour 0's base
    load of 2 kW at 0.40 and refills at 0.10 — 0.60 of saving, all the battery's)."""
    home = make_home(
        battery=battery_spec(initial_soc_pct=50.0, charge_efficiency=1.0,
                             discharge_efficiency=1.0),
        appliances=[appliance_spec("dishwasher")],
    )
    inputs = make_inputs([0.40, 0.10], base_load_kw=[2.0, 0.0])
    outcome = schedule(home, inputs.axis.start,
                       [appliance_request("dishwasher", deadline=at(1))], inputs=inputs)
    plan = outcome.plan
    assert plan is not None
    assert plan.savings.timing == 0.0
    assert plan.savings.battery_pv == pytest.approx(plan.saving, abs=1e-9)
