"""Which language a message is in, and Hearth's own words in English and German.

Numbers written as words are not here: :mod:`text2num` turns them into digits first
(:mod:`agents.understanding.normalise`), and calendar dates and weekdays are resolved by
:mod:`dateparser` (:mod:`agents.understanding.times`). What stays is the thin layer of words
whose meaning is Hearth's decision (the conventions of ``tests/corpus/README.md``): day parts
("overnight", "über Nacht"), the half of the day a word settles ("before work" = morning), the
roles of time words ("by" = deadline, "not before" = earliest start), amounts ("half full"),
objectives ("günstig"), questions and house-rule phrases.

Every pattern is matched against normalised text: lower case, digits for numbers, single spaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Language = Literal["en", "de"]

#: Words that mark German, and words that mark English; the larger count wins (ties: English).
_GERMAN = re.compile(
    r"(?<![\w])(bis|uhr|und|das|die|der|den|dem|ein|eine|einen|nicht|morgen|heute|bitte|laden|"
    r"lade|lädt|laufen|lassen|über|nacht|wann|warum|wieso|was|kostet|ist|mein|meine|früh|abends|"
    r"günstig|günstigsten|spülmaschine|geschirrspüler|waschmaschine|trockner|auto|batterie|"
    r"wetter|sonne|strom|ich|wir|fahre|muss|soll|jetzt|sofort|um|auf|voll|halb|viertel|stunden?|"
    r"vor|nach|ab|zwischen|mach|nimm|erste|zweite|ja|danke|hallo|wie|plan|geplant|zeig|"
    r"wochenende|mittag|mittags|nachts|abend|morgens|kein|keine|ohne|vergiss|aufladen|"
    r"laufenlassen|startet?|fertig|spätestens|frühestens|prozent|kilowattstunden|hat|bei|noch|"
    r"mal|doch|lieber|dann|also|es|sie|er|ihn|hier|guten|tag|spülen|waschen|trocknen|alles|"
    r"abbrechen|streichen|vergiss|nur|aber|lass|lassen|bitte|gerade|noch|montag|dienstag|"
    r"mittwoch|donnerstag|freitag|samstag|sonnabend|sonntag|warmwasser|wagen|karre|speicher|"
    r"stunde|minuten|wäsche|geschirr|spülmaschine|trockner|waschmaschine)(?![\w])"
)
_ENGLISH = re.compile(
    r"(?<![\w])(the|by|and|charge|run|my|is|at|to|before|after|tonight|tomorrow|please|car|"
    r"dishwasher|washer|washing|dryer|battery|what|why|when|how|much|cost|will|it|full|"
    r"cheap|cheapest|overnight|morning|evening|from|not|do|don't|want|need|can|you|plan|ok|"
    r"okay|yes|hi|hello|thanks|weather|sun|make|then|instead|cancel|forget|leave|work|today|"
    r"hours?|percent|half|past|quarter|am|pm|noon|midnight|weekend|with|solar|asap|now|let|"
    r"start|done|ready|until|a|an|of|for|on|in|this|that|one|first|second)(?![\w])"
)


def detect_language(text: str, default: Language = "en") -> Language:
    """``"de"`` when a message has more German than English marker words, else ``"en"``.

    Umlauts and ß count as German. A message with no marker word at all ("7am", "80%") is in
    ``default`` (the conversation's language so far).
    """
    lowered = text.lower()
    german = len(_GERMAN.findall(lowered)) + len(re.findall(r"[äöüß]", lowered))
    english = len(_ENGLISH.findall(lowered))
    if german == english == 0:
        return default
    return "de" if german > english else "en"


@dataclass(frozen=True)
class Words:
    """The phrase tables of one language (regular expressions on normalised text)."""

    # -- time roles: the word before a clock time --------------------------------------------
    deadline: str
    earliest: str
    at: str
    leave: str  # "I leave at" / "need it at": a deadline whatever the device
    not_after: str  # negated "after": a deadline
    not_before: str  # negated "before": an earliest start
    between: str  # two times: (?P<a>...) and (?P<b>...) are filled in by the reader
    # -- settling the half of the day ---------------------------------------------------------
    am_words: str
    pm_words: str
    night_words: str
    clock_24h: str  # a marker after the number that makes it a 24-hour time ("Uhr")
    # -- days and day parts ---------------------------------------------------------------------
    today: str
    tomorrow: str
    day_after_tomorrow: str
    weekday_or_date: str  # handed to dateparser
    overnight: str
    by_morning: str
    tomorrow_morning: str
    tomorrow_afternoon: str
    tomorrow_evening: str
    tonight: str
    this_afternoon: str
    today_deadline: str
    by_noon: str
    by_dinner: str
    weekend: str
    evening_peak: str
    relative: str  # (?P<n>number) (?P<unit>hours|minutes)
    relative_half_hour: str
    open_time: str
    unclear_time: str
    # -- amounts ----------------------------------------------------------------------------------
    percent: str
    energy: str
    add_energy: str
    power: str
    full: str
    half: str
    distance: str
    vague_amount: str
    at_most: str  # "don't charge above N%": a cap read as the target ((?P<unit>) may be absent)
    to_level: str  # "charge it to 80": a level without the % sign (25–100 only)
    target_words: str  # "must be at", "soll … haben": what makes "at N%" a target, not a report
    not_full: str  # "not full", "no need to fill it up": a negated amount, not a cancel
    drain: str  # "empty the battery (completely)", "Batterie leeren": a level of 0 % (a limit)
    floor: str  # "keep the battery above N%"
    no_ev_discharge: str
    # -- objectives ------------------------------------------------------------------------------
    cost: str
    co2: str
    solar: str
    asap: str
    # -- actions, negation --------------------------------------------------------------------
    cancel: str
    not_today: str  # "do not run it tonight": an earliest start tomorrow at 00:00
    not_verb: str  # "don't charge the car", "stop the dishwasher": a cancel if nothing else is said
    negation: str
    exclude: str  # "not the dryer", "without the dryer" + a device right after
    request_verbs: str
    charge_verbs: str
    leave_verbs: str
    pronouns: str
    same_time: str  # "too", "same time": the time said before, or of the request under discussion
    filler: str  # words that never name a device: what is left of a message names an unknown one
    # -- conversation ---------------------------------------------------------------------------
    q_why: str
    q_cost: str
    q_plan: str
    q_price: str
    q_forecast: str
    q_what_if: str
    interrogative: str  # how a question begins ("when", "is", "wann", "läuft")
    polite_request: str  # "can you …?": a request, though it ends with "?"
    topic_price: str  # a question's topic, when no question pattern above matched
    topic_forecast: str
    topic_plan: str
    greeting: str
    state: str  # "my car is at 50%": (?P<pct>N)
    ignore_rules: str
    approval: str
    injection: str
    choose: str  # (?P<n>N) — "the first one", "option 2"
    adopt: str
    separators: str


EN = Words(
    deadline=r"(?:no later than|not later than|at the latest by|latest by|ready by|ready for|"
    r"done by|finished by|charged by|full by|by|before|until|till|til|ready at|done at|"
    r"finished at|full at)",
    earliest=r"(?:no earlier than|not earlier than|starting from|starting at|starting|from|after|"
    r"later than|wait until|wait till)",
    at=r"(?:at|around|about|for)",
    leave=r"(?:i (?:am )?leav(?:e|ing)(?: for work)?(?: at)?|leav(?:e|ing)(?: for work)? at|"
    r"need (?:it|the car|my car)(?: at| by)?|i need to leave at|head(?:ing)? out at|out at|"
    r"(?:i )?go(?:ing)? to work at|drive(?: off)? at|(?:i am )?off at)",
    not_after=r"(?:not after|no later than|not later than)",
    not_before=r"(?:not before|do not (?:start|run|charge|begin)(?: [a-z]+){0,4} before|"
    r"not until|no earlier than|not earlier than)",
    between=r"(?:between (?P<a>.+?) and (?P<b>.+?)(?=$|[,.;!?]| and | then | but )|"
    r"from (?P<c>\d[^ ]*(?: ?(?:am|pm))?) (?:to|until|till) (?P<d>\d[^ ]*(?: ?(?:am|pm))?))",
    am_words=r"(?:in the morning|this morning|tomorrow morning|morning|before work|for work|"
    r"leave for work|leaving for work|breakfast|a\.?m\.?)",
    pm_words=r"(?:tonight|this evening|in the evening|evening|afternoon|after dinner|after work|"
    r"in the afternoon|p\.?m\.?)",
    night_words=r"(?:at night|in the night|during the night)",
    clock_24h=r"(?:hrs|hours(?= (?:tomorrow|today|on)\b)|h\b)",
    today=r"(?:today|this)",
    tomorrow=r"(?:tomorrow)",
    day_after_tomorrow=r"(?:the day after tomorrow)",
    weekday_or_date=r"(?:(?:next |this )?(?:monday|tuesday|wednesday|thursday|friday|saturday|"
    r"sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat)\b|(?:the )?\d{1,2}(?:st|nd|rd|th)"
    r"(?! (?!of\b|at\b|by\b|in\b|before\b|until\b|morning\b|evening\b)[a-z])"
    r"(?: of (?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december))?|\d{1,2} (?:january|february|march|april|may|june|july|august|september|"
    r"october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\b|"
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec) \d{1,2}(?:st|nd|rd|th)?)",
    overnight=r"(?:over ?night|during the night|while (?:i|we) (?:am |are )?sleep(?:ing)?|"
    r"in the night|through the night)",
    by_morning=r"(?:(?:by|before|until|for) (?:tomorrow morning|the morning|morning|the next morning|"
    r"breakfast|when i wake up|i wake up))",
    tomorrow_morning=r"(?:tomorrow morning|in the morning tomorrow|tomorrow in the morning)",
    tomorrow_afternoon=r"(?:tomorrow afternoon)",
    tomorrow_evening=r"(?:tomorrow evening|tomorrow night)",
    tonight=r"(?:tonight|this evening|in the evening|this night|later tonight)",
    this_afternoon=r"(?:this afternoon)",
    today_deadline=r"(?:today|later today|sometime today|by (?:the )?end of (?:the )?day|by tonight)",
    by_noon=r"(?:(?:by|before|until|for) (?:lunchtime|lunch|noon|midday)|lunchtime)",
    by_dinner=r"(?:(?:by|before|until|for) (?:dinner ?time|dinner|supper))",
    weekend=r"(?:(?:at|over|on|during) the weekend|this weekend|at weekend)",
    evening_peak=r"(?:evening peak|for the evening|for tonight's peak|peak this evening)",
    relative=r"(?:in|within|in the next|over the next|during the next)\s+(?P<n>\d+(?:\.\d+)?|an|a)"
    r"(?P<half> and a half)?\s*(?P<unit>hours?|hrs?|h|minutes?|mins?)\b(?P<half_after> and a half)?",
    relative_half_hour=r"(?:in|within) (?:half an hour|a half hour|30 min)",
    open_time=r"(?:whenever|any ?time|no rush|no hurry|at some point|in the next day|sometime)",
    unclear_time=r"(?:(?:by|before|until|for|after) (?P<what>work|school|lunch|dinner|breakfast|later|"
    r"soon|then|the evening|evening|next week|tomorrow|the weekend|this week)|"
    r"(?P<later>later|soon|at some point today|some time soon)|"
    r"(?:by|before|until|on) (?P<day>(?:next |this )?(?:monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday)))",
    percent=r"(?P<n>\d+(?:\.\d+)?)\s*(?:%|percent\b|per cent\b|pct\b)",
    energy=r"(?P<n>\d+(?:\.\d+)?)\s*(?:kwh\b|kilowatt[ -]?hours?\b|kw h\b)",
    add_energy=r"(?:add|another|extra|plus|an additional|put in|give it|more)",
    power=r"(?P<n>\d+(?:\.\d+)?)\s*(?:kw\b|kilowatts?\b)(?![ -]?h)",
    full=r"(?:full(?:y)?|completely|fill (?:[a-z]+ ){0,3}up|to the max(?:imum)?|"
    r"top(?:ped)? (?:it |her )?up completely|all the way|max(?:imum)? charge|100 ?% full)",
    half=r"(?:half full|half charged|to half|halfway|half way|half(?! past)(?! an hour)(?! hour))",
    distance=r"(?:(?:enough (?:charge |range |juice )?(?:in [a-z ]+? )?for (?:a |an |about |around )?)?"
    r"(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>km|kilometers?|kilometres?|miles?|mi)\b(?: (?:of )?range| drive| trip)?)",
    vague_amount=r"(?:enough(?! for \d)(?: charge| range| juice)?(?: to| for)(?! (?:a |an )?\d)|a bit(?: more)?|a little(?: bit)?(?: more)?|some(?: more)?(?= (?:charge|energy|juice|power)| by|$)|somewhat|"
    r"a few percent|a touch)",
    at_most=r"(?:do not charge (?:it |the car )?(?:above|over|beyond|past|more than)|"
    r"do not let (?:it|her|the car|my car) (?:go|get|charge) (?:above|over|beyond|past)|"
    r"not (?:above|over|beyond|past|more than)|no more than|at most|max(?:imum)?|up to|only to|"
    r"cap(?:ped)? at|limit(?:ed)? to)\s*(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>%|percent\b|per cent\b)?",
    to_level=r"(?:to|at) (?P<n>\d{2,3})(?![\d:.%]| ?(?:am|pm|h\b|hours?|minutes?|kwh|kw|km|miles?|percent))",
    target_words=r"\b(?:must|should|needs?|has to|have to|want|wanted|ready|by|before|until|to be)\b",
    drain=r"(?:empty|drain|run down|flatten|discharge)",
    not_full=r"(?:not (?:to )?full(?:y)?|not completely|not all the way|no need to (?:fill (?:it |her )?up|"
    r"charge (?:it )?(?:fully|full|to full))|do not (?:need to )?fill (?:it |her )?up)",
    floor=r"(?:keep (?:it |the battery |the home battery )?(?:above|over|at least at|at least)|"
    r"do not let (?:it|the battery|the home battery) (?:drop|go|fall|get) (?:below|under)|"
    r"not (?:below|under)|never (?:below|under)|at least|minimum of|floor of|reserve of)\s*"
    r"(?P<n>\d+(?:\.\d+)?)\s*(?:%|percent|per cent)",
    no_ev_discharge=r"(?:do not (?:discharge|drain|empty|use) (?:the |my )?(?:home |house )?battery "
    r"(?:into|for|to charge) (?:the )?(?:car|ev|it)|(?:the )?(?:home |house )?battery (?:should|must) not "
    r"(?:charge|feed) the (?:car|ev)|do not charge the (?:car|ev) from the (?:home |house )?battery|"
    r"not from the (?:home |house )?battery)",
    cost=r"(?:cheapest|cheaply|cheap|cheaper|lowest cost|lowest price|least money|save money|"
    r"cost-effective|off-peak|off peak|budget|as little as possible|low cost|economical|"
    r"avoid(?:ing)? (?:the )?peak|outside (?:the )?peak|not (?:[a-z]+ ){0,4}during (?:the )?peak)",
    co2=r"(?:greenest|green|greener|cleanest|clean energy|cleaner|low carbon|lowest carbon|"
    r"least co2|low co2|lowest co2|eco|environment(?:ally)?(?: friendly)?|carbon)",
    solar=r"(?:with solar|on solar|from solar|using solar|solar power|solar energy|sunshine|"
    r"when the sun (?:shines|is out|is shining)|from the panels|with the panels|from the sun|"
    r"with pv|pv power|own power)",
    asap=r"(?:as soon as possible|asap|right away|right now|immediately|straight away|"
    r"as fast as possible|quickly|now|(?:get it |have it )?done fast|"
    r"do not care about (?:the )?(?:cost|price|money)|(?:cost|price|money) does not matter)",
    cancel=r"(?:cancel|remove|drop|skip|forget(?: about)?|scrap|never ?mind|no need to|"
    r"do not need(?: to)?|no longer need|not needed|stop planning|take (?:out|off)|leave out|"
    r"delete|call off|withdraw|do not bother(?: with| about)?)",
    not_verb=r"(?:do not|no need to|stop|do not need to) (?:charge|charging|run|running|start|do|wash|"
    r"dry|heat|bother)|^stop\b|\bstop (?:the|my)\b",
    not_today=r"(?:(?:do )?not|never) (?:[a-z0-9]+ ){0,5}?(?:tonight|today|this evening)",
    negation=r"(?:not|never|no|without|none|neither|nor|cannot|will not|does not)",
    exclude=r"(?:not the|but not the|without the|except the|except|no|but not|not)",
    request_verbs=r"(?:charge|charging|run|start|wash|dry|heat|switch on|turn on|do the|put on|"
    r"top up|fill|plan|schedule|load|get)",
    charge_verbs=r"(?:charge|charging|charged|top up|top it up|fill up|fill it)",
    leave_verbs=r"(?:leave|leaving|drive|driving|commute|head out|go to work)",
    pronouns=r"(?:it|them|that one|this one|that|this|both|her)",
    same_time=r"(?:at the same time|same time|same deadline|too|as well)",
    filler=r"(?:a|an|the|my|our|your|its|his|her|their|this|that|these|those|it|them|i|we|you|me|us|"
    r"and|or|but|so|then|also|too|just|only|please|pls|plz|kindly|hey|hi|hello|ok|okay|yes|no|"
    r"sure|thanks|thank|oh|well|actually|instead|rather|sorry|again|now|still|really|"
    r"can|could|would|will|shall|should|must|may|might|need|needs|needed|want|wants|like|"
    r"have|has|had|got|get|gets|be|is|are|was|were|been|being|am|do|does|did|done|make|"
    r"sure|let|lets|us|to|for|of|on|off|in|at|by|up|out|with|from|into|before|after|until|"
    r"till|about|around|some|any|all|every|more|less|much|many|bit|little|lot|"
    r"charge|charged|charging|run|running|ran|start|started|starting|turn|switch|put|"
    r"plan|planned|schedule|scheduled|finish|finished|ready|go|going|fill|top|heat|heating|"
    r"wash|washing|dry|drying|cook|defrost|preheat|warm|program|programme|cycle|cycles|load|"
    r"loads|machine|machines|appliance|appliances|device|devices|thing|things|one|stuff|"
    r"cheap|cheaply|cheapest|time|times|when|which|what|how|why|where|who|hearth|full|half|"
    r"quick|eco|normal|short|long|hot|cold|wash|usual|today|tonight|tomorrow|morning|evening)",
    q_why=r"(?:\bwhy\b|how come|what is the reason)",
    q_cost=r"(?:what will (?:it|this|that|the plan) cost|how much (?:will|does|would|is) (?:it|this|that|"
    r"the plan)(?: cost)?|what does (?:it|this|that|the plan) cost|what is the cost|cost me|"
    r"how much will i (?:pay|save)|what do i save|how much do i save|how expensive is (?:it|this|the plan)|"
    r"what would (?:it|this) cost|total cost)",
    q_plan=r"(?:what is the plan|what is planned|show (?:me )?the (?:plan|schedule)|current plan|"
    r"what is the schedule|when does (?:the |my )?[a-z ]+ run|when will (?:the |my )?[a-z ]+ "
    r"(?:run|charge|start)|what have you planned|what did you plan|what is scheduled)",
    q_price=r"(?:when is (?:electricity|power|energy|it|the price|grid power) (?:the )?"
    r"(?:cheapest|cheap|lowest|least expensive|cheaper)|is (?:now|it now|this) a good time|"
    r"good time to|is it cheap (?:now|right now)|cheapest (?:time|hour|hours)|"
    r"(?:electricity|power) prices?|how much is (?:electricity|power)|what does electricity cost|"
    r"price (?:now|right now|tonight|tomorrow)|when should i run|when is the best time|"
    r"best time to|now or (?:later|tonight|tomorrow|overnight|wait)|is it cheaper|cheaper to|"
    r"should i (?:run|charge|start|wait)[a-z ]* (?:now|later|wait)|instead of now|or wait)",
    q_forecast=r"(?:weather|forecast|sunny|will it (?:rain|be sunny)|how much (?:sun|solar|pv)|"
    r"sun (?:tomorrow|today)|solar (?:tomorrow|today|production|forecast|output)|clouds?|cloudy|"
    r"rain|how is the sun|the sun like|base ?load)",
    q_what_if=r"(?:what if|what happens if|and if|suppose|supposing|what would happen if|"
    r"what would it cost if)",
    interrogative=r"^(?:what|when|which|how|is|are|will|would|does|did|any|anything|has|have|"
    r"where|who)\b",
    polite_request=r"^(?:(?:can|could|would|will) you|please|pls|kindly)\b",
    topic_price=r"(?:prices?|rates?|tariffs?|cheap\w*|expensive|costs?|pay)",
    topic_forecast=r"(?:sun\w*|solar|panels?|pv|produce|generat\w*|weather|rain\w*|cloud\w*)",
    topic_plan=r"(?:schedul\w*|planned|plan|running|run|on|happening|charging|going on|start\w*)",
    greeting=r"(?:^(?:hi|hello|hey|hiya|good (?:morning|evening|afternoon)|help|thanks|thank you|"
    r"cheers)\b|what can you do|who are you|how does this work)",
    state=r"(?:(?:my |the |our )?(?P<dev>[a-z0-9 ]{2,20}?)(?: battery)? (?:is|is at|is on|is now at|"
    r"is currently at|currently at|has|has got|is showing|shows|reads|is charged to|sits at|at|on|"
    r"says|is saying|shows only|has only|only has) "
    r"(?P<pct>\d+(?:\.\d+)?)\s*(?:%|percent|per cent|pct)(?! by| before| until)(?: (?:now|right now|"
    r"charged|full|charge))?)",
    ignore_rules=r"(?:ignore|disregard|skip|forget|override|never ?mind|break|do not care about|"
    r"do not worry about|turn off|switch off|disable|deactivate|remove|lift|drop)\s+(?:the |its |my |our |those |these )?(?:quiet hours?|quiet time|"
    r"house rules?|rules?|noise rules?|time window|allowed window|windows?)",
    approval=r"(?:approve|approved|accept the plan|apply the plan|activate the plan|confirm the plan|"
    r"commit the plan|go ahead and apply|mark (?:it|the plan) (?:as )?approved|approve_plan)",
    injection=r"(?:ignore (?:all |your |the |previous |prior )*(?:instructions|rules|prompt)|"
    r"system:|developer mode|admin mode|you are now|new instructions|override your|"
    r"reveal your|act as|jailbreak|call [a-z_]+ ?(?:now|\(|immediately)|"
    r"note to the (?:auditor|scheduler|coordinator|forecaster|assistant|model|system)|"
    r"skip (?:your |the |all )?(?:checks?|audit|verification)|the plan is (?:verified|approved))",
    choose=r"(?:^|\b)(?:(?:i will |i'll |let us |let's )?(?:take|choose|pick|go with|use) )?"
    r"(?:the |option |number |alternative |choice )?(?P<n>1st|2nd|3rd|1|2|3|first|second|third|"
    r"last|earlier|later)(?: one| option| alternative| choice)?(?: please| then)?$",
    adopt=r"^(?:yes|yeah|yep|ok|okay|sure|do it|do that|let us do (?:it|that)|use that|"
    r"sounds good|go with that|go ahead|fine|perfect|great)(?: please| then| do it| thanks)?[.!]?$",
    separators=r"\s*(?:[,;]|\band then\b|\bthen\b|\band also\b|\balso\b|\band\b|\bplus\b|\bbut\b|"
    r"\bjust\b)\s*",
)

DE = Words(
    deadline=r"(?:bis spätestens|spätestens bis|spätestens um|spätestens|fertig bis|fertig um|"
    r"voll bis|geladen bis|bis um|bis|vor)",
    earliest=r"(?:frühestens ab|frühestens um|frühestens|erst ab|erst nach|erst um|ab|nach|"
    r"beginnend um|start um|starten um)",
    at=r"(?:um|gegen|so um)",
    leave=r"(?:ich fahre? um|fahre? um|fahre|losfahren um|los um|brauche (?:das auto|den wagen|es)(?: um| bis)?|"
    r"muss um|wir fahren um|abfahrt um|abfahrt)",
    not_after=r"(?:nicht nach|nicht später als|spätestens)",
    not_before=r"(?:nicht vor|nicht früher als|erst nach|nicht (?:starten|laufen|laden|anfangen) vor|"
    r"(?:starte|lade|lass) (?:[a-zäöüß]+ ){0,3}nicht vor|nicht vor)",
    between=r"(?:zwischen (?P<a>.+?) und (?P<b>.+?)(?=$|[,.;!?]| und | dann | aber )|"
    r"von (?P<c>\d[^ ]*(?: uhr)?) bis (?P<d>\d[^ ]*(?: uhr)?))",
    am_words=r"(?:morgens|früh|morgen früh|vormittags|am morgen|heute morgen|in der früh|"
    r"vor der arbeit|zur arbeit|frühstück)",
    pm_words=r"(?:abends|heute abend|am abend|nachmittags|am nachmittag|nach dem abendessen|"
    r"nach der arbeit)",
    night_words=r"(?:nachts|in der nacht)",
    clock_24h=r"(?:uhr|h\b)",
    today=r"(?:heute)",
    tomorrow=r"(?:morgen(?! früh)(?!s))",
    day_after_tomorrow=r"(?:übermorgen)",
    weekday_or_date=r"(?:(?:nächsten |nächste |kommenden |diesen |am )?(?:montag|dienstag|mittwoch|"
    r"donnerstag|freitag|samstag|sonnabend|sonntag)\b|\d{1,2}\.\s?\d{1,2}\.(?:\d{2,4})?|"
    r"(?:zum |am |den )\d{1,2}\.(?![\d])|"
    r"\d{1,2}\.? (?:januar|februar|märz|april|mai|juni|juli|august|september|oktober|november|"
    r"dezember))",
    overnight=r"(?:über nacht|über die nacht|nachts|heute nacht|in der nacht|während (?:ich|wir) "
    r"schlafe?n?|die nacht über)",
    by_morning=r"(?:bis morgen früh|bis morgen frueh|bis (?:zum )?morgen(?= früh)|bis zum frühstück|"
    r"bis (?:morgen )?früh)",
    tomorrow_morning=r"(?:morgen früh|morgen vormittag|morgen am vormittag)",
    tomorrow_afternoon=r"(?:morgen nachmittag)",
    tomorrow_evening=r"(?:morgen abend)",
    tonight=r"(?:heute abend|am abend|abends)",
    this_afternoon=r"(?:heute nachmittag|am nachmittag|nachmittags)",
    today_deadline=r"(?:heute(?! abend)(?! nachmittag)(?! nacht)(?! morgen)|im laufe des tages|"
    r"bis heute abend|bis zum abend)",
    by_noon=r"(?:bis (?:zum )?mittag(?:essen)?|bis mittags)",
    by_dinner=r"(?:bis zum abendessen)",
    weekend=r"(?:am wochenende|übers wochenende|dieses wochenende|am kommenden wochenende)",
    evening_peak=r"(?:abendspitze|für den abend|für heute abend|spitze am abend)",
    relative=r"(?:in|innerhalb von|innerhalb|in den nächsten|binnen)\s+(?P<n>\d+(?:[.,]\d+)?|einer|"
    r"eine|ein)(?P<half> ?einhalb)?\s*(?P<unit>stunden?|std\.?|h|minuten?|min\.?)(?![a-zäöü])(?P<half_after>)",
    relative_half_hour=r"(?:in|innerhalb) (?:einer halben stunde|30 min)",
    open_time=r"(?:irgendwann|egal wann|wann immer|keine eile|hat zeit|eilt nicht|"
    r"wenn es am günstigsten ist|wenn (?:der )?strom (?:am )?(?:günstig|billig)(?:sten)? ist)",
    unclear_time=r"(?:(?:bis|vor|nach) (?P<what>der arbeit|zur arbeit|mittag|später|bald|dann|"
    r"morgen|nächste woche|diese woche|dem essen)|(?P<later>später|bald|demnächst)|"
    r"(?:bis|am) (?P<day>(?:nächsten |kommenden )?(?:montag|dienstag|mittwoch|donnerstag|freitag|"
    r"samstag|sonntag)))",
    percent=r"(?P<n>\d+(?:[.,]\d+)?)\s*(?:%|prozent\b)",
    energy=r"(?P<n>\d+(?:[.,]\d+)?)\s*(?:kwh\b|kilowattstunden?\b)",
    add_energy=r"(?:zusätzlich|noch|weitere|extra|plus|nachladen|mehr)",
    power=r"(?P<n>\d+(?:[.,]\d+)?)\s*(?:kw\b|kilowatt\b)(?!stunde)",
    full=r"(?:vollständig|komplett|ganz voll|randvoll|voll(?:laden|machen|geladen)?|ganz aufladen|"
    r"auf maximum|aufs maximum)",
    half=r"(?:halb voll|zur hälfte|halbvoll|halb(?! ?\d)(?! stunde))",
    distance=r"(?:(?:(?:genug )?(?:reichweite )?(?:für|von) (?:etwa |ungefähr |rund |eine )?)?"
    r"(?P<n>\d+(?:[.,]\d+)?)\s*(?P<unit>km|kilometern?|meilen)\b(?: reichweite| fahrt)?)",
    vague_amount=r"(?:genug(?! für \d)(?: strom| reichweite)?(?: für| um)|ein bisschen|1 bisschen|ein wenig|etwas(?! anderes)|ein paar prozent|bisschen)",
    at_most=r"(?:nicht (?:über|mehr als|höher als)|höchstens|maximal|max\.?|bis maximal|nur bis)"
    r"\s*(?:auf )?(?P<n>\d+(?:[.,]\d+)?)\s*(?P<unit>%|prozent\b)?",
    to_level=r"(?:auf) (?P<n>\d{2,3})(?![\d:.%]| ?(?:uhr|h\b|stunden?|minuten?|kwh|kw|km|prozent))",
    target_words=r"\b(?:soll|sollte|muss|bis|brauche|will|möchte)\b",
    drain=r"(?:leeren|entleeren|leer machen|leerlaufen lassen|entladen|ganz leer)",
    not_full=r"(?:nicht (?:ganz )?voll|nicht komplett|muss nicht voll(?: sein)?|nicht vollladen)",
    floor=r"(?:nicht unter|nie unter|mindestens|über|nicht weniger als|mindestens bei)\s*(?:auf )?"
    r"(?P<n>\d+(?:[.,]\d+)?)\s*(?:%|prozent)",
    no_ev_discharge=r"(?:nicht (?:ins|in das|für das|zum laden des) auto entlad\w*|"
    r"(?:das )?auto nicht (?:aus|von) der (?:haus)?batterie laden|"
    r"(?:haus)?batterie nicht (?:ins|in das|für das) auto|nicht (?:aus|von) der (?:haus)?batterie)",
    cost=r"(?:möglichst günstig|am günstigsten|günstigsten|günstig|billig|billigsten|preiswert|"
    r"kostengünstig|sparsam|wenig kosten|geld sparen)",
    co2=r"(?:am grünsten|grünsten|grün|umweltfreundlich|klimafreundlich|ökostrom|co2-arm|"
    r"wenig co2|sauber)",
    solar=r"(?:mit sonne|mit solar|solarstrom|sonnenstrom|pv-strom|mit pv|wenn die sonne scheint|"
    r"vom dach|mit eigenem strom|eigenstrom)",
    asap=r"(?:so schnell wie möglich|so bald wie möglich|möglichst schnell|sofort|jetzt|gleich|"
    r"umgehend|schnellstmöglich|egal was es kostet|kosten (?:sind )?egal|preis (?:ist )?egal)",
    not_verb=r"(?:nicht|kein) (?:laden|aufladen|laufen|starten|waschen|trocknen|spülen|heizen)|"
    r"(?:stopp\w*|anhalten|halt)\b",
    not_today=r"(?:nicht (?:[a-zäöüß0-9]+ ){0,4}?(?:heute abend|heute nacht|heute)|"
    r"heute (?:abend |nacht )?nicht(?! (?:unter|über|weniger|mehr|ganz|voll|ins|in das|aus|von)\b))",
    cancel=r"(?:lassen wir|brauchen wir nicht|abbrechen|absagen|streichen|stornieren|vergiss|löschen|entfernen|doch nicht|"
    r"nicht mehr|brauche (?:ich )?nicht|muss nicht|nicht nötig|weglassen|lass (?:[a-zäöüß]+ ){0,3}weg)",
    negation=r"(?:nicht|kein|keine|keinen|keinem|ohne|nie|niemals)",
    exclude=r"(?:nicht den|nicht die|nicht das|aber nicht|ohne den|ohne die|ohne das|außer|ohne|"
    r"kein|keine|keinen|nicht)",
    request_verbs=r"(?:laden|lade|lädt|aufladen|laufen|starten|starte|waschen|trocknen|spülen|"
    r"heizen|einschalten|anmachen|planen|plane|mach|machen)",
    charge_verbs=r"(?:laden|lade|lädt|aufladen|volltanken|nachladen)",
    leave_verbs=r"(?:fahre|fahren|losfahren|los|abfahrt)",
    pronouns=r"(?:es|sie|ihn|das|beide|die)",
    same_time=r"(?:zur gleichen zeit|zur selben zeit|gleiche zeit|gleichzeitig|auch|ebenfalls)",
    filler=r"(?:der|die|das|den|dem|des|ein|eine|einen|einem|einer|mein|meine|meinen|meinem|"
    r"unser|unsere|unseren|es|sie|ihn|ich|wir|du|mir|mich|uns|und|oder|aber|dann|auch|nur|"
    r"bitte|mal|doch|noch|ja|nein|ok|okay|hallo|hey|danke|jetzt|gleich|bis|um|ab|vor|nach|"
    r"an|auf|aus|in|im|am|zum|zur|für|mit|von|über|soll|sollte|muss|kann|kannst|könntest|"
    r"will|möchte|würde|ist|sind|war|hat|haben|wird|werden|sein|lass|lassen|laufen|läuft|"
    r"lade|laden|lädt|aufladen|starte|starten|startet|schalte|schalten|einschalten|anmachen|"
    r"mach|machen|macht|vorheizen|heizen|heize|aufheizen|waschen|trocknen|spülen|plane|"
    r"planen|fertig|voll|gerät|geräte|maschine|maschinen|ding|ladung|programm|zeit|wann|"
    r"was|wie|warum|welche|welches|welcher|günstig|günstigsten|hearth|halb|kurz|lang|eco|"
    r"normal|heute|morgen|abend|früh|draus|daraus|davon|drauf|damit|dafür|stattdessen|lieber)",
    q_why=r"(?:warum|wieso|weshalb|aus welchem grund)",
    q_cost=r"(?:was kostet|wie ?viel kostet|wie teuer|was spare ich|wie ?viel spare ich|"
    r"kosten(?: das| die)?\?|was zahle ich|wie ?viel zahle ich)",
    q_plan=r"(?:was ist (?:der|geplant)|was ist der plan|zeig (?:mir )?(?:den )?plan|wie sieht der plan aus|"
    r"wann (?:läuft|lädt|startet) (?:der |die |das )?[a-zäöüß ]+\?|was hast du geplant)",
    q_price=r"(?:wann ist (?:der )?strom (?:am )?(?:günstigsten|billigsten|günstig|billig)|"
    r"ist (?:jetzt|gerade) (?:ein )?gute[rn]? zeit|guter zeitpunkt|strompreis|"
    r"wann ist es am (?:günstigsten|billigsten)|wie teuer ist (?:der )?strom|"
    r"was kostet (?:der )?strom|wann sollte ich|beste zeit|jetzt oder (?:später|heute nacht|morgen)|"
    r"ist es günstiger|lohnt es sich|oder (?:lieber )?warten)",
    q_forecast=r"(?:wetter|sonnig|scheint (?:morgen |heute )?die sonne|wie ?viel (?:sonne|solar|pv)|"
    r"sonne (?:morgen|heute)|solar(?:ertrag|prognose)?(?: morgen| heute)|regnet|regen|wolken|"
    r"bewölkt|prognose|vorhersage)",
    q_what_if=r"(?:was wäre,? wenn|was ist,? wenn|und wenn|angenommen|was passiert,? wenn)",
    interrogative=r"^(?:was|wann|wie|welche\w*|ist|sind|wird|werden|läuft|laufen|gibt|hat|haben|"
    r"lädt|kommt|bekomme|wo|wer)\b",
    polite_request=r"^(?:kannst du|könntest du|würdest du|können sie|könnten sie|bitte)\b",
    topic_price=r"(?:preis\w*|tarif\w*|günstig\w*|billig\w*|teuer\w*|kost\w*)",
    topic_forecast=r"(?:sonne\w*|solar\w*|pv|module|wetter|regen\w*|wolk\w*|ertrag)",
    topic_plan=r"(?:geplant|plan|läuft|laufen|lädt|startet|an)",
    greeting=r"(?:^(?:hallo|hi|hey|guten (?:tag|morgen|abend)|moin|servus|grüß gott|hilfe|danke)\b|"
    r"was kannst du|wer bist du|wie funktioniert)",
    state=r"(?:(?:mein |meine |das |die |der |unser |unsere )?(?P<dev>[a-zäöüß0-9 ]{2,20}?) "
    r"(?:hat|ist bei|ist auf|steht bei|steht auf|ist gerade bei|ist jetzt bei|hat gerade|hat jetzt|"
    r"zeigt|liegt bei|ist zu|hat nur noch|hat noch|hat nur) (?P<pct>\d+(?:[.,]\d+)?)\s*(?:%|prozent)(?! bis)(?: geladen| voll)?)",
    ignore_rules=r"(?:ignorier\w*|vergiss|übergeh\w*|egal|schalte|deaktivier\w*|heb\w*)\s+"
    r"(?:die |den |das )?(?:ruhezeit\w*|nachtruhe|regeln?|hausregeln?|zeitfenster)|"
    r"(?:ruhezeit\w*|nachtruhe|regeln?) (?:ignorieren|egal|ist mir egal|abschalten|ausschalten|"
    r"aufheben|aussetzen)",
    approval=r"(?:genehmig\w*|freigeben|gib (?:den plan )?frei|bestätig\w* (?:den )?plan|"
    r"plan annehmen|approve\w*|aktivier\w* (?:den )?plan)",
    injection=r"(?:ignorier\w* (?:alle |deine |die |vorherigen )*(?:anweisungen|regeln|prompt)|"
    r"system:|entwicklermodus|admin-?modus|du bist jetzt|neue anweisungen|call [a-z_]+)",
    choose=r"(?:^|\b)(?:(?:ich )?(?:nehme|nimm|wähle|wähl) )?(?:die |das |den |option |variante |"
    r"nummer |vorschlag )?(?P<n>1\.|2\.|3\.|1|2|3|erste[nr]?|zweite[nr]?|dritte[nr]?|letzte[nr]?|"
    r"frühere|spätere)(?: option| variante| vorschlag| möglichkeit| alternative)?(?: bitte| dann| nehmen)?$",
    adopt=r"^(?:ja|jawohl|ok|okay|gut|passt|mach das|mach es|machen wir|einverstanden|klingt gut|"
    r"gerne|perfekt|prima|in ordnung)(?: bitte| dann| danke)?[.!]?$",
    separators=r"\s*(?:[,;]|\bund dann\b|\bdann\b|\bund auch\b|\bauch\b|\bund\b|\bsowie\b|\baber\b|"
    r"\bnur\b)\s*",
)

WORDS: dict[str, Words] = {"en": EN, "de": DE}

#: Words for devices in German (and generic English words), mapped to English words a home file
#: uses; the fuzzy matcher then compares those with the home's names and aliases.
DEVICE_WORDS: dict[str, tuple[str, ...]] = {
    "spülmaschine": ("dishwasher",), "geschirrspüler": ("dishwasher",),
    "geschirrspülmaschine": ("dishwasher",), "spüler": ("dishwasher",), "abwasch": ("dishes",),
    "geschirr": ("dishes",), "waschmaschine": ("washing machine", "washer"),
    "wäsche": ("laundry", "washing"), "trockner": ("dryer", "tumble dryer"),
    "wäschetrockner": ("tumble dryer", "dryer"), "auto": ("car",), "e-auto": ("car",),
    "elektroauto": ("car",), "wagen": ("car",), "fahrzeug": ("car",), "karre": ("car",),
    "kiste": ("car",), "drier": ("dryer",), "tumble drier": ("tumble dryer",),
    "batteriespeicher": ("home battery", "battery"), "akku": ("battery",), "batterie": ("battery",),
    "hausbatterie": ("home battery", "battery"), "speicher": ("battery",),
    "stromspeicher": ("battery",), "hausspeicher": ("home battery", "battery"),
    "heimspeicher": ("home battery", "battery"), "warmwasser": ("hot water",),
    "warmwasserspeicher": ("water heater",), "boiler": ("boiler",),
    "wasserboiler": ("water heater",), "heißwasser": ("hot water",),
    "durchlauferhitzer": ("water heater",), "water": ("hot water",), "wash": ("washing machine",),
    "dry": ("dryer",), "tumble dry": ("tumble dryer",), "waschen": ("washing machine",),
    "trocknen": ("dryer",), "drying": ("dryer",), "trocknen lassen": ("dryer",),
}

#: Generic words that name a kind of device when no name of the home matches.
GENERIC_KINDS: dict[str, str] = {
    "car": "ev_charge", "cars": "ev_charge", "ev": "ev_charge", "vehicle": "ev_charge",
    "electric car": "ev_charge", "electric vehicle": "ev_charge", "auto": "ev_charge",
    "battery": "battery_target", "home battery": "battery_target", "house battery": "battery_target",
    "storage": "battery_target", "powerwall": "battery_target",
}
