"""The home battery: SoC recursion with efficiencies, bounds, reserve, final SoC and target."""

from __future__ import annotations

from tools.home import Battery
from tools.scheduler.model import BuiltModel, affine, new_var


def add_battery(model: BuiltModel, battery: Battery) -> None:
    """Home battery with SoC recursion (``battery_soc_kwh_t``), AC-side power limits.

    ::

        soc_{t+1} = soc_t + Δt·(η_c·charge_t − discharge_t/η_d)
        floor ≤ soc_t ≤ ceiling  for t ≥ 1   (floor = max(min SoC, reserve); relaxed to what
                                              the battery can reach if it starts outside)
        soc_T ≥ final SoC (default: the initial SoC); soc at a target deadline ≥ target

    No binaries: with curtailment available, charging and discharging in the same step only
    pays where the import price is negative (being paid to take energy, which the battery's
    losses then absorb); the tie-breaker's throughput term rules it out everywhere else.
    """
    problem = model.problem
    lp = model.lp
    n, dt = problem.n_steps, problem.step_hours
    cap = battery.capacity_kwh
    soc0 = cap * battery.initial_soc_pct / 100
    floor = cap * battery.floor_soc_pct / 100
    ceiling = cap * battery.max_soc_pct / 100
    charge = [new_var(lp, f"battery_charge_kw_{t}", 0.0, battery.max_charge_kw) for t in range(n)]
    discharge = [
        new_var(lp, f"battery_discharge_kw_{t}", 0.0, battery.max_discharge_kw) for t in range(n)
    ]
    reach_up = battery.max_charge_kw * battery.charge_efficiency * dt
    reach_down = battery.max_discharge_kw / battery.discharge_efficiency * dt
    soc = []
    for t in range(1, n + 1):
        low = min(floor, soc0 + t * reach_up)
        up = max(ceiling, soc0 - t * reach_down)
        soc.append(new_var(lp, f"battery_soc_kwh_{t}", low, up))
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
            == (soc0 if t == 0 else 0.0),
            f"battery_soc_balance_{t}",
        )
    final_pct = (
        battery.final_soc_pct if battery.final_soc_pct is not None else battery.initial_soc_pct
    )
    final = min(cap * final_pct / 100, soc0 + n * reach_up, ceiling)
    lp += affine([(soc[n - 1], 1.0)]) >= final, "battery_final_soc"
    request = problem.request_for(battery.id)
    if request is not None and request.target_soc_pct is not None and request.end_step > 0:
        lp += (
            affine([(soc[request.end_step - 1], 1.0)]) >= cap * request.target_soc_pct / 100,
            "battery_target_soc",
        )
    model.battery_charge_kw, model.battery_discharge_kw, model.battery_soc_kwh = (
        charge,
        discharge,
        soc,
    )
