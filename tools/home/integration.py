"""The ``integration:`` section of the home file: how Hearth reaches the devices of the home.

It chooses a driver per device (``sim`` — the simulated home, ``mqtt`` — a real broker, ``none`` —
planned but not controlled), names the MQTT topics a device's state arrives on and its commands
leave on, and says how old a reading may be before Hearth stops trusting it. The runner
(``hearth run``) reads it; planning itself does not.

Topics
------
Every device has a base topic (``<device_prefix>/<device id>`` unless ``base_topic`` is given) and
one topic per *role* below it; ``topics:`` overrides single roles with full topic names (to meet
the topics a bridge such as Home Assistant, evcc or Zigbee2MQTT already publishes)::

    EV         soc_pct, plugged_in, power_kw, setpoint_kw      ← state in
               set/power_kw                                    → command out, echoed on setpoint_kw
               (or set/current_a, echoed on current_a, with command_unit: a)
    battery    soc_pct, power_kw, mode, setpoint_kw            ← state in (power > 0 = charging)
               set/mode, set/power_kw                          → commands, echoed on mode/setpoint_kw
    appliance  status (idle | ready | running | done), run_id, enabled
               set/start (payload: a run id), set/enabled       → commands
    site       pv_power_kw, grid_power_kw (import > 0)          ← state in

Payloads are plain text: numbers (``42.5``), booleans (``true``/``false``, ``on``/``off``,
``1``/``0``) and the status words above. A command counts as acknowledged when its state echo
arrives (the setpoint, the mode, ``running`` with the run id), within ``ack_timeout_s``.

Hearth's own entities (plan status, cost, saving, "approval needed", per device the next run and
its setpoint) are published under ``<topic_prefix>/…`` with Home Assistant MQTT discovery configs
under ``<discovery_prefix>/<component>/<node_id>/<object_id>/config``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from tools.home.clock import Frozen

DriverName = Literal["sim", "mqtt", "none"]
DeviceKind = Literal["ev", "battery", "appliance", "site"]

#: Topic roles per kind of device, relative to the device's base topic.
TOPIC_ROLES: dict[DeviceKind, tuple[str, ...]] = {
    "ev": (
        "soc_pct",
        "plugged_in",
        "power_kw",
        "setpoint_kw",
        "current_a",
        "set/power_kw",
        "set/current_a",
    ),
    "battery": ("soc_pct", "power_kw", "mode", "setpoint_kw", "set/mode", "set/power_kw"),
    "appliance": ("status", "run_id", "enabled", "set/start", "set/enabled"),
    "site": ("pv_power_kw", "grid_power_kw"),
}

_TOPIC_PATTERN = r"^[^#+\s]+$"


class MqttBroker(Frozen):
    """The MQTT broker Hearth connects to, and where its own topics live."""

    host: str = Field(default="127.0.0.1", min_length=1, description="Broker host name or address.")
    port: int = Field(default=1883, ge=1, le=65535, description="Broker TCP port.")
    username: str | None = Field(default=None, description="Broker user, if it needs a login.")
    password_env: str = Field(
        default="HEARTH_MQTT_PASSWORD",
        pattern=r"^[A-Z_][A-Z0-9_]*$",
        description="Name of the environment variable holding the broker password (never the "
        "password itself in the home file).",
    )
    keepalive_s: int = Field(default=30, ge=5, le=3600, description="MQTT keep-alive [s].")
    topic_prefix: str = Field(
        default="hearth", pattern=_TOPIC_PATTERN, description="Root of Hearth's own topics."
    )
    device_prefix: str = Field(
        default="home", pattern=_TOPIC_PATTERN, description="Root of the devices' default topics."
    )
    discovery_prefix: str = Field(
        default="homeassistant",
        pattern=_TOPIC_PATTERN,
        description="Home Assistant's MQTT discovery prefix.",
    )
    node_id: str = Field(
        default="hearth",
        pattern=r"^[a-zA-Z0-9_-]+$",
        description="Node id in discovery topics and unique ids (one per Hearth instance).",
    )
    ack_timeout_s: float = Field(
        default=10.0, gt=0, le=300, description="How long a command may wait for its echo [s]."
    )


class DeviceLink(Frozen):
    """How one device (or the site's meters) is reached."""

    driver: DriverName | None = Field(
        default=None, description="sim, mqtt or none; default: the section's driver."
    )
    base_topic: str | None = Field(
        default=None,
        pattern=_TOPIC_PATTERN,
        description="Base of this device's topics; default <device_prefix>/<device id>.",
    )
    topics: dict[str, str] = Field(
        default={}, description="Full topic names for single roles (soc_pct, set/power_kw, …)."
    )
    stale_after_minutes: float | None = Field(
        default=None,
        gt=0,
        le=24 * 60,
        description="Oldest usable reading [min]; default: the section's.",
    )
    command_unit: Literal["kw", "a"] = Field(
        default="kw",
        description="EV charger command in kW (set/power_kw) or amperes (set/current_a).",
    )
    phases: int = Field(default=3, ge=1, le=3, description="Charger phases (for amperes).")
    voltage_v: float = Field(
        default=230.0, gt=0, le=480, description="Phase voltage (for amperes) [V]."
    )

    @field_validator("topics")
    @classmethod
    def _topic_names(cls, topics: dict[str, str]) -> dict[str, str]:
        for role, topic in topics.items():
            if not topic or any(c in topic for c in "#+ "):
                raise ValueError(
                    f"topic for {role!r} must be a topic name without wildcards, got {topic!r}"
                )
        return topics


class Replanning(Frozen):
    """When the runner re-plans, and what it may apply without asking."""

    interval_minutes: int = Field(
        default=15, ge=5, le=240, description="Re-plan every this many minutes, on the step grid."
    )
    soc_deviation_pct: float = Field(
        default=5.0,
        gt=0,
        le=100,
        description="Re-plan when a charge level is off the plan by more than this [percentage points].",
    )
    cost_tolerance: float = Field(
        default=0.10,
        ge=0,
        description="A re-plan may cost this much more than the approved plan and still be "
        "applied without asking [currency].",
    )
    cost_tolerance_pct: float = Field(
        default=2.0,
        ge=0,
        le=100,
        description="…or this share of the approved plan's remaining cost, whichever is larger [%].",
    )


class Simulation(Frozen):
    """The simulated home (driver ``sim``): its randomness and its EVs' plug."""

    seed: int = Field(default=0, ge=0, description="Seed of the noise generator.")
    pv_noise_pct: float = Field(
        default=10.0, ge=0, le=100, description="Standard deviation of PV around the forecast [%]."
    )
    base_load_noise_pct: float = Field(
        default=10.0, ge=0, le=100, description="Standard deviation of the base load [%]."
    )


class Integration(Frozen):
    """The ``integration:`` section: drivers, topics, staleness and re-planning."""

    driver: DriverName = Field(default="sim", description="Driver of devices not listed.")
    mqtt: MqttBroker = MqttBroker()
    stale_after_minutes: float = Field(
        default=15.0, gt=0, le=24 * 60, description="Oldest usable reading [min]."
    )
    devices: dict[str, DeviceLink] = Field(default={}, description="Per device id.")
    site: DeviceLink = Field(default=DeviceLink(), description="The PV and grid meters.")
    replan: Replanning = Replanning()
    simulation: Simulation = Simulation()

    @model_validator(mode="after")
    def _site_roles(self) -> Integration:
        check_roles("integration.site", "site", self.site)
        return self

    def link(self, device_id: str) -> DeviceLink:
        """The device's link (an empty one when the device is not listed)."""
        return self.devices.get(device_id, DeviceLink())

    def driver_for(self, device_id: str) -> DriverName:
        """The driver of a device (``site`` for the meters)."""
        link = self.site if device_id == "site" else self.link(device_id)
        return link.driver or self.driver

    def stale_after_s(self, device_id: str) -> float:
        """Age beyond which a reading of this device is not used [s]."""
        link = self.site if device_id == "site" else self.link(device_id)
        minutes = link.stale_after_minutes or self.stale_after_minutes
        return minutes * 60.0

    def topic(self, device_id: str, role: str) -> str:
        """The full topic of one role of a device (``site`` for the meters)."""
        link = self.site if device_id == "site" else self.link(device_id)
        if role in link.topics:
            return link.topics[role]
        base = link.base_topic or f"{self.mqtt.device_prefix}/{device_id}"
        return f"{base}/{role}"


def check_roles(where: str, kind: DeviceKind, link: DeviceLink) -> None:
    """Raise ``ValueError`` when ``link.topics`` names a role this kind of device does not have.

    ``where`` is the link's path in the home file (``integration.devices.ev``) for the message.
    """
    allowed = TOPIC_ROLES[kind]
    for role in link.topics:
        if role not in allowed:
            raise ValueError(
                f"{where}.topics: {role!r} is not a topic of a {kind} (use {', '.join(allowed)})"
            )
