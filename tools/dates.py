"""Reading timestamps at the boundary: ISO 8601 with a UTC offset, within a sane range of years.

This module imports only the standard library, so a command line can check a ``--now`` flag
before it loads the planning core. :mod:`tools.timeaxis` re-exports both functions.
"""

from __future__ import annotations

from datetime import datetime

from tools.errors import InputError
from tools.limits import MAX_YEAR, MIN_YEAR

#: Longest text accepted as a timestamp [characters]; ISO 8601 with microseconds and an offset
#: needs 32.
MAX_TIMESTAMP_CHARS = 64


def require_aware(value: datetime, field: str, *, echo: bool = True) -> datetime:
    """Return ``value`` if it carries a UTC offset and lies in years 1900–2200.

    ``echo=False`` keeps the value out of the message (a time read from a file).

    Raises
    ------
    InputError
        Naming ``field``, for a naive time or a year outside the range.
    """
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        if not echo:
            raise InputError(field, "has no UTC offset (write e.g. 2026-11-24T18:00:00+01:00)")
        raise InputError(
            field,
            f"needs a UTC offset or time zone (e.g. {value.isoformat()}+01:00), "
            f"got the naive time {value.isoformat()}",
        )
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        if not echo:
            raise InputError(field, f"is out of range (years {MIN_YEAR} to {MAX_YEAR})")
        raise InputError(
            field, f"year {value.year} is out of range: give a time between {MIN_YEAR} and {MAX_YEAR}"
        )
    return value


def parse_aware_datetime(text: str, field: str, *, echo: bool = True) -> datetime:
    """Parse an ISO 8601 timestamp that must carry an offset (years 1900–2200).

    Parameters
    ----------
    text:
        The timestamp, e.g. ``2026-11-24T18:00:00+01:00``.
    field:
        Name of the flag or field, for the error message.
    echo:
        Whether the error may quote ``text`` (``False`` for text read from a file, whose
        content is never shown).

    Raises
    ------
    InputError
        Empty, too long, not ISO 8601, naive, or out of range.
    """
    stripped = text.strip()
    if not stripped:
        raise InputError(field, "is empty: give an ISO 8601 time such as 2026-11-24T18:00:00+01:00")
    if len(stripped) > MAX_TIMESTAMP_CHARS:
        raise InputError(field, f"is {len(stripped)} characters long; an ISO 8601 time has at most 32")
    try:
        value = datetime.fromisoformat(stripped)
    except ValueError:
        shown = f": {stripped!r}" if echo else ""
        raise InputError(
            field, f"is not an ISO 8601 time such as 2026-11-24T18:00:00+01:00{shown}"
        ) from None
    return require_aware(value, field, echo=echo)
