"""The summary of a stretch of running: did every approved request get what it asked for?

Built from the journal after ``hearth run … --until``: per approved request its target, deadline,
the value reached at the deadline and whether it was met; commands sent and acknowledged;
re-plans applied automatically and re-plans that asked the homeowner; devices held safe.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from app.drivers.base import Readings
from app.runner.journal import Journal, JournalEvent
from tools.home import Home
from tools.requests import DeviceRequest


class RequestResult(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    device: str
    kind: str
    target_soc_pct: float | None = None
    deadline: AwareDatetime | None = None
    reached_soc_pct: float | None = Field(
        default=None, description="Charge at the deadline [%] (EVs)."
    )
    started_at: AwareDatetime | None = None
    finished: bool | None = None
    met: bool | None = Field(description="None when the deadline is after the run's end.")
    note: str = ""
    standing_order: int | None = Field(
        default=None, description="The standing order whose occurrence this request is, if any."
    )


class CommandCounts(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    sent: int
    acknowledged: int
    unacknowledged: list[str] = Field(description="Commands without an echo, with their time.")


class ReplanCounts(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    automatic: int = Field(description="Re-plans applied without asking.")
    automatic_changed: int = Field(description="…of which changed a device's run.")
    asked: int = Field(description="Re-plans proposed to the homeowner.")
    failed: int = Field(description="Re-plans with nothing to propose.")
    proposals: list[int] = Field(description="Store ids of the proposals.")


class RunSummary(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    start: AwareDatetime
    until: AwareDatetime
    driver: str
    plan_store_id: int | None
    requests: list[RequestResult]
    commands: CommandCounts
    replans: ReplanCounts
    held: list[str] = Field(description="Devices held safe, with the reason and the time.")


def summarize(
    journal: Journal,
    *,
    since_id: int,
    home: Home,
    commitments: list[DeviceRequest],
    plan_store_id: int | None,
    start: datetime,
    until: datetime,
    driver: str,
    readings: Readings,
) -> RunSummary:
    """The summary of the journal's events after ``since_id``.

    The requests are those of the plans carried out before the last one (each deadline that came
    under them, e.g. a standing order's earlier occurrences), then the last plan's ``commitments``.
    """
    events = journal.events(since_id=since_id)
    orders = {
        (e.data.get("plan_store_id"), e.device): e.data.get("order_id")
        for e in journal.events(kinds=("standing_committed",))
    }
    deadlines = {
        e.device: e
        for e in events
        if e.kind == "deadline" and e.data.get("plan_store_id") == plan_store_id
    }
    started = {e.device: e.at for e in events if e.kind == "appliance_started"}
    earlier = [
        _earlier_result(e, orders.get((e.data.get("plan_store_id"), e.device)))
        for e in events
        if e.kind == "deadline" and e.data.get("plan_store_id") != plan_store_id
    ]
    results = earlier + [
        _result(r, deadlines.get(r.device), started, readings, home).model_copy(
            update={"standing_order": orders.get((plan_store_id, r.device))}
        )
        for r in commitments
    ]
    commands = [e for e in events if e.kind == "command"]
    return RunSummary(
        start=start,
        until=until,
        driver=driver,
        plan_store_id=plan_store_id,
        requests=results,
        commands=CommandCounts(
            sent=len(commands),
            acknowledged=sum(1 for e in commands if e.data.get("acknowledged")),
            unacknowledged=[
                f"{e.at.isoformat()} {e.message}"
                for e in commands
                if not e.data.get("acknowledged")
            ],
        ),
        replans=ReplanCounts(
            automatic=sum(1 for e in events if e.kind == "replan_applied"),
            automatic_changed=sum(
                1 for e in events if e.kind == "replan_applied" and e.data.get("changed")
            ),
            asked=sum(1 for e in events if e.kind == "replan_proposed"),
            failed=sum(1 for e in events if e.kind == "replan_failed"),
            proposals=[int(e.data["proposal_id"]) for e in events if e.kind == "replan_proposed"],
        ),
        held=[
            f"{e.at.isoformat()} {e.message}" for e in events if e.kind in ("held_safe", "stale")
        ],
    )


def _result(
    request: DeviceRequest,
    deadline: JournalEvent | None,
    started: dict[str | None, datetime],
    readings: Readings,
    home: Home,
) -> RequestResult:
    common = {
        "device": request.device,
        "kind": request.kind,
        "target_soc_pct": request.target_soc_pct,
        "deadline": request.deadline,
    }
    if deadline is None:
        now_value = readings.get(request.device, {}).get("soc_pct")
        note = "the deadline is after the end of the run"
        if request.kind == "ev_charge" and now_value is not None:
            note += f"; {home.label(request.device)} is at {float(now_value.value):.1f} % now"
        return RequestResult(**common, started_at=started.get(request.device), met=None, note=note)
    data = deadline.data
    return RequestResult(
        **common,
        reached_soc_pct=data.get("reached_soc_pct"),
        started_at=data.get("started_at") or started.get(request.device),
        finished=data.get("finished"),
        met=data.get("met"),
        note=deadline.message,
    )


def _earlier_result(deadline: JournalEvent, order_id: object) -> RequestResult:
    """A request of an earlier plan, from the journal's record of its deadline."""
    data = deadline.data
    return RequestResult(
        device=str(deadline.device),
        kind=str(data.get("kind")),
        target_soc_pct=data.get("target_soc_pct"),
        deadline=data.get("deadline"),
        reached_soc_pct=data.get("reached_soc_pct"),
        started_at=data.get("started_at"),
        finished=data.get("finished"),
        met=data.get("met"),
        note=deadline.message,
        standing_order=int(order_id) if isinstance(order_id, int | str) else None,
    )
