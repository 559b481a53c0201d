"""Requests in one normalised message: device mentions, one clause per mention, the facts each
clause states (times, amounts, the objective, cancel or exclude), lists that share their facts,
and a device inferred where none is named (the request under discussion, or an unknown one).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import datetime

from agents.understanding.amounts import read_amounts
from agents.understanding.devices import DeviceInfo, Mention, Vocabulary, find_devices
from agents.understanding.heating import HEAT_KINDS, HeatClause, apply_heat, read_heat_clause
from agents.understanding.language import Language, Words
from agents.understanding.model import NUMBER, Memory, Reading, ReadRequest, Span
from agents.understanding.times import Clockwork, read_times

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


def read_requests(
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
            # "cancel everything": each request of the draft and each approved one (none: the
            # plan is answered)
            reading.used.append(every.span())
            if not memory.requested:
                reading.question = "plan"
            return [ReadRequest(device=d, action="cancel", signal=True, text=t) for d in memory.requested]
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
            inside_no_ev = no_ev is not None and no_ev.start() <= start < no_ev.end()  # "…to charge the car"
            if not inside_no_ev and not any(m.start < end and start < m.end for m in mentions) and not re.fullmatch(
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
    heat = None
    if kind in HEAT_KINDS or (mention is None and (vocab.of_kind("water_heat") or vocab.of_kind("comfort"))):
        heat = read_heat_clause(seg, lang)
        if info is None and heat.any():
            info = _heat_device(heat, vocab)
            r.device, kind = (info.id, info.kind) if info else (None, None)
        if kind not in HEAT_KINDS:
            heat = None
    if heat is not None:
        for span in heat.used:
            reading.used.append((offset + span[0], offset + span[1]))
        seg = heat.blanked  # "between 20 and 22 °C" is no clock time

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
    if heat is not None and info is not None:
        apply_heat(r, heat, info.kind, info.facts, clock)
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
        if r.amounts.target_soc_pct is None and kind not in HEAT_KINDS:  # "save the battery for the evening peak"; "to 90%
            r.battery = "floor"  # before the evening peak" is a target by the peak
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


def _heat_device(heat: HeatClause, vocab: Vocabulary) -> DeviceInfo | None:
    """The one tank a bath or legionella is about, the one heat pump a band is about."""
    tanks, rooms = vocab.of_kind("water_heat"), vocab.of_kind("comfort")
    if heat.tank_words() and len(tanks) == 1:
        return vocab.get(tanks[0])
    if heat.room_words() and len(rooms) == 1:
        return vocab.get(rooms[0])
    return None


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
        near = [d for d in ids if d in focus or d in memory.requested]
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
        if taken or re.fullmatch(words.filler, m.group(0)) or NUMBER.fullmatch(m.group(0)):
            if run is not None:
                return run
            continue
        if re.fullmatch(rf"(?:{words.request_verbs}|{words.charge_verbs}|{words.leave_verbs})", m.group(0)):
            if run is not None:
                return run
            continue
        run = (run[0], m.end()) if run is not None else m.span()
    return run


