"""The home's devices as the reader knows them, and finding them in a message.

A :class:`Vocabulary` holds each device's id, kind, names and the facts of the home file that
change a reading (charger power, charge limits, the usual target, consumption, battery floors,
quiet hours, allowed windows). It is built from the coordinator prompt's device table
(:func:`Vocabulary.from_prompt`, what the offline model reads) or from the home itself
(:func:`Vocabulary.from_home`, what the tools check with): the same facts either way.

Device names are found with :mod:`rapidfuzz` (typos and compounds: "dishwaser" and
"dish washer" are the dishwasher), German words through :data:`~agents.understanding.language.
DEVICE_WORDS`. A name of the home wins over a generic word ("car"); when two devices are about
equally close, the mention is ambiguous and the reader asks which.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from agents.understanding.language import DEVICE_WORDS, GENERIC_KINDS

#: A token n-gram matches a name when their similarity (rapidfuzz ratio, 0–100) reaches this.
FUZZY_MIN_SCORE = 86.0
#: Two devices whose best scores differ by less than this are "about equally close".
AMBIGUOUS_MARGIN = 4.0
#: Words shorter than this match names exactly only (no typo tolerance).
FUZZY_MIN_LENGTH = 5

_STOP = frozenset({
    "the", "my", "our", "a", "an", "it", "is", "to", "by", "at", "and", "or", "of", "on", "in",
    "for", "with", "then", "die", "der", "das", "den", "dem", "ein", "eine", "und", "mein",
    "meine", "bis", "um", "auf", "vor", "nach", "ab", "mit", "home", "house", "family", "main",
    "machine", "new", "old", "big", "small", "electric",
})


#: Device words that are verbs too: before another device they name none ("wash the dishes").
_VERBS = frozenset({"wash", "dry", "tumble dry", "waschen", "trocknen", "spülen"})
#: Words before a generic device word that mean another one than the home's ("my second car").
_OTHER = frozenset({"2nd", "second", "other", "another", "3rd", "third", "new", "zweite", "zweiten",
                    "zweites", "anderen", "andere", "neuen", "neue"})


@dataclass(frozen=True)
class DeviceInfo:
    """One device: id, request kind, names, ``after`` dependencies and home-file facts."""

    id: str
    kind: str  # ev_charge | appliance_run | battery_target
    names: tuple[str, ...]
    after: tuple[str, ...] = ()
    facts: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.names[0] if self.names else self.id.replace("_", " ")

    def number(self, key: str) -> float | None:
        value = self.facts.get(key)
        try:
            return float(value) if value is not None else None
        except ValueError:
            return None

    def windows(self, key: str) -> list[tuple[int, int]]:
        """Daily windows ``HH:MM-HH:MM`` of a fact as (start, end) minutes of the day."""
        out = []
        for part in (self.facts.get(key) or "").split("+"):
            m = re.fullmatch(r"\s*(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})\s*", part)
            if m:
                a, b, c, d = (int(x) for x in m.groups())
                out.append((a * 60 + b, c * 60 + d))
        return out


@dataclass(frozen=True)
class Vocabulary:
    """The devices of a home, and whether it has CO2 data."""

    devices: tuple[DeviceInfo, ...]
    has_co2: bool = False
    max_horizon_hours: float = 72.0

    def get(self, device_id: str) -> DeviceInfo | None:
        return next((d for d in self.devices if d.id == device_id), None)

    def of_kind(self, kind: str) -> list[str]:
        return [d.id for d in self.devices if d.kind == kind]

    @classmethod
    def from_prompt(cls, prompt: str) -> Vocabulary:
        """Read the device table of a filled coordinator prompt (see :mod:`agents.prompts`)."""
        from agents.prompts import parse_devices

        devices = tuple(
            DeviceInfo(e.id, e.kind, e.names, e.after, dict(e.facts)) for e in parse_devices(prompt)
        )
        has_co2 = bool(re.search(r"^CO2 data: yes", prompt, re.MULTILINE))
        return cls(devices=devices, has_co2=has_co2)

    @classmethod
    def from_home(cls, home: object) -> Vocabulary:
        """The same vocabulary straight from a :class:`tools.home.Home`."""
        from agents.prompts import device_entries

        devices = tuple(
            DeviceInfo(e.id, e.kind, e.names, e.after, dict(e.facts)) for e in device_entries(home)  # type: ignore[arg-type]
        )
        return cls(devices=devices, has_co2=getattr(getattr(home, "tariff", None), "co2", None) is not None)


@dataclass(frozen=True)
class Mention:
    """A device named in the normalised text: ``device`` or, when ambiguous, ``candidates``."""

    start: int
    end: int
    device: str | None
    candidates: tuple[str, ...] = ()
    unknown: str | None = None
    generic: bool = False


_ASCII = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def _key(text: str) -> str:
    """A name to compare: lower case, letters and digits only, umlauts spelled out ("ue")."""
    return re.sub(r"[^a-z0-9]", "", text.lower().translate(_ASCII))


#: :data:`DEVICE_WORDS` by key, so "Spuelmaschine" finds "spülmaschine".
_WORD_KEYS: dict[str, tuple[str, ...]] = {_key(word): english for word, english in DEVICE_WORDS.items()}


def _translate(phrase: str) -> tuple[str, ...]:
    """The English words a home file would use for a German or generic device word.

    Exact first; then, for words long enough, the closest word of :data:`DEVICE_WORDS` by
    rapidfuzz ratio ("Waschmaschiene" → "waschmaschine"), when it is close enough.
    """
    key = _key(phrase)
    if key in _WORD_KEYS:
        return _WORD_KEYS[key]
    if len(key) < FUZZY_MIN_LENGTH + 3:
        return ()
    best = max(_WORD_KEYS, key=lambda word: fuzz.ratio(key, word))
    return _WORD_KEYS[best] if fuzz.ratio(key, best) >= FUZZY_MIN_SCORE else ()


def _tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in re.finditer(r"[a-zäöüß0-9][a-zäöüß0-9\-]*", text)]


def find_devices(text: str, vocab: Vocabulary) -> list[Mention]:
    """Device mentions in normalised ``text``, longest names first, in text order."""
    names: list[tuple[str, str]] = []  # (key without spaces, device id)
    for device in vocab.devices:
        for name in (*device.names, device.id.replace("_", " ")):
            if _key(name):
                names.append((_key(name), device.id))
    exact = {key for key, _ in names}
    tokens = _tokens(text)
    taken: list[tuple[int, int]] = []
    found: list[Mention] = []

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    for size in (3, 2, 1):
        for i in range(len(tokens) - size + 1):
            start, end = tokens[i][0], tokens[i + size - 1][1]
            if not free(start, end):
                continue
            words = [t[2] for t in tokens[i:i + size]]
            phrase = " ".join(words)
            if (words[0] in _STOP or words[-1] in _STOP) and _key(phrase) not in exact:
                continue  # "the", "machine" … only inside a name of the home ("washing machine")
            translated = _translate(phrase)
            keys = [_key(phrase)] if len(_key(phrase)) >= FUZZY_MIN_LENGTH or not translated else []
            keys += [_key(w) for w in translated]
            scores: dict[str, float] = {}
            for key in keys:
                for name_key, device_id in names:
                    if len(key) < FUZZY_MIN_LENGTH or len(name_key) < FUZZY_MIN_LENGTH:
                        score = 100.0 if key == name_key else 0.0
                    else:  # one swap of neighbours is one typo ("modle 3" for "model 3")
                        score = max(fuzz.ratio(key, name_key), FUZZY_MIN_SCORE if _swapped(key, name_key) else 0.0)
                    if score > scores.get(device_id, 0.0):
                        scores[device_id] = score
            ranked = sorted(scores.items(), key=lambda kv: -kv[1])
            if not ranked or ranked[0][1] < FUZZY_MIN_SCORE:
                continue
            close = [d for d, s in ranked if s >= FUZZY_MIN_SCORE and ranked[0][1] - s < AMBIGUOUS_MARGIN]
            taken.append((start, end))
            if len(close) == 1:
                found.append(Mention(start, end, close[0]))
            else:
                found.append(Mention(start, end, None, candidates=tuple(close)))
    # generic words for a kind ("car", "Auto", "battery") where no name of the home matched
    for size in (2, 1):
        for i in range(len(tokens) - size + 1):
            start, end = tokens[i][0], tokens[i + size - 1][1]
            if not free(start, end):
                continue
            phrase = " ".join(t[2] for t in tokens[i:i + size])
            english = _translate(phrase) or (phrase,)
            kind = next((GENERIC_KINDS[w] for w in english if w in GENERIC_KINDS), None)
            if kind is None:
                continue
            if _glued(text, start, found):
                continue
            taken.append((start, end))
            if i > 0 and tokens[i - 1][2] in _OTHER:  # "my second car": not the home's car
                found.append(Mention(tokens[i - 1][0], end, None, unknown=text[tokens[i - 1][0]:end], generic=True))
                continue
            ids = tuple(vocab.of_kind(kind))
            if len(ids) == 1:
                found.append(Mention(start, end, ids[0], generic=True))
            elif ids:
                found.append(Mention(start, end, None, candidates=ids, generic=True))
            else:
                found.append(Mention(start, end, None, unknown=phrase, generic=True))
    for k, m in enumerate(found):  # "my second car", "die andere Maschine": not the home's one
        before = [t for t in tokens if t[1] <= m.start]
        if m.device and before and before[-1][2] in _OTHER and not text[before[-1][1]:m.start].strip():
            found[k] = Mention(before[-1][0], m.end, None, unknown=text[before[-1][0]:m.end], generic=True)
    found.sort(key=lambda m: m.start)
    found = [  # "wash the dishes": a verb before another device's object names no device
        m for k, m in enumerate(found)
        if not (text[m.start:m.end] in _VERBS and k + 1 < len(found) and re.fullmatch(
            r"\s*(?:the |my |our |die |den |das |meine )?", text[m.end:found[k + 1].start])
            and not _partners(m.device, found[k + 1].device, vocab))  # "dry the laundry" keeps both
    ]
    specific = {m.device for m in found if m.device and not m.generic}
    found = [m for m in found if m.device or not (set(m.candidates) & specific)]
    return sorted(found, key=lambda m: m.start)


def _swapped(a: str, b: str) -> bool:
    """Whether ``a`` is ``b`` with two neighbouring letters swapped."""
    if len(a) != len(b) or a == b:
        return False
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


def _partners(a: str | None, b: str | None, vocab: Vocabulary) -> bool:
    """Whether two devices work on the same things: the same one, or one runs after the other."""
    if a is None or b is None:
        return False
    first, second = vocab.get(a), vocab.get(b)
    return a == b or (first is not None and b in first.after) or (second is not None and a in second.after)


def _glued(text: str, start: int, found: list[Mention]) -> bool:
    """'car battery': a generic word right after a device name is part of that name."""
    return any(m.end <= start and not text[m.end:start].strip() for m in found)
