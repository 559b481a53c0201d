"""The offline model's questions and limit answers, in English and German, from a reading.

Every question quotes the homeowner's words where a word is the reason for asking ("'7': in
the morning or in the evening?"). Numbers in limit answers come from the home file's facts
(the prompt's device table), which the auditor accepts as a source.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from agents.offline.render import when
from agents.understanding import Ask, Limit, Reading, Vocabulary

Q: dict[str, dict[str, str]] = {
    "en": {
        "which_of": "Which one do you mean: {options}?",
        "which": "Which device do you mean: {options}?",
        "unknown": "This home has no device called '{quote}'. Which device do you mean: {options}?",
        "bare_hour": "By '{quote}' do you mean {am} in the morning or {pm} in the evening?",
        "start_or_done": "Should the {name} start charging at {quote}, or be charged by then?",
        "unclear": "'{quote}': at what time exactly should the {name} be {done}?",
        "battery_level": "To what level should the {name} be charged (a percentage, or full)?",
        "after_only": "And by when should the {name} be {done}?",
        "missing": "By when should the {name} be {done}?",
        "vague": "How much should I charge the {name}: '{quote}' could be anything. A percentage, kWh or full?",
        "no_consumption": "The home file does not say how much energy the {name} uses per km, so I cannot turn '{quote}' into a charge. What percentage or how many kWh?",
        "rule": "The {name} has {rule} {window} in the home file, so it cannot start at {at}. Start at {allowed} instead (the nearest allowed time), or pick another time?",
        "unused": "I did not use '{quote}' from your message. What should I do with it?",
        "beyond": "I plan up to 72 hours ahead, and {at} is further away. By when within the next 72 hours should the {name} be {done}?",
        "beyond_quoted": "I plan up to 72 hours ahead, and '{quote}' ({at}) is further away. By when within the next 72 hours should the {name} be {done}?",
        "choose_which": "Which alternative do you mean: {options}?",
        "order": "The {name} always runs after the {other} (a rule of the home file), so it cannot run before it. Shall I run the {other} first and then the {name}?",
        "done": "done", "charged": "charged", "quiet_hours": "quiet hours", "allowed_windows": "allowed times",
        "or": " or ",
    },
    "de": {
        "which_of": "Welches Gerät meinen Sie: {options}?",
        "which": "Welches Gerät meinen Sie: {options}?",
        "unknown": "Dieses Haus hat kein Gerät namens '{quote}'. Welches meinen Sie: {options}?",
        "bare_hour": "Meinen Sie mit '{quote}' {am} morgens oder {pm} abends?",
        "start_or_done": "Soll {name} um {quote} mit dem Laden beginnen, oder bis dahin geladen sein?",
        "unclear": "'{quote}': um welche Uhrzeit genau soll {name} {done} sein?",
        "battery_level": "Auf welchen Stand soll {name} geladen werden (Prozent oder voll)?",
        "after_only": "Und bis wann soll {name} {done} sein?",
        "missing": "Bis wann soll {name} {done} sein?",
        "vague": "Wie viel soll ich {name} laden: '{quote}' kann vieles heißen. Prozent, kWh oder voll?",
        "no_consumption": "Die Hausdatei sagt nicht, wie viel Energie {name} pro km braucht, deshalb kann ich '{quote}' nicht umrechnen. Wie viel Prozent oder kWh?",
        "rule": "{name} hat laut Hausdatei {rule} {window}, kann also nicht um {at} starten. Stattdessen um {allowed} starten (die nächste erlaubte Zeit), oder eine andere Zeit?",
        "unused": "'{quote}' aus Ihrer Nachricht habe ich nicht verwendet. Was soll ich damit tun?",
        "beyond": "Ich plane höchstens 72 Stunden voraus, und {at} liegt weiter weg. Bis wann innerhalb der nächsten 72 Stunden soll {name} {done} sein?",
        "beyond_quoted": "Ich plane höchstens 72 Stunden voraus, und '{quote}' ({at}) liegt weiter weg. Bis wann innerhalb der nächsten 72 Stunden soll {name} {done} sein?",
        "choose_which": "Welche Möglichkeit meinen Sie: {options}?",
        "order": "{name} läuft laut Hausdatei immer nach {other}, also nicht davor. Soll ich erst {other} und dann {name} laufen lassen?",
        "done": "fertig", "charged": "geladen", "quiet_hours": "Ruhezeiten", "allowed_windows": "erlaubte Zeiten",
        "or": " oder ",
    },
}

L: dict[str, dict[str, str]] = {
    "en": {
        "power": "The {name}'s charger delivers at most {limit} kW, so it cannot charge at {value}. Hearth sets the power itself, up to that limit. Tell me a target and a time instead.",
        "above_max": "The {name} can be charged to at most {limit}%, so {value} is not possible. Shall I charge it to {limit}%?",
        "below_floor": "The {name} never goes below {floor}% (minimum {min}%, backup reserve {reserve}%), so I cannot drain it to {value}.",
        "below_floor_empty": "The {name} never goes below {floor}% (minimum {min}%, backup reserve {reserve}%), so I cannot empty it.",
        "past": "{at} has already passed. Please give a time that is still ahead.",
        "energy": "The {name} is at {soc}% of its {battery} kWh and charges to at most {max}%: it can take {room} kWh more, so {value} does not fit. Ask for 'full' or a smaller amount.",
        "energy_more": "{kwh} kWh more", "energy_km": "enough for {km} km ({per} kWh per 100 km)",
        "rules": "The {rule} of the {name} ({window}) come from the home file and I cannot ignore them. To change them, edit {key} of the {id} in the home file.",
        "rules_none": "House rules such as quiet hours come from the home file and I cannot ignore them. To change them, edit the home file.",
        "default_target_soc_pct": "The {name} charges to {value}% unless you ask for another level: that is its usual target ({key} in the home file). Say a level, such as 'to 100%', for one charge, or change it in the home file.",
        "charger_max_kw": "The {name}'s charger delivers at most {value} kW ({key} in the home file), so Hearth never plans more than that.",
        "max_charge_kw": "The {name} charges at most at {value} kW ({key} in the home file), so Hearth never plans more than that.",
        "backup_reserve_pct": "The {name} keeps {value}% as a backup reserve for power cuts ({key} in the home file); Hearth never plans it below that. Change it in the home file.",
        "min_soc_pct": "The {name} never goes below {value}% to protect it ({key} in the home file).",
        "max_soc_pct": "The {name} is charged to at most {value}% ({key} in the home file).",
    },
    "de": {
        "power": "Das Ladegerät von {name} liefert höchstens {limit} kW, also nicht {value}. Hearth stellt die Leistung selbst ein, bis zu dieser Grenze. Nennen Sie mir lieber ein Ziel und eine Uhrzeit.",
        "above_max": "{name} lässt sich höchstens auf {limit}% laden, {value} geht also nicht. Soll ich auf {limit}% laden?",
        "below_floor": "{name} geht nie unter {floor}% (Minimum {min}%, Notstromreserve {reserve}%), deshalb kann ich nicht auf {value} entladen.",
        "below_floor_empty": "{name} geht nie unter {floor}% (Minimum {min}%, Notstromreserve {reserve}%), deshalb kann ich sie nicht leeren.",
        "past": "{at} ist schon vorbei. Bitte nennen Sie eine Zeit, die noch vor uns liegt.",
        "energy": "{name} steht bei {soc}% von {battery} kWh und lädt höchstens bis {max}%: es passen noch {room} kWh hinein, deshalb ist {value} nicht möglich. Sagen Sie 'voll' oder eine kleinere Menge.",
        "energy_more": "{kwh} kWh mehr", "energy_km": "Strom für {km} km ({per} kWh pro 100 km)",
        "rules": "Die {rule} von {name} ({window}) stehen in der Hausdatei, und ich kann sie nicht ignorieren. Ändern lassen sie sich dort unter {key} von {id}.",
        "rules_none": "Hausregeln wie Ruhezeiten stehen in der Hausdatei, und ich kann sie nicht ignorieren. Ändern lassen sie sich in der Hausdatei.",
        "default_target_soc_pct": "{name} wird auf {value}% geladen, wenn Sie keinen anderen Stand nennen: das ist das übliche Ziel ({key} in der Hausdatei). Nennen Sie für eine Ladung einen Stand, etwa 'auf 100%', oder ändern Sie es in der Hausdatei.",
        "charger_max_kw": "Das Ladegerät von {name} liefert höchstens {value} kW ({key} in der Hausdatei), deshalb plant Hearth nie mehr.",
        "max_charge_kw": "{name} lädt höchstens mit {value} kW ({key} in der Hausdatei), deshalb plant Hearth nie mehr.",
        "backup_reserve_pct": "{name} hält {value}% als Notstromreserve für Stromausfälle ({key} in der Hausdatei); Hearth plant nie darunter. Ändern lässt sich das in der Hausdatei.",
        "min_soc_pct": "{name} geht zum Schutz nie unter {value}% ({key} in der Hausdatei).",
        "max_soc_pct": "{name} wird höchstens auf {value}% geladen ({key} in der Hausdatei).",
    },
}


def _name(vocab: Vocabulary, device: str | None, lang: str) -> str:
    info = vocab.get(device) if device else None
    label = info.label if info else (device or "")
    return label if lang == "en" else label[:1].upper() + label[1:]


def _clock(moment: datetime) -> str:
    return f"{moment:%H:%M}"


def _article(name: str, lang: str) -> str:
    return f"the {name}" if lang == "en" else name


def question(ask: Ask, reading: Reading, vocab: Vocabulary, lang: str) -> str:
    """The one question for ``ask``."""
    q = Q[lang]
    request = reading.requests[ask.index] if ask.index < len(reading.requests) else None
    device = request.device if request else None
    info = vocab.get(device) if device else None
    name = _name(vocab, device, lang)
    done = q["done"] if info is None or info.kind == "appliance_run" else q["charged"]
    every = ", ".join(_article(d.label, lang) for d in vocab.devices)
    if ask.slot == "device":
        if ask.extra:
            options = q["or"].join(_article(_name(vocab, d, lang), lang) for d in ask.extra)
            return q["which_of"].format(options=options)
        if ask.reason == "unknown":
            return q["unknown"].format(quote=ask.quote, options=every)
        return q["which"].format(options=every)
    if ask.reason == "bare_hour":
        am, pm = ask.extra
        return q["bare_hour"].format(quote=ask.quote, am=_clock(am), pm=_clock(pm))
    if ask.reason == "rule":
        rule, window, at, allowed = ask.extra
        return q["rule"].format(name=name, rule=q[rule], window=window,
                                at=when(at.astimezone(allowed.tzinfo), lang), allowed=when(allowed, lang))
    if ask.reason == "order":
        return q["order"].format(name=_name(vocab, ask.extra[0], lang), other=_name(vocab, ask.extra[1], lang))
    if ask.reason == "unused":
        return q["unused"].format(quote=ask.quote)
    return q[ask.reason].format(name=name, done=done, quote=ask.quote)


def limit_text(limit: Limit, vocab: Vocabulary, lang: str, *, tz: Any) -> str:
    """The answer to an impossible or unsafe ask, naming the limit that stops it."""
    text = L[lang]
    info = vocab.get(limit.device) if limit.device else None
    name = _name(vocab, limit.device, lang)
    if limit.kind == "power" and info is not None:
        charger = info.number("charger_max_kw") or info.number("max_charge_kw") or 0.0
        return text["power"].format(name=name, limit=f"{charger:g}", value=f"{limit.value:g} kW")
    if limit.kind == "above_max":
        maximum = (info.number("max_soc_pct") if info else None) or 100.0
        return text["above_max"].format(name=name, limit=f"{maximum:g}", value=f"{limit.value:g}%")
    if limit.kind == "below_floor" and info is not None:
        low, reserve = info.number("min_soc_pct") or 0.0, info.number("backup_reserve_pct") or 0.0
        template = "below_floor_empty" if limit.value == 0 and "%" not in limit.quote else "below_floor"
        return text[template].format(name=name, floor=f"{max(low, reserve):g}", min=f"{low:g}",
                                          reserve=f"{reserve:g}", value=f"{limit.value:g}%")
    if limit.kind == "energy" and info is not None:
        soc, battery, maximum, energy, km, per = limit.value
        value = (text["energy_km"].format(km=f"{km:g}", per=f"{per:g}") if km is not None
                 else text["energy_more"].format(kwh=f"{energy:g}"))
        room = round(battery * (maximum - soc) / 100, 1)  # as tools.requests.ev_room_kwh
        return text["energy"].format(name=name, soc=f"{soc:g}", battery=f"{battery:g}",
                                     max=f"{maximum:g}", value=value, room=f"{room:g}")
    if limit.kind == "past":
        return text["past"].format(at=when(limit.value.astimezone(tz), lang))
    return ""


#: Home-file facts a "why" question can be about, by the unit of the number it quotes.
_WHY_FACTS = {"%": ("default_target_soc_pct", "backup_reserve_pct", "min_soc_pct", "max_soc_pct"),
              "kw": ("charger_max_kw", "max_charge_kw")}


def fact_text(reading: Reading, vocab: Vocabulary, lang: str) -> str | None:
    """"Why 80% by default?", "why not faster than 11 kW?": the home-file fact behind a number.

    The number the homeowner quotes is matched with a fact of the device they name (or of any
    device): the answer names the fact and where it is set.
    """
    said = [(float(m.group(1)), "%" if m.group(2) in ("%", "percent", "prozent") else "kw")
            for m in re.finditer(r"(\d+(?:\.\d+)?)\s*(%|percent|prozent|kw)(?![a-z])", reading.norm.text)]
    devices = [vocab.get(reading.question_device)] if reading.question_device else list(vocab.devices)
    for value, unit in said:
        for info in devices:
            for key in _WHY_FACTS[unit] if info is not None else ():
                if info.number(key) is not None and abs((info.number(key) or 0.0) - value) < 1e-9:
                    return L[lang][key].format(name=_name(vocab, info.id, lang), value=f"{value:g}", key=key)
    return None


def rules_text(device: str | None, vocab: Vocabulary, lang: str) -> str:
    """"Ignore the quiet hours": the home file's rule stands, and where to change it."""
    q, text = Q[lang], L[lang]
    candidates = [vocab.get(device)] if device else [d for d in vocab.devices if d.facts.get("quiet_hours")]
    for info in candidates:
        if info is None:
            continue
        for key in ("quiet_hours", "allowed_windows"):
            if info.facts.get(key):
                return text["rules"].format(rule=q[key], name=_name(vocab, info.id, lang),
                                            window=info.facts[key].replace("-", "–"), key=key, id=info.id)
    return text["rules_none"]
