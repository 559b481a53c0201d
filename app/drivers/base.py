"""The one small interface every device driver offers: read state, send a setpoint, availability.

After evcc's charger interface and Home Assistant's coordinator: a driver keeps the latest
readings (each with the time it was read), sends one typed :class:`Command` at a time and says
whether the command was acknowledged, and reports whether it can reach its devices at all. The
runner decides; a driver only reads and writes.

Readings are keyed by device id (``site`` for the PV and grid meters) and by *role*, the same
names as the topic roles of :mod:`tools.home.integration` (``soc_pct``, ``plugged_in``,
``status``, …).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Protocol

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

BatteryMode = Literal["charge", "discharge", "idle", "auto"]
ApplianceStatus = Literal["idle", "ready", "running", "done"]
CommandAction = Literal["ev_power", "battery", "appliance_start", "appliance_enable"]


class Reading(BaseModel):
    """One value read from the home, with the time it was read and where it came from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: float | bool | str
    read_at: AwareDatetime
    source: str = Field(description="Where it came from: 'sim' or the MQTT topic.")

    def age_s(self, now: datetime) -> float:
        """Seconds since the reading [s]."""
        return (now - self.read_at).total_seconds()


#: ``{device id: {role: Reading}}``
Readings = dict[str, dict[str, Reading]]


class Command(BaseModel):
    """A setpoint for one device.

    ``ev_power``: charge at ``power_kw`` (0 pauses). ``battery``: ``mode`` with ``power_kw`` (AC
    side, ≥ 0). ``appliance_start``: start the cycle named ``run_id`` (a device that already ran
    this ``run_id`` ignores it, so sending it twice never starts twice). ``appliance_enable``: an
    interruptible appliance on or off.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    device: str
    action: CommandAction
    power_kw: float | None = Field(default=None, ge=0, description="Setpoint [kW].")
    mode: BatteryMode | None = None
    run_id: str | None = None
    enabled: bool | None = None

    def describe(self) -> str:
        """``ev: 7.4 kW``, ``battery: discharge 2.0 kW``, ``dishwasher: start run …``."""
        if self.action == "ev_power":
            return f"{self.device}: charge at {self.power_kw:g} kW"
        if self.action == "battery":
            power = f" {self.power_kw:g} kW" if self.mode in ("charge", "discharge") else ""
            return f"{self.device}: {self.mode}{power}"
        if self.action == "appliance_start":
            return f"{self.device}: start ({self.run_id})"
        return f"{self.device}: {'on' if self.enabled else 'off'}"


class CommandResult(BaseModel):
    """Whether a command's state echo came back in time."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    command: Command
    acknowledged: bool
    detail: str = ""


class Driver(Protocol):
    """A way to reach some of the home's devices."""

    name: str

    async def start(self) -> None:
        """Connect (or set up) and begin collecting readings."""
        ...

    async def close(self) -> None:
        """Disconnect; the devices keep their last setpoints."""
        ...

    def readings(self) -> Readings:
        """The latest reading of every role of every device it reaches."""
        ...

    async def send(self, command: Command) -> CommandResult:
        """Send one setpoint and wait (bounded) for its acknowledgement."""
        ...

    def available(self) -> bool:
        """Whether the devices can be reached at all right now (connected)."""
        ...
