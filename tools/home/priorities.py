"""Device priorities: what a demand-response event may shift or shed first.

``critical`` is never shed (the base load is always critical); ``low`` goes first. Shifting in
time is always tried before shedding, because shifting costs nothing but money.
"""

from __future__ import annotations

from typing import Literal

Priority = Literal["critical", "high", "medium", "low"]

SHED_WEIGHT: dict[str, float] = {"low": 1.0, "medium": 100.0, "high": 10_000.0}
"""Relative penalty of shedding one kWh-equivalent by priority: each level weighs a hundred times
the one below, so a lower-priority load is always shed before a higher one."""

PRIORITY_ORDER: tuple[Priority, ...] = ("low", "medium", "high", "critical")
"""Priorities in the order a demand-response event sheds them."""
