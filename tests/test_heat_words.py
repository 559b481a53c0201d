"""Heat in homeowner text (agents/understanding/heat.py): what each phrase reads as, in English
and German, written from the homeowner's words before running."""

from __future__ import annotations

import pytest

from agents.understanding.heat import read_heat


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("hot water by 7 at 60 °c", "en", {"target_temp_c": 60}),
        (
            "keep the living room between 20 and 22 degrees",
            "en",
            {"min_temp_c": 20, "max_temp_c": 22},
        ),
        ("keep the living room between 22 and 20 °c", "en", {"min_temp_c": 20, "max_temp_c": 22}),
        ("at least 21 degrees in the living room", "en", {"min_temp_c": 21}),
        ("hot for a bath at 20:00", "en", {"draw_litres": 150, "draw_default": "bath"}),
        ("2 showers at 7", "en", {"draw_litres": 100, "draw_default": "shower"}),
        ("120 litres of hot water at 7", "en", {"draw_litres": 120}),
        ("we're away until friday", "en", {"mode": "away"}),
        ("switch to eco mode", "en", {"mode": "eco"}),
        ("back to comfort", "en", {"mode": "comfort"}),
        ("warmwasser bis 7 uhr auf 60 grad", "de", {"target_temp_c": 60}),
        ("wohnzimmer zwischen 20 und 22 grad", "de", {"min_temp_c": 20, "max_temp_c": 22}),
        ("warm genug für ein bad um 20 uhr", "de", {"draw_litres": 150, "draw_default": "bath"}),
        ("wir sind bis freitag weg", "de", {"mode": "away"}),
        ("bitte in den sparmodus", "de", {"mode": "eco"}),
    ],
)
def test_heat_phrases(text: str, lang: str, expected: dict) -> None:
    reading = read_heat(text, lang)  # type: ignore[arg-type]
    got = {k: getattr(reading, k) for k in expected}
    assert got == expected
    assert reading.used, "the words read are marked as used"


def test_clock_times_are_not_temperatures() -> None:
    """ "by 7" and "20:00" are times: no temperature without a degree sign or word."""
    reading = read_heat("hot water by 7 and a bath at 20:00", "en")
    assert reading.target_temp_c is None and reading.draw_litres == 150
    assert not read_heat("charge the car to 80% by 7", "en").any()
