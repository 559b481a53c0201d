"""Devices on the time axis: appliance cycles per step, allowed steps, candidate starts.

Shared by the MILP builder, the naive baseline, the audit, the diagnosis and the conflict
detector, so that all of them agree on what "allowed" means.
"""

from __future__ import annotations

import math

import numpy as np

from tools.home import Appliance, ApplianceCycle
from tools.timeaxis import TimeAxis


def cycle_kw_per_step(cycle: ApplianceCycle, step_minutes: int) -> np.ndarray:
    """A cycle's mean power in each planning step from its start [kW].

    The cycle occupies ``ceil(duration / step)`` steps. Each step gets the cycle's energy inside
    that step divided by the step length, so energy is preserved exactly:
    ``sum(kw) * step_h == cycle.energy_kwh``. A cycle that ends mid-step draws its remaining
    energy spread over that last step.
    """
    if cycle.profile_kw is not None and cycle.profile_step_minutes is not None:
        edges_min = np.arange(len(cycle.profile_kw) + 1) * cycle.profile_step_minutes
        powers = np.asarray(cycle.profile_kw, dtype=float)
    else:
        assert cycle.duration_minutes is not None and cycle.power_kw is not None
        edges_min = np.array([0.0, float(cycle.duration_minutes)])
        powers = np.array([cycle.power_kw])
    n_steps = math.ceil(edges_min[-1] / step_minutes - 1e-9)
    cumulative_kwh = np.concatenate(([0.0], np.cumsum(powers * np.diff(edges_min) / 60.0)))
    step_edges = np.arange(n_steps + 1) * float(step_minutes)
    energy = np.diff(np.interp(step_edges, edges_min, cumulative_kwh))
    return energy / (step_minutes / 60.0)


def interruptible_steps(cycle: ApplianceCycle, step_minutes: int) -> tuple[int, float]:
    """Steps an interruptible cycle needs and its power per running step [kW] (energy kept)."""
    assert cycle.duration_minutes is not None and cycle.power_kw is not None
    n_steps = math.ceil(cycle.duration_minutes / step_minutes - 1e-9)
    return n_steps, cycle.energy_kwh / (n_steps * step_minutes / 60.0)


def cycle_steps(appliance: Appliance, step_minutes: int) -> int:
    """Number of steps the appliance runs in one cycle."""
    if appliance.interruptible:
        return interruptible_steps(appliance.cycle, step_minutes)[0]
    return len(cycle_kw_per_step(appliance.cycle, step_minutes))


def allowed_minutes(appliance: Appliance) -> np.ndarray:
    """Boolean mask over the 1440 local minutes of a day: inside a window, outside quiet hours."""
    inside = np.zeros(1440, dtype=bool)
    for window in appliance.allowed_windows:
        for lo, hi in window.minute_ranges():
            inside[lo:hi] = True
    for quiet in appliance.quiet_hours:
        for lo, hi in quiet.minute_ranges():
            inside[lo:hi] = False
    return inside


def allowed_steps(appliance: Appliance, axis: TimeAxis) -> np.ndarray:
    """Boolean mask: the appliance may run during the whole of step ``t``.

    Every minute of the step must lie inside an allowed window and outside quiet hours,
    judged on the local wall clock of that minute (so DST days are handled).
    """
    minute_ok = allowed_minutes(appliance)
    per_minute = minute_ok[axis.minute_of_day_each_minute]
    return per_minute.reshape(axis.n_steps, axis.step_minutes).all(axis=1)


def start_candidates(
    appliance: Appliance, axis: TimeAxis, first_step: int, end_step: int
) -> np.ndarray:
    """Start steps ``s`` of a non-interruptible cycle with every running step allowed and
    ``[s, s + L)`` inside ``[first_step, end_step)``."""
    length = cycle_steps(appliance, axis.step_minutes)
    mask = allowed_steps(appliance, axis)
    starts = []
    run_ok = np.convolve(mask.astype(int), np.ones(length, dtype=int), mode="valid") == length
    for s in range(first_step, end_step - length + 1):
        if run_ok[s]:
            starts.append(s)
    return np.asarray(starts, dtype=int)


def earliest_end(
    appliance: Appliance, axis: TimeAxis, first: int, end: int | None = None
) -> int | None:
    """Earliest end boundary of one whole run that starts at or after ``first`` and ends by ``end``.

    With ``L = cycle_steps(appliance, step_minutes)`` and the allowed steps of
    :func:`allowed_steps` inside ``[first, end)`` (``end`` defaults to the end of the axis; both
    are clamped to ``[0, n_steps]``):

    * non-interruptible: ``s + L`` for the first ``s`` of :func:`start_candidates`;
    * interruptible: one past the ``L``-th allowed step.

    Returns ``None`` when the cycle does not fit.
    """
    first, end = _clamp(axis, first, end)
    length = cycle_steps(appliance, axis.step_minutes)
    if appliance.interruptible:
        steps = first + np.flatnonzero(allowed_steps(appliance, axis)[first:end])
        return int(steps[length - 1]) + 1 if steps.size >= length else None
    starts = start_candidates(appliance, axis, first, end)
    return int(starts[0]) + length if starts.size else None


def latest_start(
    appliance: Appliance, axis: TimeAxis, first: int, end: int | None = None
) -> int | None:
    """Latest first running step of one whole run inside ``[first, end)``.

    With ``L`` and the allowed steps as in :func:`earliest_end`:

    * non-interruptible: the last ``s`` of :func:`start_candidates`;
    * interruptible: the ``L``-th allowed step counted back from ``end``.

    Returns ``None`` when the cycle does not fit.
    """
    first, end = _clamp(axis, first, end)
    length = cycle_steps(appliance, axis.step_minutes)
    if appliance.interruptible:
        steps = first + np.flatnonzero(allowed_steps(appliance, axis)[first:end])
        return int(steps[-length]) if steps.size >= length else None
    starts = start_candidates(appliance, axis, first, end)
    return int(starts[-1]) if starts.size else None


def _clamp(axis: TimeAxis, first: int, end: int | None) -> tuple[int, int]:
    """``[first, end)`` clamped to the axis ``[0, n_steps]``; ``end=None`` means ``n_steps``."""
    end = axis.n_steps if end is None else min(end, axis.n_steps)
    return max(first, 0), end
