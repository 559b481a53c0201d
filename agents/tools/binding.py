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
    StateArgs,
    StateRecorded,
    StrictModel,
    ToolFailure,
    UpdateRequestsArgs,
    WhatIfArgs,
    WhatIfResult,
)
from agents.tools.planning import get_plan, propose_plan, what_if
from agents.tools.requests import ask_homeowner, record_state, update_requests
from agents.tools.standing import StandingArgs, StandingOrdersResult, standing_orders
from tools.errors import HearthError
from tools.home import HeatPump, Home, WaterTank

ToolFn = Callable[[PlanningSession, Any], BaseModel]


@dataclass(frozen=True)
class ToolSpec:
    name: str
    fn: ToolFn
    args_type: type[StrictModel]
    result_type: type[BaseModel]
    description: str
    blocking: bool = False
    #: Field descriptions the model has already read in another tool's schema (what_if takes
    #: update_requests' arguments): only the fields are sent, not their descriptions again.
    described_elsewhere: bool = False


SPECS: dict[str, ToolSpec] = {
    spec.name: spec
    for spec in (
        ToolSpec("update_requests", update_requests, UpdateRequestsArgs, DraftResult,
                 "Add, change or cancel the homeowner's device requests (one per device). "
                 "Fields you leave out keep their draft value. The scheduler then plans the draft."),
        ToolSpec("ask_homeowner", ask_homeowner, AskArgs, QuestionRecorded,
                 "Ask the homeowner ONE clarifying question when a device, a deadline or a target "
                 "is missing or ambiguous. Ends your turn; the answer comes in the next message."),
        ToolSpec("record_state", record_state, StateArgs, StateRecorded,
                 "Record a charge level the homeowner reports ('my car is at 50%'); it holds for "
                 "the rest of this conversation. It is not a target."),
        ToolSpec("get_plan", get_plan, NoArgs, PlanView,
                 "The latest proposal (runs, cost, saving, conflicts), or the active plan."),
        ToolSpec("explain", explain, ExplainArgs, Explanation,
                 "Why a device runs when it does: prices and PV during its run against starting "
                 "as soon as allowed, and the cheapest and dearest prices in its window."),
        ToolSpec("what_if", what_if, WhatIfArgs, WhatIfResult,
                 "Plan a changed draft (same arguments as update_requests) and compare its cost "
                 "with the proposal, without replacing it unless adopt is true.", blocking=True,
                 described_elsewhere=True),
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
                 "Requests repeated every day, weekday or weekend: propose one (a human "
                 "approves it); list, pause, resume or cancel them (all, or one device's)."),
        ToolSpec("verify_reply", verify_reply, NoArgs, ReplyCheck,
                 "Check that every number and time in the coordinator's last reply appears in a "
                 "tool result of this run."),
    )
}

ROLE_TOOLS: dict[str, tuple[str, ...]] = {
    "coordinator": ("update_requests", "ask_homeowner", "record_state", "get_plan", "explain", "what_if",
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
        """The JSON schema without pydantic's titles and ``null`` alternatives, and without the
        request fields of device kinds the home lacks (fewer tokens; a call naming one of them
        is still validated and refused by the tool)."""
        schema = super().schema
        parameters = without_fields(
            compact_schema(dict(schema["parameters"])), unused_fields(self._session.home)
        )
        if self._spec.described_elsewhere:
            parameters = without_nested_descriptions(parameters)
        return ToolSchema(
            name=schema["name"], description=schema.get("description", ""),
            parameters=parameters,  # type: ignore[typeddict-item]
            strict=schema.get("strict", False),
        )

    def return_value_as_string(self, value: Any) -> str:
        """JSON of the result (datetimes as ISO 8601), which is what the model reads; fields
        without a value are left out (fewer tokens, nothing lost)."""
        if isinstance(value, BaseModel):
            return result_json(value)
        return str(value)

    def call(self, args: StrictModel) -> BaseModel:
        """Run the tool synchronously (also handy in tests)."""
        try:
            result = self._spec.fn(self._session, args)
        except HearthError as err:
            result = ToolFailure(tool=self.name, error=str(err), field=getattr(err, "field", None))
        self._session.record(self.name, result, ok=not isinstance(result, ToolFailure))
        return result


#: Request fields that only mean something for some device kinds.
_KIND_FIELDS = {
    WaterTank: ("target_temp_c", "draw_litres"),
    HeatPump: ("min_temp_c", "max_temp_c"),
}


def unused_fields(home: Home) -> frozenset[str]:
    """Request fields no device of ``home`` takes (a home without a tank needs no draw_litres)."""
    devices = home.devices()
    unused = {name for kind, names in _KIND_FIELDS.items()
              if not any(isinstance(d, kind) for d in devices) for name in names}
    if not any(isinstance(d, WaterTank | HeatPump) for d in devices):
        unused.add("mode")
    return frozenset(unused)


def without_fields(node: Any, names: frozenset[str]) -> Any:
    """``node`` (a JSON schema) with the properties ``names`` removed wherever they appear."""
    if isinstance(node, list):
        return [without_fields(item, names) for item in node]
    if not isinstance(node, dict):
        return node
    out = {k: without_fields(v, names) for k, v in node.items()}
    if isinstance(out.get("properties"), dict):
        out["properties"] = {k: v for k, v in out["properties"].items() if k not in names}
    return out


def without_nested_descriptions(node: Any, *, depth: int = 0) -> Any:
    """``node`` (a JSON schema) without ``description`` keys below its top-level properties."""
    if isinstance(node, list):
        return [without_nested_descriptions(item, depth=depth + 1) for item in node]
    if not isinstance(node, dict):
        return node
    return {k: without_nested_descriptions(v, depth=depth + 1) for k, v in node.items()
            if not (k == "description" and depth > 2)}


def compact_schema(node: Any, *, top: bool = True) -> Any:
    """Drop ``title`` keys, empty or false defaults, ``anyOf: [X, null]`` wrappers and, below the
    top level, ``additionalProperties: false`` and the descriptions of nested objects (a model's
    docstring; the coordinator prompt says how requests are filled), recursively.

    Optional fields stay optional (they are not in ``required``) and unknown fields are still
    refused (pydantic validates every call); the model just reads less.
    """
    if isinstance(node, list):
        return [compact_schema(item, top=False) for item in node]
    if not isinstance(node, dict):
        return node
    out = {k: compact_schema(v, top=False) for k, v in node.items() if k != "title"}
    if isinstance(node.get("properties"), dict):
        out["properties"] = {k: compact_schema(v, top=False) for k, v in node["properties"].items()}
    if "default" in out and out["default"] in (None, False, []):
        del out["default"]
    if not top and out.get("additionalProperties") is False:
        del out["additionalProperties"]
    if not top and isinstance(out.get("properties"), dict):
        out.pop("description", None)
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
    """The tools of ``role`` bound to ``session``; ``standing_orders`` only when the session has
    standing orders (a tool that could only fail is not offered, and costs no tokens)."""
    names = [n for n in ROLE_TOOLS[role] if n != "standing_orders" or session.standing is not None]
    return [SessionTool(SPECS[name], session) for name in names]


def workbench_for(role: str, session: PlanningSession) -> SessionWorkbench:
    return SessionWorkbench(session, tools_for(role, session))


def result_json(result: BaseModel) -> str:
    """A result as the model sees it: JSON without fields that are ``None``, and without optional
    fields that are empty (``[]``, ``{}``), so the text still validates as the result."""
    data = result.model_dump(mode="json", exclude_none=True)
    empty = {name for name, field in type(result).model_fields.items()
             if not field.is_required() and data.get(name) in ([], {})}
    return json.dumps({k: v for k, v in data.items() if k not in empty}, ensure_ascii=False,
                      separators=(",", ":"))
