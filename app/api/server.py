"""The HTTP API for other software (FastAPI), served by ``hearth api`` beside the UI and runner.

Every endpoint needs ``Authorization: Bearer <token>`` (:mod:`app.api.tokens`):

==========================  ===========  =========================================================
``GET /api/plan``           any token    the active (approved) plan, or ``null``
``GET /api/proposals``      any token    the proposals waiting for the homeowner, newest first
``GET /api/state``          any token    the runner's latest readings (age, stale or not) and status
``POST /api/requests``      any token    structured requests → planned from live state → stored
                                         as a proposal (never applied)
``POST /api/plans/{id}/approve``  homeowner  make a proposal the active plan
``POST /api/plans/{id}/reject``   homeowner  reject a proposal
==========================  ===========  =========================================================

A ``client`` token (other software, any agent) can read and propose but never approve: approval
answers 403. Bad input answers 400 or 422 naming the field. (No ``from __future__ import
annotations`` here: FastAPI reads the dependencies of the nested endpoints at run time.)
"""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from app.api.tokens import Role, TokenStore
from app.cli.schedule import outcome_json
from app.drivers.discovery import HearthStatus
from app.runner.journal import Journal
from app.runner.live import live_home
from app.runner.loop import STATUS_KEY
from app.store import PlanStatusError, PlanStore, StaleProposalError, UnknownPlanError
from tools.errors import InputError
from tools.home import Home
from tools.planning import schedule
from tools.requests import DeviceRequest


class RequestsBody(BaseModel):
    """Structured requests to plan (the ``requests`` of the machine interface)."""

    model_config = ConfigDict(extra="forbid")

    requests: list[DeviceRequest] = Field(min_length=1, max_length=20)
    now: AwareDatetime | None = Field(default=None, description="Planning start; default: now.")
    step_minutes: int = Field(default=15, description="5, 15, 30 or 60.")
    horizon_hours: float = Field(default=24, gt=0, le=72, description="[h]")


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(default=None, max_length=500)


def create_app(
    home: Home,
    store: PlanStore,
    journal: Journal,
    tokens: TokenStore,
    clock: Callable[[], datetime],
) -> FastAPI:
    """The API over one home's store and runner journal."""
    app = FastAPI(
        title="Hearth API", version="1", docs_url="/api/docs", openapi_url="/api/openapi.json"
    )
    bearer = HTTPBearer(auto_error=False)

    def role(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Role:
        found = tokens.role_of(credentials.credentials) if credentials is not None else None
        if found is None:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "a valid API token is needed",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return found

    def homeowner(who: Annotated[Role, Depends(role)]) -> Role:
        if who != "homeowner":
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, "only the homeowner's token can approve or reject a plan"
            )
        return who

    @app.get("/api/plan")
    def active_plan(_: Annotated[Role, Depends(role)]) -> dict[str, Any] | None:
        record = store.active_record()
        return None if record is None else record.model_dump(mode="json")

    @app.get("/api/proposals")
    def proposals(_: Annotated[Role, Depends(role)]) -> list[dict[str, Any]]:
        return [r.model_dump(mode="json") for r in store.list(limit=50) if r.status == "proposed"]

    @app.get("/api/state")
    def state(_: Annotated[Role, Depends(role)]) -> dict[str, Any]:
        now = clock()
        readings = journal.readings()
        out: dict[str, Any] = {}
        for device, roles in readings.items():
            limit_s = home.integration.stale_after_s(device)
            out[device] = {
                role_name: {
                    "value": r.value,
                    "read_at": r.read_at.isoformat(),
                    "age_s": round(r.age_s(now), 1),
                    "stale": r.age_s(now) > limit_s,
                    "source": r.source,
                }
                for role_name, r in roles.items()
            }
        saved = journal.get_meta(STATUS_KEY)
        runner = HearthStatus.model_validate_json(saved).model_dump(mode="json") if saved else None
        return {"now": now.isoformat(), "readings": out, "runner": runner}

    @app.post("/api/requests", status_code=status.HTTP_201_CREATED)
    def post_requests(body: RequestsBody, _: Annotated[Role, Depends(role)]) -> dict[str, Any]:
        now = body.now or clock()
        live = live_home(home, journal.readings(), now)
        try:
            outcome = schedule(
                live.home,
                now,
                body.requests,
                step_minutes=body.step_minutes,
                horizon_hours=body.horizon_hours,
                committed=store.active_commitments(at=now),
            )
        except InputError as err:
            raise HTTPException(status.HTTP_400_BAD_REQUEST, str(err)) from None
        result = outcome_json(outcome)
        result["store_id"] = None
        result["live"] = {
            "notes": live.notes,
            "sources": {k: v.model_dump(mode="json") for k, v in live.sources.items()},
        }
        if outcome.plan is not None:
            result["store_id"] = store.save_proposal(
                outcome.plan, based_on_active=store.active_id()
            )
        return result

    @app.post("/api/plans/{plan_id}/approve")
    def approve(plan_id: int, _: Annotated[Role, Depends(homeowner)]) -> dict[str, Any]:
        try:
            result = store.approve(plan_id, by="homeowner (API)")
        except UnknownPlanError as err:
            raise HTTPException(status.HTTP_404_NOT_FOUND, str(err)) from None
        except (PlanStatusError, StaleProposalError) as err:
            raise HTTPException(status.HTTP_409_CONFLICT, str(err)) from None
        return {
            "approved": result.approved.id,
            "superseded": [record.id for record in result.superseded],
            "diff": result.diff.model_dump(mode="json"),
        }

    @app.post("/api/plans/{plan_id}/reject")
    def reject(
        plan_id: int, body: Decision, _: Annotated[Role, Depends(homeowner)]
    ) -> dict[str, Any]:
        try:
            record = store.reject(plan_id, reason=body.reason)
        except UnknownPlanError as err:
            raise HTTPException(status.HTTP_404_NOT_FOUND, str(err)) from None
        except PlanStatusError as err:
            raise HTTPException(status.HTTP_409_CONFLICT, str(err)) from None
        return {"rejected": record.id, "reason": record.rejected_reason}

    return app
