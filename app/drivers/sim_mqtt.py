"""The simulated home speaking MQTT: the same :class:`SimHome` behind the topics a real home uses.

It subscribes to the devices' command topics, applies each command to the simulated home and
echoes the new state at once; after every move of the clock it publishes every sensor's state
(retained). A frozen device (:meth:`SimHome.freeze`) publishes nothing, and a lost command
(:meth:`SimHome.drop_commands`) gets no echo — as real ones would. It reconnects after a broker
restart like the runner does. Used by the integration tests and for demos against a broker.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime

import aiomqtt

from app.drivers.base import Command
from app.drivers.codec import format_value, parse_value
from app.drivers.simhome import SimHome
from app.runner.clock import Clock
from tools.home import TOPIC_ROLES

log = logging.getLogger("hearth.sim_mqtt")


class SimMqttHome:
    """Publishes ``sim``'s state and takes its commands over the broker at ``host:port``."""

    def __init__(self, sim: SimHome, clock: Clock, *, host: str, port: int) -> None:
        self.sim = sim
        self.clock = clock
        self.host = host
        self.port = port
        integration = sim.home.integration
        self.commands: dict[str, tuple[str, str]] = {}
        for device in sim.home.drivable_devices():
            for role in TOPIC_ROLES[sim.home.kind_of(device)]:
                if role.startswith("set/"):
                    self.commands[integration.topic(device.id, role)] = (device.id, role)
        self._client: aiomqtt.Client | None = None
        self._connected = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self.received: list[tuple[str, str]] = []

    async def start(self) -> None:
        if self._task is not None and not self._task.done():
            return
        self._task = asyncio.create_task(self._run(), name="sim-mqtt-home")
        await asyncio.wait_for(self._connected.wait(), timeout=10)

    async def close(self) -> None:
        self._closing = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def wait_connected(self, timeout_s: float = 30) -> None:
        await asyncio.wait_for(self._connected.wait(), timeout=timeout_s)

    async def _run(self) -> None:
        while not self._closing:
            try:
                async with aiomqtt.Client(
                    self.host, self.port, identifier="hearth-sim-home", timeout=5
                ) as client:
                    for topic in self.commands:
                        await client.subscribe(topic, qos=1)
                    self._client = client
                    self._connected.set()
                    await self.publish_state()
                    async for message in client.messages:
                        await self._on_command(message)
            except aiomqtt.MqttError:
                pass
            finally:
                self._client = None
                self._connected.clear()
            if not self._closing:
                await asyncio.sleep(0.2)

    async def on_advance(self, moment: datetime) -> None:
        """Clock listener: move the home to ``moment`` and publish its state."""
        self.sim.advance_to(moment)
        await self.publish_state()

    async def publish_state(self, only: str | None = None) -> None:
        """Every (or one device's) sensor state, retained; frozen devices stay silent."""
        client = self._client
        if client is None:
            return
        integration = self.sim.home.integration
        try:
            for device, roles in self.sim.readings().items():
                if device in self.sim.state.frozen or (only is not None and device != only):
                    continue
                for role, reading in roles.items():
                    await client.publish(
                        integration.topic(device, role),
                        format_value(reading.value),
                        qos=0,
                        retain=True,
                    )
        except aiomqtt.MqttError:
            return

    async def _on_command(self, message: aiomqtt.Message) -> None:
        topic = str(message.topic)
        if topic not in self.commands:
            return
        device, role = self.commands[topic]
        payload = message.payload if isinstance(message.payload, bytes | str) else b""
        text = payload.decode() if isinstance(payload, bytes) else payload
        self.received.append((topic, text))
        self.sim.advance_to(self.clock.now())
        command = self._command(device, role, text)
        if command is not None:
            self.sim.apply(command)
            await self.publish_state(only=device)

    def _command(self, device: str, role: str, text: str) -> Command | None:
        try:
            if (
                role == "set/power_kw"
                and self.sim.home.battery
                and device == self.sim.home.battery.id
            ):
                battery = self.sim.state.battery
                assert battery is not None
                return Command(
                    device=device,
                    action="battery",
                    mode=battery.mode,
                    power_kw=float(parse_value("power_kw", text)),
                )
            if role == "set/mode":
                battery = self.sim.state.battery
                assert battery is not None
                mode = str(parse_value("mode", text))
                return Command.model_validate(
                    {
                        "device": device,
                        "action": "battery",
                        "mode": mode,
                        "power_kw": battery.setpoint_kw,
                    }
                )
            if role == "set/power_kw":
                return Command(
                    device=device, action="ev_power", power_kw=float(parse_value("power_kw", text))
                )
            if role == "set/current_a":
                link = self.sim.home.integration.link(device)
                amps = float(parse_value("current_a", text))
                return Command(
                    device=device,
                    action="ev_power",
                    power_kw=amps * link.phases * link.voltage_v / 1000,
                )
            if role == "set/start":
                return Command(device=device, action="appliance_start", run_id=text.strip())
            if role == "set/enabled":
                return Command(
                    device=device,
                    action="appliance_enable",
                    enabled=bool(parse_value("enabled", text)),
                )
        except ValueError as err:
            log.warning("simulated home ignores %s: %s", role, err)
        return None
