"""Heat words bound to the home's heat devices: a clause's temperatures, hot water and modes
(:func:`~agents.understanding.heat.read_heat`) become the fields of a tank's or a heat pump's
request, or a mode for the whole home.

* A tank (``water_heat``): "hot water by 7am" (its own set point), "60 °C by 7am"
  (``target_temp_c``), "hot for a bath at 20:00" (``draw_litres`` 150, the usual bath, at 20:00:
  "at" is when the water is used, so a deadline), "legionella cycle this week" (the tank's
  legionella temperature by the home file's weekly due time).
* A heat pump (``comfort``): "keep the living room between 20 and 22 °C" (a band, from now to
  the horizon's end unless a time is said), "at least 21 °C", "pre-heat before the evening peak"
  (the top of its comfort bands in the hour before 17:00, Hearth's evening peak).
* The whole home (``mode``): "eco mode", "we're away this weekend", "we're away until Friday"
  (away until Friday 00:00).

A clause that names no device but speaks of a bath, showers, legionella, a temperature band or
pre-heating binds to the home's one tank or one heat pump. Numbers the heat words use are blanked
before times and amounts are read, so "between 20 and 22 °C" is never read as 20:00–22:00.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from agents.understanding.heat import HeatReading, Language, Span, read_heat
from agents.understanding.model import ReadRequest
from agents.understanding.times import Clockwork, resolve_day

HEAT_KINDS = ("water_heat", "comfort")
#: Hearth's evening peak starts at 17:00 (the README's "save the battery for the evening peak").
EVENING_PEAK_MINUTES = 17 * 60
#: Pre-heating warms the rooms in this many minutes before the peak.
PREHEAT_MINUTES = 60

_LEGIONELLA = r"\b(?:anti-?)?legionell\w*|\bdisinfection\b|\b(?:thermische )?desinfektion\b"
_PREHEAT = {
    "en": r"\bpre-?heat\w*|\bwarm (?:the house|the rooms?|it|things) up before\b",
    "de": r"\bvorheiz\w*|\bvorwärm\w*|\bvorher (?:auf)?heizen\b",
}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_UNTIL = {"en": r"\b(?:until|till|til)\s+$", "de": r"\b(?:bis)\s+(?:zum |am )?$"}


@dataclass
class HeatClause:
    """The heat facts of a clause, and the clause with their words blanked."""

    reading: HeatReading
    blanked: str
    legionella: Span | None = None
    preheat: Span | None = None

    def any(self) -> bool:
        return self.reading.any() or self.legionella is not None or self.preheat is not None

    def tank_words(self) -> bool:
        """Words only a hot-water tank answers to (a bath, showers, litres, legionella)."""
        return self.reading.draw_litres is not None or self.legionella is not None

    def room_words(self) -> bool:
        """Words only a heat pump answers to (a band, at least / at most, pre-heating)."""
        h = self.reading
        return h.min_temp_c is not None or h.max_temp_c is not None or self.preheat is not None

    @property
    def used(self) -> list[Span]:
        return [*self.reading.used, *(s for s in (self.legionella, self.preheat) if s is not None)]


def read_heat_clause(seg: str, lang: Language) -> HeatClause:
    """The heat facts of a normalised clause (modes left out: they are the home's)."""
    reading = read_heat(seg, lang)
    if reading.mode is not None:  # a mode is the whole home's; read_heat notes its words last
        reading.mode, reading.used = None, reading.used[:-1]
    legionella = re.search(_LEGIONELLA, seg)
    preheat = re.search(_PREHEAT[lang], seg)
    clause = HeatClause(reading, seg, legionella.span() if legionella else None,
                        preheat.span() if preheat else None)
    blanked = seg
    for start, end in clause.used:
        blanked = blanked[:start] + " " * (end - start) + blanked[end:]
    clause.blanked = blanked
    return clause


def apply_heat(r: ReadRequest, clause: HeatClause, kind: str, facts: dict[str, str], clock: Clockwork) -> None:
    """Copy a clause's heat facts onto a tank's or a heat pump's request (``kind``)."""
    h = clause.reading
    r.target_soc_pct, r.energy_kwh, r.charge_full = None, None, False
    if kind == "water_heat":
        r.target_temp_c, r.draw_litres, r.draw_default = h.target_temp_c, h.draw_litres, h.draw_default
        if clause.legionella is not None:
            r.target_temp_c = r.target_temp_c or _number(facts.get("legionella_c"))
            due = _weekly_due(facts.get("legionella_due"), clock)
            if r.deadline is None and due is not None:
                r.deadline = due  # "this week", or no time: the home file's due time
                r.times.unclear, r.times.unclear_span = None, None
    elif kind == "comfort":
        r.min_temp_c, r.max_temp_c = h.min_temp_c, h.max_temp_c
        if h.target_temp_c is not None and r.min_temp_c is None:
            r.min_temp_c = h.target_temp_c  # "keep the living room at 21 °C": at least 21 °C
        if clause.preheat is not None:
            top = _number(facts.get("comfort_max_c"))
            r.min_temp_c = r.min_temp_c if r.min_temp_c is not None else top
            if r.deadline is None:
                r.deadline = clock.next_at(EVENING_PEAK_MINUTES)
            r.earliest = r.earliest or max(r.deadline - timedelta(minutes=PREHEAT_MINUTES), clock.now)
        if not r.has_time():
            r.open_end = True  # a band without a time holds to the horizon's end
    r.signal = r.signal or clause.any()


def read_mode(seg: str, lang: Language, clock: Clockwork) -> tuple[str, Span] | None:
    """An operation mode the message sets ("eco mode", "we're away"), and its words."""
    reading = read_heat(seg, lang)
    if reading.mode is None:
        return None
    return reading.mode, reading.used[-1]


def mode_until(r: ReadRequest, seg: str, lang: Language, clock: Clockwork) -> None:
    """"until Friday": a mode ends at that day's 00:00 (a day said without a time is asked of a
    device, but a mode's end is the day's start: the homeowner is back that day)."""
    if r.times.unclear is None or r.times.unclear_span is None or r.deadline is not None:
        return
    start = r.times.unclear_span[0]
    if not re.search(_UNTIL[lang], seg[:start]) and not re.match(r"(?:until|till|bis)\b", r.times.unclear):
        return
    day = resolve_day(r.times.unclear, lang, clock)
    if day is None:
        return
    r.deadline = clock.on_date(0, day)
    r.times.unclear, r.times.unclear_span = None, None


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _weekly_due(text: str | None, clock: Clockwork) -> datetime | None:
    """The next ``"<weekday> HH:MM"`` after now, local."""
    m = re.fullmatch(r"\s*([a-z]+)\s+(\d{1,2}):(\d{2})\s*", text or "")
    if m is None or m.group(1) not in _WEEKDAYS:
        return None
    minutes = int(m.group(2)) * 60 + int(m.group(3))
    days = (_WEEKDAYS.index(m.group(1)) - clock.local_now.weekday()) % 7
    moment = clock.on_day(minutes, days)
    return moment if moment > clock.now else clock.on_day(minutes, days + 7)
