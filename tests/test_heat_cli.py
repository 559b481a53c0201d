"""``hearth schedule`` on the heated example home, as a homeowner would type it: heat requests,
modes and demand-response events; bad heat input exits 2 naming the field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from app.cli import main

REPO = Path(__file__).resolve().parents[1]
HEAT_HOME = REPO / "examples" / "home-heat.yaml"
NOW = "2026-11-24T18:00:00+01:00"
"""A Tuesday evening in Berlin (CET, +01:00)."""


def run(
    capsys: pytest.CaptureFixture[str], *args: str, home: Path = HEAT_HOME
) -> tuple[int, str, str]:
    code = main(["schedule", "--home", str(home), "--now", NOW, *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def heat_data() -> dict[str, Any]:
    data = yaml.safe_load(HEAT_HOME.read_text(encoding="utf-8"))
    price_file = data["tariff"]["import"]["file"]
    data["tariff"]["import"]["file"] = str((HEAT_HOME.parent / price_file).resolve())
    return data


def write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "home.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_plan_json_carries_temperatures_bands_and_sources(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Every plan of the heated home has the tank and room temperatures at all 97 boundaries of
    24 h in 15-minute steps, their bands, the outdoor temperature and wind per step, and says the
    weather came from the home file. The room never leaves its band, the tank never drops below
    45 °C (no draw here exceeds what its element makes up), and the text table shows both lines."""
    code, out, _ = run(capsys, "--request", "ev:deadline=07:00", "--json")
    assert code == 0
    plan = json.loads(out)["plan"]
    series = plan["series"]
    tank = np.array(series["tank_temp_c"]["hot_water"])
    room = np.array(series["indoor_temp_c"]["heat_pump"])
    band = series["comfort_band_c"]["heat_pump"]
    assert len(tank) == len(room) == 97 and len(series["outdoor_temp_c"]) == 96
    assert np.all(room[1:] >= np.array(band["min_temp_c"][1:]) - 1e-4)
    assert np.all(tank >= 45 - 1e-4)
    assert plan["heat"]["outdoor_temp_source"] == "the home file's climate profile"
    assert {line["device"] for line in plan["heat"]["lines"]} == {"hot_water", "heat_pump"}
    code, text, _ = run(capsys, "--request", "ev:deadline=07:00")
    assert "Hot-water tank:" in text and "Heat pump:" in text


def test_away_until_friday_turns_the_heating_down(capsys: pytest.CaptureFixture[str]) -> None:
    """Away from now until Friday: the band reads 12–30 °C and the heat pump uses far less than
    at home (a 50 h time constant keeps the house above 12 °C for a day without heating)."""
    code, out, _ = run(
        capsys, "--request", "home:mode=away,until=2026-11-27T00:00:00+01:00", "--json"
    )
    assert code == 0
    away = json.loads(out)["plan"]
    assert set(away["series"]["comfort_band_c"]["heat_pump"]["min_temp_c"][1:]) == {12.0}
    code, out, _ = run(capsys, "--request", "ev:deadline=07:00", "--json")
    home = json.loads(out)["plan"]
    assert sum(away["series"]["device_kw"]["heat_pump"]) < 0.1 * sum(
        home["series"]["device_kw"]["heat_pump"]
    )


def test_dr_event_is_proposed_with_what_it_earns(capsys: pytest.CaptureFixture[str]) -> None:
    """A 1 kW cap 19:00–21:00 tonight: import stays ≤ 1 kW in those steps; the plan's
    demand_response section and the text say what taking part earns."""
    code, out, _ = run(
        capsys,
        "--request",
        "ev:deadline=07:00",
        "--dr-event",
        "start=19:00,end=21:00,cap=1,incentive=0.5",
        "--json",
    )
    assert code == 0
    plan = json.loads(out)["plan"]
    times = plan["series"]["times"]
    imports = plan["series"]["grid_import_kw"]
    window = [i for i, t in enumerate(times) if "2026-11-24T19:00" <= t[:16] < "2026-11-24T21:00"]
    assert len(window) == 8 and max(imports[i] for i in window) <= 1 + 1e-6
    summary = plan["demand_response"]
    assert summary["earned"] == pytest.approx(0.5 * summary["events"][0]["reduced_kwh"], abs=1e-4)
    code, text, _ = run(
        capsys,
        "--request",
        "ev:deadline=07:00",
        "--dr-event",
        "start=19:00,end=21:00,cap=1,incentive=0.5",
    )
    assert "Taking part" in text and "approve the plan to take part" in text


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("--request", "hot water:temp=99"), "target_temp_c"),
        (("--request", "heating:min_temp=23,max_temp=21"), "min_temp_c"),
        (("--request", "home:mode=holiday"), "mode"),
        (("--request", "heating:deadline=07:00"), "min_temp_c or max_temp_c"),
        (("--request", "hot water:min_temp=20"), "takes no min_temp_c"),
        (("--dr-event", "start=17:00"), "--dr-event"),
        (("--dr-event", "start=17:00,end=18:00,cap=-1"), "cap_kw"),
        (
            ("--dr-event", "start=2026-12-01T17:00:00+01:00,end=2026-12-01T18:00:00+01:00,cap=1"),
            "outside the planning horizon",
        ),
    ],
)
def test_bad_heat_input_exits_2_naming_the_field(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], field: str
) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    assert field in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["water_tanks"][0].update(min_temp_c=80), "water_tanks[0]"),
        (lambda d: d["heat_pumps"][0]["comfort"].pop(), "comfort periods cover"),
        (
            lambda d: d["heat_pumps"][0]["building"].update(resistance_k_per_kw=0),
            "heat_pumps[0].building.resistance_k_per_kw",
        ),
        (lambda d: d.pop("climate"), "climate.outdoor_temp_c"),
        (
            lambda d: d["wind_turbines"][0].update(cut_out_m_s=5),
            "cut_in_m_s < rated_m_s < cut_out_m_s",
        ),
        (lambda d: d["heat_pumps"][0].update(id="home"), "reserved"),
        (lambda d: d["evs"][0].update(priority="urgent"), "evs[0].priority"),
    ],
)
def test_bad_heat_home_exits_2_naming_the_field(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, change: Any, field: str
) -> None:
    data = heat_data()
    change(data)
    code, out, err = run(capsys, "--request", "ev:deadline=07:00", home=write(tmp_path, data))
    assert code == 2 and out == ""
    assert field in err and "Traceback" not in err
