"""What the plan store returns and raises: plan versions, approvals, and its specific errors.

Split from :mod:`app.store` (which re-exports every name here) so the store module holds the
SQLite code only.
"""

from __future__ import annotations

import builtins
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict

from app.diff import PlanDiff
from tools.errors import InputError
from tools.results import Commitment, Plan

PlanStatus = Literal["proposed", "approved", "rejected", "superseded"]


# ----------------------------------------------------------------------------- errors

class PlanStoreError(InputError):
    """A plan-store operation was refused; the message says why and what to do instead.

    An :class:`~tools.errors.InputError` (bad input: exit status 2 in the CLI).
    """

    def __init__(self, message: str) -> None:
        super().__init__("", message)


class StoreFileError(PlanStoreError):
    """The store file cannot be opened or is not a Hearth plan store."""


class UnknownPlanError(PlanStoreError):
    """No plan version has this id."""

    def __init__(self, plan_id: int) -> None:
        self.plan_id = plan_id
        super().__init__(f"plan {plan_id}: no such plan in the store (see `hearth plans`)")


class PlanStatusError(PlanStoreError):
    """The version is not in a state that allows the operation (e.g. approving a rejected plan)."""


class StaleProposalError(PlanStoreError):
    """The active plan changed after the proposal was made, so the proposal cannot be approved."""

    def __init__(self, plan_id: int, based_on_active: int | None, active_id: int | None) -> None:
        self.plan_id = plan_id
        self.based_on_active = based_on_active
        self.active_id = active_id
        was = f"plan {based_on_active}" if based_on_active is not None else "no plan"
        now = f"plan {active_id}" if active_id is not None else "no plan"
        super().__init__(
            f"plan {plan_id} is stale: it was made when {was} was active, but now {now} is "
            "active; ask for a new proposal"
        )


# ----------------------------------------------------------------------------- records

class StoredPlan(BaseModel):
    """One plan version as stored."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: int
    created_at: AwareDatetime
    status: PlanStatus
    plan: Plan
    based_on_active: int | None
    approved_by: str | None = None
    approved_at: AwareDatetime | None = None
    rejected_reason: str | None = None
    closed_at: AwareDatetime | None = None
    superseded_by: int | None = None


class ApprovalResult(BaseModel):
    """What :meth:`PlanStore.approve` did.

    Attributes
    ----------
    approved:
        The version now approved (the head).
    superseded:
        Earlier versions none of whose runs remain approved after this approval.
    commitments:
        The active commitments after the approval, in time order.
    replaced, cancelled:
        The commitments this approval replaced (revisions) and withdrew (cancellations).
    diff:
        The approved runs before and after, device by device.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    approved: StoredPlan
    superseded: list[StoredPlan]
    commitments: list[Commitment]
    replaced: list[Commitment]
    cancelled: list[Commitment]
    diff: PlanDiff

    @property
    def plan(self) -> Plan:
        """The plan just approved."""
        return self.approved.plan

    @property
    def covered(self) -> builtins.list[str]:
        """Ids of the devices whose runs this approval set (its requests and the battery)."""
        return [c.device for c in self.commitments if c.plan_number == self.approved.id]

    @property
    def battery_ids(self) -> set[str]:
        """Ids of the battery among the approved runs (re-planned, not moved, in diffs)."""
        return {c.device for c in [*self.commitments, *self.replaced] if c.kind == "battery"}
