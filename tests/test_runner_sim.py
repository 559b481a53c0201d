"""The runner on the simulated home: an approved night carried out, and the faults.

Reference values, on paper: the family car (60 kWh, 11 kW charger, η 0.9) at 35 % needs
(80 − 35) % × 60 kWh = 27 kWh stored = 30 kWh from the grid, ≥ 2 h 44 min at 11 kW, so 80 % by
07:00 is easy from 18:00 and impossible from 04:00 once the car is back at 20 % (3 h × 11 kW ×
0.9 = 29.7 kWh < (80 − 20) % × 60 = 36 kWh). The dishwasher's cycle is 8 × 15 min = 2 h; it must
start once, inside its (all-day) window, and finish by 06:00.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from runner_helpers import NOW, SimRun, approve_night, example_home

from app.runner.notify import pending_runner_proposal

pytestmark = pytest.mark.asyncio


async def test_a_night_meets_every_request_with_every_command_acknowledged(tmp_path: Path) -> None:
    home = example_home()
    run = SimRun(home, tmp_path / "plans.sqlite3")
    approve_night(run.store, home)
    await run.until(NOW + timedelta(hours=13))
    summary = run.summary()
    results = {r.device: r for r in summary.requests}
    assert results["ev"].met is True
    assert results["ev"].reached_soc_pct is not None and results["ev"].reached_soc_pct >= 79.5
    assert results["dishwasher"].met is True
    assert run.sim.state.appliances["dishwasher"].runs_started == [
        f"plan{run.runner.record.id}-dishwasher"
    ]
    started = run.sim.state.appliances["dishwasher"].started_at[0]
    assert started >= NOW and started + timedelta(hours=2) <= NOW + timedelta(hours=12)
    assert summary.commands.sent > 0 and summary.commands.acknowledged == summary.commands.sent
    assert summary.replans.asked == 0 and summary.replans.automatic >= 12  # hourly, 13 h
    assert run.sim.state.appliances["washing_machine"].runs_started == []  # never asked for


async def test_a_stale_car_is_held_at_zero_and_reported(tmp_path: Path) -> None:
    """The car's sensors stop at 22:00, before its planned charge (23:00): after 15 min without
    a reading it is held at 0 kW, the journal says so, and its charge does not move."""
    home = example_home()
    run = SimRun(home, tmp_path / "plans.sqlite3")
    approve_night(run.store, home)
    await run.until(NOW + timedelta(hours=4))
    run.sim.freeze("ev")
    soc_at_freeze = run.sim.state.evs["ev"].soc_pct
    await run.until(NOW + timedelta(hours=8))
    events = run.journal.events(kinds=("stale", "held_safe"))
    assert any(e.kind == "stale" and e.device == "ev" for e in events)
    assert any(e.kind == "held_safe" and e.device == "ev" and "stale" in e.message for e in events)
    assert run.sim.state.evs["ev"].setpoint_kw == 0.0
    assert run.sim.state.evs["ev"].soc_pct == pytest.approx(soc_at_freeze)
    notes = [e.message for e in run.journal.events(kinds=("note",))]
    assert any("planned from the home file's 35 %" in note for note in notes)


async def test_a_lost_command_is_reported_and_retried(tmp_path: Path) -> None:
    """The command that starts the car's charge is lost: it is counted unacknowledged, the car is
    held at 0 kW (which its state already confirms) and reported, the next minute's command goes
    through, and 80 % is still reached by 07:00."""
    home = example_home()
    run = SimRun(home, tmp_path / "plans.sqlite3")
    approve_night(run.store, home)
    run.sim.drop_commands("ev", 1)
    await run.until(NOW + timedelta(hours=13))
    summary = run.summary()
    lost = [line for line in summary.commands.unacknowledged if "ev:" in line]
    assert len(lost) == 1 and "charge at" in lost[0]
    assert summary.commands.acknowledged == summary.commands.sent - 1
    assert any("command not acknowledged" in line for line in summary.held)
    assert {r.device: r.met for r in summary.requests}["ev"] is True


async def test_a_replan_that_breaks_a_deadline_goes_to_the_homeowner(tmp_path: Path) -> None:
    """At 04:00 the car comes back at 20 %: 80 % by 07:00 is out of reach. The re-plan is stored
    as a proposal (with what is achievable), not applied; the approved plan stays active."""
    home = example_home()
    run = SimRun(home, tmp_path / "plans.sqlite3")
    approved_id = approve_night(run.store, home)
    await run.until(NOW + timedelta(hours=10))
    applied_before = run.runner.applied
    run.sim.set_ev_soc("ev", 20.0)
    await run.until(NOW + timedelta(hours=10, minutes=5))
    proposals = run.journal.events(kinds=("replan_proposed",))
    assert len(proposals) == 1
    proposal = run.store.get(int(proposals[0].data["proposal_id"]))
    assert proposal.status == "proposed" and proposal.based_on_active == approved_id
    ev_request = next(r for r in proposal.plan.requests if r.device == "ev")
    assert ev_request.target_soc_pct is not None and ev_request.target_soc_pct < 80
    assert run.store.active_id() == approved_id
    assert run.runner.applied is applied_before
    status = run.runner.status(run.clock.now())
    assert status.approval_needed and status.pending_proposal_id == proposal.id
    assert status.plan_status == "approval_needed"
    notice = pending_runner_proposal(run.store)  # what the UI shows as a notification
    assert notice is not None and notice.record.id == proposal.id
    assert "cannot all be met" in notice.why and "off the plan" in notice.reason
    await run.until(NOW + timedelta(hours=11))  # the scheduled re-plan asks no second time
    assert len(run.journal.events(kinds=("replan_proposed",))) == 1


async def test_an_approved_proposal_replaces_the_plan_being_carried_out(tmp_path: Path) -> None:
    home = example_home()
    run = SimRun(home, tmp_path / "plans.sqlite3")
    approve_night(run.store, home)
    await run.until(NOW + timedelta(hours=1))
    first = run.runner.record.id
    approve_night(run.store, home, ("ev:target_soc=60,deadline=07:00",))
    await run.until(NOW + timedelta(hours=1, minutes=1))
    assert run.runner.record.id != first
    assert [r.device for r in run.runner.commitments] == ["ev"]
