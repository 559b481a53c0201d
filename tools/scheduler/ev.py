"""EV charging: modulating power inside the request window, energy to store by the deadline."""

from __future__ import annotations

from pulp import LpAffineExpression as Expr

from tools.home import Ev
from tools.requests import ResolvedRequest
from tools.scheduler.model import BuiltModel, affine, new_var


def add_ev(model: BuiltModel, ev: Ev, request: ResolvedRequest) -> list[Expr | None]:
    """Modulating EV charging inside ``[first_step, end_step)`` (``ev_<id>_kw_t``).

    ::

        on_t·min_kw ≤ p_t ≤ on_t·max_kw,  on_t ∈ {0,1}   (plain 0 ≤ p_t ≤ max_kw when min_kw = 0)
        Σ_t η·p_t·Δt = energy to store     (+ short, while a demand-response event may shed it)
    """
    lp = model.lp
    dt = model.problem.step_hours
    power: list[Expr | None] = [None] * model.problem.n_steps
    energy = request.energy_kwh or 0.0
    if energy <= 0:
        return power
    pairs = []
    kw, switched = model.ev_kw.setdefault(ev.id, {}), model.ev_on.setdefault(ev.id, {})
    for t in range(request.first_step, request.end_step):
        p = new_var(lp, f"ev_{ev.id}_kw_{t}", 0.0, ev.charger_max_kw)
        if ev.charger_min_kw > 0:
            on = new_var(lp, f"ev_{ev.id}_on_{t}", cat="Binary")
            lp += affine([(p, 1.0), (on, -ev.charger_max_kw)]) <= 0, f"ev_{ev.id}_max_{t}"
            lp += affine([(p, 1.0), (on, -ev.charger_min_kw)]) >= 0, f"ev_{ev.id}_min_{t}"
            switched[t] = on
        power[t] = affine([(p, 1.0)])
        kw[t] = p
        pairs.append((p, ev.charging_efficiency * dt))
    if not pairs:
        model.unplaceable.append(ev.id)
        return power
    if model.shedding and ev.priority != "critical":
        short = new_var(lp, f"ev_{ev.id}_short_kwh", 0.0, energy)
        pairs.append((short, 1.0))
        model.shed[ev.id] = [(short, 1.0)]
    lp += affine(pairs) == energy, f"ev_{ev.id}_energy"
    return power
