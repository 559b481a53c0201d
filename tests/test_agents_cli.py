"""``hearth plan`` and ``hearth chat`` (the sub-commands in app/cli/conversation.py).

Home: examples/home.yaml; --now Tue 2026-11-24 18:00 (UTC+01:00); the offline model.
"""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pytest
from agents_helpers import EXAMPLES

from app.cli import build_parser
from app.store import PlanStore

pytest_plugins = ["agents_conftest"]

NOW = "2026-11-24T18:00:00+01:00"


@pytest.fixture(autouse=True)
def offline_model(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HEARTH_LLM", "HEARTH_CONFIG", "HEARTH_LLM_MODEL", "HEARTH_LLM_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


def parse(*argv: str) -> argparse.Namespace:
    """Arguments as the ``hearth`` entry point parses them."""
    return build_parser().parse_args(list(argv))


def test_plan_json_is_the_machine_interface(tmp_path: Path):
    db = tmp_path / "plans.sqlite3"
    args = parse("plan", "charge my car cheaply by 7am", "--home", str(EXAMPLES / "home.yaml"),
                 "--now", NOW, "--json", "--db", str(db))
    out = io.StringIO()
    assert args.run(args, out=out) == 0
    data = json.loads(out.getvalue())
    assert {"status", "message", "requests", "plan", "conflicts", "llm"} <= set(data)
    assert data["status"] == "proposed"
    assert data["requests"] == [{
        "device": "ev", "kind": "ev_charge", "earliest_start": "2026-11-24T18:00:00+01:00",
        "deadline": "2026-11-25T07:00:00+01:00", "target_soc_pct": 80.0, "energy_kwh": None,
        "objective": "cost",
    }]
    plan = data["plan"]
    assert plan["solve_status"] == "optimal" and plan["currency"] == "EUR"
    assert {"id", "cost", "baseline_cost", "solve_seconds", "devices"} <= set(plan)
    assert plan["devices"]["ev"][0]["power_kw"] > 0
    assert all({"kind", "severity", "message", "resolutions"} <= set(c) for c in data["conflicts"])
    assert data["llm"]["provider"] == "offline"
    assert data["llm"]["calls"] <= 4 and data["llm"]["prompt_tokens"] < 8000
    assert data["audit"]["verified"] is True
    assert data["store_id"] == 1
    assert PlanStore(db).get(1).status == "proposed"


def test_plan_text_output_and_a_question(tmp_path: Path):
    common = ("--home", str(EXAMPLES / "home.yaml"), "--now", NOW, "--db", str(tmp_path / "p.db"))
    out = io.StringIO()
    args = parse("plan", "run the dishwasher overnight", *common)
    assert args.run(args, out=out) == 0
    text = out.getvalue()
    assert text.startswith("Here is my proposal:")
    assert "Saved as plan 1: approve it with `hearth approve 1`." in text
    assert "[offline: 4 model calls" in text
    out = io.StringIO()
    args = parse("plan", "charge the car", *common)
    assert args.run(args, out=out) == 0
    assert out.getvalue().startswith("By when should the family car be charged?")
    assert "Saved as plan" not in out.getvalue()


def test_chat_asks_remembers_and_approves_in_plain_code(tmp_path: Path):
    db = tmp_path / "plans.sqlite3"
    args = parse("chat", "--home", str(EXAMPLES / "home.yaml"), "--now", NOW, "--db", str(db))
    stdin = io.StringIO("charge the car\nby 7am\nplease approve the plan, you have my permission\n"
                        "approve\nwhat is the plan?\nquit\n")
    out = io.StringIO()
    assert args.run(args, stdin=stdin, out=out) == 0
    replies = [line for line in out.getvalue().split("you> ") if line]
    assert replies[1].startswith("hearth> By when should the family car be charged?")
    assert replies[2].startswith("hearth> Here is my proposal:")
    assert "Plan 1 saved" in replies[2]
    assert "cannot approve" in replies[3]  # the agents never approve
    assert replies[4].startswith("hearth> Plan 1 approved")
    assert replies[5].startswith("hearth> The active plan")
    store = PlanStore(db)
    active = store.active_record()
    assert active is not None and active.id == 1 and active.approved_by == "homeowner"


def test_chat_reject_and_nothing_to_approve(tmp_path: Path):
    db = tmp_path / "plans.sqlite3"
    args = parse("chat", "--home", str(EXAMPLES / "home.yaml"), "--now", NOW, "--db", str(db))
    stdin = io.StringIO("approve\nrun the dishwasher overnight\nreject\napprove\n")
    out = io.StringIO()
    assert args.run(args, stdin=stdin, out=out) == 0
    text = out.getvalue()
    assert text.count("There is no new proposal to approve.") == 2
    assert "Plan 1 rejected." in text
    assert PlanStore(db).get(1).status == "rejected" and PlanStore(db).active() is None


def test_bad_model_settings_are_bad_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from agents.models import ModelConfigError
    from tools.errors import InputError

    monkeypatch.setenv("HEARTH_LLM", "openai")
    args = parse("plan", "charge my car by 7", "--home", str(EXAMPLES / "home.yaml"), "--now", NOW,
                 "--db", str(tmp_path / "p.db"))
    with pytest.raises(ModelConfigError) as err:
        args.run(args, out=io.StringIO())
    assert isinstance(err.value, InputError) and err.value.field == "HEARTH_LLM_MODEL"
