"""Typed tool adapters over :mod:`tools`, bound to one :class:`~agents.session.PlanningSession`.

Every tool takes a pydantic argument model (``extra="forbid"``) and returns a pydantic result
model, which AutoGen sends to the model as JSON. The numbers in a result are computed here from the
planning core (never typed by a model) and rounded for reading: money to 2 decimals, prices to 4,
energies and powers to 2, percentages to 1. Times are ISO 8601 in the home's time zone.

Errors: the planning core raises :class:`~tools.errors.HearthError` subclasses with messages that
name the field and the reason. An adapter catches exactly those and returns a
:class:`ToolFailure`; :class:`SessionWorkbench` marks such results (and AutoGen's own argument
validation errors) as ``is_error`` so the UI and the run status see them. Nothing else is caught.

Tools per role
--------------
coordinator  ``update_requests``, ``ask_homeowner``, ``get_plan``, ``explain``, ``what_if``
forecaster   ``get_forecast``
scheduler    ``propose_plan``
auditor      ``check_conflicts``, ``verify_reply``

No tool approves or applies a plan.

Time arguments
--------------
Deadlines and earliest starts accept ``"HH:MM"`` (the next such local time after now; ``"24:00"``
is the coming midnight), ``"today HH:MM"``, ``"tomorrow HH:MM"``, ``"+3h"`` / ``"+90min"`` (from
now), an ISO 8601 time with offset, ``"now"`` (earliest start only) and ``"horizon_end"`` (deadline
only, for a homeowner who leaves the time open). A *new* request must carry a deadline: the tool
refuses to invent one, so the model has to ask.

Modules
-------
``models``    the typed arguments and results
``views``     the agents' view of plans, conflicts and diagnoses (rounded, with device names)
``requests``  ``update_requests`` and ``ask_homeowner``; reading time and device arguments
``planning``  ``get_plan``, ``propose_plan``, ``what_if``
``explain``   ``get_forecast``, ``explain``
``checks``    ``check_conflicts``, ``verify_reply``
``standing``  ``standing_orders``: propose, list, pause, resume or cancel standing orders
``binding``   the specs per role, :class:`SessionTool`, :class:`SessionWorkbench`
"""

from agents.tools.binding import (
    ROLE_TOOLS,
    SPECS,
    SessionTool,
    SessionWorkbench,
    ToolSpec,
    compact_schema,
    result_json,
    tools_for,
    workbench_for,
)
from agents.tools.checks import check_conflicts, verify_reply
from agents.tools.explain import explain, get_forecast
from agents.tools.models import (
    AlternativeView,
    AskArgs,
    BindingView,
    ConflictReport,
    ConflictView,
    DiagnosisView,
    DraftResult,
    ExplainArgs,
    Explanation,
    ForecastSummary,
    NoArgs,
    PlanView,
    QuestionRecorded,
    ReplyCheck,
    RequestChange,
    RunView,
    StrictModel,
    ToolFailure,
    ToolOutput,
    UpdateRequestsArgs,
    WhatIfArgs,
    WhatIfResult,
)
from agents.tools.planning import get_plan, propose_plan, what_if
from agents.tools.requests import (
    apply_changes,
    ask_homeowner,
    resolve_device,
    resolve_when,
    update_requests,
)
from agents.tools.standing import StandingArgs, StandingOrdersResult, standing_orders
from agents.tools.views import device_label, device_name, plan_view

__all__ = [
    "ROLE_TOOLS", "SPECS", "AlternativeView", "AskArgs", "BindingView", "ConflictReport",
    "ConflictView", "DiagnosisView", "DraftResult", "ExplainArgs", "Explanation",
    "ForecastSummary", "NoArgs", "PlanView", "QuestionRecorded", "ReplyCheck", "RequestChange",
    "RunView", "SessionTool", "SessionWorkbench", "StandingArgs", "StandingOrdersResult",
    "StrictModel", "ToolFailure", "ToolOutput",
    "ToolSpec", "UpdateRequestsArgs", "WhatIfArgs", "WhatIfResult", "apply_changes",
    "ask_homeowner", "check_conflicts", "compact_schema", "device_label", "device_name",
    "explain", "get_forecast", "get_plan", "plan_view", "propose_plan", "resolve_device",
    "resolve_when", "result_json", "standing_orders", "tools_for", "update_requests", "verify_reply",
    "what_if", "workbench_for",
]
