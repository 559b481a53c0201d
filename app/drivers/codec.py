"""Payloads on the wire and the rule for "acknowledged", shared by every driver and the sim.

State payloads are plain text (``42.5``, ``true``, ``running``); :func:`parse_value` reads them
per role. :func:`command_messages` turns a :class:`Command` into ``(topic, payload)`` pairs, and
:func:`is_acknowledged` says whether a device's readings echo it: the setpoint (within 0.05 kW or
0.5 A), the battery's mode, ``running``/``done`` with the same run id, the enabled flag.
"""

from __future__ import annotations

from app.drivers.base import Command, Reading
from tools.home import Integration

BOOL_WORDS = {
    "true": True,
    "on": True,
    "1": True,
    "yes": True,
    "false": False,
    "off": False,
    "0": False,
    "no": False,
}
WORD_ROLES = {"status", "mode", "run_id"}
BOOL_ROLES = {"plugged_in", "enabled"}
STATUS_WORDS = {"idle", "ready", "running", "done"}
MODE_WORDS = {"charge", "discharge", "idle", "auto"}
#: Setpoint echoes within this much count as the same setpoint [kW].
POWER_ECHO_TOLERANCE_KW = 0.05
#: …and within this much for chargers commanded in amperes [A].
CURRENT_ECHO_TOLERANCE_A = 0.5


def parse_value(role: str, payload: bytes | str) -> float | bool | str:
    """The value of one state payload; ``ValueError`` naming the role when it cannot be read."""
    text = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else payload
    text = text.strip()
    if role in BOOL_ROLES:
        if text.lower() not in BOOL_WORDS:
            raise ValueError(f"{role}: expected true/false or on/off, got {text[:40]!r}")
        return BOOL_WORDS[text.lower()]
    if role in WORD_ROLES:
        word = text.lower() if role != "run_id" else text
        if role == "status" and word not in STATUS_WORDS:
            raise ValueError(f"status: expected one of {sorted(STATUS_WORDS)}, got {text[:40]!r}")
        if role == "mode" and word not in MODE_WORDS:
            raise ValueError(f"mode: expected one of {sorted(MODE_WORDS)}, got {text[:40]!r}")
        return word
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{role}: expected a number, got {text[:40]!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"{role}: expected a finite number, got {text[:40]!r}")
    return value


def format_value(value: float | bool | str) -> str:
    """The payload text of a value (``true``/``false``, ``7.4``, a word)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{round(value, 4):g}"
    return str(value)


def current_a(integration: Integration, device_id: str, power_kw: float) -> float:
    """Charging current for ``power_kw`` on the device's phases and voltage [A]."""
    link = integration.link(device_id)
    return round(power_kw * 1000 / (link.phases * link.voltage_v), 1)


def command_messages(integration: Integration, command: Command) -> list[tuple[str, str]]:
    """The ``(topic, payload)`` pairs that carry ``command``."""
    device = command.device
    topic = integration.topic
    if command.action == "ev_power":
        power_kw = float(command.power_kw or 0.0)
        if integration.link(device).command_unit == "a":
            return [
                (
                    topic(device, "set/current_a"),
                    format_value(current_a(integration, device, power_kw)),
                )
            ]
        return [(topic(device, "set/power_kw"), format_value(power_kw))]
    if command.action == "battery":
        return [
            (topic(device, "set/power_kw"), format_value(float(command.power_kw or 0.0))),
            (topic(device, "set/mode"), str(command.mode)),
        ]
    if command.action == "appliance_start":
        return [(topic(device, "set/start"), str(command.run_id))]
    return [(topic(device, "set/enabled"), format_value(bool(command.enabled)))]


def is_acknowledged(
    integration: Integration, command: Command, readings: dict[str, Reading]
) -> bool:
    """Whether the device's latest readings echo ``command``."""

    def value(role: str) -> float | bool | str | None:
        reading = readings.get(role)
        return reading.value if reading is not None else None

    if command.action == "ev_power":
        power_kw = float(command.power_kw or 0.0)
        if integration.link(command.device).command_unit == "a":
            echoed = value("current_a")
            wanted = current_a(integration, command.device, power_kw)
            return _close(echoed, wanted, CURRENT_ECHO_TOLERANCE_A)
        return _close(value("setpoint_kw"), power_kw, POWER_ECHO_TOLERANCE_KW)
    if command.action == "battery":
        if value("mode") != command.mode:
            return False
        if command.mode in ("charge", "discharge"):
            return _close(
                value("setpoint_kw"), float(command.power_kw or 0.0), POWER_ECHO_TOLERANCE_KW
            )
        return True
    if command.action == "appliance_start":
        return value("status") in ("running", "done") and value("run_id") == command.run_id
    return value("enabled") is bool(command.enabled)


def _close(echoed: float | bool | str | None, wanted: float, tolerance: float) -> bool:
    if isinstance(echoed, bool) or not isinstance(echoed, float | int):
        return False
    return abs(float(echoed) - wanted) <= tolerance
