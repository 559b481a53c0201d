"""The reader's heat words on examples/home-heat.yaml (Thu 2026-11-26 18:00, UTC+01:00) and on
examples/home.yaml (no tank, no heat pump). Expected on paper from the README's "Heat" words:
the next 07:00 is Fri 07:00; the legionella cycle is due Sunday 18:00 (the home file); Hearth's
evening peak starts at 17:00, so pre-heating is Fri 16:00–17:00 at the band's top, 22.5 °C."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from agents.understanding import Clockwork, Vocabulary, understand
from tools.home import load_home

REPO = Path(__file__).resolve().parents[1]
TZ = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 26, 18, 0, tzinfo=TZ)


def read(text: str, home: str = "home-heat.yaml"):
    vocab = Vocabulary.from_home(load_home(REPO / "examples" / home))
    return understand(text, vocab, Clockwork(NOW, TZ))


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=TZ)


def test_a_bath_binds_to_the_tank_with_the_usual_litres_at_its_time() -> None:
    (r,) = read("hot for a bath at 20:00").requests
    assert (r.device, r.deadline, r.draw_litres, r.draw_default) == ("hot_water", at(26, 20), 150.0, "bath")


def test_legionella_this_week_is_the_home_files_cycle() -> None:
    (r,) = read("legionella cycle this week").requests
    assert (r.device, r.deadline, r.target_temp_c) == ("hot_water", at(29, 18), 60.0)


def test_a_band_is_no_clock_time_in_either_language() -> None:
    for text in ("keep the living room between 20 and 22 °C", "Wohnzimmer zwischen 20 und 22 Grad"):
        reading = read(text)
        (r,) = reading.requests
        assert (r.device, r.min_temp_c, r.max_temp_c, r.deadline, r.open_end) == ("heat_pump", 20.0, 22.0, None, True)
        assert not reading.asks


def test_preheat_warms_to_the_top_of_the_band_in_the_hour_before_the_peak() -> None:
    (r,) = read("pre-heat before the evening peak").requests
    assert (r.device, r.earliest, r.deadline, r.min_temp_c, r.battery) == ("heat_pump", at(27, 16), at(27, 17), 22.5, None)


def test_away_until_friday_is_a_mode_ending_at_friday_midnight() -> None:
    for text in ("we're away until Friday", "Wir sind bis Freitag weg"):
        (r,) = read(text).requests
        assert (r.device, r.mode, r.deadline) == ("home", "away", at(27, 0))


def test_a_bare_hour_for_hot_water_is_still_asked() -> None:
    reading = read("hot water by 7")
    assert [(a.slot, a.reason, a.quote) for a in reading.asks] == [("deadline", "bare_hour", "7")]


def test_a_home_without_heat_devices_says_so_instead_of_guessing() -> None:
    for text in ("keep the living room between 20 and 22 °C", "Wohnzimmer zwischen 20 und 22 Grad"):
        reading = read(text, "home.yaml")
        assert reading.question == "no_heat" and reading.requests == []
