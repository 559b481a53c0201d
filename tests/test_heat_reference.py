"""Reference values for heat, derived on paper: tank, 1R1C room, pre-heating, wind, R/C fit.

Physics conventions (tools/thermal.py): 1 l of water holds 4.186/3600 kWh/K; a node with
resistance R [K/kW] and capacitance C [kWh/K] steps exactly as
``T' = a·T + (1 − a)·(T_env + R·Q)`` with ``a = exp(−Δt/RC)``.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from helpers import SOLVERS, at, make_home, make_inputs, make_problem, solve_problem

from tools.home import HeatPump, WindTurbine
from tools.requests import DeviceRequest
from tools.thermal import Node, cop, draw_energy_kwh, estimate_rc
from tools.wind import hub_wind_speed_m_s, turbine_power_kw

C_200L = 200 * 4.186 / 3600  # kWh/K of a 200 l tank = 0.232556


def tank_spec(**fields: Any) -> dict[str, Any]:
    """A 200 l tank with a 3 kW element, no standing loss, 40–70 °C, at 50 °C, no draws."""
    return {
        "id": "tank",
        "volume_l": 200,
        "element_kw": 3.0,
        "min_temp_c": 40,
        "setpoint_c": 55,
        "max_temp_c": 70,
        "ua_w_per_k": 0.0,
        "cold_water_temp_c": 10,
        "temp_c": 50,
        **fields,
    }


def pump_spec(**fields: Any) -> dict[str, Any]:
    """A heat pump with a constant COP of 3, 2 kW electric, R = 5 K/kW, C = 10 kWh/K."""
    return {
        "id": "hp",
        "max_electric_kw": 2.0,
        "cop": {"type": "linear", "cop_at_7c": 3.0, "slope_per_k": 0.0, "min_cop": 3, "max_cop": 3},
        "building": {"resistance_k_per_kw": 5.0, "capacitance_kwh_per_k": 10.0},
        "indoor_temp_c": 20.0,
        **fields,
    }


ZERO_OUTSIDE = {"outdoor_temp_c": [0.0] * 24}


# ----------------------------------------------------------------------------- tank


def test_tank_heating_and_draw_sequence_on_paper() -> None:
    """A lossless 200 l tank at 40 °C: 2 kW for one hour adds 2 kWh / C = 7200/837.2 = 8.6001 K
    → 48.6001 °C; then a 50 l draw at a 40 °C tap from 10 °C mains takes 50·30/200 = 7.5 K
    → 41.1001 °C; with a loss of 2 W/K to a 20 °C room the hour of heating instead ends at
    20 + 0.002·... computed by the exact exponential: a = exp(−1/(500·C))."""
    node = Node(math.inf, C_200L)
    temps = node.simulate(
        40.0, np.array([20.0, 20.0]), np.array([2.0, -draw_energy_kwh(50, 40, 10)]), 1.0
    )
    assert temps[1] == pytest.approx(40 + 7200 / 837.2, abs=1e-9)
    assert temps[2] == pytest.approx(40 + 7200 / 837.2 - 7.5, abs=1e-9)
    lossy = Node(1000 / 2.0, C_200L)
    a = math.exp(-1.0 / (500 * C_200L))
    assert lossy.step(40.0, 20.0, 2.0, 1.0) == pytest.approx(
        a * 40 + (1 - a) * (20 + 500 * 2), abs=1e-9
    )


@pytest.mark.parametrize("solver", SOLVERS)
def test_tank_plan_heats_just_enough_before_the_draw(solver: str) -> None:
    """Lossless tank at 50 °C, minimum 40 °C, a 100 l draw at 40 °C in the 07:00 step
    (100·30/200 = 15 K). At a flat price the cheapest plan adds only what keeps the tank at
    40 °C after the draw: 5 K·C = 1.16278 kWh, costing 0.25 × 1.16278 = 0.290694 EUR, and ends
    at 40 °C. With a 2 W/K loss the same heat comes as late as possible (the step of the draw
    or the one before), never earlier."""
    home = make_home(
        water_tanks=[tank_spec(draws=[{"time": "07:00", "litres": 100, "tap_temp_c": 40}])]
    )
    inputs = make_inputs([0.25] * 12)
    _, schedule = solve_problem(make_problem(home, inputs, [], solver=solver))
    energy = schedule.device_kw["tank"].sum()
    assert energy == pytest.approx(5 * C_200L, abs=1e-6)
    assert schedule.temperature_c["tank"][8] == pytest.approx(40.0, abs=1e-6)
    lossy = make_home(
        water_tanks=[
            tank_spec(ua_w_per_k=2.0, draws=[{"time": "07:00", "litres": 100, "tap_temp_c": 40}])
        ]
    )
    _, schedule = solve_problem(make_problem(lossy, inputs, [], solver=solver))
    assert np.all(schedule.device_kw["tank"][:6] == 0.0)


@pytest.mark.parametrize("solver", SOLVERS)
def test_hot_water_by_seven_is_met_and_a_bath_is_drawn(solver: str) -> None:
    """ "Hot water by 07:00" at 60 °C and a 150 l bath then: the tank is at ≥ 60 °C at 07:00, and
    the bath's 150·30/200 = 22.5 K leave it at ≤ 60 − 22.5 + (heat in that step) afterwards."""
    home = make_home(water_tanks=[tank_spec()])
    inputs = make_inputs([0.25] * 12)
    request = DeviceRequest(
        device="tank", kind="water_heat", deadline=at(7), target_temp_c=60, draw_litres=150
    )
    _, schedule = solve_problem(make_problem(home, inputs, [request], solver=solver))
    temps = schedule.temperature_c["tank"]
    assert temps[7] >= 60 - 1e-6
    heat_at_7 = schedule.device_kw["tank"][7] / C_200L
    assert temps[8] == pytest.approx(temps[7] - 22.5 + heat_at_7, abs=1e-6)


def test_legionella_cycle_when_the_horizon_holds_its_due_time() -> None:
    """Due Monday 06:00 (the axis starts Monday 2026-01-05 00:00 UTC) within 6 h: the tank reaches
    60 °C at a whole hour in 00:00–06:00; a lossless tank at 50 °C needs 10 K·C = 2.326 kWh for it."""
    home = make_home(
        water_tanks=[
            tank_spec(
                legionella={"temp_c": 60, "weekday": "monday", "by": "06:00", "window_hours": 6}
            )
        ]
    )
    inputs = make_inputs([0.25] * 12)
    _, schedule = solve_problem(make_problem(home, inputs, []))
    assert schedule.temperature_c["tank"][1:7].max() == pytest.approx(60.0, abs=1e-6)
    assert schedule.device_kw["tank"].sum() == pytest.approx(10 * C_200L, abs=1e-6)


# ----------------------------------------------------------------------------- 1R1C room


def test_constant_heat_follows_the_exponential_approach() -> None:
    """Q = 6 kW into R = 5 K/kW, C = 10 kWh/K from 15 °C at 0 °C outside: T(t) = 30 − 15·e^(−t/50);
    after 24 h 30 − 15·e^(−0.48) = 20.71826 °C, after 1 h 30 − 15·e^(−0.02) = 15.29701 °C. The
    exact step reproduces it at any step length."""
    node = Node(5.0, 10.0)
    for step_h, n in ((1.0, 24), (0.25, 96), (5 / 60, 288)):
        temps = node.simulate(15.0, np.zeros(n), np.full(n, 6.0), step_h)
        assert temps[-1] == pytest.approx(30 - 15 * math.exp(-0.48), abs=1e-9)
    assert Node(5.0, 10.0).step(15.0, 0.0, 6.0, 1.0) == pytest.approx(15.29701, abs=1e-5)


@pytest.mark.parametrize("solver", SOLVERS)
def test_heat_pump_at_full_power_matches_the_exponential(solver: str) -> None:
    """From 15 °C with a band of 25–30 °C (out of reach), COP 3 × 2 kW = 6 kW: the plan must run
    at 2 kW throughout and the room follows 30 − 15·e^(−t/50): 20.71826 °C after 24 h."""
    home = make_home(
        climate=ZERO_OUTSIDE,
        heat_pumps=[
            pump_spec(
                indoor_temp_c=15.0,
                comfort=[{"start": "00:00", "end": "24:00", "min_temp_c": 25, "max_temp_c": 30}],
            )
        ],
    )
    inputs = replace(make_inputs([0.25] * 24), outdoor_temp_c=np.zeros(24))
    _, schedule = solve_problem(make_problem(home, inputs, [], solver=solver))
    assert np.allclose(schedule.device_kw["hp"], 2.0, atol=1e-6)
    expected = 30 - 15 * np.exp(-np.arange(25) / 50)
    assert np.allclose(schedule.temperature_c["hp"], expected, atol=1e-6)


@pytest.mark.parametrize("solver", SOLVERS)
def test_cheapest_preheating_on_a_two_price_day(solver: str) -> None:
    """0.10 EUR/kWh until 16:00, 0.40 after; band 20–23 °C; 0 °C outside; τ = RC = 50 h.
    Coasting from 23 °C reaches 20 °C after 50·ln(23/20) = 6.99 h, i.e. just before 23:00, so the
    plan fills the room to the band's top (23 °C) by 16:00, draws nothing from 16:00 to 22:00
    and only tops up in the last hour; the thermostat baseline (holding 20 °C) pays more."""
    home = make_home(
        climate=ZERO_OUTSIDE,
        heat_pumps=[
            pump_spec(
                max_electric_kw=3.0,
                comfort=[{"start": "00:00", "end": "24:00", "min_temp_c": 20, "max_temp_c": 23}],
            )
        ],
    )
    prices = [0.10] * 16 + [0.40] * 8
    inputs = replace(make_inputs(prices), outdoor_temp_c=np.zeros(24))
    problem = make_problem(home, inputs, [], solver=solver)
    _, schedule = solve_problem(problem)
    temps = schedule.temperature_c["hp"]
    power = schedule.device_kw["hp"]
    assert temps[16] == pytest.approx(23.0, abs=1e-6)
    assert np.all(power[16:22] == 0.0)
    assert power[23] > 0
    from tools.baseline import baseline_schedule

    naive = baseline_schedule(problem)
    plan_cost = float(np.sum(power * np.array(prices)))
    naive_cost = float(np.sum(naive.device_kw["hp"] * np.array(prices)))
    assert plan_cost < naive_cost


def test_cop_curves() -> None:
    """Carnot fraction 0.45 at a 35 °C flow: 0.45·308.15/28 = 4.9524 at 7 °C, 0.45·308.15/40 =
    3.4667 at −5 °C; linear 3 + 0.1·(T − 7): 2.0 at −3 °C; cooling (18 °C supply, 32 °C outside):
    0.4·291.15/14 = 8.3186, clipped to max_cop 6."""
    carnot = HeatPump.model_validate(
        pump_spec(cop={"type": "carnot", "efficiency": 0.45, "supply_temp_c": 35, "max_cop": 7})
    )
    assert cop(carnot, np.array([7.0, -5.0])) == pytest.approx([4.952411, 3.466688], abs=1e-5)
    linear = HeatPump.model_validate(
        pump_spec(cop={"type": "linear", "cop_at_7c": 3.0, "slope_per_k": 0.1})
    )
    assert cop(linear, np.array([-3.0])) == pytest.approx([2.0])
    cooling = HeatPump.model_validate(
        pump_spec(
            mode="cooling",
            cop={"type": "carnot", "efficiency": 0.4, "supply_temp_c": 18, "max_cop": 6},
        )
    )
    assert cop(cooling, np.array([32.0])) == pytest.approx([6.0])


def test_estimate_rc_recovers_the_building() -> None:
    """A week of hourly history simulated from R = 4 K/kW, C = 12 kWh/K (heat on 06–22 h at
    5 kW, off at night, outdoors swinging 0–8 °C) gives back R and C to 1e-6."""
    hours = np.arange(7 * 24)
    outdoor = 4 + 4 * np.sin(2 * np.pi * (hours - 9) / 24)
    heat = np.where((hours % 24 >= 6) & (hours % 24 < 22), 5.0, 0.0)
    indoor = Node(4.0, 12.0).simulate(19.0, outdoor, heat, 1.0)
    fit = estimate_rc(indoor, outdoor, heat, 1.0)
    assert fit.resistance_k_per_kw == pytest.approx(4.0, abs=1e-6)
    assert fit.capacitance_kwh_per_k == pytest.approx(12.0, abs=1e-6)
    assert fit.rms_error_k < 1e-9
    with pytest.raises(ValueError, match="does not identify"):
        estimate_rc(np.full(5, 20.0), np.full(4, 20.0), np.zeros(4), 1.0)


# ----------------------------------------------------------------------------- wind


def turbine(**fields: Any) -> WindTurbine:
    return WindTurbine.model_validate(
        {
            "hub_height_m": 10,
            "cut_in_m_s": 3.0,
            "rated_m_s": 11.0,
            "cut_out_m_s": 25.0,
            "rated_kw": 2.5,
            "power_curve": [{"wind_speed_m_s": 7, "power_kw": 0.8}],
            **fields,
        }
    )


def test_turbine_output_at_cut_in_rated_and_cut_out() -> None:
    """Hub at 10 m (no shear): 0 kW below and at cut-in (3 m/s), 0.4 kW halfway 3→7 m/s on the
    line (0 → 0.8 kW), 0.8 kW at 7 m/s, 2.5 kW at rated (11 m/s) and up to just below cut-out,
    0 kW at and above cut-out (25 m/s)."""
    speeds = np.array([2.0, 3.0, 5.0, 7.0, 11.0, 24.9, 25.0, 30.0])
    power = turbine_power_kw(turbine(), speeds)
    assert power == pytest.approx([0.0, 0.0, 0.4, 0.8, 2.5, 2.5, 0.0, 0.0], abs=1e-9)


def test_wind_shear_to_hub_height() -> None:
    """Power law α = 1/7 from 10 to 30 m: 5·3^(1/7) = 5.8497 m/s; log law z0 = 0.1 m:
    5·ln(300)/ln(100) = 6.1928 m/s."""
    assert hub_wind_speed_m_s(turbine(hub_height_m=30), np.array([5.0])) == pytest.approx(
        [5 * 3 ** (1 / 7)]
    )
    log = turbine(hub_height_m=30, shear={"type": "log", "roughness_length_m": 0.1})
    assert hub_wind_speed_m_s(log, np.array([5.0])) == pytest.approx(
        [5 * math.log(300) / math.log(100)]
    )


def test_wind_feeds_the_balance_like_pv() -> None:
    """A 2.5 kW turbine in a steady 11 m/s at hub height covers a 2 kW base load: nothing is
    imported, 0.5 kW is exported at every step."""
    home = make_home(
        wind_turbines=[turbine().model_dump()],
        climate={"wind_speed_10m_m_s": [11.0] * 24},
    )
    inputs = replace(make_inputs([0.25] * 6, base_load_kw=2.0), wind_kw=np.full(6, 2.5))
    _, schedule = solve_problem(make_problem(home, inputs, []))
    assert np.allclose(schedule.grid_import_kw, 0.0)
    assert np.allclose(schedule.grid_export_kw, 0.5)


def test_with_state_sets_tank_and_room_temperatures() -> None:
    """A live reading of 38 °C in the tank and 18.5 °C indoors replaces the home file's values;
    an unknown device is refused."""
    home = make_home(water_tanks=[tank_spec()], heat_pumps=[pump_spec()], climate=ZERO_OUTSIDE)
    live = home.with_state(temp_c={"tank": 38.0, "hp": 18.5})
    assert live.tank("tank").temp_c == 38.0 and live.heat_pump("hp").indoor_temp_c == 18.5
    with pytest.raises(KeyError):
        home.with_state(temp_c={"sauna": 80.0})


@pytest.mark.parametrize("solver", SOLVERS)
def test_air_conditioning_holds_the_top_of_its_band(solver: str) -> None:
    """Cooling at 30 °C outside, band 22–25 °C, from 25 °C, COP 3, R = 5 K/kW: holding 25 °C
    removes (30 − 25)/5 = 1 kW of heat = 1/3 kW electric, 8 kWh over 24 h (no comfort weight)."""
    home = make_home(
        climate={"outdoor_temp_c": [30.0] * 24},
        modes={"comfort": {"comfort_weight_per_kh": 0}},
        heat_pumps=[
            pump_spec(
                mode="cooling",
                indoor_temp_c=25.0,
                comfort=[{"start": "00:00", "end": "24:00", "min_temp_c": 22, "max_temp_c": 25}],
            )
        ],
    )
    inputs = replace(make_inputs([0.25] * 24), outdoor_temp_c=np.full(24, 30.0))
    _, schedule = solve_problem(make_problem(home, inputs, [], solver=solver))
    assert schedule.device_kw["hp"].sum() == pytest.approx(8.0, abs=1e-6)
    assert schedule.temperature_c["hp"].max() <= 25.0 + 1e-6
