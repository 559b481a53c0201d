"""What a schedule may do — the rules the optimiser builds and the audit checks, stated once.

The MILP builders (``tools/scheduler/``) turn these numbers and step masks into bounds and
constraints, :func:`tools.scheduler.extract.extract_schedule` brings the solver's values onto the
rules that the model leaves to the solver's discretion, and the audit (``tools/audit.py``)
checks every schedule against the very same numbers. Neither side restates a rule, so the two
cannot drift apart.

The rules
---------
Grid
    ``0 ≤ import_t ≤ import_limit`` and ``0 ≤ export_t ≤ export_limit`` [kW]; never both in one
    step (the meter nets them). The model forbids both with a binary only in the steps where
    doing both could pay (:func:`grid_direction_binary_steps`: export price above import price);
    elsewhere both at once only costs money, and extraction nets them.
PV curtailment
    ``0 ≤ curtailed_t ≤ pv_t`` [kW].
Battery direction
    Charging and discharging in the same step is allowed only where the import price is
    negative (:func:`battery_both_ways_steps`): there, wasting energy in the battery's losses
    is paid for. Elsewhere it never pays, so the model needs no binary for it; extraction removes
    any such overlap a solver leaves (keeping the SoC trajectory, see ``extract``).
Battery state of charge (:func:`battery_soc_limits`)
    At every step boundary ``b = 1 … n``: ``low_b ≤ soc_b ≤ high_b`` [kWh], where ``low`` is the
    battery's floor (the larger of min SoC and backup reserve; a battery that starts below it
    must climb at its full charge power until it is back), raised by the homeowner's floor
    requests over their periods, by a target at its deadline and by the final SoC at the end;
    ``high`` is the max SoC (a battery above it must fall at full discharge power).
Battery supplies only the household (:func:`no_ev_discharge_steps`)
    In the period of a ``battery_no_ev_discharge`` request:
    ``discharge_t ≤ base_t + Σ_{requested devices except EVs} p_t`` — the battery gives at most
    what the household itself uses in that step, so no battery energy can reach an EV (or the
    grid), whichever way the meter attributes the flows. PV is not netted out: PV covering the
    car while the battery covers the house is allowed.

Tolerance
    A schedule satisfies a rule when its residual is at most :data:`TOLERANCE` (1e-6 kW or kWh).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from tools.home import Battery, Ev

if TYPE_CHECKING:  # tools.scheduler builds from these rules; the problem type is only named here
    from tools.scheduler.problem import ScheduleProblem

TOLERANCE = 1e-6
"""Largest residual [kW or kWh] a schedule may leave on any rule."""


def grid_direction_binary_steps(problem: ScheduleProblem) -> list[int]:
    """Steps where importing and exporting at once could pay (export price > import price), so
    the model must forbid it with a direction binary."""
    inputs = problem.inputs
    return np.flatnonzero(inputs.export_price_per_kwh > inputs.import_price_per_kwh).tolist()


def battery_both_ways_steps(problem: ScheduleProblem) -> np.ndarray:
    """Boolean mask: steps where the battery may charge and discharge at once (import price < 0)."""
    return problem.inputs.import_price_per_kwh < 0


@dataclass(frozen=True)
class SocLimits:
    """The battery's state-of-charge limits at the step boundaries ``0 … n`` [kWh].

    ``low``/``high`` combine every rule; the parts say which rule sets a bound, for messages.

    Attributes
    ----------
    initial_kwh:
        SoC now [kWh] (boundary 0 is fixed at it).
    low, high:
        Lowest and highest allowed SoC at each boundary (``n + 1`` values) [kWh].
    device_floor:
        The battery's own floor at each boundary, relaxed where it starts below it [kWh].
    request_floor_kwh, request_floor_boundaries:
        A floor request's level [kWh] and its boundaries ``[first, last]`` (``None`` if none).
    target_kwh, target_boundary:
        A target request's level [kWh] and the boundary of its deadline (``None`` if none).
    final_kwh:
        SoC required at the horizon end [kWh].
    """

    initial_kwh: float
    low: np.ndarray
    high: np.ndarray
    device_floor: np.ndarray
    request_floor_kwh: float | None
    request_floor_boundaries: tuple[int, int] | None
    target_kwh: float | None
    target_boundary: int | None
    final_kwh: float

    @property
    def consistent(self) -> bool:
        """Whether some SoC path could meet the limits at all (low ≤ high and boundary 0 fits)."""
        return bool(
            np.all(self.low <= self.high + TOLERANCE)
            and self.low[0] <= self.initial_kwh + TOLERANCE
        )


def reach_kwh(battery: Battery, step_hours: float, n_steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Most energy the battery can store (``up``) and give up (``down``) by boundary ``b`` from
    boundary 0 at full power, ``b = 0 … n`` [kWh]."""
    boundaries = np.arange(n_steps + 1)
    up = battery.max_charge_kw * battery.charge_efficiency * step_hours * boundaries
    down = battery.max_discharge_kw / battery.discharge_efficiency * step_hours * boundaries
    return up, down


def battery_soc_limits(problem: ScheduleProblem, battery: Battery) -> SocLimits:
    """The SoC limits of ``battery`` in ``problem`` (see the module docstring)."""
    n, dt = problem.n_steps, problem.step_hours
    cap = battery.capacity_kwh
    soc0 = cap * battery.initial_soc_pct / 100
    floor = cap * battery.floor_soc_pct / 100
    ceiling = cap * battery.max_soc_pct / 100
    up, down = reach_kwh(battery, dt, n)
    device_floor = np.minimum(floor, soc0 + up)
    high = np.maximum(ceiling, soc0 - down)
    low = device_floor.copy()
    request_floor_kwh = request_floor_boundaries = None
    target_kwh = target_boundary = None
    for request in problem.battery_requests():
        kind = request.request.kind
        if kind == "battery_floor" and request.floor_soc_pct is not None:
            request_floor_kwh = cap * request.floor_soc_pct / 100
            request_floor_boundaries = (request.first_step, request.end_step)
            period = slice(request.first_step, request.end_step + 1)
            low[period] = np.maximum(low[period], request_floor_kwh)
        elif kind == "battery_target" and request.target_soc_pct is not None:
            target_kwh = cap * request.target_soc_pct / 100
            target_boundary = request.end_step
            low[target_boundary] = max(low[target_boundary], target_kwh)
    final_pct = (
        battery.final_soc_pct if battery.final_soc_pct is not None else battery.initial_soc_pct
    )
    final_kwh = float(min(cap * final_pct / 100, soc0 + up[-1], ceiling))
    low[n] = max(low[n], final_kwh)
    low[0] = max(low[0], 0.0)
    return SocLimits(
        initial_kwh=soc0,
        low=low,
        high=high,
        device_floor=device_floor,
        request_floor_kwh=request_floor_kwh,
        request_floor_boundaries=request_floor_boundaries,
        target_kwh=target_kwh,
        target_boundary=target_boundary,
        final_kwh=final_kwh,
    )


def no_ev_discharge_steps(problem: ScheduleProblem) -> np.ndarray:
    """Boolean mask: steps in which the battery may supply only the household (no EV, no grid)."""
    mask = np.zeros(problem.n_steps, dtype=bool)
    for request in problem.battery_requests():
        if request.request.kind == "battery_no_ev_discharge":
            mask[request.first_step : request.end_step] = True
    return mask


def is_household_load(problem: ScheduleProblem, device_id: str) -> bool:
    """Whether a requested device's power counts as household load (everything but an EV)."""
    return not isinstance(problem.home.device(device_id), Ev)
