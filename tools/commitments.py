"""Commitments: the approved part of the active plan, one device at a time.

The active plan is not one frozen schedule but a set of :class:`~tools.results.Commitment` objects, one per
device: what the homeowner asked of it (its requests: targets, deadlines, windows) and the run
that was approved for it (its power segments). Approving a proposal replaces the commitments of
the devices the proposal covers and keeps the others; a later plan for other devices holds the
kept runs as **fixed loads** (:func:`committed_load_kw`): their power enters the power balance,
the grid limit and the cost like the household base load does, and the plan lists them as
already approved.

The home battery is the exception: every plan re-optimises it around everything else, so its
dispatch is never a fixed load. What the homeowner asked of the battery (its requests) is carried
into the next plan instead (:func:`carried_requests`), so a battery target approved once stays in
force until it is changed or cancelled; so is the home's operation mode (device ``home``).

Pure functions and frozen models; the plan store (``app/store.py``) keeps commitments in SQLite
and adds who approved them and when. The model itself, :class:`~tools.results.Commitment`, lives
with the other typed results because a :class:`~tools.results.Plan` lists the commitments it held.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np

from tools.requests import DeviceRequest
from tools.results import Commitment, CommitmentKind, Plan, Segment
from tools.timeaxis import TimeAxis

#: Commitments whose requests are planned again instead of held as a run.
CARRIED = ("battery", "mode")


def segment_power_kw(segments: Sequence[Segment], axis: TimeAxis) -> np.ndarray:
    """Mean power of ``segments`` over each step of ``axis`` [kW] (time-weighted overlap).

    A segment covering half of a step contributes half its power to that step's mean, so the
    energy of the segments inside the horizon is kept exactly; parts outside the horizon (a run
    already under way before the axis starts, or after it ends) are left out.

    Examples
    --------
    An 11 kW segment from 23:00 to 23:10 on a 15-minute axis gives 11 × 10/15 = 7.33 kW in the
    23:00 step: 11 kW × 1/6 h = 1.83 kWh either way.
    """
    starts = axis.epoch_seconds
    step_s = axis.step_minutes * 60.0
    ends = starts + step_s
    power = np.zeros(axis.n_steps)
    for segment in segments:
        a, b = segment.start.timestamp(), segment.end.timestamp()
        overlap = np.clip(np.minimum(ends, b) - np.maximum(starts, a), 0.0, None)
        power += segment.power_kw * overlap / step_s
    return power


def committed_load_kw(
    commitments: Sequence[Commitment], axis: TimeAxis
) -> dict[str, np.ndarray]:
    """Per-step power of each committed EV and appliance run on ``axis`` [kW].

    Battery commitments are left out (the battery is re-optimised in every plan), and so are
    runs with no power inside the horizon.
    """
    loads: dict[str, np.ndarray] = {}
    for commitment in commitments:
        if commitment.kind in CARRIED:
            continue
        power = segment_power_kw(commitment.segments, axis)
        if np.any(power > 0):
            loads[commitment.device] = power
    return loads


def carried_requests(
    commitments: Sequence[Commitment], requests: Sequence[DeviceRequest], axis: TimeAxis,
    now: datetime,
) -> list[DeviceRequest]:
    """The approved battery and home-mode requests still in force that ``requests`` do not
    replace (the battery and the mode have no run to hold: every plan plans them again).

    Such a request is carried when its deadline (the horizon end when open) is after ``now``
    and not after the horizon end, and ``requests`` has no request of the same device and kind.
    """
    asked = {(r.device, r.kind) for r in requests}
    carried = []
    for commitment in commitments:
        if commitment.kind not in CARRIED:
            continue
        for request in commitment.requests:
            if (request.device, request.kind) in asked:
                continue
            if request.deadline is not None and not now < request.deadline <= axis.end:
                continue
            carried.append(request)
    return carried


def plan_commitments(plan: Plan) -> list[Commitment]:
    """The commitments that approving ``plan`` makes: one per device the plan covers.

    A plan covers every device it has a request for, and the home battery (re-optimised in
    every plan). Each commitment holds the device's requests of the plan and its segments;
    ``energy_kwh`` and ``cost`` are the plan's run of the device (zero when it does not run,
    e.g. an EV already at its target). Provenance (plan number, who, when) is added by the store.
    """
    runs: dict[str, tuple[float, float]] = {}
    for run in plan.runs:
        energy, cost = runs.get(run.device, (0.0, 0.0))
        runs[run.device] = (energy + run.energy_kwh, cost + run.cost)
    held = {c.device for c in plan.committed}
    battery_ids = [d for d in plan.devices if d not in plan.series.device_kw and d not in held]
    covered = list(dict.fromkeys([*(r.device for r in plan.requests), *battery_ids]))
    commitments = []
    run_kinds = {run.device: run.kind for run in plan.runs}
    for device in covered:
        requests = [r for r in plan.requests if r.device == device]
        kind: CommitmentKind
        if device in battery_ids or any(r.kind.startswith("battery") for r in requests):
            kind = "battery"
        elif any(r.kind == "mode" for r in requests):
            kind = "mode"
        elif device in run_kinds:
            kind = run_kinds[device]
        elif any(r.kind == "ev_charge" for r in requests):
            kind = "ev_charge"
        else:
            kind = "appliance_run"
        energy, cost = runs.get(device, (0.0, 0.0))
        commitments.append(Commitment(
            device=device, name=plan.label(device), kind=kind, requests=requests,
            segments=sorted(plan.devices.get(device, []), key=lambda s: s.start),
            energy_kwh=round(energy, 6), cost=round(cost, 6),
        ))
    return commitments


def whole_plan(plan: Plan) -> Plan:
    """``plan`` as one schedule: its own runs and the approved runs it held, side by side.

    The held runs move from ``committed``/``committed_runs``/``series.committed_kw`` into
    ``requests``, ``runs``, ``devices`` and ``series.device_kw``, as if the plan had planned them;
    nothing else changes (the cost already counted them). This is the active plan for whoever
    carries it out or asks about it (the runner, "what is the plan?"): the latest approved plan
    holds every other approved run.
    """
    if not plan.committed:
        return plan
    segments = {c.device: list(c.segments) for c in plan.committed}
    requests = [r for c in plan.committed for r in c.requests]
    series = plan.series.model_copy(update={
        "device_kw": {**plan.series.device_kw, **plan.series.committed_kw},
        "committed_kw": {},
    })
    return plan.model_copy(update={
        "requests": [*plan.requests, *requests],
        "devices": {**plan.devices, **segments},
        "runs": sorted([*plan.runs, *plan.committed_runs], key=lambda r: (r.start, r.device)),
        "series": series,
        "committed": [],
        "committed_runs": [],
    })
