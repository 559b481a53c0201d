"""What a reading cannot plan as it is: limits of the home, facts to ask about, house rules, and
coverage (every number, date and negation of the message used or asked about).
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from agents.understanding.devices import Vocabulary
from agents.understanding.model import NUMBER, Ask, Limit, Memory, Reading, ReadRequest, Span
from agents.understanding.times import Clockwork


def find_problems(reading: Reading, vocab: Vocabulary, clock: Clockwork, memory: Memory) -> None:
    """Limits and questions, in the order they are asked (only the first one is)."""
    asks, limits = reading.asks, reading.limits
    draft = set(memory.requested)  # a request approved earlier keeps its deadline
    for note in reading.notes:
        if note.startswith("order:"):
            _, first, second = note.split(":")
            index = next((i for i, r in enumerate(reading.requests) if r.device == first), 0)
            asks.append(Ask("other", index, "order", extra=(first, second)))
            return
    for i, r in enumerate(reading.requests):
        if not r.signal and r.device is None:
            continue
        if r.device is None:
            if r.candidates:
                asks.append(Ask("device", i, "which", extra=r.candidates))
            elif r.unknown:
                span = find_words(reading, r.unknown)
                asks.append(Ask("device", i, "unknown", quote=reading.norm.quote(*span) if span[1] else r.unknown))
            else:
                asks.append(Ask("device", i, "which"))
            continue
        if r.mode is not None:  # the home's mode: any period is fine, none holds to the horizon
            continue
        info = vocab.get(r.device)
        assert info is not None
        if r.action in ("cancel", "exclude"):
            continue
        _battery(r, info, clock)
        _limits(r, info, reading, clock)
        if limits:
            return
        times, amounts = r.times, r.amounts
        if times.ambiguous is not None and r.deadline is None and r.earliest is None:
            quote = reading.norm.quote(*shift(times.ambiguous_span, r.offset))
            asks.append(Ask("deadline", i, "bare_hour", quote=quote, extra=times.ambiguous[1:]))
            continue
        if times.at_quote is not None and info.kind == "ev_charge" and not r.start_at:
            asks.append(Ask("deadline", i, "start_or_done", quote=times.at_quote, extra=(r.deadline,)))
            continue
        if times.unclear is not None and r.deadline is None and not r.open_end:
            quote = reading.norm.quote(*shift(times.unclear_span, r.offset))
            asks.append(Ask("deadline", i, "unclear", quote=quote))
            continue
        if info.kind == "battery_target" and r.battery in (None, "target") and not r.has_amount() and r.device not in draft:
            asks.append(Ask("target", i, "battery_level"))
            continue
        if amounts.vague is not None and not r.has_amount():
            asks.append(Ask("target", i, "vague", quote=reading.norm.quote(*shift(amounts.vague_span, r.offset)) or amounts.vague))
            continue
        if amounts.distance_km is not None and not r.has_amount():
            consumption = info.number("consumption_kwh_per_100km")
            if consumption is None:
                asks.append(Ask("target", i, "no_consumption", quote=f"{amounts.distance_km:g} km"))
                continue
            r.energy_kwh = round(amounts.distance_km * consumption / 100, 2)
        if _too_much(r, info, memory):
            distance = amounts.distance_km if amounts.energy_kwh is None else None
            soc = memory.state.get(info.id, info.number("soc_now_pct") or 0.0)
            facts = (soc, info.number("battery_kwh"), info.number("max_soc_pct") or 100.0)
            limits.append(Limit("energy", r.device, (*facts, r.energy_kwh, distance, info.number("consumption_kwh_per_100km"))))
            return
        rule = _house_rule(r, info, clock)  # a start the rules forbid is said before a missing time
        if rule is not None:
            asks.append(Ask("other", i, "rule", extra=rule))
            continue
        if r.deadline is None and not r.open_end and r.device not in draft and r.battery in (None, "target"):
            asks.append(Ask("deadline", i, "after_only" if r.earliest else "missing"))
            continue
    if not vocab.has_co2 and any(r.objective == "co2" for r in reading.requests):
        for r in reading.requests:
            if r.objective == "co2":
                r.objective = "cost"
        reading.notes.append("no_co2")


def _too_much(r: ReadRequest, info: Any, memory: Memory) -> bool:
    """An energy the car cannot take: more than its battery holds above the charge it has."""
    battery = info.number("battery_kwh")
    if info.kind != "ev_charge" or r.energy_kwh is None or battery is None:
        return False
    soc = memory.state.get(info.id, info.number("soc_now_pct") or 0.0)
    return r.energy_kwh > battery * ((info.number("max_soc_pct") or 100.0) - soc) / 100 + 1e-9


def _battery(r: ReadRequest, info: Any, clock: Clockwork) -> None:
    if info.kind != "battery_target":
        return
    a = r.amounts
    if a.no_ev_discharge:
        r.battery = "no_ev_discharge"
    elif a.floor_pct is not None:
        r.battery = "floor"
        r.target_soc_pct = a.floor_pct
    elif r.battery == "floor":  # "save the battery for the evening peak"
        r.target_soc_pct = info.number("soc_now_pct")
        r.deadline = r.deadline or clock.next_at(17 * 60)
    else:
        r.battery = "target"
        if r.charge_full:
            r.target_soc_pct, r.charge_full = info.number("max_soc_pct") or 100.0, False


def _limits(r: ReadRequest, info: Any, reading: Reading, clock: Clockwork) -> None:
    limits = reading.limits
    a, t = r.amounts, r.times
    charger = info.number("charger_max_kw") or info.number("max_charge_kw")
    if a.power_kw is not None and charger is not None and a.power_kw > charger + 1e-9:
        limits.append(Limit("power", r.device, a.power_kw, f"{a.power_kw:g} kW"))
    level = r.target_soc_pct
    maximum = info.number("max_soc_pct") or 100.0
    if level is not None and level > maximum + 1e-9:
        limits.append(Limit("above_max", r.device, level, f"{level:g}%"))
    if info.kind == "battery_target" and level is not None:
        floor = max(info.number("min_soc_pct") or 0.0, info.number("backup_reserve_pct") or 0.0)
        if level < floor - 1e-9:
            limits.append(Limit("below_floor", r.device, level, a.drain_quote or f"{level:g}%"))
    if t.past is not None and r.deadline is None and r.earliest is None:
        limits.append(Limit("past", r.device, t.past))
    if t.beyond is not None and r.deadline is None:
        quote = reading.norm.quote(*shift(t.beyond_span, r.offset)) if t.beyond_span else ""
        limits.append(Limit("beyond_horizon", r.device, t.beyond, quote))


def _house_rule(r: ReadRequest, info: Any, clock: Clockwork) -> tuple[Any, ...] | None:
    """A start the home's rules forbid: (rule, requested start, nearest allowed start)."""
    if info.kind != "appliance_run" or r.earliest is None or not (r.start_at or r.times.earliest_said):
        return None
    local = r.earliest.astimezone(clock.tz)
    minute = local.hour * 60 + local.minute
    for rule in ("quiet_hours",):
        for start, end in info.windows(rule):
            inside = start <= minute < end if start < end else (minute >= start or minute < end)
            if inside:
                allowed = local.replace(hour=end // 60 % 24, minute=end % 60)
                if allowed <= local:
                    allowed += timedelta(days=1)
                return (rule, f"{start // 60:02d}:{start % 60:02d}–{end // 60 % 24:02d}:{end % 60:02d}", r.earliest, allowed)
    windows = info.windows("allowed_windows")
    if windows:
        inside = any((s <= minute < e) if s < e else (minute >= s or minute < e) for s, e in windows)
        if not inside:
            s, e = windows[0]
            allowed = local.replace(hour=s // 60 % 24, minute=s % 60)
            if allowed <= local:
                allowed += timedelta(days=1)
            return ("allowed_windows", f"{s // 60:02d}:{s % 60:02d}–{e // 60 % 24:02d}:{e % 60:02d}", r.earliest, allowed)
    return None


def find_words(reading: Reading, words_text: str) -> Span:
    i = reading.norm.text.find(words_text)
    return (i, i + len(words_text)) if i >= 0 else (0, 0)


def shift(span: Span | None, offset: int) -> Span:
    if span is None:
        return (0, 0)
    return (span[0] + offset, span[1] + offset)


# ============================================================================ coverage


def check_coverage(t: str, reading: Reading) -> None:
    """Facts of the message no reading used: numbers, times, dates, device words, negations."""
    if reading.asks or reading.limits:
        return
    words = reading.words
    facts: list[Span] = [m.span() for m in NUMBER.finditer(t) if not _harmless_number(t, m)]
    facts += [m.span() for m in re.finditer(rf"(?<![\wäöüß])(?:{words.weekday_or_date})(?![\wäöüß])", t)]
    facts += [m.span() for m in re.finditer(rf"(?<![\wäöüß])(?:{words.negation})(?![\wäöüß])", t)]
    for start, end in facts:
        if any(s < end and start < e for s, e in reading.used):
            continue
        quote = reading.norm.quote(start, end)
        if quote and quote not in reading.unused:
            reading.unused.append(quote)


def _harmless_number(t: str, m: re.Match[str]) -> bool:
    """'1' of "one after the other" or "the first one": an article, not a fact."""
    return m.group(0) == "1" and not re.match(r"\s*(?:%|kwh|kw|km|hours?|h\b|uhr|am|pm|:)", t[m.end():])


