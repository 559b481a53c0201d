"""One homeowner message → a :class:`Reading`: requests, a question, a report, or what to ask.

How a message is read
---------------------
1. Detect the language, normalise (number words → digits), and cut out text that tries to
   approve or steer (:attr:`Reading.refused`).
2. Conversation moves first: choosing an offered alternative ("the first one", "option 2"),
   saying yes to it ("do it"), greetings, "ignore the quiet hours", changes to the standing
   orders ("not this week, we're away"), questions (why, cost, plan, prices, the weather,
   what-if), charge levels reported ("my car is at 50%"). Words that make a request repeat
   ("every weekday") are noted and taken out before it is read (:mod:`.standing`).
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

import re
from dataclasses import replace

from agents.understanding.clauses import read_requests
from agents.understanding.devices import Vocabulary, find_devices
from agents.understanding.heating import mode_until, read_heat_clause, read_mode
from agents.understanding.language import WORDS, Language, detect_language
from agents.understanding.model import Ask, Limit, Memory, Reading, ReadRequest
from agents.understanding.moves import (
    conversation_move,
    has_request,
    read_question,
    read_state,
    strip_injection,
)
from agents.understanding.normalise import normalise
from agents.understanding.problems import check_coverage, find_problems
from agents.understanding.standing import read_repeat, read_standing_change
from agents.understanding.times import Clockwork, read_times
from tools.requests import HOME_DEVICE

__all__ = ["Ask", "Limit", "Memory", "ReadRequest", "Reading", "understand"]


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
    t = strip_injection(norm.text, words, reading)
    if not t.strip(" .,!?"):
        return reading
    if conversation_move(t, words, reading, memory, vocab):
        return reading
    if _standing(t, reading, vocab):
        return reading
    repeat = read_repeat(t)
    if repeat is not None:
        # "every weekday the car at 80% by 07:00": the request is read without the repeat words
        reading.standing_days, reading.standing_earliest = repeat.days, repeat.earliest
        reading.used.append(repeat.span)
        t = t[:repeat.span[0]] + " " * (repeat.span[1] - repeat.span[0]) + t[repeat.span[1]:]
    if read_question(t, words, reading, vocab, clock, memory):
        if reading.question == "what_if":  # "what if I leave at 6?": its facts are checked too
            find_problems(reading, vocab, clock, memory)
        return reading
    span = read_state(t, words, reading, vocab, memory)
    if span is not None:
        # "my car is at 50% and needs 80% by 7am": the report is recorded, the rest is read on
        t = t[:span[0]] + " " * (span[1] - span[0]) + t[span[1]:]
        if reading.limits or not re.search(r"[a-zäöüß0-9]", t) or not has_request(t, words):
            return reading
    heat_home = bool(vocab.of_kind("water_heat") or vocab.of_kind("comfort"))
    mode = read_mode(t, lang, clock) if heat_home else None
    if mode is not None:
        # "we're away until Friday", "eco mode": a mode for the whole home over the period said
        reading.used.append(mode[1])
        home_mode = _mode_request(mode[0], t, lang, clock, reading)  # "wir sind bis Freitag weg"
        t = t[:mode[1][0]] + " " * (mode[1][1] - mode[1][0]) + t[mode[1][1]:]
        reading.requests = [home_mode]
        if any(m.device for m in find_devices(t, vocab)):
            reading.requests += read_requests(t, words, lang, vocab, clock, memory, reading)
    elif not heat_home and _heat_words(t, lang) and not any(m.device for m in find_devices(t, vocab)):
        reading.question = "no_heat"  # a temperature or a bath in a home without heat devices
        return reading
    else:
        reading.requests = read_requests(t, words, lang, vocab, clock, memory, reading)
    find_problems(reading, vocab, clock, memory)
    check_coverage(t, reading)
    return reading


def _standing(t: str, reading: Reading, vocab: Vocabulary) -> bool:
    """A change to the standing orders ("not this week, we're away"), and the device it names."""
    heat = bool(vocab.of_kind("water_heat") or vocab.of_kind("comfort"))
    change = read_standing_change(t, away_is_pause=not heat)
    if change is None:
        return False
    reading.standing_action, reading.standing_this_week = change.action, change.this_week
    reading.used.append(change.span)
    mentions = [m for m in find_devices(t, vocab) if m.device]
    reading.question_device = mentions[0].device if mentions else None
    return True


def _mode_request(mode: str, t: str, lang: Language, clock: Clockwork, reading: Reading) -> ReadRequest:
    """A mode for the whole home, from now (or the period's start) to its end."""
    r = ReadRequest(device=HOME_DEVICE, mode=mode, signal=True, text=t)
    r.times = read_times(t, lang, WORDS[lang], clock, "mode")
    r.deadline, r.earliest = r.times.deadline, r.times.earliest
    mode_until(r, t, lang, clock)
    reading.used.extend(r.times.used)
    if r.times.unclear_span is not None:
        reading.used.append(r.times.unclear_span)
    return r


def _heat_words(t: str, lang: Language) -> bool:
    clause = read_heat_clause(t, lang)
    return clause.any()


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
        find_problems(combined, vocab, clock, fresh_memory)
    if any(a.slot == slot and a.reason in ("bare_hour", "unclear") for a in combined.asks):
        better = answer.requests[0] if answer.requests else None
        if better is not None and better.has_time():
            for r in combined.requests:
                r.deadline, r.earliest, r.open_end = better.deadline, better.earliest or r.earliest, better.open_end
                r.times = better.times
            combined.asks, combined.limits = [], []
            find_problems(combined, vocab, clock, fresh_memory)
    return combined


def _has_words(text: str) -> bool:
    return len(re.findall(r"[a-zA-ZäöüÄÖÜß]{3,}", text)) >= 2
