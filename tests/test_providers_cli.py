"""Plans made with the network blocked name their fallback, in the JSON and in words.

``examples/home-live.yaml`` asks aWATTar for prices and Open-Meteo for the weather; the suite's
guard refuses every request, as on a machine without network.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import responses
from agents_helpers import EXAMPLES

from app.cli import main

LIVE_HOME = str(EXAMPLES / "home-live.yaml")
NOW = "2026-11-24T18:00:00+01:00"


@pytest.fixture(autouse=True)
def cache_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "providers.sqlite3"
    monkeypatch.setenv("HEARTH_CACHE", str(path))
    monkeypatch.setenv("HEARTH_DB", str(tmp_path / "plans.sqlite3"))
    monkeypatch.delenv("HEARTH_OFFLINE", raising=False)
    return path


def test_schedule_offline_plans_on_the_fallback_and_says_so(
    capsys: pytest.CaptureFixture[str], http_mock: responses.RequestsMock
) -> None:
    """Both providers are asked once, both fail; the plan prices on the fallback series and
    assumes clear sky, and the JSON's plan.inputs and the message say exactly that."""
    code = main(["schedule", "--home", LIVE_HOME, "--now", NOW, "--request",
                 "ev:target_soc=80,deadline=07:00", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["status"] == "proposed"
    hosts = sorted({call.request.url.split("/")[2] for call in http_mock.calls})
    assert hosts == ["api.awattar.de", "api.open-meteo.com"]
    inputs = out["plan"]["inputs"]
    assert set(inputs) == {"prices", "export_prices", "weather", "base_load"}
    prices = inputs["prices"]
    assert prices["source"] == "the home file's fallback (the series data/day-ahead-de-2018-03-14.csv)"
    assert prices["fetched_at"] is None
    assert prices["note"].startswith("live aWATTar prices unavailable since ")
    assert "cannot be reached" in prices["note"]
    assert inputs["weather"]["source"] == "clear sky at 15 °C (no weather forecast)"
    assert inputs["weather"]["note"].startswith("live Open-Meteo forecast unavailable since ")
    assert inputs["base_load"]["source"].startswith("the standard household profile scaled to 56 days")
    assert "Prices: the home file's fallback" in out["message"]
    assert "Weather: clear sky at 15 °C" in out["message"]


def test_schedule_text_output_lists_the_notes(capsys: pytest.CaptureFixture[str]) -> None:
    main(["schedule", "--home", LIVE_HOME, "--now", NOW, "--request", "dishwasher:deadline=07:00"])
    out = capsys.readouterr().out
    assert "Note: Prices: the home file's fallback (the series data/day-ahead-de-2018-03-14.csv); " \
           "live aWATTar prices unavailable since" in out


def test_plan_through_the_team_names_its_inputs(capsys: pytest.CaptureFixture[str]) -> None:
    """The agents' session gets the provider-backed builder from app/: the proposal the team
    makes carries the same inputs."""
    code = main(["plan", "charge my car by 7am", "--home", LIVE_HOME, "--now", NOW, "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["status"] == "proposed"
    assert out["plan"]["inputs"]["prices"]["source"].startswith("the home file's fallback")
    assert out["plan"]["inputs"]["weather"]["note"].startswith("live Open-Meteo forecast unavailable")
