"""A plan, its conflicts, a diagnosis and a diff as Markdown for the chat (pure functions).

Times are shown on the home's wall clock: pass the home's IANA time zone as ``tz_name``; without
it a time is shown with the UTC offset it carries (plans are written in the home's offset).
Every figure is rounded by :mod:`tools.formatting` (money 2 decimals with the plan's ISO 4217
currency code, energies 1 decimal, percentages 1): the same quantity reads the same in the table,
the totals, the chart and the replies.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from app.diff import DeviceChange, PlanDiff
from tools import formatting
from tools.results import Conflict, CostLine, Diagnosis, Plan, ScheduleOutcome


def local_time(moment: datetime, tz_name: str | None) -> datetime:
    """``moment`` on the wall clock of ``tz_name`` (unchanged when ``tz_name`` is None)."""
    return moment.astimezone(ZoneInfo(tz_name)) if tz_name else moment


def format_time(moment: datetime, tz_name: str | None) -> str:
    """``moment`` on the home's wall clock as ``"Tue 24 Nov 23:15"``."""
    return local_time(moment, tz_name).strftime("%a %d %b %H:%M")


def money(amount: float, currency: str) -> str:
    """``1.2345, "EUR"`` → ``"1.23 EUR"``; ``-0.004`` → ``"0.00 EUR"`` (no negative zero)."""
    return formatting.money(amount, currency)


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


ITEM_NAMES = {
    "base_load": "Base load",
    "battery": "Home battery (charging)",
    "pv": "Solar (PV)",
    "grid_export": "Grid export",
    "demand_charge": "Demand charge",
}


def item_name(line: CostLine, *, wind: bool = False) -> str:
    """A cost line's name in the table: the device id, or what the row stands for."""
    if line.kind == "pv" and wind:
        return "Solar and wind"
    return line.item if line.kind == "device" else ITEM_NAMES[line.kind]


def cost_rows(plan: Plan, tz_name: str | None = None) -> list[tuple[str, str, str, str, str, str]]:
    """The cost table as text cells: item, start, end, energy, energy from the grid, cost.

    One row per requested device (with its first start and last end), then base load, battery
    charging, PV, grid export and the demand charge; the costs are the rows' ``cost_cents``, which
    add up to the plan's cost exactly, and the last row is that total.
    """
    spans = {run.device: run for run in plan.runs}
    rows = []
    for line in plan.cost_lines:
        run = spans.get(line.item) if line.kind == "device" else None
        start = format_time(run.start, tz_name) if run else "—"
        end = format_time(run.end, tz_name) if run else "—"
        grid = "—" if line.kind in ("pv", "grid_export", "demand_charge") else (
            f"{formatting.round_energy(line.grid_energy_kwh):.1f}"
        )
        energy = "—" if line.kind == "demand_charge" else f"{formatting.round_energy(line.energy_kwh):.1f}"
        name = item_name(line, wind=plan.series.wind_kw is not None)
        rows.append((name, start, end, energy, grid, f"{line.cost_cents:.2f}"))
    rows.append(("Total", "", "", "", "", f"{formatting.round_money(plan.cost):.2f}"))
    return rows


def runs_table(plan: Plan, tz_name: str | None = None) -> str:
    """Markdown cost table (:func:`cost_rows`): the rows add up to the plan's cost."""
    lines = [
        f"| Item | Start | End | Energy [kWh] | From grid [kWh] | Cost [{plan.currency}] |",
        "|---|---|---|---:|---:|---:|",
    ]
    for item, start, end, energy, grid, cost in cost_rows(plan, tz_name):
        name = f"**{item}**" if item == "Total" else _escape(item)
        lines.append(f"| {name} | {start} | {end} | {energy} | {grid} | {cost} |")
    if not plan.runs:
        lines.insert(0, "_Nothing to run in this plan._\n")
    return "\n".join(lines)


def battery_lines(plan: Plan, name: str, tz_name: str | None = None) -> list[str]:
    """One line per battery request: what was asked and what the plan does."""
    lines = []
    for result in plan.battery_requests:
        end = format_time(result.end, tz_name)
        if result.kind == "battery_target":
            lines.append(f"{name}: at least {formatting.pct(result.requested_soc_pct or 0)} by "
                         f"{end} — planned {formatting.pct(result.planned_soc_pct or 0)}")
        elif result.kind == "battery_floor":
            lines.append(f"{name}: at least {formatting.pct(result.requested_soc_pct or 0)} from "
                         f"{format_time(result.start, tz_name)} to {end} — lowest planned "
                         f"{formatting.pct(result.planned_soc_pct or 0)}")
        else:
            lines.append(f"{name}: supplies only the household, not the cars, until {end} — at "
                         f"most {formatting.power(result.largest_discharge_kw or 0)}")
    return lines


def saving_parts(plan: Plan) -> tuple[float, float]:
    """The saving's two parts in cents, adding up to the rounded saving: the requests' timing,
    and the battery and PV plan for the whole home."""
    timing, battery_pv = formatting.apportion([plan.savings.timing, plan.savings.battery_pv])
    return timing, battery_pv


def totals(plan: Plan) -> str:
    """Cost, naive baseline and saving in one line, and the saving's two parts.

    The saving is ``baseline_cost − cost``; its share is a share of the baseline, shown only when
    the baseline is positive. A negative saving is called an extra cost.
    """
    cur = plan.currency
    parts = [f"**Plan cost:** {money(plan.cost, cur)}",
             f"**without planning:** {money(plan.baseline_cost, cur)}"]
    saving = plan.baseline_cost - plan.cost
    if formatting.round_money(saving) >= 0:
        share = (formatting.share_of(saving, plan.baseline_cost)
                 if formatting.round_money(saving) > 0 else None)
        of = f" ({formatting.pct(share)} of the cost without planning)" if share is not None else ""
        parts.append(f"**saving:** {money(saving, cur)}{of}")
    else:
        why = " (running everything at once is not possible within this home's limits)" if (
            not plan.baseline_valid) else ""
        parts.append(f"**extra cost:** {money(-saving, cur)}{why}")
    timing, battery_pv = saving_parts(plan)
    split = (f"of which the requests' timing {money(timing, cur)}, the battery and PV plan "
             f"{money(battery_pv, cur)} (for the whole home)")
    return " · ".join(parts) + "\n\n" + split


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
        notes.append(f"solver status {plan.solve_status}: valid, but not proven optimal")
    return "; ".join(notes)


def conflicts_section(conflicts: Sequence[Conflict]) -> str:
    """Conflicts, most severe first, each with its resolutions; empty string when none."""
    if not conflicts:
        return ""
    order = {"error": 0, "warning": 1, "info": 2}
    lines = ["**Conflicts**"]
    for conflict in sorted(conflicts, key=lambda c: order[c.severity]):
        lines.append(f"- **{conflict.severity}** ({conflict.kind}): {conflict.message}")
        for resolution in conflict.resolutions:
            lines.append(f"    - {resolution}")
    return "\n".join(lines)


def diagnosis_section(diagnosis: Diagnosis, tz_name: str | None = None) -> str:
    """Why the requests cannot be met, the binding constraints, and what is achievable."""
    lines = [f"**Cannot be done as asked:** {diagnosis.message}"]
    for binding in diagnosis.binding:
        where = f" ({binding.device})" if binding.device else ""
        lines.append(f"- {binding.kind}{where}: {binding.message}")
        for alternative in binding.alternatives:
            when = (f" — by {format_time(alternative.deadline, tz_name)}"
                    if alternative.deadline is not None else "")
            lines.append(f"    - instead: {alternative.description}{when}")
    return "\n".join(lines)


def heat_section(plan: Plan) -> str:
    """One line per water tank and room, the weather used, and what taking part in a
    demand-response event earns (empty for a plan without them)."""
    lines = []
    if plan.heat is not None:
        lines += [f"- {_escape(line.text)}" for line in plan.heat.lines]
        if plan.heat.outdoor_temp_source:
            lines.append(f"- outdoor temperature from {_escape(plan.heat.outdoor_temp_source)}")
    if plan.demand_response is not None:
        lines.append(f"- {_escape(plan.demand_response.message)}; approve to take part")
    return "\n".join(lines)


def plan_summary(plan: Plan, conflicts: Sequence[Conflict] = (), tz_name: str | None = None,
                 *, title: str = "Proposed plan") -> str:
    """The proposal as one Markdown message: heading, totals, runs table, conflicts."""
    note = status_note(plan)
    status = f"\n\n_{note[0].upper()}{note[1:]}._" if note else ""
    parts = [f"### {title}", totals(plan) + status, runs_table(plan, tz_name)]
    battery = battery_lines(plan, "Home battery", tz_name)
    if battery:
        parts.append("\n".join(f"- {line}" for line in battery))
    heat = heat_section(plan)
    if heat:
        parts.append(heat)
    section = conflicts_section(conflicts)
    if section:
        parts.append(section)
    return "\n\n".join(parts)


def outcome_summary(outcome: ScheduleOutcome, tz_name: str | None = None) -> str:
    """A :class:`ScheduleOutcome` as Markdown: the plan, or the diagnosis, and the conflicts."""
    if outcome.plan is not None:
        return plan_summary(outcome.plan, outcome.conflicts, tz_name)
    parts = [outcome.message] if outcome.message else []
    if outcome.diagnosis is not None:
        parts.append(diagnosis_section(outcome.diagnosis, tz_name))
    section = conflicts_section(outcome.conflicts)
    if section:
        parts.append(section)
    return "\n\n".join(parts) or f"No plan ({outcome.status})."


def _change_line(change: DeviceChange, currency: str, tz_name: str | None) -> str:
    def span(start: datetime | None, end: datetime | None) -> str:
        assert start is not None and end is not None
        return f"{format_time(start, tz_name)}–{format_time(end, tz_name)}"

    cost = f"{formatting.round_money(change.cost_change):+.2f} {currency}"
    if change.kind == "added":
        return (f"- **{change.device}** added: {span(change.new_start, change.new_end)}, "
                f"{formatting.energy(change.new_energy_kwh)} ({cost})")
    if change.kind == "removed":
        return (f"- **{change.device}** removed (was {span(change.old_start, change.old_end)}, "
                f"{formatting.energy(change.old_energy_kwh)}; {cost})")
    if change.kind == "moved":
        return (f"- **{change.device}** moved: {span(change.old_start, change.old_end)} → "
                f"{span(change.new_start, change.new_end)} ({cost})")
    if change.kind == "changed":
        return (f"- **{change.device}** changed: {formatting.round_energy(change.old_energy_kwh):.1f} → "
                f"{formatting.energy(change.new_energy_kwh)} ({cost})")
    return f"- {change.device} unchanged"


def diff_section(diff: PlanDiff, tz_name: str | None = None) -> str:
    """What the approval changed compared with the previously active plan."""
    if diff.old_plan_id is None or diff.old_cost is None:
        return "There was no active plan before; this is the first one."
    lines = [f"**Changes against the previous plan** (cost {money(diff.old_cost, diff.currency)} "
             f"→ {money(diff.new_cost, diff.currency)}, {formatting.round_money(diff.new_cost - diff.old_cost):+.2f} "
             f"{diff.currency}):"]
    changed = diff.changed
    if not changed:
        lines.append("- no device runs at a different time")
    lines.extend(_change_line(change, diff.currency, tz_name) for change in changed)
    return "\n".join(lines)
