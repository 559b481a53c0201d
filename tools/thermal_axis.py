"""What the thermal devices must do, on the time axis: bands, draws, targets and modes.

Temperatures are states at step boundaries ``0..n``; a band or target "at" boundary ``b`` holds
for the temperature at that moment (the band in force at its local time), so "20 °C from 06:00"
means the room is at 20 °C at 06:00. Draws are energies per step. The MILP builders, the audit
and the baseline all read these arrays, so they agree on what was asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from tools.home import WEEKDAYS_BY_NAME, HeatPump, Home, ModeName, ModePreset, WaterTank
from tools.home.clock import parse_clock_minutes
from tools.requests import HOME_DEVICE, ResolvedRequest
from tools.thermal import draw_energy_kwh
from tools.timeaxis import TimeAxis


@dataclass(frozen=True)
class ModeTimeline:
    """The operation mode of each step (``n`` names) and at each boundary (``n + 1``)."""

    step_modes: tuple[ModeName, ...]
    boundary_modes: tuple[ModeName, ...]

    def presets(self, home: Home, boundaries: bool = False) -> list[ModePreset]:
        names = self.boundary_modes if boundaries else self.step_modes
        return [home.modes.preset(name) for name in names]


def mode_timeline(
    home: Home, axis: TimeAxis, requests: tuple[ResolvedRequest, ...]
) -> ModeTimeline:
    """The home's default mode, replaced by each ``mode`` request over its period."""
    steps: list[ModeName] = [home.modes.default] * axis.n_steps
    bounds: list[ModeName] = [home.modes.default] * (axis.n_steps + 1)
    for request in requests:
        if request.device == HOME_DEVICE and request.request.mode is not None:
            for t in range(request.first_step, request.end_step):
                steps[t] = request.request.mode
            for b in range(request.first_step + 1, request.end_step + 1):
                bounds[b] = request.request.mode
    return ModeTimeline(tuple(steps), tuple(bounds))


def boundary_minutes(axis: TimeAxis) -> np.ndarray:
    """Local minute of day at each step boundary ``0..n``."""
    last = axis.time_at(axis.n_steps)
    return np.append(axis.local_minute_of_day, last.hour * 60 + last.minute)


@dataclass(frozen=True)
class HeatPumpPlan:
    """A heat pump's band at each boundary ``0..n`` [°C] and its preferred temperature.

    ``min_temp_c[0]``/``max_temp_c[0]`` describe now and are not enforced (the room is what it is).
    ``preferred_c`` is the middle of the band; the mode's comfort weight values being close to
    it (from below when heating, from above when cooling).
    """

    pump: HeatPump
    min_temp_c: np.ndarray
    max_temp_c: np.ndarray
    preferred_c: np.ndarray
    comfort_weight_per_kh: np.ndarray
    """Per step [currency/(K·h)], from the mode in force."""


def heat_pump_plan(
    home: Home,
    axis: TimeAxis,
    pump: HeatPump,
    requests: tuple[ResolvedRequest, ...],
    modes: ModeTimeline,
) -> HeatPumpPlan:
    """Bands on the axis: daily comfort periods, shifted or replaced by the mode, and replaced by
    a ``comfort`` request for its period (a request's band wins over the mode's)."""
    minutes = boundary_minutes(axis)
    low = np.empty(axis.n_steps + 1)
    high = np.empty(axis.n_steps + 1)
    for b, minute in enumerate(minutes):
        low[b], high[b] = pump.band_at_minute(int(minute))
    presets = modes.presets(home, boundaries=True)
    for b, preset in enumerate(presets):
        offset = preset.heating_offset_k if pump.mode == "heating" else preset.cooling_offset_k
        low[b] += offset
        high[b] += offset
        if preset.band_min_temp_c is not None:
            low[b] = preset.band_min_temp_c
        if preset.band_max_temp_c is not None:
            high[b] = preset.band_max_temp_c
    for request in requests:
        if request.device != pump.id:
            continue
        span = slice(request.first_step, request.end_step + 1)
        if request.request.min_temp_c is not None:
            low[span] = request.request.min_temp_c
        if request.request.max_temp_c is not None:
            high[span] = request.request.max_temp_c
    high = np.maximum(high, low)
    weight = np.array([p.comfort_weight_per_kh for p in modes.presets(home)])
    return HeatPumpPlan(pump, low, high, (low + high) / 2, weight)


@dataclass(frozen=True)
class TankPlan:
    """A water tank's duties on the axis.

    Attributes
    ----------
    min_temp_c:
        Lowest temperature at each boundary ``0..n`` [°C] (the mode may lower it).
    draw_kwh:
        Heat drawn in each step [kWh]: the daily draws (unless the mode skips them) and a
        request's draw at its deadline.
    targets:
        ``(boundary, temp_c, label)``: at least ``temp_c`` at that boundary.
    legionella:
        ``(first, last, temp_c)``: reach ``temp_c`` at some boundary in ``[first, last]``, or
        ``None`` when the horizon does not hold the due time.
    """

    tank: WaterTank
    min_temp_c: np.ndarray
    draw_kwh: np.ndarray
    targets: tuple[tuple[int, float, str], ...]
    legionella: tuple[int, int, float] | None


def tank_plan(
    home: Home,
    axis: TimeAxis,
    tank: WaterTank,
    requests: tuple[ResolvedRequest, ...],
    modes: ModeTimeline,
) -> TankPlan:
    """The tank's band, draws, targets and legionella cycle on ``axis``."""
    n = axis.n_steps
    low = np.full(n + 1, tank.min_temp_c)
    for b, preset in enumerate(modes.presets(home, boundaries=True)):
        if preset.tank_min_temp_c is not None:
            low[b] = min(preset.tank_min_temp_c, tank.max_temp_c)
    draws = np.zeros(n)
    step_minutes = axis.local_minute_of_day
    step_presets = modes.presets(home)
    for draw in tank.draws:
        minute = parse_clock_minutes(draw.time)
        energy = draw_energy_kwh(draw.litres, draw.tap_temp_c, tank.cold_water_temp_c)
        for t in _steps_holding_minute(step_minutes, axis.step_minutes, minute):
            if step_presets[t].hot_water_draws:
                draws[t] += energy
    targets = []
    for request in requests:
        if request.device != tank.id:
            continue
        target = request.target_temp_c
        assert target is not None
        targets.append((request.end_step, target, "target"))
        litres = request.request.draw_litres
        if litres is not None and request.end_step < n:
            draws[request.end_step] += draw_energy_kwh(litres, 40.0, tank.cold_water_temp_c)
    return TankPlan(tank, low, draws, tuple(targets), _legionella(axis, tank))


def _steps_holding_minute(step_minutes: np.ndarray, length: int, minute: int) -> list[int]:
    """Steps whose local wall-clock span ``[start, start + length)`` holds ``minute``."""
    offset = (minute - step_minutes) % 1440
    return [int(t) for t in np.flatnonzero(offset < length)]


def _legionella(axis: TimeAxis, tank: WaterTank) -> tuple[int, int, float] | None:
    spec = tank.legionella
    if spec is None:
        return None
    start_local = axis.start.astimezone(axis.tz)
    end_local = axis.end.astimezone(axis.tz)
    minute = parse_clock_minutes(spec.by)
    day = start_local.replace(hour=0, minute=0, second=0, microsecond=0)
    while day <= end_local:
        if day.weekday() == WEEKDAYS_BY_NAME[spec.weekday]:
            due = (day.replace(tzinfo=None) + timedelta(minutes=minute)).replace(tzinfo=axis.tz)
            if start_local < due <= end_local:
                last = axis.boundary_at_or_before(due)
                first = axis.boundary_at_or_after(due - timedelta(hours=spec.window_hours))
                return max(first, 1), last, spec.temp_c
        day = (day.replace(tzinfo=None) + timedelta(days=1)).replace(tzinfo=axis.tz)
    return None
