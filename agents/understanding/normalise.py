"""Homeowner text → normalised text (lower case, digits for number words), and back for quotes.

Numbers written as words ("half past six", "fifteen kilowatt hours", "halb sieben",
"fünfzehn Kilowattstunden") become digits with :func:`text_to_num.alpha2digit`, the maintained
parser of number words for English and German (and other languages). The reader then only
deals with digits. :class:`Normalised` keeps a token alignment with the original text, so a
question can quote the homeowner's own words ("seven", not "7").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from text_to_num import alpha2digit

from agents.understanding.language import Language

_BEFORE_NUMBERS: tuple[tuple[str, str], ...] = (
    (r"[’‘`´]", "'"),
    (r"[–—−]", "-"),
    (r"[“”„]", '"'),
    (r"\bwhat's\b", "what is"),
    (r"\bwhen's\b", "when is"),
    (r"\bhow's\b", "how is"),
    (r"\bit's\b", "it is"),
    (r"\bthat's\b", "that is"),
    (r"\bi'm\b", "i am"),
    (r"\bwe're\b", "we are"),
    (r"\blet's\b", "let us"),
    (r"\bdon'?t\b", "do not"),
    (r"\bdoesn'?t\b", "does not"),
    (r"\bwon'?t\b", "will not"),
    (r"\bcan'?t\b", "cannot"),
    (r"\bisn'?t\b", "is not"),
    (r"\bshouldn'?t\b", "should not"),
    (r"\bi'll\b", "i will"),
    (r"\bi'd\b", "i would"),
    (r"(\w)'s\b", r"\1"),
    (r"\ba\.m\.", "am"),
    (r"\bp\.m\.", "pm"),
    (r"(?<=\w )a m\b", "am"),  # "seven a m"
    (r"(?<=\w )p m\b", "pm"),
    (r"\b(?:tonite|2nite|tonigt)\b", "tonight"),
    (r"\b(?:tmrw|tmr|tomorow|tommorow|tommorrow|2morrow)\b", "tomorrow"),
    (r"\bo'?clock\b", ""),
    (r"\bhalf an hour\b", "30 minutes"),
    (r"\beine halbe stunde\b", "30 minuten"),
    (r"\beiner halben stunde\b", "30 minuten"),
    (r"\banderthalb\b", "1.5"),
    (r"\s+", " "),
)

_AFTER_NUMBERS: tuple[tuple[str, str], ...] = (
    (r"(\d),(\d)", r"\1.\2"),  # decimal comma
    (r"(\d)\s*(am|pm)\b", r"\1 \2"),
    (r"(\d)(kwh|kw|km|h|uhr)\b", r"\1 \2"),
    (r"\bone\b", "1"),
    (r"\s+", " "),
)


@dataclass
class Normalised:
    """The normalised text and a way back to the homeowner's words."""

    original: str
    text: str
    lang: Language
    _orig_tokens: list[tuple[int, int]] = field(default_factory=list, repr=False)
    _norm_tokens: list[tuple[int, int]] = field(default_factory=list, repr=False)
    _map: list[tuple[int, int, int, int]] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._orig_tokens = [m.span() for m in re.finditer(r"\S+", self.original)]
        self._norm_tokens = [m.span() for m in re.finditer(r"\S+", self.text)]
        a = [_plain(self.original[s:e]) for s, e in self._orig_tokens]
        b = [_plain(self.text[s:e]) for s, e in self._norm_tokens]
        matcher = SequenceMatcher(a=b, b=a, autojunk=False)
        self._map = [(i1, i2, j1, j2) for _, i1, i2, j1, j2 in matcher.get_opcodes()]

    def quote(self, start: int, end: int) -> str:
        """The homeowner's words behind ``text[start:end]`` (whole tokens, punctuation trimmed)."""
        tokens = [i for i, (s, e) in enumerate(self._norm_tokens) if s < end and start < e]
        if not tokens:
            return self.text[start:end].strip()
        first, last = tokens[0], tokens[-1]
        lo = hi = None
        for i1, i2, j1, j2 in self._map:
            if i1 <= first < max(i2, i1 + 1) and j2 > j1:
                lo = j1 + min(first - i1, j2 - j1 - 1) if i2 - i1 == j2 - j1 else j1
            if i1 <= last < max(i2, i1 + 1) and j2 > j1:
                hi = j1 + min(last - i1, j2 - j1 - 1) if i2 - i1 == j2 - j1 else j2 - 1
        if lo is None or hi is None or hi < lo:
            return self.text[start:end].strip()
        s, e = self._orig_tokens[lo][0], self._orig_tokens[hi][1]
        return self.original[s:e].strip(" ,.;:!?\"'")


def _plain(token: str) -> str:
    return re.sub(r"[^\w%:.]", "", token.lower())


def normalise(text: str, lang: Language) -> Normalised:
    """Lower case, plain punctuation, contractions expanded, number words as digits."""
    out = text.strip().lower()
    for pattern, replacement in _BEFORE_NUMBERS:
        out = re.sub(pattern, replacement, out)
    out = alpha2digit(out, lang, threshold=0)
    out = out.lower()
    for pattern, replacement in _AFTER_NUMBERS:
        out = re.sub(pattern, replacement, out)
    if lang == "en":  # British "half six" = half past six
        out = re.sub(r"\bhalf (\d{1,2})\b(?! ?(?:%|percent|kwh|kw|km|hours?|h\b|minutes?))", r"half past \1", out)
    return Normalised(original=text.strip(), text=out.strip(), lang=lang)
