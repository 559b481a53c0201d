"""What changes when a new plan replaces the active one: a pure function over two plans.

A device's *run* is its part of the plan from first start to last end
(:class:`tools.results.DeviceRun`). When a plan lists several runs of one device they are merged
into one span (earliest start, latest end, summed energy and cost), so every device has at most
one entry per plan and the diff is one row per device.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from tools.results import DeviceRun, Plan

ChangeKind = Literal["added", "removed", "moved", "changed", "unchanged"]

#: Energies that differ by less than this are equal [kWh] (the solver's own tolerance is ~1e-6).
ENERGY_TOLERANCE_KWH = 1e-3


class DeviceChange(BaseModel):
    """How one device's run differs between the old and the new plan.

    ``kind``: ``added`` (only in the new plan), ``removed`` (only in the old one), ``moved``
    (start or end differ), ``changed`` (same times, different energy), ``unchanged``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    device: str
    kind: ChangeKind
    old_start: AwareDatetime | None = None
    old_end: AwareDatetime | None = None
    new_start: AwareDatetime | None = None
    new_end: AwareDatetime | None = None
    old_energy_kwh: float = Field(default=0.0, description="Energy of the old run [kWh].")
    new_energy_kwh: float = Field(default=0.0, description="Energy of the new run [kWh].")
    cost_change: float = Field(description="New run cost − old run cost [currency].")

    @property
    def energy_change_kwh(self) -> float:
        """New energy − old energy [kWh]."""
        return self.new_energy_kwh - self.old_energy_kwh


class PlanDiff(BaseModel):
    """The difference between the previously active plan (``None`` if none) and a new one."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    old_plan_id: str | None
    new_plan_id: str
    currency: str
    old_cost: float | None = Field(description="Net cost of the old plan [currency], None if none.")
    new_cost: float = Field(description="Net cost of the new plan [currency].")
    devices: list[DeviceChange]

    @property
    def cost_change(self) -> float | None:
        """new_cost − old_cost [currency]; ``None`` when there was no previous plan."""
        return None if self.old_cost is None else self.new_cost - self.old_cost

    @property
    def changed(self) -> list[DeviceChange]:
        """Only the devices whose run was added, removed, moved or changed."""
        return [change for change in self.devices if change.kind != "unchanged"]


class _Span(BaseModel):
    model_config = ConfigDict(frozen=True)

    start: datetime
    end: datetime
    energy_kwh: float
    cost: float


def device_spans(runs: list[DeviceRun]) -> dict[str, _Span]:
    """Merge the runs of each device into one span: earliest start, latest end, sums."""
    spans: dict[str, _Span] = {}
    for run in runs:
        previous = spans.get(run.device)
        if previous is None:
            spans[run.device] = _Span(start=run.start, end=run.end, energy_kwh=run.energy_kwh,
                                      cost=run.cost)
        else:
            spans[run.device] = _Span(
                start=min(previous.start, run.start),
                end=max(previous.end, run.end),
                energy_kwh=previous.energy_kwh + run.energy_kwh,
                cost=previous.cost + run.cost,
            )
    return spans


def diff_plans(old: Plan | None, new: Plan) -> PlanDiff:
    """Compare the runs of ``old`` and ``new`` device by device.

    Devices appear in the new plan's order, then the removed ones in the old plan's order.
    Times compare as instants, so the same moment written with another UTC offset is unchanged.

    Parameters
    ----------
    old:
        The plan that was active, or ``None``.
    new:
        The plan that replaces it.

    Returns
    -------
    PlanDiff
        One :class:`DeviceChange` per device present in either plan, and both net costs.
    """
    old_spans = device_spans(old.runs) if old is not None else {}
    new_spans = device_spans(new.runs)
    changes: list[DeviceChange] = []
    for device, span in new_spans.items():
        before = old_spans.get(device)
        if before is None:
            changes.append(DeviceChange(
                device=device, kind="added", new_start=span.start, new_end=span.end,
                new_energy_kwh=span.energy_kwh, cost_change=span.cost,
            ))
            continue
        if before.start != span.start or before.end != span.end:
            kind: ChangeKind = "moved"
        elif abs(before.energy_kwh - span.energy_kwh) > ENERGY_TOLERANCE_KWH:
            kind = "changed"
        else:
            kind = "unchanged"
        changes.append(DeviceChange(
            device=device, kind=kind,
            old_start=before.start, old_end=before.end, new_start=span.start, new_end=span.end,
            old_energy_kwh=before.energy_kwh, new_energy_kwh=span.energy_kwh,
            cost_change=span.cost - before.cost,
        ))
    for device, before in old_spans.items():
        if device not in new_spans:
            changes.append(DeviceChange(
                device=device, kind="removed", old_start=before.start, old_end=before.end,
                old_energy_kwh=before.energy_kwh, cost_change=-before.cost,
            ))
    return PlanDiff(
        old_plan_id=old.id if old is not None else None,
        new_plan_id=new.id,
        currency=new.currency,
        old_cost=old.cost if old is not None else None,
        new_cost=new.cost,
        devices=changes,
    )
