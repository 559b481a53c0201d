"""Plan cards, diffs and approvals as Markdown for the chat, or plain text for the terminal.

Pure functions. Times are shown on the home's wall clock as ``Tue 23:00`` (a span on one day as
``Tue 23:00–01:00`` only when it ends the same day: ``Wed 01:00–03:00``; across midnight
``Tue 23:00–Wed 03:00``); money with two decimals and the ISO 4217 code; energies with one
decimal. Every device is named as the home file names it, every plan by the store's number
("plan 3"). :func:`plain` turns the Markdown into terminal text. Every figure is rounded by
:mod:`tools.formatting` (money 2 decimals, energies 1, percentages 1 with ".0" cut), the rule the
CLI's cost table, the chart and the agents' views follow too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from datetime import datetime

from app.card import BatteryStory, CardRun, InfeasibleCard, PlanCard
from app.diff import DeviceChange, PlanDiff
from app.figures import clock, local_time, saving_line
from app.labels import labels
from tools import formatting
from tools.results import Commitment


def format_time(moment: datetime, tz_name: str | None) -> str:
    """``moment`` on the home's wall clock as ``"Tue 24 Nov 23:15"``."""
    return local_time(moment, tz_name).strftime("%a %d %b %H:%M")


def day_clock(moment: datetime, tz_name: str | None, lang: str = "en") -> str:
    """``Wed 01:00`` (``Mi 01:00`` in German) on the home's wall clock."""
    local = local_time(moment, tz_name)
    return f"{labels(lang).weekdays[local.weekday()]} {local:%H:%M}"


def span(start: datetime, end: datetime, tz_name: str | None, lang: str = "en") -> str:
    """``Wed 01:00–03:00`` on one day, ``Tue 23:00–Wed 03:00`` across midnight (German
    weekdays with ``lang="de"``)."""
    a, b = local_time(start, tz_name), local_time(end, tz_name)
    if a.date() == b.date():
        return f"{day_clock(start, tz_name, lang)}–{b:%H:%M}"
    return f"{day_clock(start, tz_name, lang)}–{day_clock(end, tz_name, lang)}"


def money(amount: float, currency: str) -> str:
    """``1.2345, "EUR"`` → ``"1.23 EUR"``; ``-0.004`` → ``"0.00 EUR"`` (no negative zero)."""
    return formatting.money(amount, currency)


def kwh(energy: float) -> str:
    """``14.849`` → ``"14.8 kWh"``."""
    return formatting.energy(energy)


def plain(markdown: str) -> str:
    """Markdown of this module as terminal text: headings, bold, italics and escapes removed."""
    text = re.sub(r"(?m)^### ", "", markdown).replace("**", "")
    text = re.sub(r"(?<!\\)\*([^*\n]+?)(?<!\\)\*", r"\1", text)
    text = re.sub(r"(?m)^_(.+)_$", r"\1", text)
    return text.replace("\\*", "*").replace("\\_", "_")


def _escape(text: str) -> str:
    """Text from a home file or a model, safe inside Markdown emphasis and lists."""
    return text.replace("*", "\\*").replace("_", "\\_").replace("\n", " ")


# ============================================================================ the plan card


def _run_line(run: CardRun, currency: str, tz_name: str | None, lang: str) -> str:
    return (f"**{_escape(run.name)}** · {span(run.start, run.end, tz_name, lang)} · "
            f"{kwh(run.energy_kwh)} · {money(run.cost, currency)}")


def _battery_line(story: BatteryStory, tz_name: str | None, lang: str) -> str:
    words, pct = labels(lang), formatting.pct
    parts = [words.now.format(pct=pct(story.soc_start_pct))]
    if story.soc_min_pct < story.soc_start_pct - 0.5:
        parts.append(words.lowest.format(pct=pct(story.soc_min_pct),
                                         at=day_clock(story.soc_min_at, tz_name, lang)))
    parts.append(words.at_end.format(pct=pct(story.soc_end_pct)))
    flows = []
    if story.stored_kwh >= 0.05:
        solar = (words.from_solar.format(kwh=kwh(story.stored_from_solar_kwh))
                 if story.stored_from_solar_kwh >= 0.05 else "")
        flows.append(words.stores.format(kwh=kwh(story.stored_kwh)) + solar)
    if story.given_kwh >= 0.05:
        flows.append(words.gives_back.format(kwh=kwh(story.given_kwh)))
    line = f"**{_escape(story.name)}** · " + ", ".join(parts)
    return line + " · " + (", ".join(flows) if flows else words.idle)


def _readings(readings: Sequence[str], lang: str) -> str:
    return "\n".join([f"*{labels(lang).how_read}*", *[f"- {_escape(r)}" for r in readings]])


def card_markdown(card: PlanCard, tz_name: str | None, *, heading: str, lang: str = "en") -> str:
    """The card as one chat message, its fixed words in ``lang`` (:mod:`app.labels`).

    ``heading`` names the card, e.g. ``"Plan 3 — proposed"`` or ``"Your active plan"``.
    """
    words = labels(lang)
    parts = [f"### {heading}"]
    if card.readings:
        parts.append(_readings(card.readings, lang))
    lines = [_run_line(run, card.currency, tz_name, lang) for run in card.runs]
    if card.battery is not None:
        lines.append(_battery_line(card.battery, tz_name, lang))
    lines += [_escape(line) for line in card.battery_requests]
    lines += [_escape(line) for line in card.heat_lines]
    if not lines:
        lines.append(words.nothing_new)
    parts.append("\n".join(f"- {line}" for line in lines))
    if card.committed:
        kept = [f"- {_run_line(run, card.currency, tz_name, lang)}"
                + (f" ({words.plan_number.format(number=run.plan_number)})"
                   if run.plan_number is not None else "")
                for run in card.committed]
        parts.append("\n".join([f"*{words.kept}*", *kept]))
    if card.released:
        gone = [f"- {_run_line(run, card.currency, tz_name, lang)}" for run in card.released]
        parts.append("\n".join([f"*{words.cancels}*", *gone]))
    parts.append(
        f"**{words.total.format(cost=money(card.cost, card.currency))}** "
        f"{words.for_span.format(span=span(card.horizon_start, card.horizon_end, tz_name, lang))} · "
        + saving_line(card.cost, card.baseline_cost, card.currency, timing=card.saving_timing,
                      battery_pv=card.saving_battery_pv, baseline_valid=card.baseline_valid,
                      lang=lang)
    )
    if card.notes:
        notes = []
        for note in card.notes:
            fix = f" *{words.to_change.format(fix=_escape(note.fix))}*" if note.fix else ""
            notes.append(f"- {_escape(note.text)}{fix}")
        if card.more_notes:
            more = words.more_note if card.more_notes == 1 else words.more_notes
            notes.append(f"- {more.format(count=card.more_notes)}")
        parts.append("\n".join(notes))
    if card.status_note:
        parts.append(f"_{card.status_note[0].upper()}{card.status_note[1:]}._")
    return "\n\n".join(parts)


def planned_summary(card: PlanCard, lang: str = "en") -> str:
    """The scheduler's step in a few words: ``Planned 2 devices, optimal``."""
    words = labels(lang)
    count = card.devices_planned
    device = words.device_one if count == 1 else words.device_many
    what = device.format(count=count) if count else words.the_cancellation
    how = words.optimal if card.proven_optimal else words.not_optimal
    summary = words.planned.format(what=what, how=how)
    return summary[0].upper() + summary[1:]


def infeasible_markdown(card: InfeasibleCard, lang: str = "en") -> str:
    """What cannot be done and why, one sentence per device; the choices are buttons."""
    words = labels(lang)
    parts = []
    if card.readings:
        parts.append(_readings(card.readings, lang))
    sentences = [_escape(p.sentence) for p in card.problems]
    parts.append(f"**{words.cannot}** " + " ".join(sentences))
    if any(p.choices for p in card.problems):
        parts.append(words.pick)
    return "\n\n".join(parts)


# ============================================================================ approvals

Label = Callable[[str], str]
"""Device id → the name people see (``Home.label`` or ``Plan.label``)."""


def _change_line(change: DeviceChange, label: Label, currency: str, tz_name: str | None,
                 battery: bool) -> str:
    name = f"**{_escape(label(change.device))}**"
    cost = f"{formatting.round_money(change.cost_change):+.2f} {currency}"
    if change.kind == "added":
        assert change.new_start is not None and change.new_end is not None
        return (f"- {name} added: {span(change.new_start, change.new_end, tz_name)}, "
                f"{kwh(change.new_energy_kwh)} ({cost})")
    if change.kind == "removed":
        assert change.old_start is not None and change.old_end is not None
        return (f"- {name} cancelled (was {span(change.old_start, change.old_end, tz_name)}, "
                f"{kwh(change.old_energy_kwh)}; {cost})")
    if battery:
        return f"- {name} re-planned around the other runs"
    if change.kind == "moved":
        assert change.old_start is not None and change.old_end is not None
        assert change.new_start is not None and change.new_end is not None
        return (f"- {name} moved: {span(change.old_start, change.old_end, tz_name)} → "
                f"{span(change.new_start, change.new_end, tz_name)} ({cost})")
    return (f"- {name} changed: {kwh(change.old_energy_kwh)} → {kwh(change.new_energy_kwh)} "
            f"({cost})")


def diff_markdown(diff: PlanDiff, label: Label, tz_name: str | None, *,
                  battery_ids: Collection[str] = ()) -> str:
    """What an approval changed in the approved runs: one line per device that changed."""
    if diff.old_cost is None:
        return "Nothing was approved before; these are your first approved runs."
    changed = diff.changed
    if not changed:
        return "No approved run changed."
    lines = ["**What changed:**"]
    lines.extend(_change_line(c, label, diff.currency, tz_name, c.device in battery_ids)
                 for c in changed)
    unchanged = [label(c.device) for c in diff.devices
                 if c.kind == "unchanged" and c.device not in battery_ids]
    if unchanged:
        lines.append(f"- Unchanged: {', '.join(_escape(n) for n in unchanged)}")
    return "\n".join(lines)


def _name(commitment: Commitment) -> str:
    return commitment.name or commitment.device.replace("_", " ")


def next_steps(commitments: Sequence[Commitment], now: datetime, tz_name: str | None) -> str:
    """After an approval: the next run and when it starts, and what to do if plans change."""
    upcoming = sorted(
        (c for c in commitments
         if c.kind != "battery" and c.start is not None and c.end is not None and c.end > now),
        key=lambda c: (c.start, c.device),
    )
    if upcoming:
        first = upcoming[0]
        assert first.start is not None and first.end is not None
        if first.start <= now:
            text = f"**Next:** {_escape(_name(first))} keeps running until {clock(first.end, tz_name)}."
        else:
            text = f"**Next:** {_escape(_name(first))} starts at {clock(first.start, tz_name)}."
        later = [_escape(_name(c)) for c in upcoming[1:]]
        if later:
            text += f" Then: {', '.join(later)}."
    else:
        text = "**Next:** nothing is scheduled to run."
    return (text + " If your plans change, just tell me (for example *I leave at 6*), or cancel "
            "a run with its button.")


def approver_label(approved_by: str | None, me: str) -> str:
    """``you`` when ``approved_by`` is the person looking (``me``), else their name."""
    if approved_by is None:
        return "nobody"
    return "you" if approved_by == me else approved_by


def commitments_markdown(commitments: Sequence[Commitment], currency: str,
                         tz_name: str | None, *, me: str) -> str:
    """The active plan as its approved runs, one line each, with who approved it in which plan."""
    lines = []
    for c in sorted(commitments, key=lambda c: (c.start is None, c.start, c.device)):
        if c.kind == "battery" or c.start is None or c.end is None:
            continue
        who = approver_label(c.approved_by, me)
        lines.append(f"- **{_escape(_name(c))}** · {span(c.start, c.end, tz_name)} · "
                     f"{kwh(c.energy_kwh)} · {money(c.cost, currency)} "
                     f"(plan {c.plan_number}, approved by {_escape(who)})")
    return "\n".join(lines) if lines else "No device runs are approved right now."
