"""The runner: one loop that reads the home, decides, and writes — once a minute.

Each tick (after evcc's site loop and Home Assistant's coordinator):

1. pick up the active plan from the store (a new approval replaces what is carried out);
2. read every device through its driver, keep the readings in the journal, note stale ones;
3. record each commitment whose deadline has come: the value reached, met or not; then commit
   the next occurrence of every active standing order that no commitment covers yet
   (:mod:`app.runner.standing`; approved in the order's name, or proposed when it cannot be met);
4. re-plan on the grid (every ``integration.replan.interval_minutes`` from the plan's start) and
   on events — a car plugged in or out, a charge level heading off its target by more than
   ``soc_deviation_pct``, a planned start that did not happen, changed price or forecast files;
   a re-plan that keeps every commitment within the cost tolerance is applied and logged with
   its diff, anything else is stored as a proposal for the homeowner while the plan runs on;
5. send each device its setpoint when its state does not already echo it; an unacknowledged
   command holds the device safe and is reported;
6. publish Hearth's status (plan, cost, saving, approval needed, per device next run and
   setpoint) to the status publishers (Home Assistant over MQTT).

Nothing here approves a plan: proposals wait in the store for a human.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from app.diff import diff_plans
from app.drivers.base import Driver, Readings
from app.drivers.discovery import HearthStatus
from app.runner.clock import Clock
from app.runner.commitments import (
    as_targets,
    changed_devices,
    off_plan_devices,
    window_cost,
)
from app.runner.executor import planned_start
from app.runner.fingerprint import HomeWatcher
from app.runner.journal import Journal
from app.runner.live import fresh, live_home
from app.runner.replan import Replan, propose_alternative, replan_axis, run_replan
from app.runner.standing import PENDING_KEY, StandingCommitter
from app.runner.status import runner_status
from app.runner.writer import DeviceWriter
from app.store import PlanStore, StoredPlan
from tools.home import Home
from tools.requests import DeviceRequest
from tools.results import Plan
from tools.standing import StandingOrder

TICK = timedelta(minutes=1)
#: State roles whose age decides whether a device is stale.
KEY_ROLES = {"ev": ("soc_pct", "plugged_in"), "battery": ("soc_pct",), "appliance": ("status",)}
#: Journal meta key of the latest :class:`HearthStatus` (read by the HTTP API).
STATUS_KEY = "status"
#: After a proposal, the runner asks again at the earliest this much later (the homeowner may
#: have rejected it; a new one every 15 minutes would be noise).
PROPOSAL_PAUSE = timedelta(hours=1)


class StatusPublisher(Protocol):
    async def publish_status(self, status: HearthStatus) -> None: ...


class Runner:
    """Carries out the store's active plan on ``driver`` and keeps it current.

    Parameters
    ----------
    home:
        The home as its file describes it.
    store, journal:
        The plan store and the runner's journal (the same SQLite file).
    driver:
        Reaches the controlled devices.
    clock:
        Real or simulated time.
    controlled:
        Ids of the devices the runner drives (the others are planned, not driven).
    publishers:
        Receive :class:`HearthStatus` after every tick.
    watcher:
        Watches the home file and its price and forecast files; a change is an event that
        re-plans with the reloaded home.
    standing:
        Returns the stored standing orders (:meth:`app.standing.StandingOrders.list`); each
        active order's next occurrence becomes a commitment (:mod:`app.runner.standing`).
    """

    def __init__(
        self,
        home: Home,
        store: PlanStore,
        journal: Journal,
        driver: Driver,
        clock: Clock,
        *,
        controlled: set[str],
        publishers: list[StatusPublisher] | None = None,
        watcher: HomeWatcher | None = None,
        standing: Callable[[], list[StandingOrder]] | None = None,
    ) -> None:
        self.home = home
        self.store = store
        self.journal = journal
        self.driver = driver
        self.clock = clock
        self.controlled = controlled
        self.publishers = publishers or []
        self.watcher = watcher
        self.standing = (
            StandingCommitter(standing, store, journal) if standing is not None else None
        )
        self.record: StoredPlan | None = None
        self.applied: Plan | None = None
        self.commitments: list[DeviceRequest] = []
        self.writer = DeviceWriter(home, journal, driver, controlled)
        #: Cost of the approved period before the applied plan took over [currency].
        self.spent = 0.0
        self.stale: set[str] = set()
        self.plugged: dict[str, bool] = {}
        self.off_plan: set[str] = set()
        self.missed_start: set[str] = set()
        self.deadlines_seen: set[str] = set()
        self.notes: set[str] = set()
        self.last_tick: datetime | None = None
        self.last_proposal_at: datetime | None = None
        self.noted_pending: int | None = None
        self.resumed = False
        #: Named values saved with each tick's readings (the simulated home's snapshot).
        self.tick_meta: Callable[[datetime], dict[str, str]] | None = None
        self.on_tick: list[Callable[[datetime], None]] = []

    # -- the loop --------------------------------------------------------------------------------

    async def run(
        self, *, until: datetime | None = None, stop: asyncio.Event | None = None
    ) -> None:
        """Tick once a minute until ``until`` (inclusive) or until ``stop`` is set."""
        await self.driver.start()
        now = self.clock.now()
        self.journal.log(
            now,
            "runner_started",
            f"runner started with the {self.driver.name} driver",
            data={"driver": self.driver.name, "controlled": sorted(self.controlled)},
        )
        while True:
            await self.tick()
            now = self.clock.now()
            following = now.replace(second=0, microsecond=0) + TICK
            if until is not None and following > until:
                break
            if stop is not None and stop.is_set():
                break
            if stop is None:
                await self.clock.sleep_until(following)
                continue
            sleeper = asyncio.ensure_future(self.clock.sleep_until(following))
            stopper = asyncio.ensure_future(stop.wait())
            await asyncio.wait({sleeper, stopper}, return_when=asyncio.FIRST_COMPLETED)
            for task in (sleeper, stopper):
                task.cancel()
            if stop.is_set():
                break

    async def tick(self) -> None:
        """One read–decide–write pass at the clock's time (once per minute at most)."""
        now = self.clock.now()
        if self.last_tick is not None and now < self.last_tick + TICK:
            return
        self.last_tick = now.replace(second=0, microsecond=0)
        self._follow_store(now)
        readings = self.driver.readings()
        self._note_staleness(now, readings)
        self._record_deadlines(now, readings)
        if self.standing is not None and self.standing.commit_due(self.home, now, readings):
            self._follow_store(now)
        reason = self._replan_reason(now, readings)
        if reason is not None and self.record is not None and self.applied is not None:
            self._replan(now, readings, reason)
        await self.writer.write(now, readings, self.applied, self._requests_by_device())
        self.writer.count_progress(readings)
        status = self.status(now)
        meta = {STATUS_KEY: status.model_dump_json()}
        if self.tick_meta is not None:
            meta.update(self.tick_meta(now))
        self.journal.save_readings(readings, meta=meta)
        for hook in self.on_tick:
            hook(now)
        for publisher in self.publishers:
            await publisher.publish_status(status)

    # -- the plan carried out --------------------------------------------------------------------

    def _follow_store(self, now: datetime) -> None:
        active_id = self.store.active_id()
        if active_id is None:
            if self.record is not None:
                self.journal.log(now, "plan_loaded", "no plan is active any more")
            self.record, self.applied, self.commitments = None, None, []
            self.writer.load(None, {})
            return
        if self.record is not None and active_id == self.record.id:
            return
        record = self.store.active_record()  # the head with the runs it held: the whole plan
        if record is None:
            return
        self.record = record
        applied = self.journal.applied(record.id)
        live = live_home(self.home, self.journal.readings(), now)
        if applied is None:
            self.applied = record.plan
            self.spent = 0.0
            self.journal.set_applied(record.id, record.plan, now)
        else:
            self.applied = applied.plan
            self.spent = applied.spent
        self.writer.load(record.id, applied.progress if applied is not None else {})
        self.commitments = as_targets(record.plan, live.home, now)
        self.deadlines_seen = {
            e.data.get("key", "")
            for e in self.journal.events(kinds=("deadline",))
            if e.data.get("plan_store_id") == record.id
        }
        self.off_plan, self.missed_start = set(), set()
        self.last_proposal_at = None
        resumed = " (resumed)" if applied is not None else ""
        self.resumed = applied is not None
        self.journal.log(
            now,
            "plan_loaded",
            f"carrying out plan {record.id}{resumed}, approved by {record.approved_by}",
            data={"plan_store_id": record.id, "plan_id": record.plan.id},
        )

    def _requests_by_device(self) -> dict[str, DeviceRequest]:
        return {r.device: r for r in self.commitments}

    # -- readings --------------------------------------------------------------------------------

    def _is_stale(self, device_id: str, readings: Readings, now: datetime) -> bool:
        limit_s = self.home.integration.stale_after_s(device_id)
        roles = KEY_ROLES[self.home.kind_of(self.home.device(device_id))]
        return not all(fresh(readings.get(device_id, {}).get(role), now, limit_s) for role in roles)

    def _note_staleness(self, now: datetime, readings: Readings) -> None:
        for device_id in sorted(self.controlled):
            stale = self._is_stale(device_id, readings, now)
            if stale and device_id not in self.stale:
                limit = self.home.integration.stale_after_s(device_id) / 60
                self.journal.log(
                    now,
                    "stale",
                    f"{self.home.label(device_id)}: no fresh reading "
                    f"within {limit:g} min; held safe",
                    device=device_id,
                )
            elif not stale and device_id in self.stale:
                self.journal.log(
                    now,
                    "note",
                    f"{self.home.label(device_id)}: readings are fresh again",
                    device=device_id,
                )
            (self.stale.add if stale else self.stale.discard)(device_id)

    def _record_deadlines(self, now: datetime, readings: Readings) -> None:
        if self.record is None:
            return
        for request in self.commitments:
            if request.deadline is None or request.deadline > now:
                continue
            key = f"{self.record.id}:{request.device}"
            if key in self.deadlines_seen:
                continue
            self.deadlines_seen.add(key)
            data: dict[str, object] = {
                "key": key,
                "plan_store_id": self.record.id,
                "device": request.device,
                "kind": request.kind,
                "deadline": request.deadline.isoformat(),
            }
            if request.kind == "ev_charge":
                reading = readings.get(request.device, {}).get("soc_pct")
                reached = (
                    float(reading.value)
                    if reading is not None and not isinstance(reading.value, bool | str)
                    else None
                )
                target = request.target_soc_pct
                met = reached is not None and target is not None and (reached >= target - 0.5)
                data.update(target_soc_pct=target, reached_soc_pct=reached, met=met)
                text = (
                    f"{self.home.label(request.device)}: {reached if reached is None else round(reached, 1)} % "
                    f"at the deadline, target {target:g} %"
                )
            elif request.kind == "appliance_run":
                started = self.writer.started.get(request.device)
                status = readings.get(request.device, {}).get("status")
                finished = status is not None and status.value == "done"
                met = started is not None and finished
                data.update(
                    started_at=started.isoformat() if started else None, finished=finished, met=met
                )
                text = (
                    f"{self.home.label(request.device)}: "
                    f"{'finished' if finished else 'not finished'} at the deadline"
                )
            else:
                data.update(met=None)
                text = f"{self.home.label(request.device)}: deadline reached"
            self.journal.log(now, "deadline", text, device=request.device, data=data)

    # -- re-planning -----------------------------------------------------------------------------

    def _replan_reason(self, now: datetime, readings: Readings) -> str | None:
        if self.record is None or self.applied is None:
            return None
        reasons: list[str] = []
        interval = self.home.integration.replan.interval_minutes
        offset_min = (now - self.record.plan.horizon_start).total_seconds() / 60
        if offset_min > 0 and abs(offset_min / interval - round(offset_min / interval)) < 1e-9:
            reasons.append("scheduled")
        if self.resumed:
            reasons.append("resumed after a restart")
            self.resumed = False
        for ev in self.home.evs:
            plugged = readings.get(ev.id, {}).get("plugged_in")
            if plugged is None or ev.id in self.stale or isinstance(plugged.value, float | str):
                continue
            before = self.plugged.get(ev.id)
            self.plugged[ev.id] = bool(plugged.value)
            if before is not None and before != plugged.value:
                reasons.append(
                    f"{self.home.label(ev.id)} {'plugged in' if plugged.value else 'unplugged'}"
                )
        for device_id in off_plan_devices(
            self.home, self.applied, self.commitments, readings, now, self.stale
        ):
            if device_id not in self.off_plan:
                reasons.append(f"{self.home.label(device_id)} charge is off the plan")
                self.off_plan.add(device_id)
        for device_id in self._missed_starts(now):
            if device_id not in self.missed_start:
                reasons.append(f"{self.home.label(device_id)} did not start as planned")
                self.missed_start.add(device_id)
        if self.watcher is not None:
            home = self.watcher.changed()
            if home is not None:
                self.home = self.writer.home = home
                reasons.append("prices or forecast changed")
        return "; ".join(reasons) if reasons else None

    def _missed_starts(self, now: datetime) -> list[str]:
        assert self.applied is not None
        out = []
        for request in self.commitments:
            if request.kind != "appliance_run" or request.device in self.writer.started:
                continue
            if self.home.appliance(request.device).interruptible:
                continue
            start = planned_start(self.applied, request.device)
            step = timedelta(minutes=self.applied.step_minutes)
            if start is not None and now >= start + step:
                out.append(request.device)
        return out

    def _replan(self, now: datetime, readings: Readings, reason: str) -> None:
        assert self.record is not None and self.applied is not None
        axis = replan_axis(self.home, self.record.plan, now)
        if axis is None:
            return
        spent = self.spent + window_cost(self.applied, self.applied.horizon_start, axis.start)
        result = run_replan(
            self.home,
            self.record.plan,
            self.commitments,
            now,
            readings,
            started=self.writer.started,
            progress=self.writer.progress,
            spent=spent,
        )
        if result is None:
            return
        notes = set(result.live.notes)
        for note in sorted(notes - self.notes):
            self.journal.log(now, "note", note)
        self.notes = notes
        if result.decision.action == "apply" and result.outcome is not None:
            self._apply(now, result, reason, spent)
        else:
            self._ask(now, result, reason)

    def _apply(self, now: datetime, result: Replan, reason: str, spent: float) -> None:
        assert self.record is not None and self.applied is not None
        plan = result.outcome.plan if result.outcome is not None else None
        assert plan is not None
        diff = diff_plans(self.applied, plan)
        changed = changed_devices(
            self.applied, plan, self.home.battery.id if self.home.battery else None
        )
        self.journal.set_applied(self.record.id, plan, now, spent=spent)
        self.applied, self.spent = plan, spent
        self.off_plan, self.missed_start = set(), set()
        self.journal.log(
            now,
            "replan_applied",
            f"re-plan ({reason}) applied: {result.decision.reason}"
            + (f"; changed: {', '.join(changed)}" if changed else "; no change"),
            data={
                "reason": reason,
                "plan_store_id": self.record.id,
                "changed": changed,
                "new_cost": result.decision.new_cost,
                "approved_cost": result.decision.approved_cost,
                "diff": diff.model_dump(mode="json"),
                "sources": {k: v.model_dump(mode="json") for k, v in result.live.sources.items()},
            },
        )

    def _ask(self, now: datetime, result: Replan, reason: str) -> None:
        assert self.record is not None
        pending = self._pending_proposal()
        if pending is not None:
            if self.noted_pending != pending:
                self.journal.log(
                    now,
                    "note",
                    f"still waiting for the homeowner on proposal "
                    f"{pending}: {result.decision.reason}",
                )
                self.noted_pending = pending
            return
        if self.last_proposal_at is not None and now - self.last_proposal_at < PROPOSAL_PAUSE:
            return  # the homeowner just decided on one: do not ask again at once
        plan = result.outcome.plan if result.outcome is not None else None
        if plan is None and result.outcome is not None and result.outcome.diagnosis is not None:
            plan = propose_alternative(result, now)
        if plan is None:
            self.journal.log(
                now,
                "replan_failed",
                f"re-plan ({reason}): {result.decision.reason};"
                " no plan to propose, the current plan runs on",
            )
            return
        proposal_id = self.store.save_proposal(plan, based_on_active=self.record.id)
        self.journal.set_meta(PENDING_KEY, str(proposal_id))
        self.last_proposal_at = now
        self.journal.log(
            now,
            "replan_proposed",
            f"re-plan ({reason}) needs the homeowner: {result.decision.reason}; proposal "
            f"{proposal_id} waits for approval, the current plan runs on",
            data={
                "reason": reason,
                "proposal_id": proposal_id,
                "plan_store_id": self.record.id,
                "why": result.decision.reason,
            },
        )

    def _pending_proposal(self) -> int | None:
        """The runner's proposal still waiting for the homeowner, if any."""
        value = self.journal.get_meta(PENDING_KEY)
        if value is None:
            return None
        try:
            record = self.store.get(int(value))
        except ValueError:
            return None
        if record.status != "proposed" or record.based_on_active != (
            self.record.id if self.record else None
        ):
            self.journal.set_meta(PENDING_KEY, None)
            return None
        return record.id

    def status(self, now: datetime) -> HearthStatus:
        """What Home Assistant (and the API) are told about the plan and the devices."""
        return runner_status(
            self.home,
            self.record,
            self.applied,
            self.controlled,
            self.writer.held,
            self._pending_proposal(),
            now,
        )
