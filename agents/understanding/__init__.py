"""The reading of homeowner text, in English and German, apart from the offline model's policy.

Layout
------
``language``   language detection and Hearth's own words per language (the thin layer)
``normalise``  number words → digits (:mod:`text_to_num`), and quoting the homeowner's words
``devices``    the home's devices as a vocabulary; fuzzy device names (:mod:`rapidfuzz`)
``times``      clock times, day words, day parts, relative times (weekdays and dates:
               :mod:`dateparser`)
``amounts``    charge levels, energy, "full", "half full", distances, power
``model``      the reading's types (:class:`Reading`, :class:`ReadRequest`, :class:`Ask`, ...)
``moves``      conversation moves, questions, charge levels reported
``clauses``    requests: mentions, clauses, shared facts, the device under discussion
``problems``   limits, what to ask, house rules, coverage
``reader``     :func:`understand`: one message (and the conversation so far) → a :class:`Reading`
``facts``      what a message states explicitly, for the tools to check a model's requests
``standing``   requests that repeat ("every weekday"), changes to the standing orders in words
``heat``       temperatures, bands, hot-water draws and modes (the heat helper's words)

Why these libraries: see the README's "Understanding" section (an evaluation of dateparser,
ctparse, recognizers-text and parsedatetime on the corpus classes).
"""

from agents.understanding.devices import DeviceInfo, Mention, Vocabulary, find_devices
from agents.understanding.language import Language, detect_language
from agents.understanding.reader import Ask, Limit, Memory, Reading, ReadRequest, understand
from agents.understanding.times import Clockwork

__all__ = [
    "Ask", "Clockwork", "DeviceInfo", "Language", "Limit", "Memory", "Mention", "ReadRequest",
    "Reading", "Vocabulary", "detect_language", "find_devices", "understand",
]
