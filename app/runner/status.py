"""What the runner tells Home Assistant and the API: the plan's state and each device's next run."""

from __future__ import annotations

from datetime import datetime

from app.drivers.discovery import DeviceStatus, HearthStatus, next_run
from app.runner.executor import POWER_EPSILON_KW, step_index
from app.store import StoredPlan
from tools.home import Home
from tools.results import Plan


def runner_status(
    home: Home,
    record: StoredPlan | None,
    applied: Plan | None,
    controlled: set[str],
    held: dict[str, str],
    pending: int | None,
    now: datetime,
) -> HearthStatus:
    """The status at ``now``: plan state, cost and saving of the approved plan, approval needed,
    and per controlled device its next planned run and its setpoint now."""
    currency = home.tariff.currency
    if record is None or applied is None:
        return HearthStatus(
            updated_at=now,
            plan_status="approval_needed" if pending is not None else "no_plan",
            currency=currency,
            approval_needed=pending is not None,
            pending_proposal_id=pending,
            message="no approved plan"
            if pending is None
            else f"proposal {pending} waits for approval",
        )
    battery_id = home.battery.id if home.battery is not None else None
    index = step_index(applied, now)
    devices = {}
    for device_id in sorted(controlled):
        if device_id == battery_id:
            power = [
                c - d
                for c, d in zip(
                    applied.series.battery_charge_kw,
                    applied.series.battery_discharge_kw,
                    strict=True,
                )
            ]
        else:
            power = applied.series.device_kw.get(device_id, [])
        start, end = next_run(applied.series.times, power, now, applied.step_minutes)
        setpoint = round(power[index], 3) if index is not None and power else None
        mode = None
        if device_id == battery_id:
            if setpoint is None:
                mode = "auto"
            elif setpoint > POWER_EPSILON_KW:
                mode = "charge"
            else:
                mode = "discharge" if setpoint < -POWER_EPSILON_KW else "idle"
        devices[device_id] = DeviceStatus(
            name=home.label(device_id),
            next_run_start=start,
            next_run_end=end,
            setpoint_kw=setpoint,
            mode=mode,
            held=held.get(device_id),
        )
    if pending is not None:
        state, message = (
            "approval_needed",
            f"proposal {pending} waits for approval; plan {record.id} runs on",
        )
    elif now >= applied.horizon_end:
        state, message = "finished", f"plan {record.id} is carried out"
    else:
        state, message = "running", f"carrying out plan {record.id}"
    return HearthStatus(
        updated_at=now,
        plan_status=state,
        plan_store_id=record.id,
        currency=currency,
        cost=record.plan.cost,
        saving=record.plan.saving,
        approval_needed=pending is not None,
        pending_proposal_id=pending,
        message=message,
        devices=devices,
    )
