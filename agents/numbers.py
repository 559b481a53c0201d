"""Check that every number in a reply comes from a tool result.

The auditor uses :func:`verify_numbers` on the coordinator's reply before the homeowner sees it:
a number a model made up (a cost, a saving, a time) is *unverified*.

What counts as a number in the reply
------------------------------------
* clock times — ``07:00``, ``7am``, ``7:30 pm``, ``noon``, ``midnight`` — compared as local minutes
  of the day with the times in the results (ISO 8601 times are converted to the home's zone, and
  ``HH:MM`` written inside result texts count too);
* dates — ``2026-11-25``, ``25 Nov``, ``25. Nov``, ``Nov 25`` — compared by day of month;
* other numbers — ``7.73``, ``80%``, ``30 kWh``, ``24 ct`` (cents are divided by 100) — compared
  with every number in the results, and with every number written inside result texts.

Not checked: digits inside identifiers (``ev2``, ``CO2``, ``plan-3fa2``) and bare integers up to
10 with no unit (counts and list ordinals such as "2 devices" or "1."). A number with unit
``%``, ``kWh``, ``kW``, a currency or ``g``/``kg`` is always checked.

Rounding tolerance: a number written with ``d`` decimals matches a result value ``v`` when
``| |v| − x | ≤ 0.5·10⁻ᵈ`` (so ``7.7`` and ``8`` both match 7.73, ``7.74`` does not).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

_MONTH = r"(?:jan|feb|mar|mär|apr|may|mai|jun|jul|aug|sep|sept|oct|okt|nov|dec|dez)[a-zä]*\.?"

_ISO = re.compile(
    r"\b(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?\b"
)
_AMPM = re.compile(r"(?<![\w:])(\d{1,2})(?::(\d{2}))?\s*([ap])\.?\s?m\b\.?", re.IGNORECASE)
_CLOCK = re.compile(r"(?<![\w:])(\d{1,2}):(\d{2})(?![\d:])")
_WORD_TIMES = {"noon": 720, "midday": 720, "midnight": 0}
_WORD_TIME = re.compile(r"\b(noon|midday|midnight)\b", re.IGNORECASE)
_DAY_MONTH = re.compile(rf"(?<![\w])(\d{{1,2}})(?:st|nd|rd|th|\.)?\s+(?:of\s+)?{_MONTH}", re.IGNORECASE)
_MONTH_DAY = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?(?![\w])", re.IGNORECASE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")  # a decimal comma (German replies) too

_UNIT_WORDS = {"kwh", "kw", "wh", "w", "h", "min", "ct", "g", "kg", "am", "pm", "st", "nd", "rd",
               "th", "x"}
_STRONG_UNIT = re.compile(
    r"^\s?(%|kwh\b|kw\b|ct\b|cents?\b|g\b|kg\b|eur\b|usd\b|gbp\b|chf\b|€|\$|£|percent\b)",
    re.IGNORECASE,
)
_CURRENCY_BEFORE = re.compile(r"(€|\$|£|\b[A-Z]{3})\s?$")
_CENTS = re.compile(r"^\s?(ct\b|cents?\b)", re.IGNORECASE)
SMALL_INTEGER = 10


@dataclass(frozen=True)
class Mention:
    """A number found in a reply: its text, value, kind and number of decimals."""

    text: str
    value: float
    kind: str  # "time" (minute of day), "day" (day of month) or "number"
    decimals: int = 0


@dataclass
class NumberCheck:
    checked: list[str] = field(default_factory=list)
    unverified: list[str] = field(default_factory=list)


@dataclass
class References:
    """Everything a reply may quote: numbers, local minutes of day and days of month."""

    numbers: set[float] = field(default_factory=set)
    minutes: set[int] = field(default_factory=set)
    days: set[int] = field(default_factory=set)


def extract_mentions(text: str, *, strict: bool = True) -> list[Mention]:
    """Times, dates and numbers in ``text``, in order.

    With ``strict=False`` (used on tool-result texts) small bare integers are kept too.
    """
    found: list[tuple[int, Mention]] = []
    taken: list[tuple[int, int]] = []

    def claim(match: re.Match[str]) -> bool:
        span = match.span()
        if any(span[0] < hi and lo < span[1] for lo, hi in taken):
            return False
        taken.append(span)
        return True

    for m in _ISO.finditer(text):
        if claim(m):
            found.append((m.start(), Mention(m.group(0), float(int(m.group(3))), "day")))
            if m.group(4) is not None:
                minute = int(m.group(4)) * 60 + int(m.group(5))
                found.append((m.start(), Mention(m.group(0), float(minute % 1440), "time")))
    for m in _AMPM.finditer(text):
        hours, minutes = int(m.group(1)), int(m.group(2) or 0)
        if 1 <= hours <= 12 and minutes < 60 and claim(m):
            hours = hours % 12 + (12 if m.group(3).lower() == "p" else 0)
            found.append((m.start(), Mention(m.group(0), float(hours * 60 + minutes), "time")))
    for m in _CLOCK.finditer(text):
        hours, minutes = int(m.group(1)), int(m.group(2))
        if hours <= 24 and minutes < 60 and claim(m):
            found.append((m.start(), Mention(m.group(0), float((hours * 60 + minutes) % 1440), "time")))
    for m in _WORD_TIME.finditer(text):
        if claim(m):
            found.append((m.start(), Mention(m.group(0), float(_WORD_TIMES[m.group(1).lower()]), "time")))
    for pattern in (_DAY_MONTH, _MONTH_DAY):
        for m in pattern.finditer(text):
            if claim(m):
                found.append((m.start(), Mention(m.group(0), float(int(m.group(1))), "day")))
    for m in _NUMBER.finditer(text):
        if any(m.start() < hi and lo < m.end() for lo, hi in taken):
            continue
        if _inside_identifier(text, m.start(), m.end()):
            continue
        raw = m.group(0).replace(",", ".")
        value = float(raw)
        decimals = len(raw.split(".")[1]) if "." in raw else 0
        after = text[m.end():]
        before = text[: m.start()]
        has_unit = bool(_STRONG_UNIT.match(after) or _CURRENCY_BEFORE.search(before))
        if strict and decimals == 0 and value <= SMALL_INTEGER and not has_unit:
            continue
        if _CENTS.match(after):
            value, decimals = value / 100, decimals + 2
        found.append((m.start(), Mention(raw, value, "number", decimals)))
    return [mention for _, mention in sorted(found, key=lambda item: item[0])]


def _inside_identifier(text: str, start: int, end: int) -> bool:
    """Digits glued to letters (``ev2``, ``CO2``, ``3fa2``) or to ``word-`` (``plan-3``)."""
    if start > 0:
        prev = text[start - 1]
        if prev.isalpha() or prev == "_":
            return True
        if prev.isdigit():
            return True
        if prev == "-" and start > 1 and text[start - 2].isalnum():
            return True
        if prev == "." and start > 1 and text[start - 2].isdigit():
            return True
    letters = re.match(r"[A-Za-z_]+", text[end:])
    return bool(letters and letters.group(0).lower() not in _UNIT_WORDS)


def collect_references(results: Iterable[Any], tz_name: str) -> References:
    """Numbers, local times and days found anywhere in JSON-like tool results."""
    refs = References()
    tz = ZoneInfo(tz_name)

    def walk(value: Any) -> None:
        if isinstance(value, bool) or value is None:
            return
        if isinstance(value, int | float):
            refs.numbers.add(float(value))
        elif isinstance(value, str):
            _string_refs(value, tz, refs)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    for result in results:
        walk(result)
    return refs


def _string_refs(text: str, tz: ZoneInfo, refs: References) -> None:
    if _ISO.fullmatch(text.strip()):
        try:
            moment = datetime.fromisoformat(text.strip())
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is not None:
            local = moment.astimezone(tz)
            refs.minutes.add(local.hour * 60 + local.minute)
            refs.days.add(local.day)
            refs.numbers.update({float(local.day), float(local.year)})
            return
    for mention in extract_mentions(text, strict=False):
        if mention.kind == "time":
            refs.minutes.add(int(mention.value))
        elif mention.kind == "day":
            refs.days.add(int(mention.value))
        else:
            refs.numbers.add(mention.value)


def matches(mention: Mention, refs: References) -> bool:
    """Whether ``mention`` agrees with some reference (see the module docstring)."""
    if mention.kind == "time":
        return int(mention.value) % 1440 in {m % 1440 for m in refs.minutes}
    if mention.kind == "day":
        return int(mention.value) in refs.days
    tolerance = 0.5 * 10 ** (-mention.decimals) + 1e-9
    return any(abs(abs(v) - mention.value) <= tolerance for v in refs.numbers)


def verify_numbers(text: str, results: Iterable[Any], tz_name: str) -> NumberCheck:
    """Every mention in ``text`` checked against ``results`` (JSON-like values)."""
    refs = collect_references(results, tz_name)
    check = NumberCheck()
    for mention in extract_mentions(text):
        check.checked.append(mention.text)
        if not matches(mention, refs):
            check.unverified.append(mention.text)
    return check
