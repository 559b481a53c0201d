"""The ``mqtt`` driver: the home's devices through an MQTT broker (aiomqtt over paho-mqtt).

On connect it publishes ``online`` (retained) to ``<topic_prefix>/status`` — its last will
publishes ``offline`` there when the connection dies without a goodbye, so Home Assistant marks
Hearth's entities unavailable — subscribes to every state topic of the devices it drives, and
publishes the retained Home Assistant discovery configs of Hearth's entities (again whenever
Home Assistant announces itself ``online`` on ``<discovery_prefix>/status``). When the broker
goes away it reconnects with a growing pause (1 s up to 30 s); meanwhile readings age, commands
fail, and the runner holds the devices safe.

A retained state message (delivered on subscribe, sent at an unknown time) is kept but counted as
stale until the device publishes again: a retained value cannot say how old it is.

Commands are published with QoS 1 and count as acknowledged when the device's state echoes them
(:func:`app.drivers.codec.is_acknowledged`) within ``mqtt.ack_timeout_s`` real seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from datetime import timedelta

import aiomqtt

from app.drivers.base import Command, CommandResult, Reading, Readings
from app.drivers.codec import command_messages, is_acknowledged, parse_value
from app.drivers.discovery import (
    HearthStatus,
    discovery_messages,
    state_messages,
    status_topic,
)
from app.runner.clock import Clock
from tools.home import TOPIC_ROLES, Home

log = logging.getLogger("hearth.mqtt")

#: Pause before reconnecting: doubles from the first to the last value [s].
RECONNECT_FIRST_S = 1.0
RECONNECT_MAX_S = 30.0


def state_topics(home: Home, devices: set[str]) -> dict[str, tuple[str, str]]:
    """Every state topic of ``devices`` and of the site's meters → ``(device id, role)``."""
    out: dict[str, tuple[str, str]] = {}
    integration = home.integration
    for device in home.drivable_devices():
        if device.id not in devices:
            continue
        for role in TOPIC_ROLES[home.kind_of(device)]:
            if not role.startswith("set/"):
                out[integration.topic(device.id, role)] = (device.id, role)
    for role in TOPIC_ROLES["site"]:
        out[integration.topic("site", role)] = ("site", role)
    return out


class MqttDriver:
    """Reads and drives ``devices`` of ``home`` over MQTT; publishes Hearth's status."""

    name = "mqtt"

    def __init__(self, home: Home, clock: Clock, devices: set[str]) -> None:
        self.home = home
        self.clock = clock
        self.devices = devices
        self.mqtt = home.integration.mqtt
        self.topics = state_topics(home, devices)
        self._readings: Readings = {}
        self._client: aiomqtt.Client | None = None
        self._connected = asyncio.Event()
        self._arrived = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self._status: HearthStatus | None = None
        self._published: dict[str, str] = {}
        self._bad_topics: set[str] = set()
        self.connections = 0

    # -- life ------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Connect in the background; wait up to the ack timeout for the first connection.

        Starting a started driver does nothing (the runner may be run several times)."""
        if self._task is not None and not self._task.done():
            return
        self._closing = False
        self._task = asyncio.create_task(self._run(), name="hearth-mqtt")
        try:
            await asyncio.wait_for(self._connected.wait(), timeout=self.mqtt.ack_timeout_s)
        except TimeoutError:
            log.warning(
                "MQTT broker %s:%s not reachable yet; devices are held safe until it is",
                self.mqtt.host,
                self.mqtt.port,
            )

    async def close(self) -> None:
        """Say goodbye (``offline``, retained) and disconnect."""
        self._closing = True
        client = self._client
        if client is not None:
            with contextlib.suppress(aiomqtt.MqttError):
                await client.publish(status_topic(self.home), "offline", qos=1, retain=True)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def available(self) -> bool:
        return self._connected.is_set()

    async def _run(self) -> None:
        pause = RECONNECT_FIRST_S
        while not self._closing:
            try:
                async with aiomqtt.Client(
                    self.mqtt.host,
                    self.mqtt.port,
                    username=self.mqtt.username,
                    password=os.environ.get(self.mqtt.password_env) if self.mqtt.username else None,
                    identifier=f"hearth-{self.mqtt.node_id}",
                    will=aiomqtt.Will(status_topic(self.home), "offline", qos=1, retain=True),
                    keepalive=self.mqtt.keepalive_s,
                    timeout=self.mqtt.ack_timeout_s,
                ) as client:
                    await self._on_connect(client)
                    pause = RECONNECT_FIRST_S
                    async for message in client.messages:
                        await self._on_message(client, message)
            except aiomqtt.MqttError as err:
                if self._connected.is_set():
                    log.warning("MQTT connection lost (%s); reconnecting", err)
            finally:
                self._client = None
                self._connected.clear()
            if self._closing:
                return
            await asyncio.sleep(pause)
            pause = min(pause * 2, RECONNECT_MAX_S)

    async def _on_connect(self, client: aiomqtt.Client) -> None:
        await client.publish(status_topic(self.home), "online", qos=1, retain=True)
        for topic in self.topics:
            await client.subscribe(topic, qos=1)
        await client.subscribe(f"{self.mqtt.discovery_prefix}/status", qos=1)
        self._published = {}
        await self._publish_discovery(client)
        if self._status is not None:
            await self._publish_state(client, self._status)
        self._client = client
        self.connections += 1
        self._connected.set()
        log.info("connected to MQTT broker %s:%s", self.mqtt.host, self.mqtt.port)

    async def _on_message(self, client: aiomqtt.Client, message: aiomqtt.Message) -> None:
        topic = str(message.topic)
        payload = (
            message.payload if isinstance(message.payload, bytes | str) else str(message.payload)
        )
        if topic == f"{self.mqtt.discovery_prefix}/status":
            if (payload.decode() if isinstance(payload, bytes) else payload) == "online":
                await self._publish_discovery(client)
            return
        where = self.topics.get(topic)
        if where is None:
            return
        device, role = where
        try:
            value = parse_value(role, payload)
        except ValueError as err:
            if topic not in self._bad_topics:
                log.warning("ignoring %s: %s", topic, err)
                self._bad_topics.add(topic)
            return
        now = self.clock.now()
        if message.retain:  # sent at an unknown time: stale until the device speaks again
            now = now - timedelta(seconds=self.home.integration.stale_after_s(device) + 1)
        self._readings.setdefault(device, {})[role] = Reading(
            value=value, read_at=now, source=f"mqtt:{topic}"
        )
        arrived, self._arrived = self._arrived, asyncio.Event()
        arrived.set()

    # -- the driver interface --------------------------------------------------------------------

    def readings(self) -> Readings:
        return {device: dict(roles) for device, roles in self._readings.items()}

    async def send(self, command: Command) -> CommandResult:
        client = self._client
        if client is None:
            return CommandResult(
                command=command, acknowledged=False, detail="not connected to the MQTT broker"
            )
        try:
            for topic, payload in command_messages(self.home.integration, command):
                await client.publish(topic, payload, qos=1)
        except aiomqtt.MqttError as err:
            return CommandResult(
                command=command, acknowledged=False, detail=f"publish failed: {err}"
            )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.mqtt.ack_timeout_s
        while not is_acknowledged(
            self.home.integration, command, self._readings.get(command.device, {})
        ):
            remaining = deadline - loop.time()
            if remaining <= 0:
                return CommandResult(
                    command=command,
                    acknowledged=False,
                    detail=f"no state echo within {self.mqtt.ack_timeout_s:g} s",
                )
            try:
                await asyncio.wait_for(self._arrived.wait(), timeout=remaining)
            except TimeoutError:
                continue
        return CommandResult(command=command, acknowledged=True)

    # -- Hearth's own entities -------------------------------------------------------------------

    async def publish_status(self, status: HearthStatus) -> None:
        """Publish the plan's and devices' state (retained), only what changed."""
        self._status = status
        client = self._client
        if client is not None:
            await self._publish_state(client, status)

    async def _publish_state(self, client: aiomqtt.Client, status: HearthStatus) -> None:
        try:
            for topic, payload in state_messages(self.home, status):
                if self._published.get(topic) != payload:
                    await client.publish(topic, payload, qos=1, retain=True)
                    self._published[topic] = payload
        except aiomqtt.MqttError as err:
            log.warning("could not publish Hearth's status: %s", err)

    async def _publish_discovery(self, client: aiomqtt.Client) -> None:
        for topic, payload in discovery_messages(self.home, sorted(self.devices)):
            await client.publish(topic, payload, qos=1, retain=True)
