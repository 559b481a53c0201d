"""Time expressions in one clause: clock times, day words, day parts, relative times.

The clause arrives normalised (number words are digits already, see
:mod:`agents.understanding.normalise`); weekday names and calendar dates are resolved by
:mod:`dateparser` (its reused :class:`~dateparser.date.DateDataParser`, one per language). What
is Hearth's own decision lives here and in :mod:`agents.understanding.language`:

* a bare hour (1–12 with no am/pm, no 24-hour form, no word settling the half of the day) has
  two readings and is asked about, quoting the words; "7 Uhr" is 07:00 (German clocks are
  24-hour); ``06:30``, ``0700`` and hours 13–23 are 24-hour times;
* a time without a day is the next such moment after now; with "today" and already past, it is
  a deadline in the past (a limit to explain);
* the day parts of the corpus conventions ("overnight" = 22:00 (or now) to 07:00; "tonight"
  said at 21:00 or later = now to 07:00; "at the weekend" = Saturday 00:00 to Sunday 24:00,
  limited to the horizon).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from agents.understanding.language import Language, Words

Span = tuple[int, int]


@dataclass(frozen=True)
class Clock:
    """A local time of day found in the text [minutes after midnight, 0–1440]."""

    start: int
    end: int
    minutes: int
    bare: bool  # 1–12 without am/pm or a 24-hour form: morning or evening?
    spelled_de: bool = False  # "halb sieben", "viertel nach sieben": read 24-hour unless a word settles it


@dataclass
class TimeReading:
    """What the time words of one clause say (``None``: not said)."""

    deadline: datetime | None = None
    earliest: datetime | None = None
    start_at: bool = False  # "at T": a start time
    at_quote: str | None = None  # "at T" for a car: start or done? (asked)
    open_end: bool = False
    asap: bool = False
    ambiguous: tuple[str, datetime, datetime] | None = None  # (quote span text, am, pm)
    ambiguous_span: Span | None = None
    unclear: str | None = None
    unclear_span: Span | None = None
    past: datetime | None = None
    beyond: datetime | None = None
    beyond_span: Span | None = None  # the words of a time beyond the longest horizon
    earliest_said: bool = False  # an earliest start at a clock time ("after 10pm")
    day_part: bool = False  # the times come from a day part ("tonight", "overnight"), not a clock
    used: list[Span] = field(default_factory=list)

    def has_time(self) -> bool:
        return self.deadline is not None or self.open_end or self.earliest is not None


@dataclass(frozen=True)
class Clockwork:
    """The clock of a reading: now, the home's zone and the longest horizon [h]."""

    now: datetime
    tz: ZoneInfo
    max_hours: float = 72.0

    @property
    def local_now(self) -> datetime:
        return self.now.astimezone(self.tz)

    def on_day(self, minutes: int, day_offset: int) -> datetime:
        midnight = self.local_now.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
        naive = midnight + timedelta(days=day_offset, minutes=minutes)
        return naive.replace(tzinfo=self.tz).astimezone(ZoneInfo("UTC")).astimezone(self.tz)

    def on_date(self, minutes: int, date: datetime) -> datetime:
        offset = (date.date() - self.local_now.date()).days
        return self.on_day(minutes, offset)

    def next_at(self, minutes: int) -> datetime:
        for offset in range(0, 4):
            moment = self.on_day(minutes, offset)
            if moment > self.now:
                return moment
        return self.on_day(minutes, 4)


_UNIT_AFTER = (
    r"(?!\s*(?:%|percent|per cent|prozent|kwh|kw\b|kilowatt|km\b|kilomet|hours?\b|hrs?\b|h\b|"
    r"minutes?\b|mins?\b|stunden?\b|minuten?\b|std\b|days?\b|tage?n?\b|euro|eur\b|cents?\b|ct\b|"
    r"°|degrees?|grad|loads?\b|times\b|mal\b|x\b|st\b|nd\b|rd\b|th\b|\.\s?\d))"
)


def find_clocks(seg: str, lang: Language, words: Words) -> list[Clock]:
    """Every clock time in ``seg`` (normalised), in text order, each span claimed once."""
    found: list[Clock] = []
    taken: list[Span] = []

    def add(m: re.Match[str], minutes: int, bare: bool, spelled_de: bool = False) -> None:
        span = m.span()
        if any(span[0] < b and a < span[1] for a, b in taken):
            return
        if not 0 <= minutes <= 1440:
            return
        taken.append(span)
        found.append(Clock(span[0], span[1], minutes, bare, spelled_de))

    def hour_bare(h: int, ampm: str | None, zero: bool) -> tuple[int, bool]:
        if ampm:
            return (h % 12 + (12 if ampm == "pm" else 0)), False
        return h, (1 <= h <= 12 and not zero)

    marker = r"(?<![\d.:,])"
    if lang == "de":
        for m in re.finditer(marker + r"(\d{1,2})[:.](\d{2}) ?uhr", seg):
            add(m, int(m.group(1)) * 60 + int(m.group(2)), False)
        for m in re.finditer(marker + r"(\d{1,2}) ?uhr (\d{1,2})(?!\d)" + _UNIT_AFTER, seg):
            add(m, int(m.group(1)) * 60 + int(m.group(2)), False)
        for m in re.finditer(marker + r"(\d{1,2}) ?uhr", seg):
            add(m, int(m.group(1)) * 60, False)
        for m in re.finditer(r"\bdreiviertel (\d{1,2})(?!\d)", seg):
            add(m, (int(m.group(1)) - 1) * 60 + 45, int(m.group(1)) <= 12, True)
        for m in re.finditer(r"\bviertel nach (\d{1,2})(?!\d)", seg):
            add(m, int(m.group(1)) * 60 + 15, int(m.group(1)) <= 12, True)
        for m in re.finditer(r"\bviertel vor (\d{1,2})(?!\d)", seg):
            add(m, (int(m.group(1)) - 1) * 60 + 45, int(m.group(1)) <= 12, True)
        for m in re.finditer(r"\b(\d{1,2}) (nach|vor) (halb )?(\d{1,2})(?!\d)" + _UNIT_AFTER, seg):
            minutes, hour = int(m.group(1)), int(m.group(4))
            base = (hour - 1) * 60 + 30 if m.group(3) else hour * 60
            if 1 <= minutes <= 29:
                add(m, base + (minutes if m.group(2) == "nach" else -minutes), hour <= 12, True)
        for m in re.finditer(r"\bhalb (\d{1,2})(?!\d)" + _UNIT_AFTER, seg):
            hour = int(m.group(1))
            add(m, (hour - 1) * 60 + 30, hour <= 12, True)
        for m in re.finditer(r"\b(mittags?|mitternacht)\b", seg):
            add(m, 720 if m.group(1).startswith("mittag") else 1440, False)
    else:
        for m in re.finditer(r"\bhalf past (\d{1,2})(?!\d)(?: ?(am|pm))?", seg):
            h, bare = hour_bare(int(m.group(1)), m.group(2), False)
            add(m, h * 60 + 30, bare)
        for m in re.finditer(r"\bquarter past (\d{1,2})(?!\d)(?: ?(am|pm))?", seg):
            h, bare = hour_bare(int(m.group(1)), m.group(2), False)
            add(m, h * 60 + 15, bare)
        for m in re.finditer(r"\b(?:a )?quarter (?:to|of) (\d{1,2})(?!\d)(?: ?(am|pm))?", seg):
            h, bare = hour_bare(int(m.group(1)), m.group(2), False)
            add(m, h * 60 - 15, bare)
        for m in re.finditer(r"\b(\d{1,2}) (?:minutes )?(past|after|to|before|of) (\d{1,2})(?!\d)(?: ?(am|pm))?"
                             + _UNIT_AFTER, seg):
            minutes = int(m.group(1))
            if not 1 <= minutes <= 30 or (m.group(2) in ("after", "before") and not m.group(4)):
                continue
            h, bare = hour_bare(int(m.group(3)), m.group(4), False)
            add(m, h * 60 + (minutes if m.group(2) in ("past", "after") else -minutes), bare)
        for m in re.finditer(r"(?<![\d.:])(\d{1,2}) (\d{2}) ?(am|pm)\b", seg):
            h, bare = hour_bare(int(m.group(1)), m.group(3), False)
            if int(m.group(2)) < 60:
                add(m, h * 60 + int(m.group(2)), bare)
        for m in re.finditer(r"\b(noon|midday|midnight)\b", seg):
            add(m, 1440 if m.group(1) == "midnight" else 720, False)
    for m in re.finditer(marker + r"(\d{1,2})[:.](\d{2})(?!\d)(?: ?(am|pm)\b)?" + _UNIT_AFTER, seg):
        hour, minute = int(m.group(1)), int(m.group(2))
        if minute >= 60 or hour > 24 or (m.group(3) and not 1 <= hour <= 12):
            continue
        if "." in m.group(0)[:6] and not m.group(3) and not _after_marker(seg, m.start(), words):
            continue
        zero = len(m.group(1)) == 2 or lang == "de"
        h, bare = hour_bare(hour, m.group(3), zero)
        add(m, h * 60 + minute, bare)
    for m in re.finditer(marker + r"(\d{1,2}) ?(am|pm)\b", seg):
        hour = int(m.group(1))
        if 1 <= hour <= 12:
            add(m, (hour % 12 + (12 if m.group(2) == "pm" else 0)) * 60, False)
    for m in re.finditer(marker + r"([0-2]\d)([0-5]\d)(?: ?(?:hrs|hours|h)\b)?(?![\d.:,])" + _UNIT_AFTER, seg):
        if (m.group(1).startswith("0") or _after_marker(seg, m.start(), words)) and int(m.group(1)) <= 23:
            add(m, int(m.group(1)) * 60 + int(m.group(2)), False)
    for m in re.finditer(marker + r"(\d{1,2})(?![\d.:,])" + _UNIT_AFTER, seg):
        hour = int(m.group(1))
        if not 0 <= hour <= 24 or not _after_marker(seg, m.start(), words):
            continue
        add(m, hour * 60, 1 <= hour <= 12)
    return sorted(found, key=lambda c: c.start)


def _markers(words: Words) -> str:
    return "|".join(
        p for p in (words.not_before, words.not_after, words.leave, words.deadline, words.earliest,
                    words.at, r"(?:and|und|to|-|between|zwischen|from|von)")
    )


def _after_marker(seg: str, position: int, words: Words) -> bool:
    before = seg[:position]
    return bool(re.search(rf"(?:{_markers(words)})\s*(?:the |den |dem )?$", before))


def role_before(seg: str, position: int, words: Words) -> tuple[str | None, Span | None]:
    """The role the words right before ``position`` give a time, and their span.

    "by the 26th at 7am", "bis zum 26. um 7 Uhr": a day after a deadline word keeps the role
    for the clock that follows it.
    """
    before = seg[:position]
    day = rf"(?:{words.weekday_or_date}|{words.tomorrow}|{words.today}|{words.day_after_tomorrow})"
    dated = re.search(rf"(?:^|(?<=\W))(?:{words.deadline})\s+(?:the |zum |den |am )?{day}\s*,?\s*"
                      rf"(?:{words.at})\s*$", before)
    if dated:
        return "deadline", dated.span()
    for role, pattern in (
        ("earliest", words.not_before), ("deadline", words.not_after), ("leave", words.leave),
        ("deadline", words.deadline), ("earliest", words.earliest), ("at", words.at),
    ):
        m = re.search(rf"(?:^|(?<=\W))(?:{pattern})\s*(?:the |den |dem )?$", before)
        if m:
            return role, m.span()
    return None, None


@lru_cache(maxsize=4)
def _date_parser(lang: str, base: datetime) -> object:
    from dateparser.date import DateDataParser

    return DateDataParser(
        languages=[lang],
        settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "future", "RETURN_AS_TIMEZONE_AWARE": False},
    )


def resolve_day(text: str, lang: Language, clock: Clockwork) -> datetime | None:
    """A weekday name or calendar date (dateparser) → that local date at 00:00, or ``None``."""
    base = clock.local_now.replace(tzinfo=None, second=0, microsecond=0)
    cleaned = re.sub(r"^(?:by|on|until|before|bis|am|zum|next|this|nächsten|kommenden|diesen) ", "", text)
    parser = _date_parser(lang, base)
    data = parser.get_date_data(cleaned)  # type: ignore[attr-defined]
    if data is None or data.date_obj is None:
        return None
    day = data.date_obj.replace(hour=0, minute=0, second=0, microsecond=0)
    if day.date() < base.date():
        day = day.replace(year=day.year + 1)
    return day


def read_times(seg: str, lang: Language, words: Words, clock: Clockwork, kind: str | None) -> TimeReading:
    """The time facts of one clause for a device of ``kind`` (``None``: not known yet)."""
    r = TimeReading()
    now = clock.now
    local = clock.local_now

    def used(m: re.Match[str] | Span) -> None:
        r.used.append(m.span() if isinstance(m, re.Match) else m)

    def search(pattern: str) -> re.Match[str] | None:
        return re.search(rf"(?<![\wäöüß])(?:{pattern})(?![\wäöüß])", seg)

    # -- "not tonight": from tomorrow 00:00, and the day part is not a time of the request -----
    if (m := search(words.not_today)):
        r.earliest = clock.on_day(0, 1)
        used(m)
        seg = seg[:m.start()] + " " * (m.end() - m.start()) + seg[m.end():]

    # -- the day and the half of the day ---------------------------------------------------------
    day: datetime | None = None
    day_word = None
    if (m := search(words.day_after_tomorrow)):
        day, day_word = clock.on_day(0, 2), m
    elif (m := search(words.tomorrow)) and not search(words.tomorrow_morning):
        day, day_word = clock.on_day(0, 1), m
    elif (m := search(r"today|heute")):
        day, day_word = clock.on_day(0, 0), m
    weekday = search(words.weekday_or_date)
    if weekday is not None and day is None:
        resolved = resolve_day(weekday.group(0), lang, clock)
        if resolved is not None:
            day = resolved.replace(tzinfo=clock.tz)
            day_word = weekday
    half: str | None = None
    if search(words.am_words) or search(words.tomorrow_morning) or search(words.by_morning):
        half = "am"
    elif search(words.pm_words) or search(words.tonight):
        half = "pm"
    night = bool(search(words.night_words) or search(words.overnight))

    # -- clock times with their roles ----------------------------------------------------------
    clocks = find_clocks(seg, lang, words)
    between = re.search(words.between, seg)
    roles: dict[int, str] = {}
    if between is not None:
        inside = [c for c in clocks if between.start() <= c.start < between.end()]
        if len(inside) >= 2:
            roles[inside[0].start], roles[inside[1].start] = "earliest", "deadline"
            used(between.span())
            first, second = inside[0], inside[1]
            if first.bare and not second.bare:  # "between 1 and 5am", "zwischen 1 und 5 Uhr"
                settled = first.minutes % 720 + (720 if second.minutes >= 720 and first.minutes % 720 + 720 < second.minutes else 0)
                clocks = [Clock(c.start, c.end, settled, False) if c is first else c for c in clocks]
    for c in clocks:
        role = roles.get(c.start)
        if role is None:
            role, span = role_before(seg, c.start, words)
            if span is not None:
                used(span)
        role = role or "deadline"
        candidates = [c.minutes]
        if c.bare:
            base = c.minutes % 720
            if half == "am" or (night and 1 <= base // 60 <= 5) or (c.spelled_de and half is None and not night):
                candidates = [base]  # German spelled clocks are 24-hour, like "7 Uhr"
            elif half == "pm" or night:
                candidates = [base + 720]
            else:
                candidates = [base, base + 720]
        moments = []
        for minutes in candidates:
            moment = clock.on_date(minutes, day) if day is not None else clock.next_at(minutes)
            moments.append(moment)
        used((c.start, c.end))
        if len(moments) == 2:
            if r.ambiguous is None:
                r.ambiguous = (seg[c.start:c.end], moments[0], moments[1])
                r.ambiguous_span = (c.start, c.end)
            continue
        moment = moments[0]
        if moment <= now:
            r.past = moment
            continue
        if moment > now + timedelta(hours=clock.max_hours):
            r.beyond, r.beyond_span = moment, (day_word.start() if day_word else c.start, c.end)
            continue
        if role == "at":
            if kind == "appliance_run":
                r.earliest, r.start_at = r.earliest or moment, True
            elif kind == "water_heat":  # "hot for a bath at 20:00": the water is used then
                r.deadline = r.deadline or moment
            elif kind in ("ev_charge", "battery_target") or kind is None:
                r.at_quote = seg[c.start:c.end]
                r.deadline = r.deadline or moment
        elif role == "earliest":
            r.earliest = r.earliest or moment
            r.earliest_said = True
        else:
            r.deadline = r.deadline or moment
    if day_word is not None and (clocks or r.deadline or r.ambiguous):
        used(day_word)
    if day is not None and day > local + timedelta(hours=clock.max_hours) and r.beyond is None and not clocks:
        r.beyond = day
        r.beyond_span = day_word.span() if day_word is not None else None

    # -- relative times --------------------------------------------------------------------------
    if (m := re.search(words.relative, seg)) and r.deadline is None:
        n_text = m.group("n")
        amount = 1.0 if not n_text[0].isdigit() else float(n_text.replace(",", "."))
        if m.group("half") or m.group("half_after"):
            amount += 0.5
        hours = m.group("unit").startswith(("h", "s"))
        minutes = amount * 60 if hours else amount
        r.deadline = (now + timedelta(minutes=minutes)).astimezone(clock.tz)
        used(m)
    elif (m := search(words.relative_half_hour)) and r.deadline is None:
        r.deadline = (now + timedelta(minutes=30)).astimezone(clock.tz)
        used(m)

    # -- day parts -------------------------------------------------------------------------------
    def period(deadline: datetime, earliest: datetime | None, m: re.Match[str], *, window: bool = False) -> None:
        used(m)
        if clocks and window:
            return  # "by half past six tomorrow morning": the day part only settles the clock
        if r.deadline is None and not (r.start_at and r.earliest is not None) and r.ambiguous is None:
            r.deadline = deadline
            r.day_part = not clocks
        if earliest is not None and r.earliest is None and earliest > now:
            r.earliest = earliest

    def at_or_now(moment: datetime) -> datetime | None:
        return moment if moment > now else None

    seven = clock.next_at(7 * 60)
    if (m := search(words.by_morning)):
        period(seven, None, m)
    elif (m := search(words.tomorrow_morning)):
        period(clock.on_day(12 * 60, 1), clock.on_day(6 * 60, 1), m, window=True)
    elif (m := search(words.tomorrow_afternoon)):
        period(clock.on_day(18 * 60, 1), clock.on_day(12 * 60, 1), m, window=True)
    elif (m := search(words.tomorrow_evening)):
        period(clock.on_day(24 * 60, 1), clock.on_day(18 * 60, 1), m, window=True)
    elif (m := search(words.overnight)):
        period(seven, at_or_now(clock.on_day(22 * 60, 0)) if local.hour >= 7 else None, m)
    elif (m := search(words.tonight)):
        if local.hour >= 21 or local.hour < 5:
            period(seven, None, m, window=True)
        else:
            period(clock.on_day(24 * 60, 0), at_or_now(clock.on_day(18 * 60, 0)), m, window=True)
    elif (m := search(words.this_afternoon)):
        period(clock.on_day(18 * 60, 0), at_or_now(clock.on_day(12 * 60, 0)), m, window=True)
    elif (m := search(words.by_noon)):
        period(clock.on_date(12 * 60, day) if day is not None and not clocks else clock.next_at(12 * 60), None, m)
    elif (m := search(words.by_dinner)):
        period(clock.on_date(18 * 60, day) if day is not None and not clocks else clock.next_at(18 * 60), None, m)
    elif (m := search(words.weekend)):
        days_to_saturday = (5 - local.weekday()) % 7
        saturday = clock.on_day(0, days_to_saturday)
        end = min(clock.on_day(0, days_to_saturday + 2), now + timedelta(hours=clock.max_hours))
        if local.weekday() == 6:
            saturday, end = now, min(clock.on_day(24 * 60, 0), now + timedelta(hours=clock.max_hours))
        if saturday > now + timedelta(hours=clock.max_hours):
            r.beyond, r.beyond_span = saturday, m.span()
            used(m)
        else:
            period(end, saturday if saturday > now else None, m)
    elif (m := search(words.today_deadline)) and not clocks:
        period(clock.on_day(24 * 60, 0), None, m)

    # -- a day without a clock time: "on Saturday", "tomorrow" is that day; "by Friday" is asked --
    unclear_phrase = re.search(words.unclear_time, seg)
    settled_day = unclear_phrase is None or unclear_phrase.group("day") is not None or (
        day_word is not None and unclear_phrase.span() == (day_word.start() - 3, day_word.end())
    )
    if (day_word is not None and day is not None and not clocks and r.deadline is None
            and r.beyond is None and settled_day):
        by_day = re.search(rf"(?:{words.deadline})\s*(?:the |zum |den )?$", seg[: day_word.start()])
        if by_day is not None:
            r.unclear, r.unclear_span = day_word.group(0), day_word.span()
        else:
            r.deadline = clock.on_date(24 * 60, day)
            if clock.on_date(0, day) > now:
                r.earliest = r.earliest or clock.on_date(0, day)
        used(day_word)

    # -- open and urgent -------------------------------------------------------------------------
    for m in re.finditer(rf"(?<![\wäöüß])(?:{words.open_time})(?![\wäöüß])", seg):
        r.open_end = True  # every phrase of it is used: "whenever, no rush"
        used(m)
    if (m := search(words.asap)) and r.deadline is None:
        r.asap = True
        used(m)
    if not r.has_time() and r.ambiguous is None and r.unclear is None and not r.asap:
        m = re.search(words.unclear_time, seg)
        monday = clock.on_day(0, 7 - local.weekday())
        if m and m.groupdict().get("what") in ("next week", "nächste woche") and (
            monday > now + timedelta(hours=clock.max_hours)
        ):
            r.beyond, r.beyond_span = monday, m.span()  # "for next week": beyond the 72 h
            used(m)
        elif m:
            r.unclear, r.unclear_span = m.group(0), m.span()
            used(m)
    return r
