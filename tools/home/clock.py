"""The base model of the home file and its daily local clock rules (windows, quiet hours, bands).

Daily clock rules are local wall-clock times ``HH:MM`` in the home's time zone; ``24:00`` may end a
band, and a window whose end is before its start wraps past midnight.
"""

from __future__ import annotations

import itertools
import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

#: What a name or alias may contain: letters and digits of any script, spaces and ``- ' . & ( ) + /``.
#: Names reach the agents' prompts; quotes, semicolons, colons, commas, braces and line breaks
#: could break the device table there, so they are refused here.
LABEL_CHARACTERS = re.compile(r"[^\W_]|[ _\-'.&()+/]")
LABEL_ALLOWED = "letters, digits, spaces and - ' . & ( ) + / _"
MAX_LABEL_CHARS = 40


def check_label(text: str, max_chars: int = MAX_LABEL_CHARS, *, comma: bool = False) -> str:
    """``text`` stripped, if it is at most ``max_chars`` of :data:`LABEL_CHARACTERS`.

    ``comma`` also allows commas (the home's name: "Example home (Oakland, CA)"; a device name
    may not have one, as the device table lists names separated by commas). The empty string
    passes (a name that was not given).
    """
    text = text.strip()
    if len(text) > max_chars:
        raise ValueError(f"is {len(text)} characters long; at most {max_chars} are allowed")
    for char in text:
        if not (LABEL_CHARACTERS.fullmatch(char) or (comma and char == ",")):
            allowed = LABEL_ALLOWED + (" ," if comma else "")
            raise ValueError(f"contains {char!r}; a name may only contain {allowed}")
    return text


#: A device or home name: see :func:`check_label`.
Label = Annotated[str, AfterValidator(check_label)]


class Frozen(BaseModel):
    """Base of every home-file model: immutable, unknown fields and non-finite numbers refused."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


def parse_clock_minutes(text: str) -> int:
    """``"07:30"`` → 450 minutes after local midnight; ``"24:00"`` → 1440."""
    parts = text.strip().split(":")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise ValueError(f"must be a clock time HH:MM, got {text!r}")
    hours, minutes = int(parts[0]), int(parts[1])
    if minutes >= 60 or hours > 24 or (hours == 24 and minutes):
        raise ValueError(f"must be a clock time between 00:00 and 24:00, got {text!r}")
    return hours * 60 + minutes


ClockTime = Annotated[str, Field(pattern=r"^\d{1,2}:\d{2}$", description="Local clock time HH:MM.")]


class DailyWindow(Frozen):
    """A daily local-time interval ``[start, end)``; wraps past midnight when end ≤ start."""

    start: ClockTime = Field(description="Local start time HH:MM.")
    end: ClockTime = Field(description="Local end time HH:MM (24:00 allowed).")

    @model_validator(mode="after")
    def _check(self) -> DailyWindow:
        start, end = parse_clock_minutes(self.start), parse_clock_minutes(self.end)
        if start == 1440:
            raise ValueError("start must be before 24:00")
        if start == end:
            raise ValueError(f"start and end are both {self.start}: the window is empty")
        return self

    @property
    def start_minute(self) -> int:
        return parse_clock_minutes(self.start)

    @property
    def end_minute(self) -> int:
        return parse_clock_minutes(self.end)

    def minute_ranges(self) -> list[tuple[int, int]]:
        """The window as non-wrapping ``[lo, hi)`` minute ranges within one day."""
        lo, hi = self.start_minute, self.end_minute
        return [(lo, hi)] if lo < hi else [(lo, 1440), (0, hi)]

    def contains_minute(self, minute: int) -> bool:
        return any(lo <= minute < hi for lo, hi in self.minute_ranges())

    def __str__(self) -> str:
        return f"{self.start}–{self.end}"


def check_no_overlap(windows: tuple[DailyWindow, ...], what: str) -> None:
    ranges = sorted(r for w in windows for r in w.minute_ranges())
    for (lo_a, hi_a), (lo_b, _) in itertools.pairwise(ranges):
        if lo_b < hi_a:
            raise ValueError(f"{what} overlap around {lo_b // 60:02d}:{lo_b % 60:02d}; merge them")
        del lo_a
