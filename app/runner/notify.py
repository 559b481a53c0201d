"""What the runner tells the chat UI: the live charge levels plans start from, and its proposal
waiting for the homeowner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.runner.journal import Journal
from app.runner.live import LiveHome, live_home
from app.store import PlanStore, StoredPlan
from tools.home import Home


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
    return RunnerProposal(
        record, str(latest.data.get("why", "")), str(latest.data.get("reason", ""))
    )


def live_state(home: Home, store: PlanStore, now: datetime) -> LiveHome:
    """``home`` with the runner's fresh charge readings (none before the runner first ran)."""
    journal = Journal(store.path)
    try:
        readings = journal.readings()
    finally:
        journal.close()
    if not readings:
        return LiveHome(home=home, sources={})
    return live_home(home, readings, now)


def live_note(live: LiveHome) -> str:
    """One line per charge level: where the plans of this chat start from."""
    lines = []
    for key, source in sorted(live.sources.items()):
        if source.note:
            lines.append(f"- {source.note}")
            continue
        device = key.split(".", 1)[1] if "." in key else None
        if key == "battery_soc" and live.home.battery is not None:
            label, value = live.home.battery.name, live.home.battery.initial_soc_pct
        else:
            ev = live.home.ev(device) if device else live.home.evs[0]
            label, value = ev.name or ev.id, ev.current_soc_pct
        when = source.fetched_at.strftime("%H:%M") if source.fetched_at else "?"
        lines.append(f"- {label}: {value:g} % (live reading of {when})")
    return "Plans start from these charge levels:\n" + "\n".join(lines)
