"""What an approval changes, device by device: pure functions over plans or commitments.

A device's *run* is its part of a plan from first start to last end
(:class:`tools.results.DeviceRun`), or its approved run in the store
(:class:`tools.results.Commitment`). Several runs of one device are merged into one span
(earliest start, latest end, summed energy and cost), so the diff is one row per device.

:func:`diff_commitments` compares the approved runs before and after an approval (what the
homeowner is shown after Approve); :func:`diff_plans` compares two plans' runs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from tools.results import Commitment, DeviceRun, Plan

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
    """The difference between the runs before (none at all: ``old_cost is None``) and after."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    currency: str
    old_cost: float | None = Field(
        description="Cost before [currency]: the old plan's net cost, or the approved runs' sum; "
        "None when there was nothing before."
    )
    new_cost: float = Field(description="Cost after, counted the same way [currency].")
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


def device_spans(runs: list[DeviceRun] | list[Commitment]) -> dict[str, _Span]:
    """Merge the runs of each device into one span: earliest start, latest end, sums.

    Commitments without power (an EV already at its target) have no span.
    """
    spans: dict[str, _Span] = {}
    for run in runs:
        if run.start is None or run.end is None:
            continue
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
    return _diff(
        device_spans(old.runs) if old is not None else {}, device_spans(new.runs),
        currency=new.currency, old_cost=old.cost if old is not None else None, new_cost=new.cost,
    )


def diff_commitments(
    before: list[Commitment], after: list[Commitment], currency: str
) -> PlanDiff:
    """Compare the approved runs before and after an approval, device by device.

    ``old_cost``/``new_cost`` are the sums of the runs' costs (``old_cost`` is ``None`` when
    nothing was approved before). A device whose commitment the approval kept is unchanged; one
    it cancelled is ``removed``.
    """
    return _diff(
        device_spans(before), device_spans(after), currency=currency,
        old_cost=sum(c.cost for c in before) if before else None,
        new_cost=sum(c.cost for c in after),
    )


def _diff(
    old_spans: dict[str, _Span], new_spans: dict[str, _Span], *, currency: str,
    old_cost: float | None, new_cost: float,
) -> PlanDiff:
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
    return PlanDiff(currency=currency, old_cost=old_cost, new_cost=new_cost, devices=changes)
