"""The plan store: versions, commitments per device, approval with diff, stale refusal,
migration and durability.

Plans come from ``app_samples.make_plan``: hourly steps from Tue 18:00 (+01:00), base load
0.5 kW, price 0.30 EUR/kWh except 0.10 EUR/kWh 00:00–03:00. The default plan charges the EV at
7 kW 00:00–03:00 and runs the dishwasher (1.2 kW) 22:00–23:00, so on paper its cost is
base 9 × 0.5 × 0.30 + 3 × 0.5 × 0.10 = 1.50, EV 21 kWh × 0.10 = 2.10, dishwasher 1.2 × 0.30
= 0.36: total 3.96 EUR.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from app_samples import NOW, make_plan, only_dishwasher

from app.store import (
    PlanStatusError,
    PlanStore,
    PlanStoreError,
    StaleProposalError,
    StoreFileError,
    UnknownPlanError,
    default_db_path,
)

REPO = Path(__file__).resolve().parents[1]


class Clock:
    """A clock that advances one minute per call, from 2026-11-24 17:00 UTC."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 24, 17, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


@pytest.fixture
def store(tmp_path: Path) -> PlanStore:
    return PlanStore(tmp_path / "plans.sqlite3", clock=Clock())


def test_sample_plan_cost_matches_paper() -> None:
    """3.96 EUR as derived in the module docstring."""
    assert make_plan().cost == pytest.approx(3.96)


def test_new_store_is_empty_and_in_wal_mode(store: PlanStore) -> None:
    assert store.active() is None
    assert store.active_id() is None
    assert store.list() == []
    with closing(sqlite3.connect(store.path)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_proposals_get_increasing_ids_and_keep_their_data(store: PlanStore) -> None:
    first = store.save_proposal(make_plan("a"), None)
    second = store.save_proposal(make_plan("b", ev_steps=(7, 8, 9)), None)
    assert (first, second) == (1, 2)
    record = store.get(second)
    assert record.status == "proposed"
    assert record.plan == make_plan("b", ev_steps=(7, 8, 9))
    assert record.based_on_active is None
    assert record.created_at == datetime(2026, 11, 24, 17, 2, tzinfo=timezone.utc)
    assert [r.id for r in store.list()] == [2, 1]
    assert [r.id for r in store.list(limit=1)] == [2]
    assert store.active() is None  # proposing does not activate


def test_requests_cost_and_baseline_columns(store: PlanStore) -> None:
    """The plain columns hold what `hearth plans` and ad-hoc SQL need without parsing the plan."""
    plan_id = store.save_proposal(make_plan("a", baseline_cost=9.0), None)
    with closing(sqlite3.connect(store.path)) as conn:
        row = conn.execute(
            "SELECT status, cost, baseline, currency, requests, plan_id FROM plans WHERE id = ?",
            (plan_id,),
        ).fetchone()
    assert row[0] == "proposed"
    assert row[1] == pytest.approx(3.96)
    assert row[2] == 9.0
    assert row[3] == "EUR"
    assert '"device": "ev"' in row[4] and '"device": "dishwasher"' in row[4]
    assert row[5] == "a"


def test_first_approval_activates_without_previous_plan(store: PlanStore) -> None:
    plan_id = store.save_proposal(make_plan("a"), None)
    result = store.approve(plan_id, by="Alex")
    assert result.superseded == []
    assert result.approved.status == "approved"
    assert result.approved.approved_by == "Alex"
    assert result.approved.approved_at == datetime(2026, 11, 24, 17, 2, tzinfo=timezone.utc)
    assert result.diff.old_cost is None
    assert [c.kind for c in result.diff.devices] == ["added", "added"]
    assert store.active() == make_plan("a")
    assert store.active_id() == plan_id


def test_approval_makes_one_commitment_per_device(store: PlanStore) -> None:
    """Plan a: dishwasher 22:00–23:00 (1.2 kWh, 0.36 EUR), EV 00:00–03:00 (21 kWh, 2.10 EUR),
    in time order, each with its request and who approved it in which plan."""
    store.approve(store.save_proposal(make_plan("a"), None), by="Alex")
    commitments = store.active_commitments()
    assert [(c.device, c.kind) for c in commitments] == [
        ("dishwasher", "appliance_run"), ("ev", "ev_charge")]
    dishwasher, ev = commitments
    assert (dishwasher.start, dishwasher.end) == (NOW + timedelta(hours=4), NOW + timedelta(hours=5))
    assert (dishwasher.energy_kwh, dishwasher.cost) == (pytest.approx(1.2), pytest.approx(0.36))
    assert (ev.energy_kwh, ev.cost) == (pytest.approx(21.0), pytest.approx(2.10))
    assert ev.requests[0].target_soc_pct == 80
    assert (ev.plan_number, ev.approved_by) == (1, "Alex")
    assert ev.approved_at == datetime(2026, 11, 24, 17, 2, tzinfo=timezone.utc)
    # at 23:30 the dishwasher run is over; the EV's run (and its deadline) are still ahead
    assert [c.device for c in store.active_commitments(at=NOW + timedelta(hours=5, minutes=30))] \
        == ["ev"]
    with pytest.raises(PlanStoreError, match="naive"):
        store.active_commitments(at=datetime(2026, 11, 24, 23, 0))


def test_approving_a_second_device_keeps_the_first_run(store: PlanStore) -> None:
    """Plan 1 (EV only) is approved; plan 2 plans the dishwasher with the EV held fixed. After
    approving plan 2 the EV's run is still plan 1's, plan 1 stays approved, and the diff shows
    the dishwasher added (+0.36 EUR) and the EV unchanged."""
    first = store.save_proposal(make_plan("a", dishwasher_step=None), None)
    store.approve(first, by="Alex")
    held = store.active_commitments(at=NOW)
    second = store.save_proposal(only_dishwasher("b", committed=held), first)
    result = store.approve(second, by="Sam")

    assert result.superseded == [] and result.replaced == [] and result.cancelled == []
    assert [(c.device, c.plan_number, c.approved_by) for c in result.commitments] == [
        ("dishwasher", 2, "Sam"), ("ev", 1, "Alex")]
    assert store.get(first).status == "approved" and store.get(second).status == "approved"
    assert store.active_id() == second
    # the active plan, for whoever carries it out, holds both runs as its own
    active = store.active()
    assert active is not None and active.committed == []
    assert set(active.series.device_kw) == {"ev", "dishwasher"}
    assert {r.device for r in active.requests} == {"ev", "dishwasher"}
    assert store.get(second).plan.committed != []  # the version itself stays as proposed
    changes = {c.device: c.kind for c in result.diff.devices}
    assert changes == {"dishwasher": "added", "ev": "unchanged"}
    assert result.diff.cost_change == pytest.approx(0.36)


def test_revising_a_device_replaces_its_run_and_supersedes_the_old_plan(store: PlanStore) -> None:
    """Plan b charges 01:00–04:00 instead of 00:00–03:00 and runs the dishwasher as before.

    Only 01:00–03:00 is cheap in both, so in b the EV pays 2 × 7 × 0.10 + 7 × 0.30 = 3.50
    instead of 2.10 (+1.40). Both devices' runs are replaced, so plan a has none left and is
    superseded by b.
    """
    first = store.save_proposal(make_plan("a"), None)
    store.approve(first, by="Alex")
    second = store.save_proposal(make_plan("b", ev_steps=(7, 8, 9)), first)
    result = store.approve(second, by="Sam")

    assert [s.id for s in result.superseded] == [first]
    assert result.superseded[0].status == "superseded"
    assert result.superseded[0].superseded_by == second
    assert [c.device for c in result.replaced] == ["dishwasher", "ev"]
    assert store.active_id() == second
    assert result.plan.id == "b"
    changes = {c.device: c for c in result.diff.devices}
    assert changes["ev"].kind == "moved"
    assert changes["ev"].old_start == NOW + timedelta(hours=6)
    assert changes["ev"].new_start == NOW + timedelta(hours=7)
    assert changes["ev"].cost_change == pytest.approx(1.40)
    assert changes["dishwasher"].kind == "unchanged"
    assert result.diff.cost_change == pytest.approx(1.40)


def test_cancelling_a_run_is_its_own_approval(store: PlanStore) -> None:
    """Plan 2 holds the EV and releases the dishwasher: approving it withdraws the dishwasher
    (−0.36 EUR) and keeps the EV; plan 1 keeps the EV's run and stays approved."""
    first = store.save_proposal(make_plan("a"), None)
    store.approve(first, by="Alex")
    commitments = store.active_commitments(at=NOW)
    ev = [c for c in commitments if c.device == "ev"]
    dishwasher = [c for c in commitments if c.device == "dishwasher"]
    cancel = make_plan("c", dishwasher_step=None).model_copy(update={
        "requests": [], "runs": [], "devices": {}, "committed": ev, "released": dishwasher})
    result = store.approve(store.save_proposal(cancel, first), by="Alex")
    assert [c.device for c in result.cancelled] == ["dishwasher"]
    assert [c.device for c in result.commitments] == ["ev"]
    assert {c.device: c.kind for c in result.diff.devices} == {"ev": "unchanged",
                                                                "dishwasher": "removed"}
    assert result.diff.cost_change == pytest.approx(-0.36)
    assert store.get(first).status == "approved"


def test_stale_proposal_cannot_be_approved(store: PlanStore) -> None:
    """Two proposals made while nothing was active; once one is approved the other is stale."""
    a = store.save_proposal(make_plan("a"), None)
    b = store.save_proposal(make_plan("b", ev_steps=(7, 8, 9)), None)
    store.approve(a, by="Alex")
    with pytest.raises(StaleProposalError, match=r"plan 2 is stale: .*no plan.*plan 1 is active"):
        store.approve(b, by="Sam")
    assert store.get(b).status == "proposed"  # the refused approval changed nothing
    assert store.active_id() == a
    assert store.get(a).status == "approved"


def test_proposal_based_on_a_superseded_plan_is_stale(store: PlanStore) -> None:
    a = store.save_proposal(make_plan("a"), None)
    store.approve(a, by="Alex")
    b = store.save_proposal(make_plan("b"), a)
    c = store.save_proposal(make_plan("c"), a)
    store.approve(b, by="Alex")
    with pytest.raises(StaleProposalError) as caught:
        store.approve(c, by="Alex")
    assert (caught.value.based_on_active, caught.value.active_id) == (a, b)


def test_only_proposed_plans_can_be_approved_or_rejected(store: PlanStore) -> None:
    a = store.save_proposal(make_plan("a"), None)
    store.approve(a, by="Alex")
    with pytest.raises(PlanStatusError, match="plan 1 is approved"):
        store.approve(a, by="Alex")
    with pytest.raises(PlanStatusError, match="plan 1 is approved"):
        store.reject(a)
    b = store.save_proposal(make_plan("b"), a)
    rejected = store.reject(b, reason="  not after 23:00 ")
    assert rejected.status == "rejected"
    assert rejected.rejected_reason == "not after 23:00"
    assert rejected.closed_at is not None
    with pytest.raises(PlanStatusError, match="plan 2 is rejected"):
        store.approve(b, by="Alex")
    assert store.active_id() == a


def test_reject_without_reason_stores_none(store: PlanStore) -> None:
    plan_id = store.save_proposal(make_plan("a"), None)
    assert store.reject(plan_id).rejected_reason is None
    assert store.get(plan_id).status == "rejected"


def test_unknown_ids_are_refused(store: PlanStore) -> None:
    with pytest.raises(UnknownPlanError, match="plan 7: no such plan"):
        store.get(7)
    with pytest.raises(UnknownPlanError):
        store.approve(7, by="Alex")
    with pytest.raises(UnknownPlanError):
        store.reject(7)
    with pytest.raises(UnknownPlanError):
        store.save_proposal(make_plan("a"), based_on_active=7)
    assert store.list() == []  # the refused proposal was rolled back


def test_approval_needs_a_name(store: PlanStore) -> None:
    plan_id = store.save_proposal(make_plan("a"), None)
    with pytest.raises(PlanStoreError, match="approved_by"):
        store.approve(plan_id, by="   ")
    assert store.get(plan_id).status == "proposed"


def test_list_limit_must_be_positive(store: PlanStore) -> None:
    with pytest.raises(PlanStoreError, match="limit must be at least 1, got 0"):
        store.list(limit=0)


def test_active_plan_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "plans.sqlite3"
    first = PlanStore(path)
    plan_id = first.save_proposal(make_plan("a"), None)
    first.approve(plan_id, by="Alex")
    del first
    again = PlanStore(path)
    assert again.active() == make_plan("a")
    record = again.active_record()
    assert record is not None and record.approved_by == "Alex"


def test_active_plan_survives_kill_9(tmp_path: Path) -> None:
    """A child process proposes and approves plans in a loop, printing each id after approve()
    returned; we SIGKILL it mid-loop. Every reported approval must be in the reopened store,
    the newest reported one (or a later one) active, exactly one plan approved, and the file
    intact."""
    path = tmp_path / "plans.sqlite3"
    child = textwrap.dedent(f"""
        from app.store import PlanStore
        from app_samples import make_plan
        store = PlanStore({str(path)!r})
        active = None
        for i in range(100000):
            plan_id = store.save_proposal(make_plan(f"p{{i}}", ev_steps=(i % 9,)), active)
            store.approve(plan_id, by="child")
            active = plan_id
            print(plan_id, flush=True)
    """)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "tests")])}
    proc = subprocess.Popen([sys.executable, "-c", child], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    reported: list[int] = []
    try:
        while len(reported) < 20:
            line = proc.stdout.readline()
            if not line:
                pytest.fail(f"child stopped early: {proc.stderr.read() if proc.stderr else ''}")
            reported.append(int(line))
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        proc.stdout.close()
        if proc.stderr is not None:
            proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL

    store = PlanStore(path)
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        approved = conn.execute("SELECT COUNT(*) FROM plans WHERE status = 'approved'").fetchone()
    assert approved[0] == 1
    active_id = store.active_id()
    assert active_id is not None and active_id >= reported[-1]
    for plan_id in reported[:-1]:
        assert store.get(plan_id).status == "superseded"
    assert store.get(reported[-1]).status in ("approved", "superseded")


def test_default_path_follows_hearth_db(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HEARTH_DB", str(tmp_path / "custom.sqlite3"))
    assert default_db_path() == tmp_path / "custom.sqlite3"
    assert PlanStore().path == tmp_path / "custom.sqlite3"


def test_default_path_is_in_the_user_data_dir(monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path) -> None:
    """On Linux platformdirs puts user data under $XDG_DATA_HOME/<app>."""
    monkeypatch.delenv("HEARTH_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    if sys.platform.startswith("linux"):
        assert default_db_path() == tmp_path / "data" / "hearth" / "plans.sqlite3"
    else:
        assert default_db_path().name == "plans.sqlite3"


def test_a_file_that_is_not_sqlite_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plans.sqlite3"
    path.write_text("this is not a database\n" * 100, encoding="utf-8")
    with pytest.raises(StoreFileError, match=r"not a (usable )?SQLite database"):
        PlanStore(path)


def test_a_foreign_plans_table_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE plans (id INTEGER PRIMARY KEY, name TEXT)")
        conn.commit()
    with pytest.raises(StoreFileError, match="not Hearth's"):
        PlanStore(path)


def test_naive_clock_is_refused(tmp_path: Path) -> None:
    store = PlanStore(tmp_path / "plans.sqlite3", clock=lambda: datetime(2026, 11, 24, 17, 0))
    with pytest.raises(PlanStoreError, match="naive time"):
        store.save_proposal(make_plan("a"), None)
    assert store.list() == []


V1_SCHEMA = """
CREATE TABLE plans (
    id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('proposed', 'approved', 'rejected', 'superseded')),
    plan_id TEXT NOT NULL, home TEXT NOT NULL, requests TEXT NOT NULL, plan TEXT NOT NULL,
    currency TEXT NOT NULL, cost REAL NOT NULL, baseline REAL NOT NULL,
    based_on_active INTEGER REFERENCES plans (id), approved_by TEXT, approved_at TEXT,
    rejected_reason TEXT, closed_at TEXT, superseded_by INTEGER REFERENCES plans (id)
);
CREATE UNIQUE INDEX plans_one_active ON plans (status) WHERE status = 'approved';
PRAGMA user_version = 1;
"""


def test_a_version_1_store_is_migrated_to_commitments(tmp_path: Path) -> None:
    """A store written by the previous Hearth (one active plan, schema version 1): plan 1 was
    superseded by plan 2, which is active. After opening, plan 2's runs are its commitments
    (approved by Alex at its approval time), plan 2 is the head, and a new proposal can be
    approved on top of it."""
    path = tmp_path / "old.sqlite3"
    old, active = make_plan("a"), make_plan("b", ev_steps=(7, 8, 9))
    with closing(sqlite3.connect(path)) as conn:
        conn.executescript(V1_SCHEMA)
        for number, (plan, status) in enumerate([(old, "superseded"), (active, "approved")], 1):
            conn.execute(
                "INSERT INTO plans (created_at, status, plan_id, home, requests, plan, currency, "
                "cost, baseline, approved_by, approved_at) VALUES (?, ?, ?, ?, '[]', ?, 'EUR', "
                "?, ?, 'Alex', ?)",
                (f"2026-11-24T17:0{number}:00+00:00", status, plan.id, plan.home,
                 plan.model_dump_json(), plan.cost, plan.baseline_cost,
                 f"2026-11-24T17:1{number}:00+00:00"),
            )
        conn.commit()

    store = PlanStore(path, clock=Clock())
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
    assert store.active_id() == 2
    commitments = store.active_commitments()
    assert [(c.device, c.plan_number, c.approved_by) for c in commitments] == [
        ("dishwasher", 2, "Alex"), ("ev", 2, "Alex")]
    assert commitments[1].approved_at == datetime(2026, 11, 24, 17, 12, tzinfo=timezone.utc)
    assert commitments[1].start == NOW + timedelta(hours=7)
    third = store.save_proposal(make_plan("c"), 2)
    result = store.approve(third, by="Sam")
    assert [s.id for s in result.superseded] == [2]
    assert PlanStore(path).active_id() == 3  # opening again does not migrate twice
