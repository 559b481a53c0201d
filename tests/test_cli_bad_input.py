"""``hearth schedule`` through the real entry point (``app.cli.main``): bad input exits 2 with the
field and the reason, good input prints the machine interface JSON and exits 0.

Malformed homes are ``examples/home.yaml`` loaded, changed in one place and written to
``tmp_path`` (with a copy of its day-ahead price file beside it: series files must lie in the
home file's folder).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from app.cli import main

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
EU_HOME = EXAMPLES / "home.yaml"
US_HOME = EXAMPLES / "home-us-tou.yaml"
NOW = "2026-11-24T18:00:00+01:00"
"""A Tuesday evening in Berlin (CET, +01:00)."""


def example_data() -> dict[str, Any]:
    return yaml.safe_load(EU_HOME.read_text(encoding="utf-8"))


def write_home(tmp_path: Path, data: dict[str, Any] | None = None, text: str | None = None) -> Path:
    if not (tmp_path / "data").exists():
        shutil.copytree(EXAMPLES / "data", tmp_path / "data")
    path = tmp_path / "home.yaml"
    if text is None:
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def run_cli(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as stop:  # a bad flag: argparse exits with status 2
        code = int(stop.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def schedule_argv(home: Path | str, *requests: str, now: str = NOW, extra: tuple = ()) -> list:
    argv = ["schedule", "--home", str(home), "--now", now]
    for spec in requests:
        argv += ["--request", spec]
    return argv + list(extra)


# ----------------------------------------------------------------------------- malformed homes


def _set(path: tuple, value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return mutate


def _delete(path: tuple) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        node = data
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]

    return mutate


def _both(*mutations: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        for m in mutations:
            m(data)

    return mutate


@dataclass(frozen=True)
class BadHome:
    mutate: Callable[[dict[str, Any]], None]
    expected: tuple[str, ...]
    requests: tuple[str, ...] = ("ev:target_soc=80,deadline=07:00",)
    absent: tuple[str, ...] = field(default=())


BAD_HOMES: dict[str, BadHome] = {
    "negative charger power": BadHome(
        _set(("evs", 0, "charger_max_kw"), -3), ("evs[0].charger_max_kw: must be > 0, got -3",)
    ),
    "battery max SoC above 100": BadHome(
        _set(("battery", "max_soc_pct"), 120), ("battery.max_soc_pct: must be ≤ 100, got 120",)
    ),
    "zero battery capacity": BadHome(
        _set(("battery", "capacity_kwh"), 0), ("battery.capacity_kwh: must be > 0, got 0",)
    ),
    "min SoC above max SoC": BadHome(
        _both(_set(("battery", "min_soc_pct"), 90), _set(("battery", "max_soc_pct"), 80)),
        ("battery: min_soc_pct (90) must not exceed max_soc_pct (80)",),
    ),
    "charging efficiency above 1": BadHome(
        _set(("evs", 0, "charging_efficiency"), 1.2),
        ("evs[0].charging_efficiency: must be ≤ 1, got 1.2",),
    ),
    "charger min above max": BadHome(
        _set(("evs", 0, "charger_min_kw"), 12),
        ("evs[0]: charger_min_kw (12) must not exceed charger_max_kw (11)",),
    ),
    "overlapping allowed windows": BadHome(
        _set(
            ("appliances", 0, "allowed_windows"),
            [{"start": "08:00", "end": "12:00"}, {"start": "11:00", "end": "14:00"}],
        ),
        ("appliances[0]: allowed_windows overlap around 11:00; merge them",),
    ),
    "quiet hours at 25:00": BadHome(
        _set(("appliances", 1, "quiet_hours"), [{"start": "25:00", "end": "07:00"}]),
        (
            "appliances[1].quiet_hours[0]: must be a clock time between 00:00 and 24:00, "
            "got '25:00'",
        ),
    ),
    "profile with a negative value": BadHome(
        _set(("appliances", 0, "cycle", "profile_kw"), [1.9, -0.15, 0.15]),
        ("appliances[0].cycle: profile_kw[1] must be between 0 and 50 kW, got -0.15",),
    ),
    "interruptible profile": BadHome(
        _set(("appliances", 0, "interruptible"), True),
        (
            "appliances[0]: an interruptible appliance takes duration_minutes and power_kw, "
            "not a profile",
        ),
    ),
    "empty tariff": BadHome(
        _set(("tariff",), {}), ("tariff.currency: is required", "tariff.import: is required")
    ),
    "tariff without import price": BadHome(
        _delete(("tariff", "import")), ("tariff.import: is required",)
    ),
    "unknown price type": BadHome(
        _set(("tariff", "export"), {"type": "magic", "price_per_kwh": 0.1}),
        ("tariff.export: type must be one of 'flat', 'tou', 'series'",),
    ),
    "currency not ISO 4217": BadHome(
        _set(("tariff", "currency"), "euro"), ("tariff.currency: has the wrong form 'euro'",)
    ),
    "unknown field": BadHome(
        _set(("battery", "colour"), "red"), ("battery.colour: is not a known field",)
    ),
    "unknown time zone": BadHome(
        _set(("timezone",), "Europe/Atlantis"),
        ("timezone: 'Europe/Atlantis' is not an IANA time zone such as Europe/Berlin",),
    ),
    "latitude out of range": BadHome(
        _set(("location", "latitude_deg"), 123), ("location.latitude_deg: must be ≤ 90, got 123",)
    ),
    "device id with spaces": BadHome(
        _set(("evs", 0, "id"), "My Car"),
        (
            "evs[0].id: has the wrong form 'My Car' (use lower-case letters, digits and "
            "underscores)",
        ),
        requests=("dishwasher",),
    ),
    "duplicate device id": BadHome(
        _set(("appliances", 1, "id"), "dishwasher"),
        ("device id 'dishwasher' is used twice",),
    ),
    "alias naming two devices": BadHome(
        _set(("appliances", 0, "aliases"), ["car"]), ("alias 'car' names both ev and dishwasher",)
    ),
    "after names an unknown appliance": BadHome(
        _set(("appliances", 2, "after"), ["mangle"]),
        ("appliance tumble_dryer: 'after' names 'mangle', which is not an appliance of this home",),
    ),
    "dependency cycle": BadHome(
        _set(("appliances", 1, "after"), ["tumble_dryer"]),
        ("'after' dependencies form a cycle:", "washing_machine → tumble_dryer"),
    ),
    "price series shorter than the horizon": BadHome(
        _set(
            ("tariff", "import"),
            {
                "type": "series",
                "start": "2026-11-24T18:00:00+01:00",
                "step_minutes": 60,
                "prices_per_kwh": [0.3] * 10,
            },
        ),
        (
            "tariff.import: covers 2026-11-24T18:00:00+01:00 to 2026-11-25T04:00:00+01:00, but "
            "the plan needs 2026-11-24T18:00:00+01:00 to 2026-11-25T18:00:00+01:00",
        ),
    ),
    "price file missing": BadHome(
        _set(("tariff", "import", "file"), "nothere.csv"),
        ("tariff.import: file", "nothere.csv does not exist"),
    ),
    "TOU rule covering half the day": BadHome(
        _set(
            ("tariff", "import"),
            {
                "type": "tou",
                "rules": [{"bands": [{"start": "00:00", "end": "12:00", "price_per_kwh": 0.3}]}],
            },
        ),
        ("tariff.import.rules[0]: bands cover 12 h of the day; they must cover all 24 h",),
    ),
}


@pytest.mark.parametrize("case", list(BAD_HOMES), ids=list(BAD_HOMES))
def test_malformed_home_exits_2_naming_field_and_reason(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = BAD_HOMES[case]
    data = example_data()
    bad.mutate(data)
    home = write_home(tmp_path, data)
    code, out, err = run_cli(capsys, schedule_argv(home, *bad.requests))
    assert code == 2, err
    assert out == ""
    assert err.startswith("hearth: error: ")
    assert "Traceback" not in err
    for expected in bad.expected:
        assert expected in err


def test_example_home_copy_is_valid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The unmutated copy plans fine, so each failure above is due to its one change."""
    home = write_home(tmp_path, example_data())
    code, out, err = run_cli(
        capsys, schedule_argv(home, "dishwasher:deadline=06:00", extra=("--step", "60"))
    )
    assert code == 0, err
    assert "cost" in out


def test_tou_rule_gap_reports_only_the_real_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A TOU rule with one band covering 12 h is *one* defect. pydantic also reports the rules
    tuple as too short (its failed item is not counted), which the file does not deserve: the
    message must not claim that a tariff with one rule has fewer than one."""
    data = example_data()
    BAD_HOMES["TOU rule covering half the day"].mutate(data)
    code, _, err = run_cli(capsys, schedule_argv(write_home(tmp_path, data), "ev"))
    assert code == 2
    assert "bands cover 12 h of the day" in err
    assert "must have at least 1 item" not in err


@pytest.mark.parametrize(
    ("case", "text", "expected"),
    [
        ("bad YAML", "timezone: UTC\n  location: [1, 2\n", "home: is not valid YAML at line 2"),
        ("YAML list", "- a\n- b\n", "home: must be a YAML mapping of sections"),
    ],
)
def test_unreadable_home_file_exits_2(
    case: str, text: str, expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(capsys, schedule_argv(write_home(tmp_path, text=text), "ev"))
    assert code == 2, case
    assert out == ""
    assert expected in err


def test_missing_home_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.yaml"
    code, _, err = run_cli(capsys, schedule_argv(missing, "ev"))
    assert code == 2
    assert f"home: file {missing} does not exist" in err


# ----------------------------------------------------------------------------- bad requests and flags


BAD_ARGS: dict[str, tuple[tuple[str, ...], str, tuple[str, ...]]] = {
    # case: (requests, now, (expected substrings...)); extra flags are added below
    "unknown device": (
        ("fridge:deadline=07:00",),
        NOW,
        (
            "--request 'fridge:deadline=07:00': unknown device 'fridge' (this home has: battery, "
            "ev, dishwasher, washing_machine, tumble_dryer, water_heater)",
        ),
    ),
    "deadline before now": (
        ("ev:deadline=2026-11-24T17:00:00+01:00",),
        NOW,
        ("request 1 (ev): deadline Tue 17:00 is not after now (Tue 18:00)",),
    ),
    "deadline beyond the horizon": (
        ("ev:deadline=2026-11-26T07:00:00+01:00",),
        NOW,
        (
            "request 1 (ev): deadline Thu 07:00 is beyond the planning horizon, which ends Wed 18:00",
        ),
    ),
    "naive --now": (
        ("ev",),
        "2026-11-24T18:00:00",
        ("argument --now: needs a UTC offset or time zone", "got the naive time 2026-11-24T18:00:00"),
    ),
    "unreadable --now": (
        ("ev",),
        "yesterday",
        ("argument --now: is not an ISO 8601 time such as 2026-11-24T18:00:00+01:00: 'yesterday'",),
    ),
    "target SoC 120": (
        ("ev:target_soc=120,deadline=07:00",),
        NOW,
        (
            "--request 'ev:target_soc=120,deadline=07:00': target_soc_pct: input should be less "
            "than or equal to 100",
        ),
    ),
    "both energy and target": (
        ("ev:target_soc=80,energy_kwh=10,deadline=07:00",),
        NOW,
        ("request 1 (ev): give either target_soc_pct or energy_kwh, not both",),
    ),
    "request without '='": (
        ("ev:target_soc80",),
        NOW,
        ("--request 'ev:target_soc80': cannot read 'target_soc80'; use key=value",),
    ),
    "request value not a number": (
        ("ev:target_soc=eighty",),
        NOW,
        ("--request 'ev:target_soc=eighty': target_soc must be a number, got 'eighty'",),
    ),
    "deadline not a time": (
        ("ev:deadline=7pm",),
        NOW,
        ("--request 'ev:deadline=7pm' deadline: must be HH:MM or an ISO 8601 time, got '7pm'",),
    ),
    "unknown objective": (
        ("ev:objective=fastest",),
        NOW,
        ("objective: input should be 'cost', 'co2' or 'asap'",),
    ),
    "energy for an appliance": (
        ("dishwasher:energy_kwh=3",),
        NOW,
        ("request 1 (dishwasher): dishwasher is an appliance: it takes no target SoC or energy",),
    ),
    "same device twice (id and alias)": (
        ("ev:deadline=07:00", "car:deadline=08:00"),
        NOW,
        ("request 2 (ev): ev is requested twice; combine the requests",),
    ),
    "no request": ((), NOW, ("--request: give at least one request",)),
}


@pytest.mark.parametrize("case", list(BAD_ARGS), ids=list(BAD_ARGS))
def test_bad_request_exits_2_naming_request_and_reason(
    case: str, capsys: pytest.CaptureFixture[str]
) -> None:
    requests, now, expected = BAD_ARGS[case]
    code, out, err = run_cli(capsys, schedule_argv(EU_HOME, *requests, now=now))
    assert code == 2, err
    assert out == ""
    assert "Traceback" not in err
    for text in expected:
        assert text in err


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (("--horizon", "73"), "argument --horizon: must be more than 0 and at most 72 hours, got '73'"),
        (("--horizon", "0"), "argument --horizon: must be more than 0 and at most 72 hours, got '0'"),
        (("--step", "7"), "argument --step: must be one of 5, 15, 30 or 60 minutes, got '7'"),
    ],
)
def test_bad_axis_flags_exit_2(
    flags: tuple[str, str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(capsys, schedule_argv(EU_HOME, "dishwasher", extra=flags))
    assert code == 2
    assert out == ""
    assert expected in err


# ----------------------------------------------------------------------------- JSON on good input


@dataclass(frozen=True)
class GoodCase:
    home: Path
    now: str
    requests: tuple[str, ...]
    currency: str
    utc_offset: timedelta
    ev_drawn_kwh: float


GOOD = {
    # Berlin EV: 60 kWh, 35 % → 80 % = 27 kWh stored, at η = 0.9 drawn 30 kWh.
    "berlin": GoodCase(
        EU_HOME,
        NOW,
        ("ev:target_soc=80,deadline=07:00", "dishwasher:deadline=06:00"),
        "EUR",
        timedelta(hours=1),
        27.0 / 0.9,
    ),
    # Oakland EV: 65 kWh, 30 % → 80 % = 32.5 kWh stored, drawn 32.5 / 0.9 = 36.111 kWh; PDT.
    "oakland": GoodCase(
        US_HOME,
        "2026-07-01T18:00:00-07:00",
        ("car:target_soc=80,deadline=07:00", "dishwasher:deadline=06:00"),
        "USD",
        timedelta(hours=-7),
        32.5 / 0.9,
    ),
}


@pytest.mark.parametrize("case", list(GOOD))
def test_schedule_json_on_example_homes(case: str, capsys: pytest.CaptureFixture[str]) -> None:
    """stdout is one JSON object (no solver banner); status proposed, costs, currency, optimal;
    device segments carry ISO times with the home's offset, lie inside the horizon, and the EV
    segments add up to the energy the target needs."""
    good = GOOD[case]
    code, out, err = run_cli(
        capsys, schedule_argv(good.home, *good.requests, now=good.now, extra=("--json",))
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["status"] == "proposed"
    plan = data["plan"]
    assert isinstance(plan["cost"], float)
    assert isinstance(plan["baseline_cost"], float)
    assert plan["cost"] <= plan["baseline_cost"] + 1e-6
    assert plan["saving"] == pytest.approx(plan["baseline_cost"] - plan["cost"], abs=1e-5)
    assert plan["currency"] == good.currency
    assert plan["solve_status"] == "optimal"
    assert plan["solve_seconds"] >= 0
    assert isinstance(data["conflicts"], list)
    now = datetime.fromisoformat(good.now)
    horizon_end = now + timedelta(hours=24)
    assert {"ev", "dishwasher"} <= set(plan["devices"])
    for device, segments in plan["devices"].items():
        for segment in segments:
            start = datetime.fromisoformat(segment["start"])
            end = datetime.fromisoformat(segment["end"])
            assert start.utcoffset() == good.utc_offset, (device, segment)
            assert end.utcoffset() == good.utc_offset, (device, segment)
            assert now <= start < end <= horizon_end
    deadline = datetime.fromisoformat(good.now).replace(hour=7) + timedelta(days=1)
    ev_kwh = 0.0
    for segment in plan["devices"]["ev"]:
        start = datetime.fromisoformat(segment["start"])
        end = datetime.fromisoformat(segment["end"])
        assert end <= deadline
        ev_kwh += segment["power_kw"] * (end - start).total_seconds() / 3600
    assert ev_kwh == pytest.approx(good.ev_drawn_kwh, abs=1e-2)
    assert {r["device"] for r in data["requests"]} == {"ev", "dishwasher"}


def test_infeasible_request_exits_0_with_a_diagnosis(capsys: pytest.CaptureFixture[str]) -> None:
    """EV 35 % → 100 % by 20:00 needs 0.65 × 60 = 39 kWh stored; two hours at 11 kW × 0.9 store
    19.8 kWh. Alternatives: 35 + 100 × 19.8 / 60 = 68 % by 20:00, or 100 % once 39 / 9.9 =
    3.94 h have passed, i.e. at the 22:00 step boundary."""
    code, out, err = run_cli(
        capsys, schedule_argv(EU_HOME, "ev:target_soc=100,deadline=20:00", extra=("--json",))
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["status"] == "infeasible"
    assert data["plan"] is None
    diagnosis = data["diagnosis"]
    assert "39.0 kWh" in diagnosis["message"] and "19.8 kWh" in diagnosis["message"]
    binding = diagnosis["binding"][0]
    assert binding["kind"] == "ev_charger_power"
    assert binding["device"] == "ev"
    alternatives = {(a["target_soc_pct"], a["deadline"]) for a in binding["alternatives"]}
    assert alternatives == {
        (68.0, "2026-11-24T20:00:00+01:00"),
        (100.0, "2026-11-24T22:00:00+01:00"),
    }
    deadline = datetime.fromisoformat(binding["alternatives"][0]["deadline"])
    assert deadline.tzinfo is not None
    assert deadline.astimezone(ZoneInfo("Europe/Berlin")).utcoffset() == timedelta(hours=1)
