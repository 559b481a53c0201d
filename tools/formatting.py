"""One rounding rule for every figure Hearth shows: text, tables, chart labels and the agents' view.

Each kind of quantity has one precision, and a figure is rounded once, from its full-precision
value, half away from zero (``Decimal``; never float round-half-even, never a rounded value
rounded again) — so one quantity is never shown two ways (14.8 here, 14.9 there):

=============  ===========  ==================
quantity       decimals     shown as
=============  ===========  ==================
money          2            ``1.23 EUR``
energy         1            ``14.8 kWh``
power          1            ``3.5 kW``
price          4            ``0.2370 EUR/kWh``
percentage     1, ".0" cut  ``59.7%``, ``80%``
=============  ===========  ==================

The ``round_*`` functions give the rounded number (for views that agents quote and for JSON
tables), the others the text. :func:`apportion` rounds the rows of a table so that they add up to
the rounded total exactly (largest remainder).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

MONEY_DECIMALS = 2
ENERGY_DECIMALS = 1
POWER_DECIMALS = 1
PRICE_DECIMALS = 4
PERCENT_DECIMALS = 1


def _round(value: float, decimals: int) -> float:
    """``value`` rounded half away from zero to ``decimals`` places (no negative zero)."""
    quantum = Decimal(1).scaleb(-decimals)
    rounded = float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))
    return rounded + 0.0


def round_money(value: float) -> float:
    """Money [currency] to 2 decimals."""
    return _round(value, MONEY_DECIMALS)


def round_energy(value: float) -> float:
    """Energy [kWh] to 1 decimal."""
    return _round(value, ENERGY_DECIMALS)


def round_power(value: float) -> float:
    """Power [kW] to 1 decimal."""
    return _round(value, POWER_DECIMALS)


def round_price(value: float) -> float:
    """Price [currency/kWh] to 4 decimals."""
    return _round(value, PRICE_DECIMALS)


def round_pct(value: float) -> float:
    """Percentage [%] to 1 decimal."""
    return _round(value, PERCENT_DECIMALS)


def money(value: float, currency: str) -> str:
    """``1.2345, "EUR"`` → ``"1.23 EUR"``; ``-0.004`` → ``"0.00 EUR"``."""
    return f"{round_money(value):.{MONEY_DECIMALS}f} {currency}"


def energy(value: float) -> str:
    """``14.849`` → ``"14.8 kWh"``."""
    return f"{round_energy(value):.{ENERGY_DECIMALS}f} kWh"


def power(value: float) -> str:
    """``3.46`` → ``"3.5 kW"``."""
    return f"{round_power(value):.{POWER_DECIMALS}f} kW"


def price(value: float, currency: str) -> str:
    """``0.237`` → ``"0.2370 EUR/kWh"``."""
    return f"{round_price(value):.{PRICE_DECIMALS}f} {currency}/kWh"


def pct(value: float) -> str:
    """``59.66`` → ``"59.7%"``; ``80.0`` → ``"80%"``."""
    text = f"{round_pct(value):.{PERCENT_DECIMALS}f}"
    return (text[:-2] if text.endswith(".0") else text) + "%"


def share_of(part: float, whole: float) -> float | None:
    """``part / whole`` in % (rounded as a percentage), or ``None`` when ``whole`` is not
    positive (a share of nothing, or of a credit, says nothing)."""
    if whole <= 0:
        return None
    return round_pct(100.0 * part / whole)


def apportion(values: Sequence[float], decimals: int = MONEY_DECIMALS) -> list[float]:
    """``values`` rounded to ``decimals`` so that they add up to their rounded sum exactly.

    Each value is truncated towards minus infinity to the quantum; the units of the quantum
    still missing from the rounded total go, one each, to the values with the largest
    remainders (the largest-remainder method; ties to the earlier row).
    """
    quantum = Decimal(1).scaleb(-decimals)
    exact = [Decimal(repr(float(v))) for v in values]
    total = sum(exact, Decimal(0)).quantize(quantum, rounding=ROUND_HALF_UP)
    floors = [(v / quantum).to_integral_value(rounding="ROUND_FLOOR") for v in exact]
    missing = int((total / quantum) - sum(floors, Decimal(0)))
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] / quantum - floors[i]), i))
    units = list(floors)
    for i in order[:missing]:
        units[i] += 1
    return [float(u * quantum) + 0.0 for u in units]
