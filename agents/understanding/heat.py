"""Heat in homeowner text, English and German: temperatures, comfort bands, hot-water use and
operation modes.

:func:`read_heat` reads one normalised clause (number words already digits) and returns what it
says about heat, with the character spans it used (so the reader's coverage check can tell
which numbers were read). It knows no devices: "hot water by 7" becomes a water-tank request
because the reader binds the clause to the device the homeowner named ("hot water", "boiler",
"the living room"), and this module adds the temperature, band, litres or mode.

Defaults are never silent: a bath without litres reads as 150 l and a shower as 50 l, and the
reading says so (``draw_default``), so the reply can show "bath (150 l, the usual)".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Language = Literal["en", "de"]

BATH_LITRES = 150.0
"""Hot water of a bath at 40 °C [l] (a full tub of 150–180 l)."""
SHOWER_LITRES = 50.0
"""Hot water of one shower at 40 °C [l] (6 min at about 8 l/min)."""

_NUM = r"(?P<{name}>\d+(?:[.,]\d+)?)"
_DEGREES = {
    "en": r"\s*(?:°\s*c\b|°|degrees?(?:\s+c(?:elsius)?)?\b|celsius\b)",
    "de": r"\s*(?:°\s*c\b|°|grad(?:\s+celsius)?\b)",
}
_BETWEEN = {
    "en": r"\bbetween\s+{a}{deg}?\s+and\s+{b}{deg}?",
    "de": r"\bzwischen\s+{a}{deg}?\s+und\s+{b}{deg}?",
}
_AT_LEAST = {
    "en": r"\b(?:at least|not below|no colder than|above|min(?:imum)?)\s+{n}{deg}?",
    "de": r"\b(?:mindestens|nicht unter|über|nicht kälter als)\s+{n}{deg}?",
}
_AT_MOST = {
    "en": r"\b(?:at most|not above|no warmer than|below|max(?:imum)?)\s+{n}{deg}?",
    "de": r"\b(?:höchstens|nicht über|unter|nicht wärmer als)\s+{n}{deg}?",
}
_LITRES = {"en": r"{n}\s*(?:l|litres?|liters?)\b", "de": r"{n}\s*(?:l|liter)\b"}
_BATH = {"en": r"\b(?:a )?bath\b", "de": r"\b(?:ein )?(?:bad|baden|vollbad|badewanne)\b"}
_SHOWERS = {
    "en": r"\b(?:(?P<count>\d+)\s+)?showers?\b",
    "de": r"\b(?:(?P<count>\d+)\s+)?(?:duschen|dusche|duschgänge)\b",
}
_MODES: dict[str, dict[str, str]] = {
    "en": {
        "away": r"\b(?:we(?:'re| are| will be| ll be)?\s+(?:away|on holiday|on vacation|out)|"
        r"away mode|nobody(?:'s| is| will be) (?:home|in)|(?:going )?on holiday|on vacation|"
        r"holiday mode)\b",
        "eco": r"\b(?:eco(?: mode)?|economy mode|save energy|energy saving mode)\b",
        "comfort": r"\b(?:comfort mode|back to comfort|we(?:'re| are) back|back home)\b",
    },
    "de": {
        "away": r"\b(?:wir sind (?:\S+ ){0,4}(?:weg|verreist|im urlaub|nicht (?:da|zu hause))|"
        r"abwesenheitsmodus|urlaubsmodus|niemand (?:ist )?(?:da|zu hause)|im urlaub)\b",
        "eco": r"\b(?:eco(?:-?modus)?|sparmodus|energiesparmodus|energie sparen)\b",
        "comfort": r"\b(?:komfort(?:-?modus)?|wir sind (?:wieder )?zurück|wieder zu hause)\b",
    },
}

Span = tuple[int, int]


@dataclass
class HeatReading:
    """What one clause says about heat (``None``: not said) and the spans it used."""

    target_temp_c: float | None = None
    min_temp_c: float | None = None
    max_temp_c: float | None = None
    draw_litres: float | None = None
    draw_default: str | None = None  # "bath" or "shower" when the litres are the usual amount
    mode: str | None = None
    used: list[Span] = field(default_factory=list)

    def any(self) -> bool:
        return any(
            v is not None
            for v in (
                self.target_temp_c,
                self.min_temp_c,
                self.max_temp_c,
                self.draw_litres,
                self.mode,
            )
        )


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def _free(span: Span, used: list[Span]) -> bool:
    return not any(s < span[1] and span[0] < e for s, e in used)


def read_heat(seg: str, lang: Language) -> HeatReading:
    """The heat facts of one normalised, lower-case clause in ``lang``."""
    reading = HeatReading()
    deg = _DEGREES[lang]
    band = re.search(
        _BETWEEN[lang].format(a=_NUM.format(name="a"), b=_NUM.format(name="b"), deg=deg), seg
    )
    if band:
        low, high = sorted((_number(band.group("a")), _number(band.group("b"))))
        reading.min_temp_c, reading.max_temp_c = low, high
        reading.used.append(band.span())
    for table, name in ((_AT_LEAST, "min_temp_c"), (_AT_MOST, "max_temp_c")):
        match = re.search(table[lang].format(n=_NUM.format(name="n"), deg=deg), seg)
        if match and _free(match.span(), reading.used) and re.search(deg, match.group(0)):
            setattr(reading, name, _number(match.group("n")))
            reading.used.append(match.span())
    for match in re.finditer(_NUM.format(name="n") + deg, seg):
        if _free(match.span(), reading.used) and reading.target_temp_c is None:
            reading.target_temp_c = _number(match.group("n"))
            reading.used.append(match.span())
    litres = re.search(_LITRES[lang].format(n=_NUM.format(name="n")), seg)
    if litres:
        reading.draw_litres = _number(litres.group("n"))
        reading.used.append(litres.span())
    bath = re.search(_BATH[lang], seg)
    showers = re.search(_SHOWERS[lang], seg)
    if bath:
        reading.used.append(bath.span())
        if reading.draw_litres is None:
            reading.draw_litres, reading.draw_default = BATH_LITRES, "bath"
    elif showers:
        reading.used.append(showers.span())
        if reading.draw_litres is None:
            count = int(showers.group("count") or 1)
            reading.draw_litres, reading.draw_default = SHOWER_LITRES * count, "shower"
    for mode, pattern in _MODES[lang].items():
        match = re.search(pattern, seg)
        if match:
            reading.mode = mode
            reading.used.append(match.span())
            break
    return reading
