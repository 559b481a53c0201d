"""The ``sim`` driver: the simulated home in the runner's own process.

Every read and every command first moves the :class:`~app.drivers.simhome.SimHome` to the clock's
time, so the physics follow the runner's (possibly simulated) clock exactly. A command counts as
acknowledged when the simulated device echoes it — the same rule as over MQTT — so a lost command
(:meth:`SimHome.drop_commands`) is unacknowledged here too.
"""

from __future__ import annotations

from app.drivers.base import Command, CommandResult, Readings
from app.drivers.codec import is_acknowledged
from app.drivers.simhome import SimHome
from app.runner.clock import Clock


class SimDriver:
    """Drives a :class:`SimHome` in-process."""

    name = "sim"

    def __init__(self, sim: SimHome, clock: Clock, devices: set[str] | None = None) -> None:
        self.sim = sim
        self.clock = clock
        self.devices = devices

    async def start(self) -> None:
        self.sim.advance_to(self.clock.now())

    async def close(self) -> None:
        """Nothing to disconnect: the simulated devices keep their last setpoints."""

    def readings(self) -> Readings:
        self.sim.advance_to(self.clock.now())
        readings = self.sim.readings()
        if self.devices is None:
            return readings
        return {d: r for d, r in readings.items() if d in self.devices}

    async def send(self, command: Command) -> CommandResult:
        self.sim.advance_to(self.clock.now())
        self.sim.apply(command)
        echo = self.sim.readings().get(command.device, {})
        if is_acknowledged(self.sim.home.integration, command, echo):
            return CommandResult(command=command, acknowledged=True)
        return CommandResult(
            command=command, acknowledged=False, detail="the device did not echo the command"
        )

    def available(self) -> bool:
        return True
