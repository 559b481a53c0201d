"""The tools bound to a session for AutoGen: specs per role, the tool class and the workbench."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from autogen_core import CancellationToken
from autogen_core.tools import BaseTool, StaticWorkbench, ToolResult, ToolSchema
from pydantic import BaseModel

from agents.session import PlanningSession
from agents.tools.checks import check_conflicts, verify_reply
from agents.tools.explain import explain, get_forecast
from agents.tools.models import (
    AskArgs,
    ConflictReport,
    DraftResult,
    ExplainArgs,
    Explanation,
    ForecastSummary,
    NoArgs,
    PlanView,
    QuestionRecorded,
    ReplyCheck,
    StrictModel,
    ToolFailure,
    UpdateRequestsArgs,
    WhatIfArgs,
    WhatIfResult,
)
from agents.tools.planning import get_plan, propose_plan, what_if
from agents.tools.requests import ask_homeowner, update_requests
from agents.tools.standing import StandingArgs, StandingOrdersResult, standing_orders
from tools.errors import HearthError

ToolFn = Callable[[PlanningSession, Any], BaseModel]


@dataclass(frozen=True)
class ToolSpec:
    name: str
    fn: ToolFn
    args_type: type[StrictModel]
    result_type: type[BaseModel]
    description: str
    blocking: bool = False


SPECS: dict[str, ToolSpec] = {
    spec.name: spec
    for spec in (
        ToolSpec("update_requests", update_requests, UpdateRequestsArgs, DraftResult,
                 "Add, change or cancel the homeowner's device requests (one per device). "
                 "Fields you leave out keep their draft value. The scheduler then plans the draft."),
        ToolSpec("ask_homeowner", ask_homeowner, AskArgs, QuestionRecorded,
                 "Ask the homeowner ONE clarifying question when a device, a deadline or a target "
                 "is missing or ambiguous. Ends your turn; the answer comes in the next message."),
        ToolSpec("get_plan", get_plan, NoArgs, PlanView,
                 "The latest proposal (runs, cost, saving, conflicts), or the active plan."),
        ToolSpec("explain", explain, ExplainArgs, Explanation,
                 "Why a device runs when it does: prices and PV during its run against starting "
                 "as soon as allowed, and the cheapest and dearest prices in its window."),
        ToolSpec("what_if", what_if, WhatIfArgs, WhatIfResult,
                 "Plan a changed draft (same arguments as update_requests) and compare its cost "
                 "with the proposal, without replacing it unless adopt is true.", blocking=True),
        ToolSpec("get_forecast", get_forecast, NoArgs, ForecastSummary,
                 "Import and export prices, PV production and base load over the horizon.",
                 blocking=True),
        ToolSpec("propose_plan", propose_plan, NoArgs, PlanView,
                 "Optimise the draft requests jointly (MILP) and propose the plan, or diagnose "
                 "why they cannot all be met.", blocking=True),
        ToolSpec("check_conflicts", check_conflicts, NoArgs, ConflictReport,
                 "Re-check the latest proposal for conflicts (grid limit, quiet hours, order, "
                 "overlaps, battery reserve, the active plan)."),
        ToolSpec("standing_orders", standing_orders, StandingArgs, StandingOrdersResult,
                 "Requests repeated every day/weekday/weekend: propose one (the homeowner "
                 "approves it), or list, pause, resume, cancel (optionally one device's)."),
        ToolSpec("verify_reply", verify_reply, NoArgs, ReplyCheck,
                 "Check that every number and time in the coordinator's last reply appears in a "
                 "tool result of this run."),
    )
}

ROLE_TOOLS: dict[str, tuple[str, ...]] = {
    "coordinator": ("update_requests", "ask_homeowner", "get_plan", "explain", "what_if",
                    "standing_orders"),
    "forecaster": ("get_forecast",),
    "scheduler": ("propose_plan",),
    "auditor": ("check_conflicts", "verify_reply"),
}


class SessionTool(BaseTool[StrictModel, BaseModel]):
    """One tool of :data:`SPECS` bound to a session.

    A :class:`~tools.errors.HearthError` from the planning core becomes a :class:`ToolFailure`;
    every result, failed or not, is recorded in the session's run state.
    """

    def __init__(self, spec: ToolSpec, session: PlanningSession) -> None:
        super().__init__(spec.args_type, spec.result_type, spec.name, spec.description)
        self._spec = spec
        self._session = session

    async def run(self, args: StrictModel, cancellation_token: CancellationToken) -> BaseModel:
        del cancellation_token
        if self._spec.blocking:
            return await asyncio.to_thread(self.call, args)
        return self.call(args)

    @property
    def schema(self) -> ToolSchema:
        """The JSON schema without pydantic's titles and ``null`` alternatives (fewer tokens)."""
        schema = super().schema
        return ToolSchema(
            name=schema["name"], description=schema.get("description", ""),
            parameters=compact_schema(dict(schema["parameters"])),  # type: ignore[typeddict-item]
            strict=schema.get("strict", False),
        )

    def return_value_as_string(self, value: Any) -> str:
        """JSON of the result (datetimes as ISO 8601), which is what the model reads."""
        if isinstance(value, BaseModel):
            return value.model_dump_json()
        return str(value)

    def call(self, args: StrictModel) -> BaseModel:
        """Run the tool synchronously (also handy in tests)."""
        try:
            result = self._spec.fn(self._session, args)
        except HearthError as err:
            result = ToolFailure(tool=self.name, error=str(err), field=getattr(err, "field", None))
        self._session.record(self.name, result, ok=not isinstance(result, ToolFailure))
        return result


def compact_schema(node: Any) -> Any:
    """Drop ``title`` keys, ``default: null`` and ``anyOf: [X, null]`` wrappers, recursively.

    Optional fields stay optional (they are not in ``required``); the model just reads less.
    """
    if isinstance(node, list):
        return [compact_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {k: compact_schema(v) for k, v in node.items() if k != "title"}
    if isinstance(node.get("properties"), dict):
        out["properties"] = {k: compact_schema(v) for k, v in node["properties"].items()}
    if out.get("default", 0) is None:
        del out["default"]
    options = out.get("anyOf")
    if isinstance(options, list):
        kept = [o for o in options if o != {"type": "null"}]
        if len(kept) == 1 and isinstance(kept[0], dict):
            del out["anyOf"]
            out = {**kept[0], **out}
    return out


class SessionWorkbench(StaticWorkbench):
    """A static workbench that reports :class:`ToolFailure` results as errors.

    AutoGen's own failures (malformed JSON, argument validation, unknown tool) are recorded in
    the session too, so a run knows about every failed call.
    """

    def __init__(self, session: PlanningSession, tools: list[SessionTool]) -> None:
        super().__init__(tools)
        self._session = session

    async def call_tool(
        self,
        name: str,
        arguments: Mapping[str, Any] | None = None,
        cancellation_token: CancellationToken | None = None,
        call_id: str | None = None,
    ) -> ToolResult:
        before = len(self._session.run.records)
        result = await super().call_tool(name, arguments, cancellation_token, call_id)
        if len(self._session.run.records) == before:
            text = result.to_text()
            self._session.record(name, ToolFailure(tool=name, error=text), ok=False)
            return result
        if not result.is_error and not self._session.run.records[-1].ok:
            return result.model_copy(update={"is_error": True})
        return result


def tools_for(role: str, session: PlanningSession) -> list[SessionTool]:
    """The tools of ``role`` bound to ``session``."""
    return [SessionTool(SPECS[name], session) for name in ROLE_TOOLS[role]]


def workbench_for(role: str, session: PlanningSession) -> SessionWorkbench:
    return SessionWorkbench(session, tools_for(role, session))


def result_json(result: BaseModel) -> str:
    """A result as the model sees it (what AutoGen's BaseTool sends)."""
    return json.dumps(result.model_dump(mode="json"))
