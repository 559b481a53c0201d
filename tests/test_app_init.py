"""Describing a home without YAML: app/onboarding.py and `hearth init`.

Reference values: Europe/Berlin's principal city in the tz database's zone1970.tab is at
+5230+01322, i.e. 52°30' N = 52.5, 13°22' E = 13.3667; Los Angeles at +340308-1181434 is
34°03'08" N = 34.0522, 118°14'34" W = −118.2428.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from app.cli import build_parser, main
from app.cli.init import run_init
from app.onboarding import (
    QUESTIONS,
    AnswerError,
    answer,
    applicable,
    home_document,
    zone_location,
)
from tools.errors import HomeFileError
from tools.home import load_home


def defaults(**given: str) -> dict:
    """Every applicable question answered: ``given`` texts, defaults for the rest."""
    answers: dict = {}
    for question in QUESTIONS:
        if question.ask(answers):
            answers[question.key] = answer(question, given.get(question.key), answers)
    return answers


def test_zone_locations_from_the_tz_database() -> None:
    assert zone_location("Europe/Berlin") == (52.5, 13.3667)
    assert zone_location("America/Los_Angeles") == (34.0522, -118.2428)
    assert zone_location("Mars/Olympus") is None


def test_questions_follow_the_answers() -> None:
    """No panels: no facing or tilt; a car: its battery, charger, charge now and usual target."""
    keys = [q.key for q in applicable(defaults())]
    assert "pv_facing" not in keys and "ev_battery_kwh" not in keys and "battery_kw" not in keys
    answers = defaults(pv_kwp="6", ev="yes", battery_kwh="10")
    keys = [q.key for q in applicable(answers)]
    assert {"pv_facing", "pv_tilt_deg", "ev_battery_kwh", "ev_charger_kw", "battery_kw"} <= set(keys)


def test_bad_answers_name_the_question() -> None:
    by_key = {q.key: q for q in QUESTIONS}
    with pytest.raises(AnswerError, match="pv_kwp: must be between 0 and 1000, got -3"):
        answer(by_key["pv_kwp"], "-3", {})
    with pytest.raises(AnswerError, match="timezone: 'Mars/Olympus' is not a time zone"):
        answer(by_key["timezone"], "Mars/Olympus", {})
    with pytest.raises(AnswerError, match="bands: cannot read '7-9 cheap'"):
        answer(by_key["bands"], "7-9 cheap", {})
    with pytest.raises(AnswerError, match="appliances: unknown appliance 'sauna'"):
        answer(by_key["appliances"], "dishwasher, sauna", {})
    assert answer(by_key["pv_facing"], "south-west", {}) == 225.0
    assert answer(by_key["location"], "52,52 13,40", {}) == (52.52, 13.40)  # decimal commas
    assert answer(by_key["appliances"], "dryer and washer", {}) == ["tumble dryer",
                                                                    "washing machine"]


def test_home_document_is_checked_by_the_home_file_models() -> None:
    """TOU bands that cover 6 h of the day are refused with the home file's own field path."""
    answers = defaults(timezone="Europe/Berlin", tariff="tou", bands="00:00-06:00 0.22")
    with pytest.raises(HomeFileError) as caught:
        home_document(answers)
    assert caught.value.problems[0][0] == "tariff.import.rules[0]"
    assert "cover 6 h" in caught.value.problems[0][1]


def test_a_published_two_rate_tariff_needs_the_peak_price() -> None:
    """Intelligent Octopus Go: 0.075 GBP/kWh 23:30–05:30, the stated 0.28 otherwise."""
    doc = home_document(defaults(timezone="Europe/London", tariff="intelligent_octopus_go",
                                 peak_price="0.28"))
    assert doc["tariff"]["currency"] == "GBP"
    bands = doc["tariff"]["import"]["rules"][0]["bands"]
    assert {b["price_per_kwh"] for b in bands} == {0.075, 0.28}


def test_a_dryer_runs_after_the_washer_only_when_both_are_there() -> None:
    both = home_document(defaults(appliances="washing machine, tumble dryer"))
    dryer = next(a for a in both["appliances"] if a["id"] == "tumble_dryer")
    assert dryer["after"] == ["washing_machine"]
    alone = home_document(defaults(appliances="tumble dryer"))
    assert "after" not in alone["appliances"][0]


def parse(*argv: str):
    return build_parser().parse_args(["init", *argv])


def test_init_with_flags_writes_a_home_that_loads(tmp_path: Path) -> None:
    path = tmp_path / "home.yaml"
    out = io.StringIO()
    code = run_init(parse("--output", str(path), "--yes", "--name", "Flat 4", "--timezone",
                          "Europe/Berlin", "--pv-kwp", "6", "--battery-kwh", "10", "--ev", "yes",
                          "--ev-name", "Family car", "--tariff", "tou", "--bands",
                          "00:00-06:00 0.22, 06:00-24:00 0.34"), out=out)
    assert code == 0
    home = load_home(path)
    assert home.name == "Flat 4" and home.location.latitude_deg == 52.5
    assert home.pv_arrays[0].azimuth_deg == 180.0  # facing south, the default
    assert home.battery is not None and home.battery.capacity_kwh == 10
    assert home.evs[0].id == "family_car" and "car" in home.evs[0].aliases
    text = out.getvalue()
    assert f"Wrote {path} for Flat 4:" in text
    assert "  pv-facing        180 (default)" in text
    assert "  pv-kwp           6\n" in text
    assert f"Next: `hearth ui --home {path}`" in text


def test_init_asks_on_standard_input_and_asks_again_after_a_bad_answer(tmp_path: Path) -> None:
    """Answers: name, zone, location (default), tariff flat, currency, price, export, limit,
    PV "abc" then 0, battery 0, car no, appliances (default), yearly use (end of input)."""
    path = tmp_path / "home.yaml"
    answers = "Cottage\nEurope/Berlin\n\nflat\n\n0.29\n\n\nabc\n0\n0\nno\n\n"
    out = io.StringIO()
    assert run_init(parse("--output", str(path)), stdin=io.StringIO(answers), out=out) == 0
    text = out.getvalue()
    assert "What should I call your home? [My home]" in text
    assert "  give a number, got 'abc'" in text
    home = load_home(path)
    assert home.name == "Cottage" and home.tariff.import_price.price_per_kwh == 0.29
    assert [a.id for a in home.appliances] == ["dishwasher", "washing_machine"]


def test_init_bad_input_exits_2_naming_the_flag(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "home.yaml"
    assert main(["init", "--output", str(path), "--yes", "--pv-kwp", "-3"]) == 2
    assert "--pv-kwp: must be between 0 and 1000, got -3" in capsys.readouterr().err
    assert main(["init", "--output", str(path), "--yes", "--tariff", "tou", "--bands",
                 "00:00-06:00 0.22"]) == 2
    assert "tariff.import.rules[0]: bands cover 6 h" in capsys.readouterr().err
    assert not path.exists()
    assert main(["init", "--output", str(path), "--yes"]) == 0
    assert main(["init", "--output", str(path), "--yes"]) == 2
    assert f"{path} exists; choose another file or pass --force" in capsys.readouterr().err
    assert main(["init", "--output", str(path), "--yes", "--force", "--name", "Again"]) == 0
    assert load_home(path).name == "Again"


def test_the_tariff_choices_are_the_published_records() -> None:
    """Read from tools/data/tariffs.json directly (no tariff engine at `hearth --help`), they are
    the records tools.tariff publishes that make a TOU tariff."""
    from app.onboarding import tariff_records
    from tools.tariff import published_tariffs

    assert tariff_records() == [r for r in published_tariffs()
                                if r["type"] in ("tou_schedule", "two_rate")]
    assert {r["id"] for r in tariff_records()} >= {"pge_ev2a_circa_2024", "intelligent_octopus_go"}
