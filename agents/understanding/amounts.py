"""Amounts in one clause: a charge level, energy, "full", "half full", a distance, a power.

Numbers arrive as digits (:mod:`text_to_num` turned "fifteen kilowatt hours" into
"15 kilowatt hours"). The conventions: "full" is the device's charge limit, "half full" 50%,
"enough for N km" N × the car's consumption per 100 km / 100 (asked when the home file has no
consumption), a vague amount ("a bit") is asked, "don't charge above 80%" is a target of 80%,
"not full" is no amount (and not a cancel).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agents.understanding.language import Words

Span = tuple[int, int]
#: One mile [km].
MILE_KM = 1.609344


@dataclass
class AmountReading:
    target_soc_pct: float | None = None
    energy_kwh: float | None = None
    charge_full: bool = False
    distance_km: float | None = None
    vague: str | None = None
    vague_span: Span | None = None
    power_kw: float | None = None
    floor_pct: float | None = None
    drain_quote: str | None = None  # "empty …": the words that asked for 0 %
    no_ev_discharge: bool = False
    used: list[Span] = field(default_factory=list)

    def has_amount(self) -> bool:
        return self.target_soc_pct is not None or self.energy_kwh is not None or self.charge_full


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def read_amounts(seg: str, words: Words, kind: str | None = None) -> AmountReading:
    """The amount facts of one normalised clause for a device of ``kind`` (``None``: not known).

    An appliance takes no charge level: "a full load", "half" and "to 80" are not amounts for it
    (a stated "80%" still is, and is asked about as a fact the reading cannot use).
    """
    a = AmountReading()
    chargeable = kind != "appliance_run"

    def search(pattern: str) -> re.Match[str] | None:
        return re.search(rf"(?<![\wäöüß])(?:{pattern})(?![\wäöüß])", seg)

    if (m := search(words.no_ev_discharge)):
        a.no_ev_discharge = True
        a.used.append(m.span())
    if (m := re.search(words.floor, seg)):
        a.floor_pct = _number(m.group("n"))
        a.used.append(m.span())
    for m in re.finditer(words.at_most, seg):
        value = _number(m.group("n"))
        if m.group("unit") is None and value <= 24:
            continue  # "not past 9" is a clock time; "not past 90" a level
        a.target_soc_pct = value
        a.used.append(m.span())
        break
    negated_full = search(words.not_full)
    if negated_full is not None:
        a.used.append(negated_full.span())
    if (m := re.search(words.distance, seg)):
        # any distance in a charging request: "enough for 100 km", "I drive 150 km", "60 miles"
        miles = m.group("unit").startswith(("mi", "meile"))
        a.distance_km = round(_number(m.group("n")) * (MILE_KM if miles else 1.0), 1)
        a.used.append(m.span())
    for m in re.finditer(words.energy, seg):
        if a.energy_kwh is None:
            a.energy_kwh = _number(m.group("n"))
        a.used.append(m.span())
        add = re.search(rf"(?:{words.add_energy})\s*$", seg[: m.start()])
        if add:
            a.used.append(add.span())
        more = re.match(rf"\s*(?:{words.add_energy})\b", seg[m.end():])
        if more:
            a.used.append((m.end(), m.end() + more.end()))
    for m in re.finditer(words.power, seg):
        a.power_kw = _number(m.group("n"))
        a.used.append(m.span())
    for m in re.finditer(words.percent, seg):
        if any(s <= m.start() < e for s, e in a.used):
            continue
        value = _number(m.group("n"))
        if a.target_soc_pct is None and a.floor_pct is None:
            a.target_soc_pct = value
        a.used.append(m.span())
    if chargeable and a.target_soc_pct is None and a.floor_pct is None and (m := search(words.to_level)):
        value = _number(m.group("n"))
        if 24 < value <= 100:  # "to 80" is a level; "to 23" may be a clock time
            a.target_soc_pct = value
            a.used.append(m.span())
    fraction = search(r"three quarters(?: full)?|3 quarters(?: full)?|dreiviertel(?: voll)?(?! ?\d)|"
                      r"a quarter full|quarter full|viertel voll")  # "dreiviertel 8" is 07:45
    if chargeable and a.target_soc_pct is None and a.energy_kwh is None and fraction is not None:
        a.target_soc_pct = 25.0 if fraction.group(0).endswith(("quarter full", "viertel voll")) and not \
            fraction.group(0).startswith(("three", "3", "drei")) else 75.0
        a.used.append(fraction.span())
    if chargeable and a.target_soc_pct is None and a.energy_kwh is None and (m := search(words.half)):
        a.target_soc_pct = 50.0
        a.used.append(m.span())
        after = re.match(r"\s*(?:full|voll|charged|geladen)\b", seg[m.end():])
        if after:
            a.used.append((m.end(), m.end() + after.end()))
    drained = search(words.drain) if chargeable and a.target_soc_pct is None and a.energy_kwh is None else None
    if drained is not None and not any(s <= drained.start() < e for s, e in a.used):
        a.target_soc_pct = 0.0  # "empty the battery (completely)": answered with its floor
        a.drain_quote = drained.group(0)
        a.used.append(drained.span())
        if (m := search(words.full)):
            a.used.append(m.span())
    if chargeable and (m := search(words.full)) and a.target_soc_pct is None and a.energy_kwh is None and not (
        negated_full is not None and negated_full.start() <= m.start() < negated_full.end()
    ):
        a.charge_full = True
        a.used.append(m.span())
    if not a.has_amount() and a.distance_km is None and (m := search(words.vague_amount)):
        a.vague, a.vague_span = m.group(0), m.span()
        a.used.append(m.span())
    return a
