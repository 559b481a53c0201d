"""Describing a home without writing YAML: the questions, their defaults, and the home file.

One list of :data:`QUESTIONS` serves both the terminal (``hearth init``, :mod:`app.cli.init`)
and the chat UI's first run (:mod:`app.ui.setup`). Each question has a default that is shown to
the homeowner (never filled in silently), a parser that names the question when an answer cannot
be read, and a condition (the battery's size is only asked when there is a battery).

:func:`home_document` turns the answers into the mapping a home file holds and validates it with
the same pydantic models that read home files (:func:`tools.home.parse_home`), so a home made here
loads exactly as a hand-written one; :func:`write_home` writes it as YAML. Importing this module
loads nothing of the planning core (``hearth --help`` defines ``hearth init``'s flags from it);
the home models and the tariff records are imported when an answer or the file needs them.

Defaults and where they come from:

* time zone: the computer's; location: the principal city of that zone in the tz database's
  ``zone1970.tab`` (shipped with the ``tzdata`` package);
* tariff: a flat price, or time-of-use bands typed as ``00:00-07:00 0.20, 07:00-24:00 0.35``,
  or one of the published tariffs in ``tools/data/tariffs.json``;
* appliance cycles: typical eco programmes (dishwasher 2 h, washing machine 2 h, dryer 1.5 h
  after the washing machine, which quiet hours 22:00–07:00 keep out of the night).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, available_timezones

from tools.errors import InputError

if TYPE_CHECKING:
    from tools.home import Home

Answers = dict[str, Any]

#: Appliances a new home can pick, with a typical programme each.
APPLIANCES: dict[str, dict[str, Any]] = {
    "dishwasher": {
        "id": "dishwasher", "name": "Dishwasher", "aliases": ["dishes", "the dishes"],
        "cycle": {"profile_step_minutes": 15,
                  "profile_kw": [1.9, 0.15, 0.15, 0.15, 1.9, 0.1, 0.05, 0.05]},
    },
    "washing machine": {
        "id": "washing_machine", "name": "Washing machine",
        "aliases": ["washer", "washing", "laundry"],
        "cycle": {"profile_step_minutes": 15,
                  "profile_kw": [2.0, 2.0, 0.3, 0.3, 0.3, 0.3, 0.5, 0.5]},
        "quiet_hours": [{"start": "22:00", "end": "07:00"}],
    },
    "tumble dryer": {
        "id": "tumble_dryer", "name": "Tumble dryer", "aliases": ["dryer"],
        "cycle": {"duration_minutes": 90, "power_kw": 2.2},
        "quiet_hours": [{"start": "22:00", "end": "07:00"}],
    },
}
#: Tariff choices besides the published ones.
FLAT, TOU = "flat", "tou"
#: Where the panels face, as the homeowner says it → azimuth [deg] (pvlib: 180 = south).
FACING = {"south": 180.0, "south-west": 225.0, "west": 270.0, "south-east": 135.0,
          "east": 90.0, "north": 0.0}


class AnswerError(InputError):
    """An answer cannot be read; the message names the question and what would be accepted."""


# ============================================================================ defaults


def local_zone() -> str:
    """The computer's IANA time zone name (``$TZ``, else ``/etc/localtime``), else
    ``Europe/Berlin``; it is shown as the default, never used silently."""
    configured = os.environ.get("TZ", "").strip().lstrip(":")
    if configured in available_timezones():
        return configured
    link = Path("/etc/localtime")
    if link.is_symlink():
        name = str(link.resolve()).split("zoneinfo/")[-1]
        if name in available_timezones():
            return name
    return "Europe/Berlin"


def _zone_table() -> Path | None:
    """``zone1970.tab`` of the tzdata package (or of the system's tz database)."""
    try:
        import tzdata  # maintained IANA tz database for Python
    except ImportError:
        tzdata = None
    candidates = [Path("/usr/share/zoneinfo/zone1970.tab")]
    if tzdata is not None:
        candidates.insert(0, Path(tzdata.__file__).parent / "zoneinfo" / "zone1970.tab")
    return next((p for p in candidates if p.is_file()), None)


def _dms(text: str, degree_digits: int) -> float:
    """``+5230`` → 52.5; ``-12216`` → −122.27 (ISO 6709 as in zone1970.tab)."""
    sign = -1.0 if text[0] == "-" else 1.0
    digits = text[1:]
    degrees = int(digits[:degree_digits])
    minutes = int(digits[degree_digits:degree_digits + 2])
    seconds = int(digits[degree_digits + 2:] or 0)
    return sign * (degrees + minutes / 60 + seconds / 3600)


def zone_location(zone: str) -> tuple[float, float] | None:
    """Latitude and longitude [deg] of the zone's principal city, from ``zone1970.tab``."""
    table = _zone_table()
    if table is None:
        return None
    for line in table.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) >= 3 and fields[2] == zone:
            match = re.match(r"^([+-]\d+)([+-]\d+)$", fields[1])
            if match is None:
                return None
            lat, lon = match.groups()
            return (round(_dms(lat, 2), 4), round(_dms(lon, 3), 4))
    return None


def _default_currency(answers: Answers) -> str:
    zone = str(answers.get("timezone", ""))
    if zone == "Europe/London":
        return "GBP"
    if zone.startswith("America/"):
        return "USD"
    return "EUR"


# ============================================================================ parsers


def _number(low: float, high: float) -> Callable[[str, str], float]:
    def parse(text: str, key: str) -> float:
        try:
            value = float(text.replace(",", ".").split()[0])
        except (ValueError, IndexError):
            raise AnswerError(key, f"give a number, got {text!r}") from None
        if not low <= value <= high:
            raise AnswerError(key, f"must be between {low:g} and {high:g}, got {value:g}")
        return value
    return parse


def _zone(text: str, key: str) -> str:
    name = text.strip()
    try:
        ZoneInfo(name)
    except (KeyError, ValueError):
        raise AnswerError(key, f"{name!r} is not a time zone such as Europe/Berlin") from None
    return name


def _location(text: str, key: str) -> tuple[float, float]:
    """``52.52, 13.40`` or, with decimal commas, ``52,52 13,40`` / ``52,52; 13,40``."""
    parts = [p for p in re.split(r"[;\s]+", text.strip().replace(", ", " ")) if p]
    if len(parts) == 1:
        parts = parts[0].split(",")
    if len(parts) != 2:
        raise AnswerError(key, f"give latitude and longitude, e.g. 52.52, 13.40; got {text!r}")
    lat = _number(-90, 90)(parts[0], key)
    lon = _number(-180, 180)(parts[1], key)
    return (lat, lon)


def _text(text: str, key: str) -> str:
    value = text.strip()
    if not value:
        raise AnswerError(key, "must not be empty")
    if len(value) > 80:
        raise AnswerError(key, f"at most 80 characters, got {len(value)}")
    return value


def _currency(text: str, key: str) -> str:
    value = text.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", value):
        raise AnswerError(key, f"give a three-letter currency code such as EUR, got {text!r}")
    return value


def _tariff_choice(text: str, key: str) -> str:
    value = text.strip()
    known = [FLAT, TOU, *(r["id"] for r in tariff_records())]
    if value not in known:
        raise AnswerError(key, f"choose one of {', '.join(known)}; got {value!r}")
    return value


BAND = re.compile(r"^(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s+(-?\d+(?:[.,]\d+)?)$")


def _bands(text: str, key: str) -> list[dict[str, Any]]:
    """``00:00-07:00 0.20, 07:00-24:00 0.35`` → TOU bands (checked to cover the day later)."""
    bands = []
    for part in [p.strip() for p in text.split(",") if p.strip()]:
        match = BAND.match(part)
        if match is None:
            raise AnswerError(key, f"cannot read {part!r}; write bands like "
                                   "'00:00-07:00 0.20, 07:00-24:00 0.35'")
        start, end, price = match.groups()
        bands.append({"start": start, "end": end,
                      "price_per_kwh": float(price.replace(",", "."))})
    if not bands:
        raise AnswerError(key, "give at least one band, e.g. '00:00-24:00 0.30'")
    return bands


def _facing(text: str, key: str) -> float:
    value = text.strip().lower()
    if value in FACING:
        return FACING[value]
    try:
        return _number(0, 359.9)(value, key)
    except AnswerError:
        raise AnswerError(key, f"say {', '.join(FACING)} or an azimuth in degrees "
                               f"(180 = south); got {text!r}") from None


def _yes_no(text: str, key: str) -> bool:
    value = text.strip().lower()
    if value in ("y", "yes", "ja", "j", "true", "1"):
        return True
    if value in ("n", "no", "nein", "false", "0", "none", ""):
        return False
    raise AnswerError(key, f"answer yes or no, got {text!r}")


def _appliances(text: str, key: str) -> list[str]:
    value = text.strip().lower()
    if value in ("", "none", "no"):
        return []
    chosen = []
    for part in [p.strip() for p in re.split(r"[,;]|\band\b", value) if p.strip()]:
        match = next((name for name in APPLIANCES
                      if part == name or part in APPLIANCES[name]["aliases"]
                      or part == APPLIANCES[name]["id"]), None)
        if match is None:
            raise AnswerError(key, f"unknown appliance {part!r}; choose from "
                                   f"{', '.join(APPLIANCES)} (or 'none')")
        chosen.append(match)
    return list(dict.fromkeys(chosen))


# ============================================================================ questions


@dataclass(frozen=True)
class Question:
    """One question of the setup.

    ``default`` returns the default shown to the homeowner (from the earlier answers), as text;
    ``ask`` says whether the question applies; ``choices`` (for buttons) are ``(value, label)``.
    """

    key: str
    prompt: str
    parse: Callable[[str, str], Any]
    default: Callable[[Answers], str]
    ask: Callable[[Answers], bool] = lambda answers: True
    choices: Callable[[Answers], list[tuple[str, str]]] = field(default=lambda answers: [])
    flag: str = ""

    @property
    def option(self) -> str:
        """The ``hearth init`` flag that answers this question."""
        return self.flag or "--" + self.key.replace("_", "-")


def tariff_records() -> list[dict[str, Any]]:
    """The published tariffs a new home can pick (those a TOU tariff can be made of)."""
    # the records of tools.tariff.published_tariffs(), read without loading the tariff engine
    records = json.loads((resources.files("tools.data") / "tariffs.json").read_text("utf-8"))
    return [r for r in records if r.get("type") in ("tou_schedule", "two_rate")]


def _tariff_choices(answers: Answers) -> list[tuple[str, str]]:
    published = [(r["id"], f"{r.get('name') or r['id'].replace('_', ' ')} ({r['currency']})")
                 for r in tariff_records()]
    return [(FLAT, "One price all day"), (TOU, "Cheaper hours (I'll type them)"), *published]


def _location_default(answers: Answers) -> str:
    found = zone_location(str(answers.get("timezone", "")))
    return f"{found[0]}, {found[1]}" if found else "52.52, 13.40"


def _published(answers: Answers) -> dict[str, Any] | None:
    return next((r for r in tariff_records() if r["id"] == answers.get("tariff")), None)


QUESTIONS: tuple[Question, ...] = (
    Question("name", "What should I call your home?", _text, lambda a: "My home"),
    Question("timezone", "Which time zone is the home in?", _zone, lambda a: local_zone()),
    Question("location", "Where is it (latitude, longitude)? It sets when the sun shines.",
             _location, _location_default),
    Question("tariff", "How do you pay for electricity?", _tariff_choice, lambda a: FLAT,
             choices=_tariff_choices),
    Question("currency", "Which currency (three letters)?", _currency, _default_currency,
             ask=lambda a: _published(a) is None),
    Question("price", "What does a kWh cost you?", _number(-10, 10), lambda a: "0.30",
             ask=lambda a: a.get("tariff") == FLAT),
    Question("bands", "Your price bands over the day, e.g. 00:00-07:00 0.20, 07:00-24:00 0.35",
             _bands, lambda a: "00:00-07:00 0.20, 07:00-24:00 0.35",
             ask=lambda a: a.get("tariff") == TOU),
    Question("peak_price", "Your price outside the cheap hours (per kWh)?", _number(-10, 10),
             lambda a: "0.30",
             ask=lambda a: (_published(a) or {}).get("type") == "two_rate"),
    Question("export_price", "What are you paid for a kWh you send to the grid?",
             _number(-10, 10), lambda a: "0.08"),
    Question("import_limit_kw", "How much power can the home draw from the grid at once (kW)?",
             _number(0.5, 1000), lambda a: "13.8"),
    Question("pv_kwp", "How big are your solar panels (kWp, 0 for none)?", _number(0, 1000),
             lambda a: "0"),
    Question("pv_facing", "Which way do they face (south, east, west, … or degrees)?", _facing,
             lambda a: "south", ask=lambda a: float(a.get("pv_kwp", 0)) > 0),
    Question("pv_tilt_deg", "How steep is the roof (degrees from flat)?", _number(0, 90),
             lambda a: "30", ask=lambda a: float(a.get("pv_kwp", 0)) > 0),
    Question("battery_kwh", "How much does your home battery store (kWh, 0 for none)?",
             _number(0, 1000), lambda a: "0"),
    Question("battery_kw", "How fast can it charge and discharge (kW)?", _number(0.1, 1000),
             lambda a: "5", ask=lambda a: float(a.get("battery_kwh", 0)) > 0),
    Question("battery_soc_pct", "How full is it now (%)?", _number(0, 100), lambda a: "50",
             ask=lambda a: float(a.get("battery_kwh", 0)) > 0),
    Question("ev", "Do you have an electric car?", _yes_no, lambda a: "no",
             choices=lambda a: [("yes", "Yes"), ("no", "No")]),
    Question("ev_name", "What do you call it?", _text, lambda a: "Car",
             ask=lambda a: bool(a.get("ev"))),
    Question("ev_battery_kwh", "How big is its battery (kWh)?", _number(1, 300),
             lambda a: "60", ask=lambda a: bool(a.get("ev"))),
    Question("ev_charger_kw", "How fast does your charger charge it (kW)?", _number(1, 400),
             lambda a: "11", ask=lambda a: bool(a.get("ev"))),
    Question("ev_soc_pct", "How full is the car now (%)?", _number(0, 100), lambda a: "50",
             ask=lambda a: bool(a.get("ev"))),
    Question("ev_target_pct", "How full do you usually want it (%)?", _number(1, 100),
             lambda a: "80", ask=lambda a: bool(a.get("ev"))),
    Question("appliances", "Which appliances should I plan (dishwasher, washing machine, "
             "tumble dryer, or none)?", _appliances, lambda a: "dishwasher, washing machine"),
    Question("annual_kwh", "How much electricity does the household use in a year besides "
             "these (kWh)?", _number(100, 100000), lambda a: "3500"),
)


def applicable(answers: Answers) -> list[Question]:
    """The questions that apply given ``answers`` so far (in order)."""
    return [q for q in QUESTIONS if q.ask(answers)]


def answer(question: Question, text: str | None, answers: Answers) -> Any:
    """Read ``text`` (``None`` or empty: the default) as the answer to ``question``."""
    raw = text.strip() if text is not None and text.strip() else question.default(answers)
    return question.parse(raw, question.key)


# ============================================================================ the home file


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    slug = slug if slug and slug[0].isalpha() else f"ev_{slug}".rstrip("_")
    return slug[:40] or "ev"


def _import_price(answers: Answers) -> tuple[str, dict[str, Any]]:
    tariff = answers["tariff"]
    if tariff == FLAT:
        return answers["currency"], {"type": "flat", "price_per_kwh": answers["price"]}
    if tariff == TOU:
        return answers["currency"], {"type": "tou", "rules": [{"bands": answers["bands"]}]}
    record = _published(answers)
    assert record is not None
    peak = answers.get("peak_price") if record.get("type") == "two_rate" else None
    from tools.tariff import tariff_from_record

    return record["currency"], tariff_from_record(record, peak_price_per_kwh=peak)


def home_document(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The home file's mapping for ``answers``, checked by the home file's own models.

    Raises
    ------
    tools.errors.HomeFileError
        The answers make an invalid home; each defect is named by its home-file field.
    """
    from tools.home import parse_home

    a = dict(answers)
    currency, import_price = _import_price(a)
    latitude, longitude = a["location"]
    doc: dict[str, Any] = {
        "name": a["name"],
        "timezone": a["timezone"],
        "location": {"latitude_deg": latitude, "longitude_deg": longitude},
        # one connection: what it can draw it can also feed in
        "grid": {"import_limit_kw": a["import_limit_kw"], "export_limit_kw": a["import_limit_kw"]},
        "tariff": {"currency": currency, "import": import_price,
                   "export": {"type": "flat", "price_per_kwh": a["export_price"]}},
    }
    if a.get("pv_kwp", 0) > 0:
        doc["pv_arrays"] = [{"name": "roof", "peak_power_kwp": a["pv_kwp"],
                             "tilt_deg": a["pv_tilt_deg"], "azimuth_deg": a["pv_facing"]}]
    if a.get("battery_kwh", 0) > 0:
        doc["battery"] = {
            "capacity_kwh": a["battery_kwh"], "max_charge_kw": a["battery_kw"],
            "max_discharge_kw": a["battery_kw"], "initial_soc_pct": a["battery_soc_pct"],
            "min_soc_pct": 5, "backup_reserve_pct": 10,
        }
    if a.get("ev"):
        doc["evs"] = [{
            "id": _slug(a["ev_name"]), "name": a["ev_name"],
            "aliases": sorted({"car", "the car", "my car", a["ev_name"].lower()}),
            "battery_kwh": a["ev_battery_kwh"], "charger_max_kw": a["ev_charger_kw"],
            "current_soc_pct": a["ev_soc_pct"], "default_target_soc_pct": a["ev_target_pct"],
        }]
    chosen = list(a.get("appliances", []))
    if chosen:
        appliances = []
        for name in chosen:
            spec = {k: v for k, v in APPLIANCES[name].items()}
            if name == "tumble dryer" and "washing machine" in chosen:
                spec["after"] = ["washing_machine"]
            appliances.append(spec)
        doc["appliances"] = appliances
    doc["base_load"] = {"type": "standard", "annual_kwh": a["annual_kwh"]}
    parse_home(doc, source="your answers")  # the home file's own models, every defect named
    return doc


def write_home(path: Path, doc: Mapping[str, Any], *, overwrite: bool = False) -> Home:
    """Write ``doc`` as a YAML home file at ``path`` and return the home as loaded back.

    Raises
    ------
    InputError
        ``path`` exists and ``overwrite`` is false, or cannot be written.
    """
    import yaml

    from tools.home import parse_home

    if path.exists() and not overwrite:
        raise InputError("--output", f"{path} exists; choose another file or pass --force")
    header = ("# Home file written by Hearth's setup; edit it freely (see the README's "
              "'The home file').\n")
    text = header + yaml.safe_dump(dict(doc), sort_keys=False, allow_unicode=True)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as err:
        raise InputError("--output", f"cannot write {path} ({err.strerror})") from None
    return parse_home(yaml.safe_load(text), source_dir=path.resolve().parent, source=str(path))
