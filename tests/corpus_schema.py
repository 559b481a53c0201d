"""The dialogue corpus's schema (``tests/corpus/README.md``) and its loading, for the corpus tests.

pydantic models of a single message, a conversation and their expectations, strict about unknown
fields; ``corpus_lines``/``corpus_conversations`` read the files once per test session.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from tools.home import Home, load_home

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"

Status = Literal["proposed", "needs_clarification", "answered", "infeasible"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ExpectedRequest(_Strict):
    """One device's expected request; a field left out is not compared."""

    device: str
    kind: (
        Literal[
            "ev_charge", "appliance_run", "battery_target", "battery_floor",
            "battery_no_ev_discharge",
        ]
        | None
    ) = None  # fmt: skip
    deadline: AwareDatetime | None = None
    earliest_start: AwareDatetime | None = None
    target_soc_pct: float | None = Field(default=None, gt=0, le=100)
    floor_soc_pct: float | None = Field(default=None, gt=0, le=100)  # battery_floor only
    energy_kwh: float | None = Field(default=None, gt=0)
    objective: Literal["cost", "co2", "asap"] | None = None


class Expect(_Strict):
    """What the reply to one message must be (README, "A single message")."""

    status: Status | list[Status]
    requests: list[ExpectedRequest] | None = None
    cancelled: list[str] | None = None
    asks_about: Literal["device", "deadline", "target", "objective", "other"] | None = None
    quotes: list[str] | None = None
    answer: (
        Literal[
            "price", "why", "cost", "plan", "forecast", "state", "limit", "rule", "help", "refusal"
        ]
        | None
    ) = None
    mentions: list[str] | None = None
    language: Literal["en", "de"] | None = None

    @property
    def statuses(self) -> list[str]:
        return [self.status] if isinstance(self.status, str) else list(self.status)

    @model_validator(mode="after")
    def _consistent(self) -> Expect:
        statuses = self.statuses
        if not statuses or len(set(statuses)) != len(statuses):
            raise ValueError(f"status must name distinct statuses, got {statuses}")
        if self.requests is not None and not {"proposed", "infeasible"} & set(statuses):
            raise ValueError("requests are compared only with status proposed or infeasible")
        if self.asks_about and "needs_clarification" not in statuses:
            raise ValueError("asks_about needs status needs_clarification")
        if self.answer and "answered" not in statuses:
            raise ValueError("answer needs status answered")
        if statuses == ["needs_clarification"] and not self.asks_about:
            raise ValueError("a question must say what it asks about (asks_about)")
        if statuses == ["answered"] and not self.answer:
            raise ValueError("an answer must say what kind it is (answer)")
        return self


class Line(_Strict):
    """One single message of ``en.jsonl`` / ``de.jsonl``."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    id: str
    lang: Literal["en", "de"]
    class_: str = Field(alias="class")
    home: str
    now: AwareDatetime
    text: str = Field(min_length=1)
    expect: Expect


class ActionExpect(_Strict):
    active_devices: list[str]


class Turn(_Strict):
    """A homeowner's message, or a button pressed on the latest proposal."""

    now: AwareDatetime | None = None
    text: str | None = Field(default=None, min_length=1)
    action: Literal["approve", "reject", "choose"] | None = None
    option: int | None = Field(default=None, ge=1)
    expect: Expect | ActionExpect | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Turn:
        if (self.text is None) == (self.action is None):
            raise ValueError("a turn is either a text or an action")
        if self.text is not None and not isinstance(self.expect, Expect):
            raise ValueError("a message turn needs an expect with a status")
        if (self.action == "choose") != (self.option is not None):
            raise ValueError("option goes with action choose, and choose needs an option")
        if self.action == "approve" and not isinstance(self.expect, ActionExpect):
            raise ValueError("an approval expects active_devices")
        if self.action == "choose" and not isinstance(self.expect, Expect):
            raise ValueError("choosing an alternative expects a reply with a status")
        if self.action == "reject" and self.expect is not None:
            raise ValueError("a rejection has no expectation of its own")
        return self


class Conversation(_Strict):
    id: str = Field(pattern=r"^conv-\d{3}$")
    lang: Literal["en", "de"]
    home: str
    turns: list[Turn] = Field(min_length=2)


# -- loading ------------------------------------------------------------------------------------


def read_rows(name: str) -> list[tuple[int, dict[str, object]]]:
    path = CORPUS / name
    rows = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        assert raw.strip(), f"{name}:{number}: empty line"
        rows.append((number, json.loads(raw)))
    return rows


@cache
def corpus_lines(name: str) -> tuple[Line, ...]:
    return tuple(Line.model_validate(row) for _, row in read_rows(name))


@cache
def corpus_conversations() -> tuple[Conversation, ...]:
    return tuple(Conversation.model_validate(row) for _, row in read_rows("conversations.jsonl"))


@cache
def corpus_home(path: str) -> Home:
    return load_home(ROOT / path)


def all_messages() -> list[tuple[str, str, datetime, Expect]]:
    """(where, home, now, expect) for every single line and every conversation message."""
    out = [(line.id, line.home, line.now, line.expect) for name in ("en.jsonl", "de.jsonl")
           for line in corpus_lines(name)]  # fmt: skip
    for conv in corpus_conversations():
        now = conv.turns[0].now
        assert now is not None
        for index, turn in enumerate(conv.turns, start=1):
            now = turn.now or now
            if isinstance(turn.expect, Expect):
                out.append((f"{conv.id} turn {index}", conv.home, now, turn.expect))
    return out
