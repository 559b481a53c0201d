"""Hearth's own entities in Home Assistant: their state, and their MQTT discovery configs.

Following Home Assistant's MQTT discovery conventions, every entity has one retained config
message on ``<discovery_prefix>/<component>/<node_id>/<object_id>/config`` with a ``unique_id``,
a ``device`` block that groups the entities under one "Hearth" device, the JSON state topic it
reads (with a ``value_template``) and ``availability_topic`` = ``<topic_prefix>/status``, which
carries ``online`` (retained, on connect) and ``offline`` (the client's last will, so the entities
go unavailable when Hearth dies). An empty retained config removes an entity.

Entities: for the home — plan status, plan cost, plan saving (sensors) and "approval needed"
(binary sensor); per controlled device — its next run (a timestamp sensor) and its setpoint now
(a power sensor, or the battery's mode).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict

from tools.home import Home

PlanStatus = Literal["no_plan", "running", "finished", "approval_needed"]
SW_VERSION = "0.1.0"


class DeviceStatus(BaseModel):
    """One device as Hearth drives it now."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    next_run_start: AwareDatetime | None = None
    next_run_end: AwareDatetime | None = None
    setpoint_kw: float | None = None
    mode: str | None = None
    held: str | None = None


class HearthStatus(BaseModel):
    """What Hearth publishes about its plan and its devices."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    updated_at: AwareDatetime
    plan_status: PlanStatus
    plan_store_id: int | None = None
    currency: str
    cost: float | None = None
    saving: float | None = None
    approval_needed: bool = False
    pending_proposal_id: int | None = None
    message: str = ""
    devices: dict[str, DeviceStatus] = {}


def status_topic(home: Home) -> str:
    """Availability: ``online`` / ``offline``."""
    return f"{home.integration.mqtt.topic_prefix}/status"


def plan_state_topic(home: Home) -> str:
    return f"{home.integration.mqtt.topic_prefix}/plan/state"


def device_state_topic(home: Home, device_id: str) -> str:
    return f"{home.integration.mqtt.topic_prefix}/{device_id}/state"


def state_messages(home: Home, status: HearthStatus) -> list[tuple[str, str]]:
    """Retained JSON state messages for the home's and every device's entities."""
    plan = {
        "status": status.plan_status,
        "plan_id": status.plan_store_id,
        "cost": None if status.cost is None else round(status.cost, 2),
        "saving": None if status.saving is None else round(status.saving, 2),
        "approval_needed": "ON" if status.approval_needed else "OFF",
        "pending_proposal_id": status.pending_proposal_id,
        "message": status.message,
    }
    out = [(plan_state_topic(home), json.dumps(plan))]
    for device_id, device in status.devices.items():
        payload = {
            "next_run": device.next_run_start.isoformat() if device.next_run_start else None,
            "next_run_end": device.next_run_end.isoformat() if device.next_run_end else None,
            "setpoint_kw": device.setpoint_kw,
            "mode": device.mode,
            "held": device.held,
        }
        out.append((device_state_topic(home, device_id), json.dumps(payload)))
    return out


def _device_block(home: Home) -> dict[str, Any]:
    node = home.integration.mqtt.node_id
    return {
        "identifiers": [f"hearth_{node}"],
        "name": f"Hearth ({home.name})",
        "manufacturer": "Hearth",
        "model": "plan runner",
        "sw_version": SW_VERSION,
    }


def _config(
    home: Home,
    component: str,
    object_id: str,
    name: str,
    state_topic: str,
    value_template: str,
    **extra: Any,
) -> tuple[str, str]:
    mqtt = home.integration.mqtt
    payload: dict[str, Any] = {
        "name": name,
        "unique_id": f"hearth_{mqtt.node_id}_{object_id}",
        "object_id": f"hearth_{object_id}",
        "state_topic": state_topic,
        "value_template": value_template,
        "availability_topic": status_topic(home),
        "payload_available": "online",
        "payload_not_available": "offline",
        "device": _device_block(home),
        **extra,
    }
    topic = f"{mqtt.discovery_prefix}/{component}/{mqtt.node_id}/{object_id}/config"
    return topic, json.dumps(payload)


def discovery_messages(home: Home, devices: list[str]) -> list[tuple[str, str]]:
    """Retained discovery configs for the home's entities and those of ``devices``."""
    plan_topic = plan_state_topic(home)
    currency = home.tariff.currency
    out = [
        _config(
            home,
            "sensor",
            "plan_status",
            "Plan status",
            plan_topic,
            "{{ value_json.status }}",
            icon="mdi:calendar-check",
            json_attributes_topic=plan_topic,
        ),
        _config(
            home,
            "sensor",
            "plan_cost",
            "Plan cost",
            plan_topic,
            "{{ value_json.cost }}",
            device_class="monetary",
            unit_of_measurement=currency,
        ),
        _config(
            home,
            "sensor",
            "plan_saving",
            "Plan saving",
            plan_topic,
            "{{ value_json.saving }}",
            device_class="monetary",
            unit_of_measurement=currency,
        ),
        _config(
            home,
            "binary_sensor",
            "approval_needed",
            "Approval needed",
            plan_topic,
            "{{ value_json.approval_needed }}",
            payload_on="ON",
            payload_off="OFF",
            device_class="problem",
        ),
    ]
    for device_id in devices:
        topic = device_state_topic(home, device_id)
        label = home.label(device_id)
        out.append(
            _config(
                home,
                "sensor",
                f"{device_id}_next_run",
                f"{label} next run",
                topic,
                "{{ value_json.next_run }}",
                device_class="timestamp",
                json_attributes_topic=topic,
            )
        )
        if home.battery is not None and device_id == home.battery.id:
            out.append(
                _config(
                    home,
                    "sensor",
                    f"{device_id}_mode",
                    f"{label} mode",
                    topic,
                    "{{ value_json.mode }}",
                    icon="mdi:home-battery",
                )
            )
        out.append(
            _config(
                home,
                "sensor",
                f"{device_id}_setpoint",
                f"{label} setpoint",
                topic,
                "{{ value_json.setpoint_kw }}",
                device_class="power",
                unit_of_measurement="kW",
                state_class="measurement",
            )
        )
    return out


def next_run(
    plan_times: list[datetime], power_kw: list[float], now: datetime, step_minutes: int
) -> tuple[datetime | None, datetime | None]:
    """Start and end of the device's next (or current) stretch of planned power."""
    step = timedelta(minutes=step_minutes)
    start = end = None
    for moment, power in zip(plan_times, power_kw, strict=False):
        active = abs(power) > 1e-3
        if start is None:
            if active and moment + step > now:
                start = moment
                end = moment + step
        elif active and moment == end:
            end = moment + step
        elif start is not None:
            break
    return start, end
