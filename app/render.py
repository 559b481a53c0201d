"""A plan, its conflicts, a diagnosis and a diff as Markdown for the chat (pure functions).

Times are shown on the home's wall clock: pass the home's IANA time zone as ``tz_name``; without
it a time is shown with the UTC offset it carries (plans are written in the home's offset).
Money is shown with two decimals and the plan's ISO 4217 currency code.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from app.diff import DeviceChange, PlanDiff
from tools.results import Conflict, Diagnosis, Plan, ScheduleOutcome


def local_time(moment: datetime, tz_name: str | None) -> datetime:
    """``moment`` on the wall clock of ``tz_name`` (unchanged when ``tz_name`` is None)."""
    return moment.astimezone(ZoneInfo(tz_name)) if tz_name else moment


def format_time(moment: datetime, tz_name: str | None) -> str:
    """``moment`` on the home's wall clock as ``"Tue 24 Nov 23:15"``."""
    return local_time(moment, tz_name).strftime("%a %d %b %H:%M")


def money(amount: float, currency: str) -> str:
    """``1.2345, "EUR"`` → ``"1.23 EUR"``; ``-0.004`` → ``"0.00 EUR"`` (no negative zero)."""
    rounded = round(amount, 2)
    if rounded == 0:
        rounded = 0.0
    return f"{rounded:.2f} {currency}"


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def runs_table(plan: Plan, tz_name: str | None = None) -> str:
    """Markdown table of the plan's runs (device, start, end, energy, cost), by start time."""
    if not plan.runs:
        return "_Nothing to run in this plan._"
    lines = [
        f"| Device | Start | End | Energy [kWh] | Cost [{plan.currency}] |",
        "|---|---|---|---:|---:|",
    ]
    for run in sorted(plan.runs, key=lambda r: (r.start, r.device)):
        lines.append(
            f"| {_escape(run.device)} | {format_time(run.start, tz_name)} | "
            f"{format_time(run.end, tz_name)} | {run.energy_kwh:.1f} | {run.cost:.2f} |"
        )
    return "\n".join(lines)


def totals(plan: Plan) -> str:
    """Cost, naive baseline and saving in one line.

    The saving is ``baseline_cost − cost``; its share is ``saving / baseline_cost`` and is shown
    only when the baseline is positive. A negative saving is called an extra cost.
    """
    parts = [f"**Plan cost:** {money(plan.cost, plan.currency)}",
             f"**without planning:** {money(plan.baseline_cost, plan.currency)}"]
    saving = plan.baseline_cost - plan.cost
    if round(saving, 2) >= 0:
        share = f" ({saving / plan.baseline_cost:.0%})" if plan.baseline_cost > 0 else ""
        parts.append(f"**saving:** {money(saving, plan.currency)}{share}")
    else:
        parts.append(f"**extra cost:** {money(-saving, plan.currency)}")
    return " · ".join(parts)


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
    status = "" if plan.solve_status == "optimal" else (
        f"\n\n_Solver status: {plan.solve_status} — the plan is valid but not proven optimal._"
    )
    parts = [f"### {title}", totals(plan) + status, runs_table(plan, tz_name)]
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

    cost = f"{change.cost_change:+.2f} {currency}"
    if change.kind == "added":
        return (f"- **{change.device}** added: {span(change.new_start, change.new_end)}, "
                f"{change.new_energy_kwh:.1f} kWh ({cost})")
    if change.kind == "removed":
        return (f"- **{change.device}** removed (was {span(change.old_start, change.old_end)}, "
                f"{change.old_energy_kwh:.1f} kWh; {cost})")
    if change.kind == "moved":
        return (f"- **{change.device}** moved: {span(change.old_start, change.old_end)} → "
                f"{span(change.new_start, change.new_end)} ({cost})")
    if change.kind == "changed":
        return (f"- **{change.device}** changed: {change.old_energy_kwh:.1f} → "
                f"{change.new_energy_kwh:.1f} kWh ({cost})")
    return f"- {change.device} unchanged"


def diff_section(diff: PlanDiff, tz_name: str | None = None) -> str:
    """What the approval changed compared with the previously active plan."""
    if diff.old_plan_id is None or diff.old_cost is None:
        return "There was no active plan before; this is the first one."
    lines = [f"**Changes against the previous plan** (cost {money(diff.old_cost, diff.currency)} "
             f"→ {money(diff.new_cost, diff.currency)}, {diff.new_cost - diff.old_cost:+.2f} "
             f"{diff.currency}):"]
    changed = diff.changed
    if not changed:
        lines.append("- no device runs at a different time")
    lines.extend(_change_line(change, diff.currency, tz_name) for change in changed)
    return "\n".join(lines)
