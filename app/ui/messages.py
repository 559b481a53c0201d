"""Chainlit messages of the plan card: the chart element, the action buttons, the active plan.

Every button carries a small typed payload (a plan number, a device id, an alternative's fields);
the callbacks in :mod:`app.ui.chainlit_app` check that the chat showed it before acting.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import chainlit as cl
import plotly.graph_objects as go

from app.card import Choice, InfeasibleCard, choice_fields
from app.render import commitments_markdown
from app.ui.chart import CHART_CONFIG, plan_figure
from app.ui.heat_chart import heat_figure
from tools.home import Home
from tools.results import Commitment, Plan


def figure_element(figure: go.Figure, name: str) -> cl.Plotly:
    """A Plotly figure for the chat, without Plotly's mode bar (it covered an axis on a phone)."""
    element = cl.Plotly(name=name, figure=figure, display="inline", size="large")
    content = json.loads(element.content)
    content["config"] = CHART_CONFIG
    element.content = json.dumps(content)
    return element


def chart_element(plan: Plan, home: Home, name: str, now: datetime | None = None) -> cl.Plotly:
    """The plan's chart (:func:`app.ui.chart.plan_figure`)."""
    return figure_element(plan_figure(plan, home, now=now), name)


def plan_elements(plan: Plan, home: Home, name: str, now: datetime | None = None
                  ) -> list[cl.Plotly]:
    """The plan's chart (named ``name``), and its temperature chart (``temperatures-<name>``)
    when it has tanks or heat pumps."""
    elements = [chart_element(plan, home, name, now)]
    temperatures = heat_figure(plan, tz_name=home.timezone)
    if temperatures is not None:
        elements.append(figure_element(temperatures, f"temperatures-{name}"))
    return elements


def proposal_actions(number: int) -> list[cl.Action]:
    """Approve, Adjust and Reject for the proposal numbered ``number``."""
    payload = {"plan_id": number}
    return [
        cl.Action(id=f"approve-{number}", name="approve_plan", payload=payload,
                  label="Approve", icon="check", tooltip=f"Approve plan {number}"),
        cl.Action(id=f"adjust-{number}", name="adjust_plan", payload=payload,
                  label="Adjust", icon="pencil", tooltip="Change something and plan again"),
        cl.Action(id=f"reject-{number}", name="reject_plan", payload=payload,
                  label="Reject", icon="x", tooltip="Say what should change"),
    ]


def choice_actions(card: InfeasibleCard) -> list[cl.Action]:
    """One button per achievable alternative: it becomes the request and Hearth plans again."""
    actions = []
    for p_index, problem in enumerate(card.problems):
        for c_index, choice in enumerate(problem.choices):
            actions.append(cl.Action(
                id=f"choice-{p_index}-{c_index}", name="choose_alternative",
                payload=_choice_payload(choice), label=choice.label,
                tooltip="Plan with this instead"))
    return actions


def _choice_payload(choice: Choice) -> dict[str, Any]:
    fields = {k: (v.isoformat() if isinstance(v, datetime) else v)
              for k, v in choice_fields(choice.alternative).items()}
    return {"device": choice.alternative.device, "fields": fields}


def what_if_action() -> cl.Action:
    return cl.Action(id="adopt-what-if", name="adopt_what_if", payload={},
                     label="Switch to this plan", icon="check",
                     tooltip="Make this what-if the proposal")


def cancel_actions(commitments: list[Commitment], now: datetime) -> list[cl.Action]:
    """A "Cancel …" button for each approved device run still ahead."""
    return [
        cl.Action(id=f"cancel-{c.device}", name="cancel_run", payload={"device": c.device},
                  label=f"Cancel {c.name or c.device.replace('_', ' ')}", icon="trash-2",
                  tooltip="Plan without this run; you approve the change")
        for c in commitments
        if c.kind != "battery" and c.end is not None and c.end > now
    ]


def active_plan_text(commitments: list[Commitment], home: Home, *, me: str) -> str:
    """The active plan: its approved runs, with who approved them in which plan."""
    runs = commitments_markdown(commitments, home.tariff.currency, home.timezone, me=me)
    return f"### Your active plan\n\n{runs}"
