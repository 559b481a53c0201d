"""The offline model's grammar: tables of phrases, and what each means. Extend it here.

Every table is plain data read by :mod:`agents.offline.parser`. Patterns are regular expressions
matched against the homeowner's text after :data:`NORMALISE` (lower case, plain apostrophes and
dashes, single spaces). Add a row to teach the model a new phrasing; tests in
``tests/test_agents_offline.py`` show the expected reading of each kind of phrase.

Decisions (documented, never silent guesses)
--------------------------------------------
* A request needs a deadline the homeowner gave. Phrases such as "overnight", "tonight", "today",
  "tomorrow morning" and "by noon" are deadlines by the table :data:`PERIODS`; "whenever" / "any
  time" (:data:`OPEN_TIME`) and "as soon as possible" (objective ``asap``) let the request run up
  to the end of the planning horizon. Anything else without a time gets one clarifying question.
* A bare hour ("by 7", "at 6") without am/pm or a day word means the first of H:00 and (H+12):00
  that is more than :data:`BARE_HOUR_MIN_LEAD_MINUTES` after now: said at 18:00, "by 7" is 07:00
  next morning; said at 15:00 it is 19:00. Words like "morning" / "tonight" pick am / pm.
* "in N hours" / "within N hours" is a deadline N hours from now.
* "at T" for an appliance means start at T: earliest start T with objective ``asap``.
* "with solar" / "on sunshine" maps to the cost objective: PV energy is free in the cost
  objective, so the cheapest plan uses as much of it as it can.
* "full" charges to the device's own charge limit (``charge_full``).
"""

from __future__ import annotations

from dataclasses import dataclass

# ----------------------------------------------------------------------------- normalising

#: (pattern, replacement) applied in order before parsing.
NORMALISE: tuple[tuple[str, str], ...] = (
    (r"[’‘`´]", "'"),
    (r"[–—−]", "-"),
    (r"\bwhat's\b", "what is"),
    (r"\bhow's\b", "how is"),
    (r"\bit's\b", "it is"),
    (r"\bi'm\b", "i am"),
    (r"\bdon'?t\b", "do not"),
    (r"\bdoesn'?t\b", "does not"),
    (r"\bwon'?t\b", "will not"),
    (r"\bcan'?t\b", "cannot"),
    (r"\bi'll\b", "i will"),
    (r"(\w)'s\b", r"\1"),
    (r"\ba\.m\.", "am"),
    (r"\bp\.m\.", "pm"),
    (r"(\d)\s*o'?clock\b", r"\1"),
    (r"\bhalf past (\d{1,2})\b", r"\1:30"),
    (r"\bquarter past (\d{1,2})\b", r"\1:15"),
    (r"\bbetween (.+?) and ", r"after \1 before "),
    (r"\bfrom (\d{1,2}(?::\d{2})?\s*(?:am|pm)?) (?:to|until|till) ", r"after \1 before "),
    (r"\s+", " "),
)

#: Words for small numbers ("in two hours", "by seven").
NUMBER_WORDS: dict[str, int] = {
    "one": 1, "an": 1, "a": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}

# ----------------------------------------------------------------------------- devices

#: Generic words for a kind of device, used when no name of the home matches.
GENERIC_DEVICE_WORDS: dict[str, tuple[str, ...]] = {
    "ev_charge": ("car", "cars", "ev", "evs", "vehicle", "electric car", "electric vehicle", "auto"),
    "battery_target": ("battery", "home battery", "house battery", "storage", "powerwall"),
    "appliance_run": ("machine", "appliance"),
}

#: A single word of a device's name ("water" of "water heater") names it when no name of the
#: home matched and only one device has that word; these words never do.
NAME_WORD_STOPLIST: frozenset[str] = frozenset({
    "home", "house", "family", "main", "smart", "electric", "the", "my", "our", "new", "old",
    "big", "small", "front", "back", "garage", "kitchen", "machine",
})
NAME_WORD_MIN_LENGTH = 4

#: Verbs that imply a kind of device when none is named ("charge by 7", "I leave at 6").
VERB_KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"\b(leave|leaving|drive|driving|commute|head out|go to work)\b", ("ev_charge",)),
    (r"\b(charge|charging|charged|top up|top it up|fill up)\b", ("ev_charge", "battery_target")),
)

#: Words that refer back to the device of the previous message.
PRONOUNS = r"\b(it|them|that one|this one)\b"

#: "charge the X" / "run the X" where X is no device of the home → ask about X.
UNKNOWN_DEVICE = (
    r"\b(?:charge|run|start|switch on|turn on)\s+(?:the |my |our |a )?"
    r"(?!it\b|them\b|everything\b|all\b|up\b|by\b|before\b|after\b|at\b|to\b|for\b|in\b|tonight\b|"
    r"overnight\b|today\b|tomorrow\b|cheap|green|now\b|asap\b|as\b|fully\b|full\b)([a-z][a-z ]{1,20}?)"
    r"(?= by | before | after | at | to | tonight| overnight| today| tomorrow| cheap| as |[,.!?]|$)"
)

# ----------------------------------------------------------------------------- actions

ACTIONS: dict[str, str] = {
    "cancel": r"\b(cancel|remove|drop|skip|forget|scrap|never mind|no need to|do not need to|"
    r"do not (?:run|charge|start)|no longer need|not needed|stop planning)\b",
    "move": r"\b(move|shift|reschedule|push|delay|postpone|bring forward|change)\b",
}

#: Words that mark a request for action, so a missing device is worth a question.
REQUEST_WORDS = r"\b(charge|run|start|wash|dry|heat|switch on|turn on|do the)\b"

# ----------------------------------------------------------------------------- objectives

OBJECTIVES: dict[str, str] = {
    "asap": r"\b(as soon as possible|asap|right away|right now|immediately|straight away|"
    r"quickly|as fast as possible|now)\b",
    "co2": r"\b(greenest|green|greener|cleanest|clean energy|low carbon|lowest carbon|"
    r"least co2|low co2|lowest co2|eco|environment)\b",
    "cost": r"\b(cheapest|cheaply|cheap|cheaper|lowest cost|lowest price|save money|"
    r"cost-effective|off-peak|with solar|on solar|from solar|using solar|solar power|sunshine)\b",
}

# ----------------------------------------------------------------------------- amounts

#: (pattern, field). The first group holds the number where there is one.
AMOUNTS: tuple[tuple[str, str], ...] = (
    (r"\b(?:add|another|extra|plus|an additional|put in|give it)\s+(\d+(?:\.\d+)?)\s*kwh\b", "energy_kwh"),
    (r"\b(\d+(?:\.\d+)?)\s*kwh\b", "energy_kwh"),
    (r"\b(\d{1,3})\s*(?:%|percent\b|per cent\b)", "target_soc_pct"),
    (r"\b(full|fully|to the max|to the maximum|topped up completely)\b", "charge_full"),
)

# ----------------------------------------------------------------------------- times


@dataclass(frozen=True)
class DayTime:
    """A local clock time on a day relative to now.

    ``day``: ``"today"``, ``"tomorrow"``, ``"next"`` (the next such time after now) or
    ``"now_or_today"`` (today at that time, or now if that has passed).
    """

    clock: str
    day: str = "next"


@dataclass(frozen=True)
class Period:
    """A phrase that sets a deadline and maybe an earliest start."""

    pattern: str
    deadline: DayTime
    earliest: DayTime | None = None


#: Day phrases, most specific first.
PERIODS: tuple[Period, ...] = (
    Period(r"\b(?:by|before|until|for) tomorrow morning\b", DayTime("07:00", "tomorrow")),
    Period(r"\b(?:by|before|until|for) (?:the )?morning\b", DayTime("07:00", "next")),
    Period(r"\btomorrow morning\b", DayTime("12:00", "tomorrow"), DayTime("06:00", "tomorrow")),
    Period(r"\btomorrow afternoon\b", DayTime("18:00", "tomorrow"), DayTime("12:00", "tomorrow")),
    Period(r"\b(?:by|before|until) tonight\b", DayTime("22:00", "now_or_today")),
    Period(r"\b(?:over ?night|during the night|while i sleep|while we sleep)\b",
           DayTime("07:00", "next"), DayTime("22:00", "now_or_today")),
    Period(r"\b(?:tonight|this evening|in the evening)\b", DayTime("24:00", "today"),
           DayTime("18:00", "now_or_today")),
    Period(r"\bthis afternoon\b", DayTime("18:00", "today"), DayTime("12:00", "now_or_today")),
    Period(r"\b(?:by|before|until) (?:the )?end of (?:the )?day\b", DayTime("24:00", "today")),
    Period(r"\b(?:today|later today|sometime today)\b", DayTime("24:00", "today")),
)

#: Words with a fixed clock time.
CLOCK_WORDS: dict[str, str] = {"noon": "12:00", "midday": "12:00", "midnight": "24:00"}

#: "the time is open": the request may run up to the horizon end.
OPEN_TIME = r"\b(whenever|any ?time|no rush|no hurry|at some point|sometime|when it is cheapest|" \
    r"when it is cheap|when it is greenest|in the next day)\b"

#: A clock time, optionally with am/pm: 7, 7am, 7:30, 07:30, 19:00, 7.30pm.
CLOCK = r"(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*(?P<ampm>am|pm)?"

#: Words before a time and the role they give it.
TIME_ROLES: tuple[tuple[str, str], ...] = (
    (r"(?:no later than|not later than|latest by|at the latest by)", "deadline"),
    (r"(?:ready by|done by|finished by|charged by|ready for|by|before|until|till|for)", "deadline"),
    (r"(?:i leave at|i am leaving at|leaving at|leave at|need it at|need the car at|"
     r"need it by|out at|go at)", "deadline"),
    (r"(?:not before|no earlier than|after|from|starting at|starting|start at|later than)", "earliest"),
    (r"(?:at|around)", "at"),
)

#: A bare hour (no am/pm, no minutes) counts only after one of these words.
BARE_HOUR_WORDS = r"(?:by|before|until|till|after|from|at|around|for|leave at|leaving at)"

#: Minimum lead for reading a bare hour (see the module docstring) [min].
BARE_HOUR_MIN_LEAD_MINUTES = 60

#: Day and part-of-day hints inside a clause with an explicit time.
DAY_HINTS: dict[str, str] = {r"\btomorrow\b": "tomorrow", r"\btoday\b": "today"}
AMPM_HINTS: dict[str, str] = {
    r"\b(morning|tomorrow morning|in the morning)\b": "am",
    r"\b(tonight|this evening|in the evening|afternoon)\b": "pm",
}

#: "in 3 hours", "within two hours", "in 90 minutes".
RELATIVE = r"\b(?:in|within|in the next)\s+(?P<n>\d+(?:\.\d+)?|an?|one|two|three|four|five|six|" \
    r"seven|eight|nine|ten|eleven|twelve)\s*(?P<unit>hours?|hrs?|h|minutes?|mins?)\b"

#: A deadline word followed by something that is no time we know → ask "by when exactly?".
UNCLEAR_TIME = (
    r"\b(?:by|before|until|ready for)\s+(?!tomorrow morning|the morning|morning|tonight|noon|"
    r"midday|midnight|end of|the end of|\d)(monday|tuesday|wednesday|thursday|friday|saturday|"
    r"sunday|the weekend|work|school|lunch|dinner|breakfast|later|soon|then|the evening|evening|"
    r"next week|tomorrow)\b"
)

# ----------------------------------------------------------------------------- questions

#: (question kind, pattern), tried in order. A message with requests is a planning message even
#: if it also asks one of these.
QUESTIONS: tuple[tuple[str, str], ...] = (
    ("what_if", r"\b(what if|what happens if|and if|suppose|supposing|what would happen if)\b"),
    ("why", r"\bwhy\b"),
    ("forecast", r"\b(forecast|when is (?:electricity|power|energy|it) (?:cheapest|cheap|greenest)|"
     r"how (?:much|sunny)[a-z ]*(?:solar|sun|pv)|solar (?:tomorrow|today|production)|"
     r"electricity prices?|power prices?|price forecast|prices? (?:tonight|tomorrow|today)|"
     r"base ?load|will it be sunny|what(?:'s| is) the (?:sun|weather) (?:like|doing)|"
     r"weather (?:tomorrow|today|tonight|forecast)|cheapest (?:tonight|tomorrow|today))\b"),
    ("cost", r"\b(what will (?:it|this|that) cost|how much (?:will|does|would) (?:it|this|that) cost|"
     r"how much is it|what does (?:it|this|that) cost|what is the cost|cost me|"
     r"how much will i (?:pay|save)|what do i save|how much do i save)\b"),
    ("plan", r"\b(what is the plan|what is planned|show (?:me )?the plan|current plan|"
     r"what is the schedule|show (?:me )?the schedule|when does .+ run|when will .+ (?:run|charge))\b"),
    ("help", r"^(hi|hello|hey|help|good (?:morning|evening|afternoon))\b|\bwhat can you do\b"),
)

#: Text that tries to make the assistant approve or apply something.
APPROVAL = r"\b(approve|approved|accept the plan|apply the plan|activate the plan|confirm the plan|" \
    r"commit the plan|go ahead and apply|mark (?:it|the plan) (?:as )?approved)\b"

#: Saying yes to a what-if: make it the proposal.
ADOPT = r"^(?:yes|ok|okay|do it|do that|let us do that|use that|sounds good|go with that)\b"


# ----------------------------------------------------------------------------- standing orders

#: A request that repeats, and on which days: "every weekday", "each evening", "daily" (English
#: and German). The first matching row wins; the phrase is taken out of the text before the request
#: is read, so "every evening" is not read as tonight's deadline.
STANDING_DAYS: tuple[tuple[str, str], ...] = (
    ("weekdays", r"\b(?:every|each) (?:week ?day|work ?day)s?\b|\bon weekdays\b|\bweekdays\b|"
     r"\bjeden werktag\b|\bwerktags\b|\bmontags? bis freitags?\b"),
    ("weekends", r"\b(?:every|each) weekend(?: day)?\b|\b(?:on|at) weekends\b|"
     r"\bjedes wochenende\b|\bam wochenende\b"),
    ("daily", r"\b(?:every|each) (?:day|morning|evening|night)\b|\bdaily\b|"
     r"\bjeden (?:tag|morgen|abend)\b|\bjede nacht\b|\btäglich\b"),
)

#: "every evening" / "jeden Abend" opens the window at this local time (the deadline's day before
#: when the deadline is earlier, "every evening by 7am" = from 18:00 to 07:00).
STANDING_EARLIEST: tuple[tuple[str, str], ...] = (
    (r"\b(?:every|each) evening\b|\bjeden abend\b", "18:00"),
    (r"\b(?:every|each) night\b|\bjede nacht\b", "22:00"),
)

#: Changing the standing orders in words: (action, pattern), tried in order.
STANDING_ACTIONS: tuple[tuple[str, str], ...] = (
    ("pause", r"\bnot this week\b|\bwe(?:'re| are) away\b|\bpause (?:the |all |my )?"
     r"(?:standing|daily|regular)\b|\bdiese woche nicht\b|\bwir sind (?:diese woche )?(?:weg|verreist)\b"),
    ("resume", r"\bwe(?:'re| are) back\b|\bresume (?:the |all |my )?(?:standing|daily|regular)\b|"
     r"\bwir sind (?:wieder )?zurück\b"),
    ("cancel", r"\b(?:cancel|stop|delete|end) (?:the |my |all )?standing orders?\b|"
     r"\bno longer every\b|\bnicht mehr jeden\b|\bdauerauftrag (?:löschen|beenden)\b"),
    ("list", r"\bstanding orders?\b|\bwhat (?:runs|happens) every day\b|\bdaueraufträge?\b"),
)

#: A pause phrase about this week pauses up to and including Sunday.
STANDING_THIS_WEEK = r"\bthis week\b|\bdiese woche\b|\bwe(?:'re| are) away\b|\bwir sind"
