"""Words that cancel an approved run: the offline model drives the real team against a store
holding an approved plan, and the reply is a proposal that releases that run (approved by the
homeowner like any other), never a refusal and never a silent no-op.

Home: examples/home.yaml, Tue 2026-11-24 18:00 (UTC+01:00). The approved plan runs the dishwasher
by 06:00 and the washing machine by 18:00 tomorrow; the draft of the new conversation is empty.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from app.store import PlanStore
from tools.home import load_home
from tools.planning import schedule
from tools.requests import parse_request_spec
from tools.timeaxis import parse_aware_datetime

REPO = Path(__file__).resolve().parents[1]
HOME = REPO / "examples" / "home.yaml"
NOW = "2026-11-24T18:00:00+01:00"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    home = load_home(HOME)
    moment = parse_aware_datetime(NOW, "now")
    specs = ("dishwasher:deadline=06:00", "washer:deadline=2026-11-25T18:00:00+01:00")
    plan = schedule(home, moment, [parse_request_spec(s, home, moment) for s in specs]).plan
    assert plan is not None
    path = tmp_path / "plans.sqlite3"
    store = PlanStore(path)
    store.approve(store.save_proposal(plan, None), by="Alex")
    return path


@pytest.mark.parametrize(
    ("text", "released", "kept"),
    [
        ("cancel the washer", "washing_machine", "dishwasher"),
        ("forget the dishwasher", "dishwasher", "washing_machine"),
        ("Spülmaschine doch nicht", "dishwasher", "washing_machine"),
    ],
)
def test_words_cancel_an_approved_run_as_a_proposal(
    db: Path, capsys: pytest.CaptureFixture[str], text: str, released: str, kept: str
) -> None:
    """The proposal releases the named device's approved run and keeps the other's; nothing is
    approved until the homeowner does it (the store's active plan is still plan 1)."""
    code = main(["plan", text, "--home", str(HOME), "--now", NOW, "--db", str(db), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["status"] == "proposed"
    store = PlanStore(db)
    assert store.active_id() == 1
    proposal = store.get(2).plan
    assert [c.device for c in proposal.released] == [released]
    assert [c.device for c in proposal.committed] == [kept]
