"""``hearth plans / approve / reject / cancel / ui`` through their argparse parsers.

Sample plans as in test_app_store: plan a costs 3.96 EUR with a 9.00 EUR baseline (saving
5.04 EUR): Dishwasher 22:00–23:00 (0.36 EUR), Family car 00:00–03:00 (2.10 EUR). Plan b moves
the car one hour later (3.50 EUR: +1.40 EUR) and keeps the dishwasher.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import pytest
from app_samples import make_plan

from app.cli import build_parser, main
from app.cli import plans as cli_plans
from app.cli import ui as cli_ui
from app.cli.ui import ui_command
from app.store import PlanStore
from tools.errors import HomeFileError, InputError
from tools.home import load_home
from tools.planning import schedule
from tools.requests import parse_request_spec
from tools.timeaxis import parse_aware_datetime

REPO = Path(__file__).resolve().parents[1]


def parse(*argv: str) -> argparse.Namespace:
    """Arguments as the ``hearth`` entry point parses them."""
    return build_parser().parse_args(list(argv))


def run(*argv: str) -> int:
    args = parse(*argv)
    return int(args.run(args))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "plans.sqlite3"


def test_plans_on_an_empty_store(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("plans", "--db", str(db)) == 0
    assert capsys.readouterr().out.startswith("No plans in ")


def test_plans_table_marks_the_head_and_lists_the_approved_runs(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = PlanStore(db)
    a = store.save_proposal(make_plan("a"), None)
    store.approve(a, by="Alex")
    store.save_proposal(make_plan("b", ev_steps=(7, 8, 9)), a)
    assert run("plans", "--db", str(db)) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split()[:2] == ["2", "proposed"]
    assert lines[1].endswith("made after plan 1")
    assert lines[2].split()[:3] == ["*", "1", "approved"]
    assert "3.96 EUR" in lines[2] and "5.04 EUR" in lines[2] and "Family car, Dishwasher" in lines[2]
    assert lines[2].endswith("approved by Alex")
    assert lines[4] == "Approved runs:"
    assert lines[5] == ("- Dishwasher · Tue 22:00–23:00 · 1.2 kWh · 0.36 EUR "
                        "(plan 1, approved by Alex)")
    assert "plan-" not in "\n".join(lines)  # no internal ids


def test_plans_json(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = PlanStore(db)
    store.reject(store.save_proposal(make_plan("a"), None), reason="too late")
    assert run("plans", "--db", str(db), "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert [(d["id"], d["status"], d["rejected_reason"]) for d in data] == [
        (1, "rejected", "too late")]
    assert data[0]["cost"] == pytest.approx(3.96)
    assert data[0]["saving"] == pytest.approx(5.04)
    assert [r["device"] for r in data[0]["runs"]] == ["ev", "dishwasher"]


def test_plans_active_json_is_the_commitments(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = PlanStore(db)
    store.approve(store.save_proposal(make_plan("a"), None), by="Alex")
    assert run("plans", "--db", str(db), "--active", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert [(d["device"], d["name"], d["plan_number"]) for d in data] == [
        ("dishwasher", "Dishwasher", 1), ("ev", "Family car", 1)]


def test_approve_prints_what_changed_and_what_comes_next(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = PlanStore(db)
    a = store.save_proposal(make_plan("a"), None)
    assert run("approve", str(a), "--by", "Alex", "--db", str(db)) == 0
    first = capsys.readouterr().out
    assert first.startswith("Plan 1 approved by Alex: its runs are now part of your active plan "
                            "(plan total 3.96 EUR for Tue 18:00–Wed 06:00).")
    assert "Nothing was approved before" in first
    assert "Next: Dishwasher starts at Tue 22:00. Then: Family car." in first
    assert "`hearth cancel DEVICE`" in first
    b = store.save_proposal(make_plan("b", ev_steps=(7, 8, 9)), a)
    assert run("approve", str(b), "--by", "Sam", "--db", str(db)) == 0
    out = capsys.readouterr().out
    assert "Plan 1 is superseded" in out
    assert "- Family car moved: Wed 00:00–03:00 → Wed 01:00–04:00 (+1.40 EUR)" in out
    assert "- Unchanged: Dishwasher" in out and "**" not in out
    assert store.active_id() == b


def test_cancel_proposes_withdrawing_one_run(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """On the example home: approve the dishwasher and the washing machine planned together,
    then `hearth cancel washer` stores a proposal that releases only the washing machine."""
    home = REPO / "examples" / "home.yaml"
    now = "2026-11-24T18:00:00+01:00"
    loaded = load_home(home)
    moment = parse_aware_datetime(now, "now")
    plan = schedule(loaded, moment, [parse_request_spec(r, loaded, moment) for r in
                                     ("dishwasher:deadline=06:00", "washer:deadline=18:00")]).plan
    assert plan is not None
    store = PlanStore(db)
    store.approve(store.save_proposal(plan, None), by="Alex")
    assert run("cancel", "washer", "--home", str(home), "--now", now, "--db", str(db)) == 0
    assert capsys.readouterr().out == (
        "Plan 2 cancels Washing machine's approved run and keeps the others; approve it with "
        "`hearth approve 2`.\n")
    proposal = store.get(2).plan
    assert [c.device for c in proposal.released] == ["washing_machine"]
    assert [c.device for c in proposal.committed] == ["dishwasher"]
    assert main(["cancel", "car", "--home", str(home), "--now", now, "--db", str(db)]) == 2
    assert "Family car has no approved run to cancel" in capsys.readouterr().err


def test_approve_defaults_to_the_login_name(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_plans.getpass, "getuser", lambda: "pat")
    store = PlanStore(db)
    plan_id = store.save_proposal(make_plan("a"), None)
    assert run("approve", str(plan_id), "--db", str(db)) == 0
    assert store.get(plan_id).approved_by == "pat"


def test_approve_unknown_id_is_bad_input(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("approve", "9", "--by", "Alex", "--db", str(db)) == 2
    assert "plan 9: no such plan" in capsys.readouterr().err


def test_approve_stale_is_bad_input(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = PlanStore(db)
    a = store.save_proposal(make_plan("a"), None)
    b = store.save_proposal(make_plan("b"), None)
    assert run("approve", str(a), "--by", "Alex", "--db", str(db)) == 0
    assert run("approve", str(b), "--by", "Alex", "--db", str(db)) == 2
    assert "plan 2 is stale" in capsys.readouterr().err
    assert store.active_id() == a


def test_reject_then_approve_is_refused(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = PlanStore(db)
    plan_id = store.save_proposal(make_plan("a"), None)
    assert run("reject", str(plan_id), "--reason", "not after 23:00", "--db", str(db)) == 0
    assert capsys.readouterr().out == "Plan 1 rejected: not after 23:00.\n"
    assert run("approve", str(plan_id), "--by", "Alex", "--db", str(db)) == 2
    assert "plan 1 is rejected" in capsys.readouterr().err
    assert run("reject", "5", "--db", str(db)) == 2


def test_a_bad_store_file_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.sqlite3"
    bad.write_text("not sqlite\n" * 200, encoding="utf-8")
    assert run("plans", "--db", str(bad)) == 2
    assert "not a" in capsys.readouterr().err


# ----------------------------------------------------------------------------- hearth ui

@pytest.fixture
def home_file() -> Path:
    return REPO / "examples" / "home.yaml"


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("HEARTH_PASSWORD", "CHAINLIT_AUTH_SECRET", "HEARTH_NOW", "HEARTH_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # no home written by init


@pytest.mark.usefixtures("clean_env")
def test_ui_command_is_headless_on_loopback(home_file: Path, tmp_path: Path) -> None:
    command, env = ui_command(parse("ui", "--home", str(home_file), "--port", "8123",
                                    "--now", "2026-11-24T18:00:00+01:00",
                                    "--db", str(tmp_path / "p.sqlite3")))
    assert command == [sys.executable, "-m", "chainlit", "run",
                       str(REPO / "app" / "ui" / "chainlit_app.py"), "--headless",
                       "--host", "127.0.0.1", "--port", "8123"]
    assert env["HEARTH_HOME"] == str(home_file.resolve())
    assert env["CHAINLIT_APP_ROOT"] == str(REPO)
    assert env["HEARTH_NOW"] == "2026-11-24T18:00:00+01:00"
    assert env["HEARTH_DB"] == str((tmp_path / "p.sqlite3").resolve())


@pytest.mark.usefixtures("clean_env")
def test_ui_refuses_bad_input(home_file: Path, tmp_path: Path,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(InputError, match="does not exist"):
        ui_command(parse("ui", "--home", str(home_file.with_name("missing.yaml"))))
    broken = tmp_path / "broken.yaml"
    broken.write_text("timezone: Mars/Olympus\n", encoding="utf-8")
    with pytest.raises(HomeFileError, match="timezone"):
        ui_command(parse("ui", "--home", str(broken)))
    with pytest.raises(SystemExit):  # argparse: "argument --port: must be between 1 and 65535"
        parse("ui", "--home", str(home_file), "--port", "0")
    with pytest.raises(SystemExit):  # argparse: "argument --now: needs a UTC offset"
        parse("ui", "--home", str(home_file), "--now", "2026-11-24T18:00")
    with pytest.raises(InputError, match=r"0\.0\.0\.0 is reachable from other machines"):
        ui_command(parse("ui", "--home", str(home_file), "--host", "0.0.0.0"))
    monkeypatch.setenv("HEARTH_PASSWORD", "s3cret")
    with pytest.raises(InputError, match="chainlit create-secret"):
        ui_command(parse("ui", "--home", str(home_file)))
    monkeypatch.setenv("CHAINLIT_AUTH_SECRET", "x" * 32)
    with pytest.raises(InputError, match="HEARTH_PASSWORD: has 6 characters"):
        ui_command(parse("ui", "--home", str(home_file), "--host", "0.0.0.0"))
    monkeypatch.setenv("HEARTH_PASSWORD", "correct horse battery")
    command, _ = ui_command(parse("ui", "--home", str(home_file), "--host", "0.0.0.0"))
    assert command[-4:] == ["--host", "0.0.0.0", "--port", "8000"]


@pytest.mark.usefixtures("clean_env")
def test_run_ui_becomes_chainlit(home_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On POSIX `hearth ui` execs Chainlit, so signals reach the server directly."""
    executed: list[tuple[str, list[str], dict[str, str]]] = []

    class Exec(Exception):
        """Stands for the process image being replaced (execve never returns)."""

    def fake_execve(path: str, argv: list[str], env: dict[str, str]) -> None:
        executed.append((path, argv, env))
        raise Exec

    monkeypatch.setattr(cli_ui.os, "name", "posix")
    monkeypatch.setattr(cli_ui.os, "execve", fake_execve)
    with pytest.raises(Exec):
        run("ui", "--home", str(home_file))
    path, argv, env = executed[0]
    assert path == sys.executable
    assert argv[3:5] == ["run", str(REPO / "app" / "ui" / "chainlit_app.py")]
    assert env["PYTHONPATH"].split(os.pathsep)[0] == str(REPO)
    assert run("ui", "--home", str(home_file.with_name("missing.yaml"))) == 2  # refused first
    assert len(executed) == 1


@pytest.mark.usefixtures("clean_env")
def test_ui_without_a_home_starts_the_first_run(tmp_path: Path) -> None:
    """No --home, no HEARTH_HOME, no file from `hearth init`: the UI starts without a home and
    asks about it; once the file exists, `hearth ui` uses it."""
    _, env = ui_command(parse("ui"))
    assert "HEARTH_HOME" not in env
    written = tmp_path / "data" / "hearth" / "home.yaml"
    written.parent.mkdir(parents=True)
    written.write_text((REPO / "examples" / "home-us-tou.yaml").read_text(encoding="utf-8"),
                       encoding="utf-8")
    _, env = ui_command(parse("ui"))
    assert env["HEARTH_HOME"] == str(written)
