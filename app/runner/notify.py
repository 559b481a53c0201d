"""What the runner asks of the homeowner: its proposal waiting for approval, for the UI to show."""

from __future__ import annotations

from dataclasses import dataclass

from app.runner.journal import Journal
from app.store import PlanStore, StoredPlan


@dataclass(frozen=True)
class RunnerProposal:
    """A re-plan the runner could not apply alone, and why."""

    record: StoredPlan
    why: str
    reason: str


def pending_runner_proposal(store: PlanStore) -> RunnerProposal | None:
    """The runner's latest proposal if it still waits for the homeowner, else ``None``."""
    journal = Journal(store.path)
    try:
        events = journal.events(kinds=("replan_proposed",))
    finally:
        journal.close()
    if not events:
        return None
    latest = events[-1]
    record = store.get(int(latest.data["proposal_id"]))
    if record.status != "proposed" or record.based_on_active != store.active_id():
        return None
    return RunnerProposal(record, str(latest.data.get("why", "")), str(latest.data.get("reason", "")))
