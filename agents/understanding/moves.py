"""Conversation moves, questions and reported charge levels in one normalised message.

Choosing an offered alternative ("the first one", "option 2"), saying yes to it ("do it"),
greetings, "ignore the quiet hours", text that tries to approve or steer (cut out and declined),
questions (why, cost, plan, prices, the weather, what-if; and any other question by its topic)
and charge levels reported ("my car is at 50%").
"""

from __future__ import annotations

import re

from agents.understanding.clauses import read_requests
from agents.understanding.devices import Vocabulary, find_devices
from agents.understanding.language import Words
from agents.understanding.model import NUMBER, Limit, Memory, Reading, Span
from agents.understanding.times import Clockwork, find_clocks


def strip_injection(t: str, words: Words, reading: Reading) -> str:
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


def conversation_move(t: str, words: Words, reading: Reading, memory: Memory, vocab: Vocabulary) -> bool:
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
    if re.search(words.greeting, plain) and not NUMBER.search(t) and not find_devices(t, vocab):
        reading.question = "help"
        return True
    return False


def read_question(
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
        reading.requests = read_requests(rest, words, reading.lang, vocab, clock, focus, reading, bind=True, offset=m.end())
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
        probe = read_requests(t, words, reading.lang, vocab, clock, memory, Reading(text=t, lang=reading.lang, norm=reading.norm))
        if not any(r.has_time() or r.has_amount() or r.action != "set" for r in probe):
            reading.question = "cost" if found(words.q_cost) else "plan"
            reading.question_device = device
            return True
    return _openread_question(t, words, reading, vocab, clock, memory, device)


def _openread_question(
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

    probe = read_requests(t, words, reading.lang, vocab, clock, memory, Reading(text=t, lang=reading.lang, norm=reading.norm))
    plain = not any(r.has_time() or r.has_amount() or r.action != "set" for r in probe)
    topic = next((name for name, pattern in (
        ("price", words.topic_price), ("forecast", words.topic_forecast), ("plan", words.topic_plan),
    ) if found(pattern)), None)
    if not plain and (device is not None or topic is None):
        return False
    reading.question = topic or ("plan" if device is not None else "help")
    reading.question_device = device
    return True


def has_request(t: str, words: Words) -> bool:
    """Whether text left after a state report still asks for something."""
    return bool(
        re.search(rf"(?<![\wäöüß])(?:{words.request_verbs}|{words.deadline}|{words.leave})(?![\wäöüß])", t)
        or re.search(words.percent, t)
    )


def read_state(t: str, words: Words, reading: Reading, vocab: Vocabulary, memory: Memory) -> Span | None:
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


