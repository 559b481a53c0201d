"""The bounds of planning inputs, in one light module (standard library only).

The command line checks flags against these before it loads the planning core, and the core
checks the same values again at its own boundary (:class:`tools.timeaxis.TimeAxis`).
"""

from __future__ import annotations

#: Step lengths the time axis supports [min].
ALLOWED_STEP_MINUTES: tuple[int, ...] = (5, 15, 30, 60)
#: Longest planning horizon [h].
MAX_HORIZON_HOURS = 72
#: Years a planning time may fall in. Arithmetic on the horizon (72 h) and on a day of prices
#: stays far from ``datetime``'s limits (years 1 and 9999), so no ``OverflowError`` can happen.
MIN_YEAR = 1900
MAX_YEAR = 2200
