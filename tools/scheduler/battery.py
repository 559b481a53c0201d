"""The home battery: SoC recursion with efficiencies and the limits of :mod:`tools.rules`
(floor, reserve, max SoC, final SoC, the homeowner's target and floor), and "not into the car"."""

from __future__ import annotations

from tools.home import Battery
from tools.rules import battery_soc_limits, is_household_load, no_ev_discharge_steps
from tools.scheduler.model import BuiltModel, affine, new_var


def add_battery(model: BuiltModel, battery: Battery) -> None:
    """Home battery with SoC recursion (``battery_soc_kwh_t``), AC-side power limits.

    ::

        soc_{t+1} = soc_t + Δt·(η_c·charge_t − discharge_t/η_d)
        low_t ≤ soc_t ≤ high_t   for t = 1 … n   (tools.rules.battery_soc_limits: the floor and
                                                  reserve, a floor request over its period, a
                                                  target at its deadline, the final SoC at n)

    Every SoC limit is a variable bound, so the LP relaxation sees it directly. Limits no SoC
    path can meet (a floor request from now above today's SoC) make the model infeasible by
    construction (``model.unplaceable``), and the diagnosis says why.

    No binaries: with curtailment available, charging and discharging in the same step only
    pays where the import price is negative (being paid to take energy, which the battery's
    losses then absorb); elsewhere extraction removes any overlap (tools.rules).
    """
    problem = model.problem
    lp = model.lp
    n, dt = problem.n_steps, problem.step_hours
    limits = battery_soc_limits(problem, battery)
    charge = [new_var(lp, f"battery_charge_kw_{t}", 0.0, battery.max_charge_kw) for t in range(n)]
    discharge = [
        new_var(lp, f"battery_discharge_kw_{t}", 0.0, battery.max_discharge_kw) for t in range(n)
    ]
    if not limits.consistent:
        model.unplaceable.append(battery.id)
    soc = [
        new_var(
            lp,
            f"battery_soc_kwh_{t}",
            float(limits.low[t]),
            float(max(limits.low[t], limits.high[t])),
        )
        for t in range(1, n + 1)
    ]
    for t in range(n):
        previous = [] if t == 0 else [(soc[t - 1], -1.0)]
        lp += (
            affine(
                [
                    (soc[t], 1.0),
                    *previous,
                    (charge[t], -battery.charge_efficiency * dt),
                    (discharge[t], dt / battery.discharge_efficiency),
                ]
            )
            == (limits.initial_kwh if t == 0 else 0.0),
            f"battery_soc_balance_{t}",
        )
    model.battery_charge_kw, model.battery_discharge_kw, model.battery_soc_kwh = (
        charge,
        discharge,
        soc,
    )


def add_no_ev_discharge(model: BuiltModel) -> None:
    """In the steps of a ``battery_no_ev_discharge`` request the battery supplies only the
    household (``battery_household_only_t``)::

        discharge_t − Σ_{requested devices except EVs} p_t ≤ base_t

    Built after every device, whose power terms it needs.
    """
    if model.battery_discharge_kw is None:
        return
    problem = model.problem
    base = problem.inputs.base_load_kw
    for t in map(int, no_ev_discharge_steps(problem).nonzero()[0]):
        expr = affine([(model.battery_discharge_kw[t], 1.0)])
        for device_id, power in model.device_kw.items():
            if power[t] is not None and is_household_load(problem, device_id):
                expr -= power[t]
        model.lp += expr <= float(base[t]), f"battery_household_only_{t}"
