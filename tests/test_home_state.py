"""``Home.with_state``: charge levels known now replace the home file's."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.home import load_home

HOME = Path(__file__).resolve().parents[1] / "examples" / "home.yaml"


def test_with_state_replaces_only_the_given_levels() -> None:
    home = load_home(HOME)
    updated = home.with_state(ev_soc_pct={"ev": 50}, battery_soc_pct=70)
    assert updated.ev("ev").current_soc_pct == 50
    assert updated.battery is not None and updated.battery.initial_soc_pct == 70
    assert home.ev("ev").current_soc_pct == 35  # the original is untouched
    assert updated.appliances == home.appliances


def test_with_state_refuses_unknown_cars_and_impossible_levels() -> None:
    home = load_home(HOME)
    with pytest.raises(KeyError):
        home.with_state(ev_soc_pct={"van": 40})
    with pytest.raises(ValueError, match="between 0 and 100"):
        home.with_state(battery_soc_pct=120)
