"""Standing orders in homeowner text, English and German: a request that repeats ("every weekday
the car at 80% by 07:00", "jeden Abend die Spülmaschine bis 7 Uhr") and changes to the standing
orders in words ("not this week, we're away", "resume the standing orders", "cancel the standing
order for the dishwasher", "which standing orders are there?").

:func:`read_standing_change` finds a change (pause, resume, cancel, list); :func:`read_repeat`
finds the days a request repeats on, and the span of the words saying so, which the reader blanks
before it reads the request (so "every evening" is not read as tonight's deadline).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

Span = tuple[int, int]

#: On which days a request repeats: the first matching row wins.
_DAYS: tuple[tuple[str, str], ...] = (
    ("weekdays", r"\b(?:every|each) (?:week ?day|work ?day)s?\b|\bon weekdays\b|\bweekdays\b|"
     r"\bjeden werktag\b|\bwerktags\b|\bmontags? bis freitags?\b"),
    ("weekends", r"\b(?:every|each) weekend(?: day)?\b|\b(?:on|at) weekends\b|"
     r"\bjedes wochenende\b|\ban wochenenden\b"),
    ("daily", r"\b(?:every|each) (?:day|morning|evening|night)\b|\bdaily\b|"
     r"\bjeden (?:tag|morgen|abend)\b|\bjede nacht\b|\btäglich\b"),
)

#: "every evening" / "jeden Abend" opens each day's window at this local time (the day before
#: the deadline when the deadline is earlier: "every evening by 7am" = 18:00 to 07:00).
_EARLIEST: tuple[tuple[str, str], ...] = (
    (r"\b(?:every|each) evening\b|\bjeden abend\b", "18:00"),
    (r"\b(?:every|each) night\b|\bjede nacht\b", "22:00"),
)

#: Changing the standing orders in words: (action, pattern), tried in order.
_ACTIONS: tuple[tuple[str, str], ...] = (
    ("pause", r"\bnot this week\b|\bpause (?:the |all |my )?(?:standing|daily|regular)\b|"
     r"\bdiese woche nicht\b|\bdaueraufträge? (?:pausieren|aussetzen)\b"),
    ("resume", r"\bresume (?:the |all |my )?(?:standing|daily|regular)\b|"
     r"\bdaueraufträge? (?:fortsetzen|wieder aufnehmen)\b"),
    ("cancel", r"\b(?:cancel|stop|delete|end|remove) (?:the |my |all )?standing orders?\b|"
     r"\bno longer every\b|\bnicht mehr jeden\b|\bdauerauftrag (?:löschen|beenden|streichen)\b"),
    ("list", r"\bstanding orders?\b|\bwhat (?:runs|happens) every day\b|\bdaueraufträge?\b"),
)

#: Being away pauses the standing orders when no heat device takes an away mode instead.
_AWAY = r"\bwe are (?:away|on holiday|on vacation)\b|\bwir sind (?:diese woche )?(?:weg|verreist)\b"
_BACK = r"\bwe are back\b|\bwir sind (?:wieder )?zurück\b"

#: A pause about this week lasts up to and including Sunday.
_THIS_WEEK = r"\bthis week\b|\bdiese woche\b|\bwe are away\b|\bwir sind (?:diese woche )?(?:weg|verreist)\b"


@dataclass(frozen=True)
class StandingChange:
    """A change to the standing orders said in words."""

    action: str  # pause | resume | cancel | list
    this_week: bool
    span: Span


@dataclass(frozen=True)
class Repeat:
    """The days a request repeats on, the window's opening time if a word gives one, and the
    span of the words saying so."""

    days: str  # daily | weekdays | weekends
    earliest: str | None  # local "HH:MM"
    span: Span


def read_standing_change(t: str, *, away_is_pause: bool = True) -> StandingChange | None:
    """A change to the standing orders in normalised text ``t``, or ``None``.

    ``away_is_pause``: "we're away" / "we're back" pause / resume them (a home without heat
    devices; with them, being away is the heat's away mode).
    """
    rows = list(_ACTIONS)
    if away_is_pause:
        rows = [("pause", _AWAY), ("resume", _BACK), *rows]
    for action, pattern in rows:
        match = re.search(pattern, t)
        if match is not None:
            this_week = action == "pause" and bool(re.search(_THIS_WEEK, t))
            return StandingChange(action=action, this_week=this_week, span=match.span())
    return None


def read_repeat(t: str) -> Repeat | None:
    """The days a request in normalised text ``t`` repeats on, or ``None``."""
    for days, pattern in _DAYS:
        match = re.search(pattern, t)
        if match is not None:
            earliest = next((clock for p, clock in _EARLIEST if re.search(p, t)), None)
            return Repeat(days=days, earliest=earliest, span=match.span())
    return None
