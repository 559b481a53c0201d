"""The base load learned from a meter history: reading, weighting, the check, and plans.

Reference values are worked out in each docstring; the shipped household
(``examples/data/meter-sceaux-2008.csv``, 8 weeks of one French household) anchors the measured
errors reported in the README.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from agents_helpers import EXAMPLES, flat_home

from app.cli import main
from tools.baseload_learned import (
    check_against_standard,
    learned_base_load,
    read_meter_history,
    weekday_profile_kw,
)
from tools.errors import InputError, SeriesError
from tools.home import Home
from tools.timeaxis import TimeAxis

METER = EXAMPLES / "data" / "meter-sceaux-2008.csv"


def write_history(path: Path, start: str, step_minutes: int, values: list[float], column: str) -> Path:
    first = datetime.fromisoformat(start)
    lines = [f"start,{column}"]
    for i, value in enumerate(values):
        lines.append(f"{(first + timedelta(minutes=step_minutes * i)).isoformat()},{value}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def in_folder(home: Home, folder: Path) -> Home:
    """``home`` as if its home file lay in ``folder`` (files it names are confined there)."""
    return home.model_copy(update={"source_dir": str(folder)})


def test_quarter_hour_kwh_become_hourly_kw(tmp_path: Path) -> None:
    """0.25 kWh in every quarter hour is 1 kW; 0.5 kWh in one quarter and 0 in three is
    0.5 kWh in the hour, a mean of 0.5 kW."""
    values = [0.25] * 4 + [0.5, 0.0, 0.0, 0.0]
    path = write_history(tmp_path / "m.csv", "2026-06-01T00:00:00+02:00", 15, values, "energy_kwh")
    hourly = read_meter_history(path, unit="kwh", tz_name="Europe/Berlin")
    assert hourly.to_numpy() == pytest.approx([1.0, 0.5])
    assert str(hourly.index[0]) == "2026-06-01 00:00:00+02:00"


def test_recent_weeks_count_more(tmp_path: Path) -> None:
    """Week 1 at 1 kW, week 2 at 3 kW, half-life 1 week: the same weekday a week older weighs
    2^-1 = 0.5, so every profile value is (0.5·1 + 1·3) / 1.5 = 2.3333 kW."""
    values = [1.0] * 168 + [3.0] * 168
    path = write_history(tmp_path / "m.csv", "2026-06-01T00:00:00+02:00", 60, values, "power_kw")
    history = read_meter_history(path, unit="kw", tz_name="Europe/Berlin")
    profile = weekday_profile_kw(history, half_life_weeks=1.0)
    assert profile.shape == (7, 24)
    assert profile == pytest.approx(np.full((7, 24), 7 / 3))


def test_a_household_that_repeats_its_week_is_learned_exactly(tmp_path: Path) -> None:
    """Three identical weeks whose hour h of weekday d draws 0.2 + 0.1·d + 0.05·h kW: the held-back
    week is forecast without error, the check keeps the learned profile, and a plan a month after
    the history ends (a Wednesday, d = 2) gets 0.2 + 0.2 + 0.05·18 = 1.3 kW at 18:00."""
    week = [0.2 + 0.1 * d + 0.05 * h for d in range(7) for h in range(24)]
    path = write_history(tmp_path / "m.csv", "2026-06-01T00:00:00+02:00", 60, week * 3, "power_kw")
    history = read_meter_history(path, unit="kw", tz_name="Europe/Berlin")
    check = check_against_standard(history, half_life_weeks=2.0)
    assert check is not None and check.learned_mae_kw == pytest.approx(0.0, abs=1e-12)
    assert check.standard_mae_kw > 0.05 and check.better == "learned"
    home = in_folder(flat_home(base_load={"type": "learned", "file": "m.csv", "unit": "kw"}), tmp_path)
    axis = TimeAxis.from_now(datetime.fromisoformat("2026-07-22T18:00:00+02:00"),
                             tz_name="Europe/Berlin", step_minutes=30, horizon_hours=2)
    result = learned_base_load(home.base_load, home, axis)  # type: ignore[arg-type]
    assert result.method == "learned"
    assert result.power_kw == pytest.approx([1.3, 1.3, 1.35, 1.35])
    assert result.description.startswith("a same-weekday profile learned from 21 days of meter "
                                         "readings to 2026-06-22 00:00 (error on the last week "
                                         "0.00 kW learned vs ")


def test_the_shipped_household(tmp_path: Path) -> None:
    """Eight weeks (Mon 7 Jan – Sun 2 Mar 2008), mean 1.297 kW. Held back: 25 Feb – 2 Mar. On this
    week the scaled standard profile is closer (MAE 0.868 kW) than the same-weekday profile with a
    two-week half-life (0.933 kW), so a learned home plans with the standard profile; measured,
    not derived (README, "Base load learned from the meter")."""
    history = read_meter_history(METER, unit="kw", tz_name="Europe/Paris")
    assert len(history) == 56 * 24 and not history.isna().any()
    assert float(history.mean()) == pytest.approx(1.297, abs=5e-4)
    check = check_against_standard(history, half_life_weeks=2.0)
    assert check is not None
    assert check.test_start == pd.Timestamp("2008-02-25T00:00:00+01:00")
    assert check.training_days == 49
    assert check.learned_mae_kw == pytest.approx(0.933, abs=5e-4)
    assert check.standard_mae_kw == pytest.approx(0.868, abs=5e-4)
    assert check.better == "standard"


def test_the_standard_profile_is_scaled_to_the_meter(tmp_path: Path) -> None:
    """When the standard profile wins, its level is the household's: over a week its mean is
    within a few per cent of the history's 1.297 kW (H0's seasonal factor moves it a little)."""
    home = flat_home(timezone="Europe/Paris",
                     base_load={"type": "learned", "file": str(METER), "unit": "kw"})
    axis = TimeAxis.from_now(datetime.fromisoformat("2026-11-24T18:00:00+01:00"),
                             tz_name="Europe/Paris", step_minutes=60, horizon_hours=72)
    result = learned_base_load(home.base_load, home, axis)  # type: ignore[arg-type]
    assert result.method == "standard"
    assert 1.0 < float(result.power_kw.mean()) < 1.7
    assert "standard household profile scaled to 56 days" in result.description
    assert "0.93 kW learned vs 0.87 kW standard" in result.description


def test_negative_readings_are_refused(tmp_path: Path) -> None:
    path = write_history(tmp_path / "m.csv", "2026-06-01T00:00:00+02:00", 60, [0.5, -0.1], "power_kw")
    with pytest.raises(SeriesError, match=r"value 2 .* is negative"):
        read_meter_history(path, unit="kw", tz_name="Europe/Berlin")


def test_a_short_history_says_it_was_not_checked(tmp_path: Path) -> None:
    write_history(tmp_path / "m.csv", "2026-06-01T00:00:00+02:00", 60, [0.5] * 24 * 8, "power_kw")
    home = in_folder(flat_home(base_load={"type": "learned", "file": "m.csv", "unit": "kw"}), tmp_path)
    axis = TimeAxis.from_now(datetime.fromisoformat("2026-06-20T18:00:00+02:00"),
                             tz_name="Europe/Berlin", step_minutes=60, horizon_hours=2)
    result = learned_base_load(home.base_load, home, axis)  # type: ignore[arg-type]
    assert result.check is None and result.power_kw == pytest.approx([0.5, 0.5])
    assert "too short to compare with the standard profile: that needs 14 days" in result.description


def test_meter_check_command(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["meter", "check", str(METER), "--unit", "kw", "--timezone", "Europe/Paris", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["days"] == 56 and out["better"] == "standard"
    assert out["learned_mae_kw"] == 0.933 and out["standard_mae_kw"] == 0.868


def test_meter_check_bad_unit_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["meter", "check", str(METER), "--unit", "wh", "--timezone", "Europe/Paris"])
    assert exit_info.value.code == 2


def test_a_meter_file_outside_the_home_folder_is_refused(tmp_path: Path) -> None:
    home = in_folder(flat_home(base_load={"type": "learned", "file": "/etc/passwd", "unit": "kw"}),
                     tmp_path)
    axis = TimeAxis.from_now(datetime.fromisoformat("2026-06-20T18:00:00+02:00"),
                             tz_name="Europe/Berlin", step_minutes=60, horizon_hours=2)
    with pytest.raises(InputError, match=r"base_load\.file"):
        learned_base_load(home.base_load, home, axis)  # type: ignore[arg-type]
