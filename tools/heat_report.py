"""Building the plan's heat section from an audited schedule (see :mod:`tools.heat_results`)."""

from __future__ import annotations

from typing import Literal

import numpy as np

from tools import formatting
from tools.heat_results import Band, HeatSummary, ModeSpan, ThermalLine
from tools.home import HeatPump, WaterTank
from tools.scheduler.problem import Schedule, ScheduleProblem


def temperature_series(
    problem: ScheduleProblem, schedule: Schedule
) -> tuple[dict[str, list[float]], dict[str, list[float]], dict[str, Band]]:
    """Tank temperatures, indoor temperatures and the bands, per device [°C] (``n + 1`` each)."""
    tanks: dict[str, list[float]] = {}
    rooms: dict[str, list[float]] = {}
    bands: dict[str, Band] = {}
    for tank_id, plan in problem.tank_plans.items():
        tanks[tank_id] = _round(schedule.temperature_c[tank_id])
        high = np.full(problem.n_steps + 1, plan.tank.max_temp_c)
        bands[tank_id] = Band(min_temp_c=_round(plan.min_temp_c), max_temp_c=_round(high))
    for pump_id, pump_plan in problem.heat_pump_plans.items():
        rooms[pump_id] = _round(schedule.temperature_c[pump_id])
        bands[pump_id] = Band(
            min_temp_c=_round(pump_plan.min_temp_c), max_temp_c=_round(pump_plan.max_temp_c)
        )
    return tanks, rooms, bands


def heat_summary(problem: ScheduleProblem, schedule: Schedule) -> HeatSummary | None:
    """The plan's heat section, or ``None`` for a home without tanks, heat pumps or wind."""
    home = problem.home
    if not (home.water_tanks or home.heat_pumps or home.wind_turbines):
        return None
    inputs = problem.inputs
    axis = inputs.axis
    dt = axis.step_hours
    lines = []
    for device in home.thermal_devices():
        power = schedule.device_kw[device.id]
        temps = schedule.temperature_c[device.id]
        energy = float(power.sum() * dt)
        cost = float(np.sum(power * inputs.import_price_per_kwh) * dt)
        below = _below_band_kh(problem, device, temps)
        name = home.label(device.id)
        if isinstance(device, WaterTank):
            kind: Literal["water_tank", "heat_pump"] = "water_tank"
            text = (
                f"{name}: {formatting.energy(energy)}, {temps.min():.1f}–{temps.max():.1f} °C "
                f"(keeps ≥ {problem.tank_plans[device.id].min_temp_c[1:].min():g} °C)"
            )
        else:
            kind = "heat_pump"
            plan = problem.heat_pump_plans[device.id]
            text = (
                f"{name}: {formatting.energy(energy)}, indoors {temps.min():.1f}–{temps.max():.1f} °C "
                f"(band {plan.min_temp_c[1:].min():g}–{plan.max_temp_c[1:].max():g} °C)"
            )
        if below > 1e-3:
            text += f", {below:.1f} K·h outside the band"
        lines.append(
            ThermalLine(
                device=device.id,
                name=name,
                kind=kind,
                energy_kwh=round(energy, 4),
                cost=round(cost, 4),
                min_temp_c=round(float(temps.min()), 2),
                max_temp_c=round(float(temps.max()), 2),
                below_band_kh=round(below, 3),
                text=text,
            )
        )
    return HeatSummary(
        outdoor_temp_source=inputs.outdoor_temp_source,
        wind_speed_source=inputs.wind_speed_source,
        modes=_mode_spans(problem),
        lines=lines,
    )


def _below_band_kh(
    problem: ScheduleProblem, device: WaterTank | HeatPump, temps: np.ndarray
) -> float:
    dt = problem.step_hours
    if isinstance(device, WaterTank):
        gap = problem.tank_plans[device.id].min_temp_c[1:] - temps[1:]
    else:
        plan = problem.heat_pump_plans[device.id]
        if device.mode == "heating":
            gap = plan.min_temp_c[1:] - temps[1:]
        else:
            gap = temps[1:] - plan.max_temp_c[1:]
    return float(np.clip(gap, 0.0, None).sum() * dt)


def _mode_spans(problem: ScheduleProblem) -> list[ModeSpan]:
    axis = problem.inputs.axis
    steps = problem.modes.step_modes
    spans = []
    start = 0
    for t in range(1, len(steps) + 1):
        if t == len(steps) or steps[t] != steps[start]:
            spans.append(
                ModeSpan(
                    mode=steps[start],
                    start=axis.time_at(start),
                    end=axis.time_at(t),
                )
            )
            start = t
    return spans


def _round(values: np.ndarray) -> list[float]:
    return [round(float(v), 4) for v in values]
