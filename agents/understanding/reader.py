"""One homeowner message → a :class:`Reading`: requests, a question, a report, or what to ask.

How a message is read
---------------------
1. Detect the language, normalise (number words → digits), and cut out text that tries to
   approve or steer (:attr:`Reading.refused`).
2. Conversation moves first: choosing an offered alternative ("the first one", "option 2"),
   saying yes to it ("do it"), greetings, "ignore the quiet hours", questions (why, cost, plan,
   prices, the weather, what-if), charge levels reported ("my car is at 50%").
3. Otherwise requests: device mentions (fuzzy, :mod:`.devices`), one clause per mention,
   coordinated mentions ("the washer and the dryer by noon") sharing their facts, then per
   clause the action (cancel, exclude), times (:mod:`.times`), amounts (:mod:`.amounts`) and
   the objective. A clause without a device binds to the request under discussion.
4. Problems, in order: device, limits, time, amount, house rules, and **coverage**: every
   number, clock time, weekday or date, amount, device word and negation that no reading used
   is asked about, quoting the homeowner's words (:attr:`Reading.unused`).

The reader knows the home only through a :class:`~agents.understanding.devices.Vocabulary` and
the conversation only through a :class:`Memory`; it never looks at a session.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from agents.understanding.amounts import AmountReading, read_amounts
from agents.understanding.devices import Mention, Vocabulary, find_devices
from agents.understanding.language import WORDS, Language, Words, detect_language
from agents.understanding.normalise import Normalised, normalise
from agents.understanding.times import Clockwork, TimeReading, find_clocks, read_times

Span = tuple[int, int]

_COORDINATED = re.compile(
    r"^\s*(?:(?:charge|charging|run|cycle|load|ladung)\s*)?(?:[,;]\s*)?(?:and|or|&|plus|und|oder|sowie)?\s*(?:also\s+|auch\s+)?"
    r"(?:(?:charge|run|heat|start|do|wash|dry|put on|lade|starte|heize)\s+)?"
    r"(?:the |my |our |den |die |das |dem |meine |meinen |unsere )?$"
)
#: A sequence between two devices one of which runs after the other ("washer then dryer",
#: "the dryer after the washer", "Waschmaschine, dann Trockner"): they are one list too.
_SEQUENCE = re.compile(
    r"^\s*(?:[,;]\s*)?(?:on |an )?(?:and |und )?(?:then|after that|afterwards|followed by|after|"
    r"dann|danach|anschließend|nach)\s*(?:run |start |do |put on )?"
    r"(?:the |my |our |den |die |das |dem |der |meine |meinen )?$"
)
_ALL = re.compile(r"\b(both|all of them|everything|all|beide|beides|alle|alles)\b")
_UNKNOWN = {
    "en": re.compile(
        r"\b(?:charge|run|start|switch on|turn on|heat)\s+(?:the |my |our |a )?"
        r"(?!it\b|them\b|everything\b|all\b|up\b|by\b|before\b|after\b|at\b|to\b|for\b|in\b|"
        r"tonight\b|overnight\b|today\b|tomorrow\b|cheap|green|now\b|asap\b|as\b|fully\b|full\b|"
        r"\d|when\b|from\b|between\b|until\b|this\b|once\b|again\b|with\b|on\b|only\b|not\b)"
        r"([a-z][a-z ]{1,20}?)(?= by | before | after | at | to | tonight| overnight| today| "
        r"tomorrow| cheap| as | in |[,.!?]|$)"
    ),
    "de": re.compile(
        r"\b(?:lade|starte|lass|schalte)\s+(?:den |die |das |meinen |meine |mein )?"
        r"(?!es\b|sie\b|alles\b|bis\b|um\b|ab\b|nach\b|vor\b|heute\b|morgen\b|jetzt\b|sofort\b|"
        r"\d|über\b|günstig|voll\b|auf\b|mal\b|bitte\b|nicht\b)"
        r"([a-zäöüß]{3,20})(?= bis| um| ab| nach| vor| heute| morgen| über| laufen| an\b|[,.!?]|$)"
    ),
}
_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?![\w])")


@dataclass
class Memory:
    """What the reader knows of the conversation before this message (from the session)."""

    draft: tuple[str, ...] = ()
    deadlines: dict[str, str] = field(default_factory=dict)  # device → local ISO deadline
    focus: tuple[str, ...] = ()
    pending_texts: tuple[str, ...] = ()
    pending_missing: str | None = None
    options: tuple[dict[str, Any], ...] = ()
    what_if: dict[str, Any] | None = None
    state: dict[str, float] = field(default_factory=dict)
    lang: Language = "en"

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Memory:
        if not data:
            return cls()
        pending = data.get("pending") or {}
        return cls(
            draft=tuple(r.get("device", "") for r in data.get("draft", []) if isinstance(r, dict)),
            deadlines={r["device"]: r["deadline"] for r in data.get("draft", [])
                       if isinstance(r, dict) and r.get("device") and r.get("deadline")},
            focus=tuple(data.get("focus", [])),
            pending_texts=tuple(pending.get("texts", [])),
            pending_missing=(pending.get("missing") or [None])[0],
            options=tuple(
                {k: v for k, v in o.items() if k not in ("label", "number")}
                for o in data.get("options", []) if isinstance(o, dict)
            ),
            what_if=data.get("what_if"),
            state={k: float(v) for k, v in (data.get("state") or {}).items()},
            lang=data.get("language", "en") if data.get("language") in ("en", "de") else "en",
        )


@dataclass
class ReadRequest:
    """One device request read from the text (``None``: not said)."""

    device: str | None
    candidates: tuple[str, ...] = ()
    unknown: str | None = None
    action: str = "set"  # set | cancel | exclude
    battery: str | None = None  # target | floor | no_ev_discharge
    deadline: datetime | None = None
    earliest: datetime | None = None
    open_end: bool = False
    start_at: bool = False
    target_soc_pct: float | None = None
    energy_kwh: float | None = None
    charge_full: bool = False
    objective: str | None = None
    times: TimeReading = field(default_factory=TimeReading)
    amounts: AmountReading = field(default_factory=AmountReading)
    signal: bool = False
    text: str = ""
    offset: int = 0

    def has_time(self) -> bool:
        return self.deadline is not None or self.open_end or self.earliest is not None

    def has_amount(self) -> bool:
        return self.target_soc_pct is not None or self.charge_full or self.energy_kwh is not None


@dataclass(frozen=True)
class Ask:
    """A question to ask: the missing fact, the request it is about, the words to quote, why."""

    slot: str  # device | deadline | target | other
    index: int
    reason: str
    quote: str = ""
    extra: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Limit:
    """An impossible or unsafe ask and the home-file limit that stops it."""

    kind: str  # power | above_max | below_floor | past | beyond_horizon | energy
    device: str | None
    value: Any
    quote: str = ""


@dataclass
class Reading:
    """Everything one message says, for the offline model's policy (and the tools' checks)."""

    text: str
    lang: Language
    norm: Normalised
    requests: list[ReadRequest] = field(default_factory=list)
    question: str | None = None  # why | cost | plan | price | forecast | what_if | help
    question_device: str | None = None
    question_at: str | None = None  # local HH:MM
    state: dict[str, float] = field(default_factory=dict)
    ignore_rules: bool = False
    refused: bool = False
    choose: int | None = None
    adopt: bool = False
    asks: list[Ask] = field(default_factory=list)
    limits: list[Limit] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)
    used: list[Span] = field(default_factory=list)

    @property
    def words(self) -> Words:
        return WORDS[self.lang]


# ============================================================================ entry point


def understand(
    text: str, vocab: Vocabulary, clock: Clockwork, memory: Memory | None = None
) -> Reading:
    """Read one homeowner message in the context of the conversation so far."""
    memory = memory or Memory()
    if memory.pending_texts and memory.pending_missing:
        return _answer(text, vocab, clock, memory)
    return _read(text, vocab, clock, memory)


def _read(text: str, vocab: Vocabulary, clock: Clockwork, memory: Memory) -> Reading:
    lang = detect_language(text, memory.lang)
    words = WORDS[lang]
    norm = normalise(text, lang)
    reading = Reading(text=text, lang=lang, norm=norm)
    t = _strip_injection(norm.text, words, reading)
    if not t.strip(" .,!?"):
        return reading
    if _conversation_move(t, words, reading, memory, vocab):
        return reading
    if _question(t, words, reading, vocab, clock, memory):
        return reading
    span = _state(t, words, reading, vocab, memory)
    if span is not None:
        # "my car is at 50% and needs 80% by 7am": the report is recorded, the rest is read on
        t = t[:span[0]] + " " * (span[1] - span[0]) + t[span[1]:]
        if reading.limits or not re.search(r"[a-zäöüß0-9]", t) or not _has_request(t, words):
            return reading
    reading.requests = _requests(t, words, lang, vocab, clock, memory, reading)
    _problems(reading, vocab, clock, memory)
    _coverage(t, reading)
    return reading


# ============================================================================ conversation moves


def _strip_injection(t: str, words: Words, reading: Reading) -> str:
    """Text that tries to approve, or to steer Hearth, is cut out and declined."""
    for pattern in (words.injection, words.approval):
        while (m := re.search(pattern, t)) is not None:
            reading.refused = True
            start = m.start()
            sentence = max(t.rfind(c, 0, start) for c in ".!?;")
            joints = list(re.finditer(r"(?:,|\band\b|\bund\b|\bthen\b|\bdann\b|\bplease\b|\bbitte\b)",
                                      t[sentence + 1:start]))
            if joints:
                start = sentence + 1 + joints[-1].start()
            elif sentence >= 0:
                start = sentence + 1
            end_match = re.search(r"[.!?;]", t[m.end():])
            end = m.end() + end_match.end() if end_match else len(t)
            t = t[:start] + " " * (end - start) + t[end:]
    return t


def _choice_index(n: str, count: int) -> int | None:
    table = {"1st": 1, "1": 1, "first": 1, "earlier": 1, "1.": 1, "erste": 1, "ersten": 1, "erster": 1,
             "frühere": 1, "2nd": 2, "2": 2, "second": 2, "later": 2, "2.": 2, "zweite": 2,
             "zweiten": 2, "zweiter": 2, "spätere": 2, "3rd": 3, "3": 3, "third": 3, "3.": 3,
             "dritte": 3, "dritten": 3, "dritter": 3}
    if n in ("last", "letzte", "letzten", "letzter"):
        return count or None
    return table.get(n)


def _conversation_move(t: str, words: Words, reading: Reading, memory: Memory, vocab: Vocabulary) -> bool:
    plain = t.strip(" .!?")
    plain = re.sub(r"^(?:ok(?:ay)?|yes|ja|gut|dann|then|so)[, ]+(?=(?:the|die|das|option|nimm|take|i))", "", plain)
    if memory.options and (m := re.search(words.choose, plain)):
        index = _choice_index(m.group("n"), len(memory.options))
        if index is not None:
            reading.choose = index
            reading.used.append((0, len(t)))
            return True
    if re.search(words.adopt, plain) and (memory.what_if or memory.options):
        reading.adopt = True
        reading.used.append((0, len(t)))
        return True
    if re.search(words.ignore_rules, t):
        reading.ignore_rules = True
        mentions = [m for m in find_devices(t, vocab) if m.device]
        reading.question_device = mentions[0].device if mentions else None
        return True
    if re.search(words.greeting, plain) and not _NUMBER.search(t) and not find_devices(t, vocab):
        reading.question = "help"
        return True
    return False


def _question(
    t: str, words: Words, reading: Reading, vocab: Vocabulary, clock: Clockwork, memory: Memory
) -> bool:
    def found(pattern: str) -> bool:
        return bool(re.search(rf"(?<![\wäöüß])(?:{pattern})(?![\wäöüß])", t))

    mentions = [m for m in find_devices(t, vocab) if m.device]
    device = mentions[0].device if mentions else None
    if found(words.q_what_if):
        m = re.search(words.q_what_if, t)
        assert m is not None
        rest = t[m.end():]
        reading.question = "what_if"
        focus = Memory(draft=memory.draft, focus=memory.focus, lang=reading.lang)
        reading.requests = _requests(rest, words, reading.lang, vocab, clock, focus, reading, bind=True, offset=m.end())
        return True
    if found(words.q_why):
        reading.question, reading.question_device = "why", device
        clocks = find_clocks(t, reading.lang, words)
        if clocks:
            minutes = clocks[0].minutes % 1440
            reading.question_at = f"{minutes // 60:02d}:{minutes % 60:02d}"
        return True
    if found(words.q_price):
        reading.question, reading.question_device = "price", device
        return True
    if found(words.q_forecast) and not (mentions and found(words.request_verbs)):
        reading.question = "forecast"
        return True
    asking = found(words.q_cost) or found(words.q_plan)
    if asking:
        probe = _requests(t, words, reading.lang, vocab, clock, memory, Reading(text=t, lang=reading.lang, norm=reading.norm))
        if not any(r.has_time() or r.has_amount() or r.action != "set" for r in probe):
            reading.question = "cost" if found(words.q_cost) else "plan"
            reading.question_device = device
            return True
    return _open_question(t, words, reading, vocab, clock, memory, device)


def _open_question(
    t: str, words: Words, reading: Reading, vocab: Vocabulary, clock: Clockwork, memory: Memory,
    device: str | None,
) -> bool:
    """A question no pattern named ("when will the car be charging?", "any sun this afternoon?").

    A message that asks (it begins like a question, or ends with "?", and is not a polite
    request such as "can you …?") is answered, not planned, when it asks nothing a request
    could hold (no time, amount or cancel), or when it names no device and is about prices,
    the forecast or the plan ("is anything running tonight?"). Its topic picks the answer.
    """
    stripped = t.strip()
    if re.search(words.polite_request, stripped) or not (
        re.search(words.interrogative, stripped) or stripped.endswith("?")
    ):
        return False

    def found(pattern: str) -> bool:
        return bool(re.search(rf"(?<![\wäöüß])(?:{pattern})(?![\wäöüß])", t))

    probe = _requests(t, words, reading.lang, vocab, clock, memory, Reading(text=t, lang=reading.lang, norm=reading.norm))
    plain = not any(r.has_time() or r.has_amount() or r.action != "set" for r in probe)
    topic = next((name for name, pattern in (
        ("price", words.topic_price), ("forecast", words.topic_forecast), ("plan", words.topic_plan),
    ) if found(pattern)), None)
    if not plain and (device is not None or topic is None):
        return False
    reading.question = topic or ("plan" if device is not None else "help")
    reading.question_device = device
    return True


def _has_request(t: str, words: Words) -> bool:
    """Whether text left after a state report still asks for something."""
    return bool(
        re.search(rf"(?<![\wäöüß])(?:{words.request_verbs}|{words.deadline}|{words.leave})(?![\wäöüß])", t)
        or re.search(words.percent, t)
    )


def _state(t: str, words: Words, reading: Reading, vocab: Vocabulary, memory: Memory) -> Span | None:
    """A charge level the homeowner reports ("my car is at 50%"); its span, or ``None``."""
    m = re.search(words.state, t)
    if m is None or re.search(rf"\b(?:{words.charge_verbs})\b", t[: m.start()]):
        return None
    if re.search(words.target_words, m.group("dev")) or re.search(
        rf"{words.target_words}[^,.;]*$", t[: m.start()]
    ):
        return None  # "the car must be at 80%", "by 7am the car should be at 80%": a target
    mentions = find_devices(t, vocab)
    device = next((x.device for x in mentions if x.device and x.start < m.end()), None)
    if device is None:
        chargeable = [d.id for d in vocab.devices if d.kind != "appliance_run"]
        focus = [d for d in memory.focus if d in chargeable]
        device = focus[0] if len(focus) == 1 else (chargeable[0] if len(chargeable) == 1 else None)
    if device is None:
        return None
    pct = float(m.group("pct").replace(",", "."))
    if pct > 100:
        reading.limits.append(Limit("above_max", device, pct, f"{m.group('pct')}%"))
        return m.span()
    reading.state[device] = pct
    reading.used.append(m.span())
    return (m.end("dev"), m.end())  # the device's name stays for the rest of the message


# ============================================================================ requests


def _segments(t: str, mentions: list[Mention], words: Words) -> list[Span]:
    if not mentions:
        return [(0, len(t))]
    bounds = [0]
    for prev, nxt in itertools.pairwise(mentions):
        between = t[prev.end:nxt.start]
        seps = list(re.finditer(words.separators, between))
        bounds.append(prev.end + seps[-1].start() if seps else nxt.start)
    bounds.append(len(t))
    return list(itertools.pairwise(bounds))


def _requests(
    t: str, words: Words, lang: Language, vocab: Vocabulary, clock: Clockwork, memory: Memory,
    reading: Reading, *, bind: bool = False, offset: int = 0,
) -> list[ReadRequest]:
    mentions = find_devices(t, vocab)
    batteries = vocab.of_kind("battery_target")
    no_ev = re.search(words.no_ev_discharge, t)
    if no_ev is not None and len(batteries) == 1:
        # "don't discharge the battery into the car" is about the battery, not the car
        mentions = [m for m in mentions if not (no_ev.start() <= m.start < no_ev.end()) or m.device == batteries[0]]
        if not any(m.device == batteries[0] for m in mentions):
            mentions.append(Mention(no_ev.start(), no_ev.start(), batteries[0]))
            mentions.sort(key=lambda m: m.start)
        reading.used.append(no_ev.span())
    spans = _segments(t, mentions, words)
    requests: list[ReadRequest] = []
    if not mentions:
        r = _clause(t, 0, None, words, lang, vocab, clock, reading)
        if r.action == "cancel" and (every := _ALL.search(t)):
            # "cancel everything": each request of the draft (none: the plan is answered)
            reading.used.append(every.span())
            if not memory.draft:
                reading.question = "plan"
            return [ReadRequest(device=d, action="cancel", signal=True, text=t) for d in memory.draft]
        _infer_device(r, t, words, vocab, clock, memory, reading, bind)
        requests.append(r)
    else:
        for mention, (lo, hi) in zip(mentions, spans, strict=True):
            requests.append(_clause(t[lo:hi], lo, mention, words, lang, vocab, clock, reading))
            reading.used.append((mention.start, mention.end))
        between = [""] + [t[a.end:b.start] for a, b in itertools.pairwise(mentions)]
        _share(requests, between, vocab)
        unknown = _UNKNOWN[lang].search(t)
        if unknown is not None:
            start, end = unknown.span(1)
            name = unknown.group(1).strip()
            if not any(m.start < end and start < m.end for m in mentions) and not re.fullmatch(
                words.pronouns, name
            ) and not all(re.fullmatch(words.filler, word) for word in name.split()):
                requests.append(ReadRequest(device=None, unknown=name, signal=True, text=unknown.group(0)))
                reading.used.append(unknown.span(1))
    for a, b in itertools.pairwise(mentions):
        first = vocab.get(a.device) if a.device else None
        if first is not None and b.device in first.after and re.fullmatch(
            r"\s*(?:before|ahead of|vor)\s+(?:the |my |der |die |dem |den )?", t[a.end:b.start]
        ):
            reading.notes.append(f"order:{a.device}:{b.device}")
    _same_time(requests, t, words, clock, memory, reading)
    objectives = {r.objective for r in requests} - {None}
    if len(objectives) == 1:
        objective = objectives.pop()
        for r in requests:
            r.objective = r.objective or objective
    _merge_duplicates(requests)
    for r in requests:
        r.offset += offset
    return requests


def _clause(
    seg: str, offset: int, mention: Mention | None, words: Words, lang: Language, vocab: Vocabulary,
    clock: Clockwork, reading: Reading,
) -> ReadRequest:
    r = ReadRequest(
        device=mention.device if mention else None,
        candidates=mention.candidates if mention else (),
        unknown=mention.unknown if mention else None,
        text=seg, offset=offset,
    )
    info = vocab.get(r.device) if r.device else None
    kind = info.kind if info else None

    def search(pattern: str) -> re.Match[str] | None:
        return re.search(rf"(?<![\wäöüß])(?:{pattern})(?![\wäöüß])", seg)

    r.amounts = read_amounts(seg, words, kind)
    cancel = search(words.cancel)
    if cancel is not None and not any(s <= cancel.start() < e for s, e in r.amounts.used):
        r.action = "cancel"  # "no need to fill it up" is an amount, not a cancel
        reading.used.append((offset + cancel.start(), offset + cancel.end()))
    if mention is not None:
        local = mention.start - offset
        before = seg[:max(local, 0)]
        if (m := re.search(rf"(?:^|(?<=\W))(?:{words.exclude})\s+$", before)) and r.action == "set":
            r.action = "exclude"
            reading.used.append((offset + m.start(), offset + m.end()))
    r.times = read_times(seg, lang, words, clock, kind)
    for span in (*r.times.used, *r.amounts.used):
        reading.used.append((offset + span[0], offset + span[1]))
    _apply(r)
    for objective, pattern in (("co2", words.co2), ("cost", words.solar), ("cost", words.cost),
                               ("asap", words.asap)):
        if (m := search(pattern)):
            r.objective = r.objective or objective
            reading.used.append((offset + m.start(), offset + m.end()))
            if pattern == words.solar:
                reading.notes.append("solar")
    if r.times.asap:
        r.objective = r.objective or "asap"
    if r.objective == "asap" and not r.has_time():
        r.open_end = True
    if r.start_at and r.deadline is None:
        r.open_end = True
        r.objective = r.objective or "asap"
    if (m := search(words.evening_peak)):
        r.battery = "floor"
        reading.used.append((offset + m.start(), offset + m.end()))
    if r.action == "set" and not (r.times.has_time() or r.amounts.has_amount() or r.objective) and (
        m := search(words.not_verb)
    ):
        r.action = "cancel"  # "don't charge the car, just …", "stop the dishwasher", "Auto nicht laden"
        reading.used.append((offset + m.start(), offset + m.end()))
    r.signal = bool(
        search(words.request_verbs) or r.has_time() or r.has_amount() or r.objective
        or r.action != "set" or r.times.ambiguous or r.times.unclear or r.amounts.vague
        or r.amounts.distance_km is not None or r.amounts.power_kw is not None
        or r.amounts.floor_pct is not None or r.amounts.no_ev_discharge
    )
    return r


def _apply(r: ReadRequest) -> None:
    """Copy the clause's time and amount facts onto the request's fields."""
    t, a = r.times, r.amounts
    r.deadline, r.earliest, r.open_end, r.start_at = t.deadline, t.earliest, t.open_end, t.start_at
    r.target_soc_pct, r.energy_kwh, r.charge_full = a.target_soc_pct, a.energy_kwh, a.charge_full
    if a.energy_kwh is not None:
        r.target_soc_pct = None


def _share(requests: list[ReadRequest], prefixes: list[str], vocab: Vocabulary) -> None:
    """Coordinated mentions ('the washer and the dryer overnight') share facts; so does 'both'."""
    groups: list[list[int]] = []
    for i, prefix in enumerate(prefixes):
        if i > 0 and (_COORDINATED.match(prefix) or (
            _SEQUENCE.match(prefix) and _dependent(requests[i - 1].device, requests[i].device, vocab)
        )):
            groups[-1].append(i)
        else:
            groups.append([i])
    if any(_ALL.search(r.text) for r in requests):
        groups = [list(range(len(requests)))]
    for group in groups:
        members = [requests[i] for i in group]
        chargeable = [r for r in members if r.device and (vocab.get(r.device) or _NO).kind != "appliance_run"]
        for attr in ("deadline", "earliest", "objective", "target_soc_pct", "energy_kwh"):
            values = {getattr(r, attr) for r in members} - {None}
            if len(values) != 1:
                continue
            value = values.pop()
            amount = attr in ("target_soc_pct", "energy_kwh")
            for r in chargeable if amount else members:
                if getattr(r, attr) is None and not (amount and r.has_amount()):
                    setattr(r, attr, value)
        for flag in ("open_end", "start_at"):
            if any(getattr(r, flag) for r in members):
                for r in members:
                    if r.deadline is None or flag == "start_at":
                        setattr(r, flag, True)
        for attr in ("ambiguous", "unclear", "ambiguous_span", "unclear_span"):
            values = [getattr(r.times, attr) for r in members if getattr(r.times, attr)]
            if values:
                for r in members:
                    if getattr(r.times, attr) is None and not r.has_time():
                        setattr(r.times, attr, values[0])
        if any(r.charge_full for r in members):
            for r in chargeable:
                r.charge_full = r.charge_full or not r.has_amount()
        if any(r.signal for r in members):
            for r in members:
                r.signal = True
        actions = {r.action for r in members} - {"set"}
        if len(actions) == 1 and "exclude" not in actions:
            action = actions.pop()
            for r in members:
                if not (r.action == "set" and (r.times.has_time() or r.amounts.has_amount())):
                    r.action = action  # "drop the car and the dryer"; not "…the car, dishwasher overnight"


def _same_time(
    requests: list[ReadRequest], t: str, words: Words, clock: Clockwork, memory: Memory, reading: Reading
) -> None:
    """"…and the dishwasher too", "the car too, same time": a request without a time of its own
    takes the deadline said before it in the message, else that of the request under discussion."""
    m = re.search(rf"(?<![\wäöüß])(?:{words.same_time})(?![\wäöüß])", t)
    if m is None:
        return
    for k, r in enumerate(requests):
        if r.device is None or r.has_time() or r.action != "set":
            continue
        earlier = next((x for x in reversed(requests[:k]) if x.deadline is not None), None)
        if earlier is not None:
            r.deadline, r.earliest = earlier.deadline, r.earliest or earlier.earliest
        else:
            focus = [d for d in memory.focus if d in memory.deadlines and d != r.device]
            if len(focus) != 1:
                continue
            r.deadline = datetime.fromisoformat(memory.deadlines[focus[0]]).astimezone(clock.tz)
        r.signal = True
        reading.used.append(m.span())


def _dependent(a: str | None, b: str | None, vocab: Vocabulary) -> bool:
    """Whether one of two devices runs after the other by the home's rules."""
    first, second = vocab.get(a) if a else None, vocab.get(b) if b else None
    return first is not None and second is not None and (b in first.after or a in second.after)


@dataclass(frozen=True)
class _NoDevice:
    kind: str = ""


_NO = _NoDevice()


def _merge_duplicates(requests: list[ReadRequest]) -> None:
    seen: dict[str, ReadRequest] = {}
    for r in list(requests):
        if r.device is None:
            continue
        if r.device in seen:
            first = seen[r.device]
            for attr in ("deadline", "earliest", "target_soc_pct", "energy_kwh", "objective"):
                if getattr(first, attr) is None:
                    setattr(first, attr, getattr(r, attr))
            first.open_end = first.open_end or r.open_end
            first.charge_full = first.charge_full or r.charge_full
            first.signal = first.signal or r.signal
            requests.remove(r)
        else:
            seen[r.device] = r


def _infer_device(
    r: ReadRequest, t: str, words: Words, vocab: Vocabulary, clock: Clockwork, memory: Memory,
    reading: Reading, bind: bool,
) -> None:
    """No device named: an unknown name, a pronoun, a verb, or the request under discussion."""
    unknown = _UNKNOWN[reading.lang].search(t)
    if unknown is not None and not re.fullmatch(words.pronouns, unknown.group(1).strip()) and not all(
        re.fullmatch(words.filler, word) for word in unknown.group(1).split()
    ):
        r.unknown, r.signal = unknown.group(1).strip(), True
        reading.used.append(unknown.span(1))
        return
    focus = [d for d in memory.focus if vocab.get(d)]
    pronoun = re.search(rf"\b(?:{words.pronouns})\b", t)
    chosen: str | None = None
    leftover = _unknown_object(t, words, reading)
    if pronoun and len(focus) == 1:
        chosen = focus[0]
        reading.used.append(pronoun.span())
    elif leftover is not None and r.signal:
        r.unknown = reading.norm.quote(*leftover)  # "charge the e-bike", "Backofen um 17 Uhr"
        reading.used.append(leftover)
        return
    elif re.search(rf"\b(?:{words.leave_verbs})\b", t):
        ids = vocab.of_kind("ev_charge")
        if len(ids) == 1:
            chosen = ids[0]
        elif ids:
            r.candidates = tuple(ids)
    elif re.search(rf"\b(?:{words.charge_verbs})\b", t):
        ids = vocab.of_kind("ev_charge") + vocab.of_kind("battery_target")
        near = [d for d in ids if d in focus or d in memory.draft]
        if len(ids) == 1:
            chosen = ids[0]
        elif len(near) == 1:
            chosen = near[0]
        elif ids:
            r.candidates = tuple(ids)
        r.signal = True
    elif (r.signal or bind) and len(focus) == 1:
        chosen = focus[0]
    if chosen is not None:
        r.device = chosen
        kind = (vocab.get(chosen) or _NO).kind
        again = read_times(r.text, reading.lang, words, clock, kind)
        r.times = again
        _apply(r)
        if r.start_at and r.deadline is None:
            r.open_end = True
            r.objective = r.objective or "asap"
        r.signal = True


def _unknown_object(t: str, words: Words, reading: Reading) -> Span | None:
    """The words left when a message's facts and filler words are taken out: an unknown device.

    "charge the e-bike by 7am" leaves "e-bike", "run the pool pump this afternoon" "pool pump";
    "charge up to 80% by 7am" leaves nothing. Returns the span of the first run of such words.
    """
    run: Span | None = None
    for m in re.finditer(r"[a-zäöüß][a-zäöüß0-9\-]*", t):
        taken = any(s < m.end() and m.start() < e for s, e in reading.used)
        if taken or re.fullmatch(words.filler, m.group(0)) or _NUMBER.fullmatch(m.group(0)):
            if run is not None:
                return run
            continue
        if re.fullmatch(rf"(?:{words.request_verbs}|{words.charge_verbs}|{words.leave_verbs})", m.group(0)):
            if run is not None:
                return run
            continue
        run = (run[0], m.end()) if run is not None else m.span()
    return run


# ============================================================================ problems


def _problems(reading: Reading, vocab: Vocabulary, clock: Clockwork, memory: Memory) -> None:
    """Limits and questions, in the order they are asked (only the first one is)."""
    asks, limits = reading.asks, reading.limits
    draft = set(memory.draft)
    for note in reading.notes:
        if note.startswith("order:"):
            _, first, second = note.split(":")
            index = next((i for i, r in enumerate(reading.requests) if r.device == first), 0)
            asks.append(Ask("other", index, "order", extra=(first, second)))
            return
    for i, r in enumerate(reading.requests):
        if not r.signal and r.device is None:
            continue
        if r.device is None:
            if r.candidates:
                asks.append(Ask("device", i, "which", extra=r.candidates))
            elif r.unknown:
                span = _find(reading, r.unknown)
                asks.append(Ask("device", i, "unknown", quote=reading.norm.quote(*span) if span[1] else r.unknown))
            else:
                asks.append(Ask("device", i, "which"))
            continue
        info = vocab.get(r.device)
        assert info is not None
        if r.action in ("cancel", "exclude"):
            continue
        _battery(r, info, clock)
        _limits(r, info, reading, clock)
        if limits:
            return
        times, amounts = r.times, r.amounts
        if times.ambiguous is not None and r.deadline is None and r.earliest is None:
            quote = reading.norm.quote(*_shift(times.ambiguous_span, r.offset))
            asks.append(Ask("deadline", i, "bare_hour", quote=quote, extra=times.ambiguous[1:]))
            continue
        if times.at_quote is not None and info.kind == "ev_charge" and not r.start_at:
            asks.append(Ask("deadline", i, "start_or_done", quote=times.at_quote, extra=(r.deadline,)))
            continue
        if times.unclear is not None and r.deadline is None and not r.open_end:
            quote = reading.norm.quote(*_shift(times.unclear_span, r.offset))
            asks.append(Ask("deadline", i, "unclear", quote=quote))
            continue
        if info.kind == "battery_target" and r.battery in (None, "target") and not r.has_amount() and r.device not in draft:
            asks.append(Ask("target", i, "battery_level"))
            continue
        if amounts.vague is not None and not r.has_amount():
            asks.append(Ask("target", i, "vague", quote=reading.norm.quote(*_shift(amounts.vague_span, r.offset)) or amounts.vague))
            continue
        if amounts.distance_km is not None and not r.has_amount():
            consumption = info.number("consumption_kwh_per_100km")
            if consumption is None:
                asks.append(Ask("target", i, "no_consumption", quote=f"{amounts.distance_km:g} km"))
                continue
            r.energy_kwh = round(amounts.distance_km * consumption / 100, 2)
        if _too_much(r, info, memory):
            distance = amounts.distance_km if amounts.energy_kwh is None else None
            soc = memory.state.get(info.id, info.number("soc_now_pct") or 0.0)
            facts = (soc, info.number("battery_kwh"), info.number("max_soc_pct") or 100.0)
            limits.append(Limit("energy", r.device, (*facts, r.energy_kwh, distance, info.number("consumption_kwh_per_100km"))))
            return
        rule = _house_rule(r, info, clock)  # a start the rules forbid is said before a missing time
        if rule is not None:
            asks.append(Ask("other", i, "rule", extra=rule))
            continue
        if r.deadline is None and not r.open_end and r.device not in draft and r.battery in (None, "target"):
            asks.append(Ask("deadline", i, "after_only" if r.earliest else "missing"))
            continue
    if not vocab.has_co2 and any(r.objective == "co2" for r in reading.requests):
        for r in reading.requests:
            if r.objective == "co2":
                r.objective = "cost"
        reading.notes.append("no_co2")


def _too_much(r: ReadRequest, info: Any, memory: Memory) -> bool:
    """An energy the car cannot take: more than its battery holds above the charge it has."""
    battery = info.number("battery_kwh")
    if info.kind != "ev_charge" or r.energy_kwh is None or battery is None:
        return False
    soc = memory.state.get(info.id, info.number("soc_now_pct") or 0.0)
    return r.energy_kwh > battery * ((info.number("max_soc_pct") or 100.0) - soc) / 100 + 1e-9


def _battery(r: ReadRequest, info: Any, clock: Clockwork) -> None:
    if info.kind != "battery_target":
        return
    a = r.amounts
    if a.no_ev_discharge:
        r.battery = "no_ev_discharge"
    elif a.floor_pct is not None:
        r.battery = "floor"
        r.target_soc_pct = a.floor_pct
    elif r.battery == "floor":  # "save the battery for the evening peak"
        r.target_soc_pct = info.number("soc_now_pct")
        r.deadline = r.deadline or clock.next_at(17 * 60)
    else:
        r.battery = "target"
        if r.charge_full:
            r.target_soc_pct, r.charge_full = info.number("max_soc_pct") or 100.0, False


def _limits(r: ReadRequest, info: Any, reading: Reading, clock: Clockwork) -> None:
    limits = reading.limits
    a, t = r.amounts, r.times
    charger = info.number("charger_max_kw") or info.number("max_charge_kw")
    if a.power_kw is not None and charger is not None and a.power_kw > charger + 1e-9:
        limits.append(Limit("power", r.device, a.power_kw, f"{a.power_kw:g} kW"))
    level = r.target_soc_pct
    maximum = info.number("max_soc_pct") or 100.0
    if level is not None and level > maximum + 1e-9:
        limits.append(Limit("above_max", r.device, level, f"{level:g}%"))
    if info.kind == "battery_target" and level is not None:
        floor = max(info.number("min_soc_pct") or 0.0, info.number("backup_reserve_pct") or 0.0)
        if level < floor - 1e-9:
            limits.append(Limit("below_floor", r.device, level, f"{level:g}%"))
    if t.past is not None and r.deadline is None and r.earliest is None:
        limits.append(Limit("past", r.device, t.past))
    if t.beyond is not None and r.deadline is None:
        quote = reading.norm.quote(*_shift(t.beyond_span, r.offset)) if t.beyond_span else ""
        limits.append(Limit("beyond_horizon", r.device, t.beyond, quote))


def _house_rule(r: ReadRequest, info: Any, clock: Clockwork) -> tuple[Any, ...] | None:
    """A start the home's rules forbid: (rule, requested start, nearest allowed start)."""
    if info.kind != "appliance_run" or r.earliest is None or not (r.start_at or r.times.earliest_said):
        return None
    local = r.earliest.astimezone(clock.tz)
    minute = local.hour * 60 + local.minute
    for rule in ("quiet_hours",):
        for start, end in info.windows(rule):
            inside = start <= minute < end if start < end else (minute >= start or minute < end)
            if inside:
                allowed = local.replace(hour=end // 60 % 24, minute=end % 60)
                if allowed <= local:
                    allowed += timedelta(days=1)
                return (rule, f"{start // 60:02d}:{start % 60:02d}–{end // 60 % 24:02d}:{end % 60:02d}", r.earliest, allowed)
    windows = info.windows("allowed_windows")
    if windows:
        inside = any((s <= minute < e) if s < e else (minute >= s or minute < e) for s, e in windows)
        if not inside:
            s, e = windows[0]
            allowed = local.replace(hour=s // 60 % 24, minute=s % 60)
            if allowed <= local:
                allowed += timedelta(days=1)
            return ("allowed_windows", f"{s // 60:02d}:{s % 60:02d}–{e // 60 % 24:02d}:{e % 60:02d}", r.earliest, allowed)
    return None


def _find(reading: Reading, words_text: str) -> Span:
    i = reading.norm.text.find(words_text)
    return (i, i + len(words_text)) if i >= 0 else (0, 0)


def _shift(span: Span | None, offset: int) -> Span:
    if span is None:
        return (0, 0)
    return (span[0] + offset, span[1] + offset)


# ============================================================================ coverage


def _coverage(t: str, reading: Reading) -> None:
    """Facts of the message no reading used: numbers, times, dates, device words, negations."""
    if reading.asks or reading.limits:
        return
    words = reading.words
    facts: list[Span] = [m.span() for m in _NUMBER.finditer(t) if not _harmless_number(t, m)]
    facts += [m.span() for m in re.finditer(rf"(?<![\wäöüß])(?:{words.weekday_or_date})(?![\wäöüß])", t)]
    facts += [m.span() for m in re.finditer(rf"(?<![\wäöüß])(?:{words.negation})(?![\wäöüß])", t)]
    for start, end in facts:
        if any(s < end and start < e for s, e in reading.used):
            continue
        quote = reading.norm.quote(start, end)
        if quote and quote not in reading.unused:
            reading.unused.append(quote)


def _harmless_number(t: str, m: re.Match[str]) -> bool:
    """'1' of "one after the other" or "the first one": an article, not a fact."""
    return m.group(0) == "1" and not re.match(r"\s*(?:%|kwh|kw|km|hours?|h\b|uhr|am|pm|:)", t[m.end():])


# ============================================================================ answers


def _answer(text: str, vocab: Vocabulary, clock: Clockwork, memory: Memory) -> Reading:
    """A message after a question: the answer filled in, or a fresh message."""
    fresh_memory = replace(memory, pending_texts=(), pending_missing=None)
    answer = _read(text, vocab, clock, fresh_memory)
    if answer.question or answer.choose or answer.adopt or answer.state or answer.ignore_rules:
        return answer
    if any(r.action != "set" for r in answer.requests):
        return answer
    pending_text = " ".join(s.strip().rstrip("?.!") for s in memory.pending_texts)
    pending = _read(pending_text, vocab, clock, fresh_memory)
    if not pending.requests:
        return answer
    asked = {r.device for r in pending.requests}
    named = {r.device for r in answer.requests if r.device}
    if named - asked and memory.pending_missing != "device":
        return answer
    slot = memory.pending_missing
    joiner = " "
    if slot == "deadline" and re.fullmatch(r"\s*\d{1,2}(?:[:.]\d{2})?\s*", answer.norm.text):
        joiner = " by " if answer.lang == "en" else " bis "
    combined = _read(pending_text + joiner + text, vocab, clock, fresh_memory)
    combined.lang = answer.lang if _has_words(text) else memory.lang
    for r in combined.requests:
        if r.device is None and len(named) == 1 and slot == "device":
            r.device = next(iter(named))
    # the answer's own time wins over the first message's ("ok, start it at 7am then")
    bound = _read(text, vocab, clock, replace(fresh_memory, focus=tuple(d for d in asked if d)))
    own = {r.device: r for r in bound.requests if r.device and r.has_time()}
    if own and not any(a.slot == slot and a.reason in ("bare_hour", "unclear") for a in combined.asks):
        for r in combined.requests:
            b = own.get(r.device) if r.device else None
            if b is None:
                continue
            r.deadline, r.earliest, r.open_end, r.start_at = b.deadline, b.earliest, b.open_end, b.start_at
            r.times, r.objective = b.times, b.objective or r.objective
        combined.asks, combined.limits, combined.unused = [], [], []
        _problems(combined, vocab, clock, fresh_memory)
    if any(a.slot == slot and a.reason in ("bare_hour", "unclear") for a in combined.asks):
        better = answer.requests[0] if answer.requests else None
        if better is not None and better.has_time():
            for r in combined.requests:
                r.deadline, r.earliest, r.open_end = better.deadline, better.earliest or r.earliest, better.open_end
                r.times = better.times
            combined.asks, combined.limits = [], []
            _problems(combined, vocab, clock, fresh_memory)
    return combined


def _has_words(text: str) -> bool:
    return len(re.findall(r"[a-zA-ZäöüÄÖÜß]{3,}", text)) >= 2
