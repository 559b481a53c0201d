"""Writing to the home: setpoints sent when the state does not echo them, devices held safe.

The :class:`DeviceWriter` turns the executor's intents (:mod:`app.runner.executor`) into commands
through the driver and remembers, per approved plan, which appliance runs were asked for and
confirmed (in the journal first, so a restart never starts one twice), which devices are held
safe and why, and how many minutes each interruptible appliance has run.
"""

from __future__ import annotations

from datetime import datetime

from app.drivers.base import Command, Driver, Readings
from app.drivers.codec import is_acknowledged
from app.runner.executor import Intent, desired_commands, run_id
from app.runner.journal import Journal
from tools.home import Home
from tools.requests import DeviceRequest
from tools.results import Plan


class DeviceWriter:
    """Sends setpoints for the devices in ``controlled`` and keeps what a restart must know."""

    def __init__(self, home: Home, journal: Journal, driver: Driver, controlled: set[str]) -> None:
        self.home = home
        self.journal = journal
        self.driver = driver
        self.controlled = controlled
        self.plan_store_id: int | None = None
        self.started: dict[str, datetime | None] = {}
        self.requested_runs: set[str] = set()
        self.progress: dict[str, int] = {}
        self.held: dict[str, str] = {}

    def load(self, plan_store_id: int | None, progress: dict[str, int]) -> None:
        """Follow another approved plan: its starts and progress from the journal."""
        self.plan_store_id = plan_store_id
        self.progress = dict(progress)
        if plan_store_id is None:
            self.started, self.requested_runs = {}, set()
            return
        self.started = dict(self.journal.started_devices(plan_store_id))
        self.requested_runs = self.journal.requested_runs(plan_store_id)

    async def write(
        self,
        now: datetime,
        readings: Readings,
        plan: Plan | None,
        requests: dict[str, DeviceRequest],
    ) -> None:
        """Send every controlled device what the plan wants of it now (or hold it safe)."""
        if self.plan_store_id is not None:
            self._confirm_starts(now, readings)
        started_runs = (
            {run_id(self.plan_store_id, d) for d in self.started}
            if self.plan_store_id is not None
            else set()
        )
        intents = desired_commands(
            self.home,
            plan,
            self.plan_store_id,
            requests,
            now,
            readings,
            controlled=self.controlled,
            started_runs=started_runs,
        )
        for intent in intents:
            await self._carry_out(now, intent, readings)

    def _confirm_starts(self, now: datetime, readings: Readings) -> None:
        """A start asked for but not confirmed (e.g. before a crash) is confirmed by the device
        reporting that very run id as running or done."""
        assert self.plan_store_id is not None
        for appliance in self.home.appliances:
            if appliance.id in self.started or appliance.interruptible:
                continue
            rid = run_id(self.plan_store_id, appliance.id)
            if rid not in self.requested_runs:
                continue
            echo = Command(device=appliance.id, action="appliance_start", run_id=rid)
            if is_acknowledged(self.home.integration, echo, readings.get(appliance.id, {})):
                self.journal.acknowledge_start(rid, now)
                self.started[appliance.id] = now
                self.journal.log(
                    now,
                    "appliance_started",
                    f"{self.home.label(appliance.id)} reports its run as started",
                    device=appliance.id,
                    data={"run_id": rid},
                )

    async def _carry_out(self, now: datetime, intent: Intent, readings: Readings) -> None:
        device = intent.device
        self._note_held(now, device, intent.held)
        command = intent.command
        if command is None:
            return
        if is_acknowledged(self.home.integration, command, readings.get(device, {})):
            return  # already in effect: nothing to send
        if command.action == "appliance_start" and self.plan_store_id is not None:
            assert command.run_id is not None
            self.journal.record_start(command.run_id, self.plan_store_id, device, now)
            self.requested_runs.add(command.run_id)
        result = await self.driver.send(command)
        self.journal.log(
            now,
            "command",
            f"{command.describe()}: "
            f"{'acknowledged' if result.acknowledged else 'NOT acknowledged'}",
            device=device,
            data={
                "command": command.model_dump(mode="json"),
                "acknowledged": result.acknowledged,
                "detail": result.detail,
            },
        )
        if result.acknowledged:
            if command.action == "appliance_start" and command.run_id is not None:
                self.journal.acknowledge_start(command.run_id, now)
                self.started[device] = now
                self.journal.log(
                    now,
                    "appliance_started",
                    f"{self.home.label(device)} started",
                    device=device,
                    data={"run_id": command.run_id},
                )
            return
        self._note_held(now, device, f"command not acknowledged ({result.detail})")
        safe = self._safe(device)
        if safe is not None and safe != command:
            result = await self.driver.send(safe)
            self.journal.log(
                now,
                "command",
                f"{safe.describe()} (safe): "
                f"{'acknowledged' if result.acknowledged else 'NOT acknowledged'}",
                device=device,
                data={
                    "command": safe.model_dump(mode="json"),
                    "acknowledged": result.acknowledged,
                    "detail": result.detail,
                },
            )

    def _safe(self, device: str) -> Command | None:
        kind = self.home.kind_of(self.home.device(device))
        if kind == "ev":
            return Command(device=device, action="ev_power", power_kw=0.0)
        if kind == "battery":
            return Command(device=device, action="battery", mode="auto", power_kw=0.0)
        if self.home.appliance(device).interruptible:
            return Command(device=device, action="appliance_enable", enabled=False)
        return None

    def _note_held(self, now: datetime, device: str, held: str | None) -> None:
        before = self.held.get(device)
        if held == before:
            return
        if held is None:
            self.held.pop(device, None)
            self.journal.log(
                now, "note", f"{self.home.label(device)} follows the plan again", device=device
            )
            return
        self.held[device] = held
        self.journal.log(
            now, "held_safe", f"{self.home.label(device)} held safe: {held}", device=device
        )

    def count_progress(self, readings: Readings) -> None:
        """One more minute for each interruptible appliance that runs enabled now."""
        if self.plan_store_id is None:
            return
        changed = False
        for appliance in self.home.appliances:
            if not appliance.interruptible or appliance.id not in self.controlled:
                continue
            roles = readings.get(appliance.id, {})
            enabled, status = roles.get("enabled"), roles.get("status")
            if (
                enabled is not None
                and enabled.value is True
                and status is not None
                and (status.value == "running")
            ):
                self.progress[appliance.id] = self.progress.get(appliance.id, 0) + 1
                changed = True
        if changed:
            self.journal.set_progress(self.plan_store_id, self.progress)
