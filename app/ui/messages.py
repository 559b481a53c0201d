"""Chainlit messages of the plan card: the chart element, the action buttons, the active plan.

Every button carries a small typed payload (a plan number, a device id, an offered option's
number and label); the callbacks in :mod:`app.ui.decisions` check that the chat showed it before
acting. Labels and tooltips come from the conversation's language table (:mod:`app.labels`).
"""

from __future__ import annotations

import json
from datetime import datetime

import chainlit as cl
import plotly.graph_objects as go

from agents.tools import Option
from app.labels import labels
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


def proposal_actions(number: int, lang: str = "en") -> list[cl.Action]:
    """Approve, Adjust and Reject for the proposal numbered ``number``."""
    words = labels(lang)
    payload = {"plan_id": number}
    return [
        cl.Action(id=f"approve-{number}", name="approve_plan", payload=payload,
                  label=words.approve, icon="check",
                  tooltip=words.approve_tip.format(number=number)),
        cl.Action(id=f"adjust-{number}", name="adjust_plan", payload=payload,
                  label=words.adjust, icon="pencil", tooltip=words.adjust_tip),
        cl.Action(id=f"reject-{number}", name="reject_plan", payload=payload,
                  label=words.reject, icon="x", tooltip=words.reject_tip),
    ]


def option_actions(options: list[Option], lang: str = "en") -> list[cl.Action]:
    """One button per option the reply offers (``RunResult.options``), labelled as the reply
    words it; pressing option N is saying "option N" to the team (:mod:`app.ui.decisions`)."""
    return [
        cl.Action(id=f"option-{number}", name="choose_option",
                  payload={"number": number, "label": option.label, "device": option.device},
                  label=option.label[:1].upper() + option.label[1:],
                  tooltip=labels(lang).choice_tip)
        for number, option in enumerate(options, start=1)
    ]


def what_if_action(lang: str = "en") -> cl.Action:
    words = labels(lang)
    return cl.Action(id="adopt-what-if", name="adopt_what_if", payload={},
                     label=words.switch, icon="check", tooltip=words.switch_tip)


def cancel_actions(commitments: list[Commitment], now: datetime, lang: str = "en"
                   ) -> list[cl.Action]:
    """A "Cancel …" button for each approved device run still ahead."""
    words = labels(lang)
    return [
        cl.Action(id=f"cancel-{c.device}", name="cancel_run", payload={"device": c.device},
                  label=words.cancel_run.format(name=c.name or c.device.replace("_", " ")),
                  icon="trash-2", tooltip=words.cancel_run_tip)
        for c in commitments
        if c.kind != "battery" and c.end is not None and c.end > now
    ]


def active_plan_text(commitments: list[Commitment], home: Home, *, me: str) -> str:
    """The active plan: its approved runs, with who approved them in which plan."""
    runs = commitments_markdown(commitments, home.tariff.currency, home.timezone, me=me)
    return f"### Your active plan\n\n{runs}"
