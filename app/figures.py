"""A plan's figures as text: the cost table, the saving and its two parts, how sure the plan is
and what it does for each battery request (pure functions, used by the card and the CLI).

Every figure is rounded by :mod:`tools.formatting`. The table's costs are the plan's
``cost_lines[].cost_cents``, which add up to the rounded plan cost exactly; the saving's two
parts are apportioned the same way, so they add up to the rounded saving. Devices are named as
the home file names them (:meth:`tools.results.Plan.label`); times are on the home's wall clock.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from app.labels import labels
from tools import formatting
from tools.formatting import money
from tools.results import CostLine, Plan


def local_time(moment: datetime, tz_name: str | None) -> datetime:
    """``moment`` on the wall clock of ``tz_name`` (unchanged when ``tz_name`` is None)."""
    return moment.astimezone(ZoneInfo(tz_name)) if tz_name else moment


def clock(moment: datetime, tz_name: str | None) -> str:
    """``moment`` on the home's wall clock as ``"Tue 23:15"``."""
    return local_time(moment, tz_name).strftime("%a %H:%M")

ITEM_NAMES = {
    "base_load": "Base load",
    "battery": "Home battery (charging)",
    "pv": "Solar (PV)",
    "grid_export": "Grid export",
    "demand_charge": "Demand charge",
}


def item_name(plan: Plan, line: CostLine) -> str:
    """A cost line's name: the device's name (``… (approved)`` for a run held from an approved
    plan), or what the row stands for (PV's row is "Solar and wind" in a home with a turbine)."""
    if line.kind == "device":
        return plan.label(line.item)
    if line.kind == "committed":
        return f"{plan.label(line.item)} (approved)"
    if line.kind == "pv" and plan.series.wind_kw is not None:
        return "Solar and wind"
    return ITEM_NAMES[line.kind]


def cost_rows(plan: Plan, tz_name: str | None = None) -> list[tuple[str, str, str, str, str, str]]:
    """The cost table as text cells: item, start, end, energy [kWh], from grid [kWh], cost.

    One row per requested device (with its first start and last end), the approved runs held,
    then base load, battery charging, PV, grid export and the demand charge; the costs are the
    rows' ``cost_cents``, which add up to the plan's cost exactly, and the last row is that total.
    """
    spans = {run.device: run for run in [*plan.runs, *plan.committed_runs]}
    rows = []
    for line in plan.cost_lines:
        run = spans.get(line.item) if line.kind in ("device", "committed") else None
        start = clock(run.start, tz_name) if run else "—"
        end = clock(run.end, tz_name) if run else "—"
        grid = "—" if line.kind in ("pv", "grid_export", "demand_charge") else (
            f"{formatting.round_energy(line.grid_energy_kwh):.1f}"
        )
        energy = ("—" if line.kind == "demand_charge"
                  else f"{formatting.round_energy(line.energy_kwh):.1f}")
        rows.append((item_name(plan, line), start, end, energy, grid, f"{line.cost_cents:.2f}"))
    rows.append(("Total", "", "", "", "", f"{formatting.round_money(plan.cost):.2f}"))
    return rows


def battery_lines(plan: Plan, name: str, tz_name: str | None = None) -> list[str]:
    """One line per battery request: what was asked and what the plan does."""
    pct = formatting.pct
    lines = []
    for result in plan.battery_requests:
        end = clock(result.end, tz_name)
        if result.kind == "battery_target":
            lines.append(f"{name}: at least {pct(result.requested_soc_pct or 0)} by {end} — "
                         f"planned {pct(result.planned_soc_pct or 0)}")
        elif result.kind == "battery_floor":
            lines.append(f"{name}: at least {pct(result.requested_soc_pct or 0)} from "
                         f"{clock(result.start, tz_name)} to {end} — lowest planned "
                         f"{pct(result.planned_soc_pct or 0)}")
        else:
            lines.append(f"{name}: supplies only the household, not the cars, until {end} — at "
                         f"most {formatting.power(result.largest_discharge_kw or 0)}")
    return lines


def saving_line(
    cost: float,
    baseline_cost: float,
    currency: str,
    *,
    timing: float,
    battery_pv: float,
    baseline_valid: bool = True,
    lang: str = "en",
) -> str:
    """The saving against running everything as soon as possible (Markdown), what its share is
    of, and its two parts.

    ``without planning 9.13 EUR · **you save 1.40 EUR** (15.3% of the cost without planning):
    0.20 EUR from the requests' timing, 1.20 EUR from the battery and PV plan for the whole
    home``. A negative saving is an extra cost (saying why when running everything at once does
    not fit the home's limits); a part that costs money reads "… adds 0.10 EUR". The share is a
    share of the cost without planning, shown only when that is positive; the parts are
    apportioned so that they add up to the rounded saving.
    """
    words = labels(lang)
    saving = baseline_cost - cost
    without = words.without.format(cost=money(baseline_cost, currency))
    if formatting.round_money(saving) >= 0:
        share = (formatting.share_of(saving, baseline_cost)
                 if formatting.round_money(saving) > 0 else None)
        of = words.share.format(pct=formatting.pct(share)) if share is not None else ""
        text = f"{without} · **{words.you_save.format(saving=money(saving, currency))}**{of}"
    else:
        why = words.not_fit if not baseline_valid else ""
        text = f"{without} · {words.costs_more.format(cost=money(-saving, currency))}{why}"
    timing_c, battery_pv_c = formatting.apportion([timing, battery_pv])

    def part(value: float, what: str) -> str:
        if value < 0:
            return words.part_adds.format(what=what, cost=money(-value, currency))
        return words.part_from.format(cost=money(value, currency), what=what)

    parts = [part(timing_c, words.timing), part(battery_pv_c, words.battery_pv)]
    return f"{text}: {', '.join(parts)}"


def plan_saving_line(plan: Plan) -> str:
    """:func:`saving_line` of ``plan``."""
    return saving_line(plan.cost, plan.baseline_cost, plan.currency,
                       timing=plan.savings.timing, battery_pv=plan.savings.battery_pv,
                       baseline_valid=plan.baseline_valid)


def status_note(plan: Plan) -> str:
    """How sure the plan is: proven optimal (empty), within a gap, or a fallback."""
    notes = []
    if plan.basis == "baseline":
        notes.append("the optimiser found nothing cheaper than running everything as soon as "
                     "possible, so that is the plan")
    elif plan.basis == "as_soon_as_allowed":
        notes.append("the optimiser found no better timing than as soon as allowed in the time "
                     "it had; the battery is planned for it")
    if plan.solve_gap_pct is not None:
        notes.append(f"within {formatting.pct(plan.solve_gap_pct)} of the best possible cost "
                     "(the search stopped at its time limit)")
    elif plan.solve_gap is not None:
        notes.append(f"within {money(plan.solve_gap, plan.currency)} of the best possible cost "
                     "(the search stopped at its time limit)")
    elif plan.solve_status != "optimal" and plan.basis == "optimised":
        notes.append("a good plan, but the optimiser stopped before proving it the cheapest")
    return "; ".join(notes)
