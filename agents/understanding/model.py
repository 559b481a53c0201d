"""The reader's typed results: a :class:`Reading` of one message, its requests, questions and
limits, and the :class:`Memory` of the conversation it is read in."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from agents.understanding.amounts import AmountReading
from agents.understanding.language import WORDS, Language, Words
from agents.understanding.normalise import Normalised
from agents.understanding.times import TimeReading

Span = tuple[int, int]
#: A number in normalised text.
NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?![\w])")


@dataclass
class Memory:
    """What the reader knows of the conversation before this message (from the session)."""

    draft: tuple[str, ...] = ()
    approved: tuple[str, ...] = ()  # devices with an approved request not in the draft
    deadlines: dict[str, str] = field(default_factory=dict)  # device → local ISO deadline
    focus: tuple[str, ...] = ()
    pending_texts: tuple[str, ...] = ()
    pending_missing: str | None = None
    options: tuple[dict[str, Any], ...] = ()
    what_if: dict[str, Any] | None = None
    state: dict[str, float] = field(default_factory=dict)
    lang: Language = "en"

    @property
    def requested(self) -> tuple[str, ...]:
        """Devices with a request: in the draft, or approved (a change revises it)."""
        return (*self.draft, *(d for d in self.approved if d not in self.draft))

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Memory:
        if not data:
            return cls()
        pending = data.get("pending") or {}
        requests = [r for r in (*data.get("approved", []), *data.get("draft", [])) if isinstance(r, dict)]
        return cls(
            draft=tuple(r.get("device", "") for r in data.get("draft", []) if isinstance(r, dict)),
            approved=tuple(r.get("device", "") for r in data.get("approved", []) if isinstance(r, dict)),
            deadlines={r["device"]: r["deadline"] for r in requests if r.get("device") and r.get("deadline")},
            focus=tuple(data.get("focus", [])),
            pending_texts=tuple(pending.get("texts", [])),
            pending_missing=(pending.get("missing") or [None])[0],
            options=tuple(
                {k: v for k, v in o.items() if k not in ("label", "number")}
                for o in data.get("options", []) if isinstance(o, dict)
            ),
            what_if=data.get("what_if"),
            state={k: float(v) for k, v in (data.get("state") or {}).items()},
            lang=data.get("language", "en") if data.get("language") in ("en", "de") else "en",
        )


@dataclass
class ReadRequest:
    """One device request read from the text (``None``: not said)."""

    device: str | None
    candidates: tuple[str, ...] = ()
    unknown: str | None = None
    action: str = "set"  # set | cancel | exclude
    battery: str | None = None  # target | floor | no_ev_discharge
    deadline: datetime | None = None
    earliest: datetime | None = None
    open_end: bool = False
    start_at: bool = False
    target_soc_pct: float | None = None
    energy_kwh: float | None = None
    charge_full: bool = False
    objective: str | None = None
    target_temp_c: float | None = None  # a tank: at least this hot by the deadline [°C]
    draw_litres: float | None = None  # a tank: hot water used at the deadline [l]
    draw_default: str | None = None  # "bath" / "shower": the litres are the usual amount
    min_temp_c: float | None = None  # a heat pump: coldest indoors in the period [°C]
    max_temp_c: float | None = None  # a heat pump: warmest indoors in the period [°C]
    mode: str | None = None  # device "home": eco | comfort | away for the period
    times: TimeReading = field(default_factory=TimeReading)
    amounts: AmountReading = field(default_factory=AmountReading)
    signal: bool = False
    text: str = ""
    offset: int = 0

    def has_time(self) -> bool:
        return self.deadline is not None or self.open_end or self.earliest is not None

    def has_amount(self) -> bool:
        return self.target_soc_pct is not None or self.charge_full or self.energy_kwh is not None


@dataclass(frozen=True)
class Ask:
    """A question to ask: the missing fact, the request it is about, the words to quote, why."""

    slot: str  # device | deadline | target | other
    index: int
    reason: str
    quote: str = ""
    extra: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Limit:
    """An impossible or unsafe ask and the home-file limit that stops it."""

    kind: str  # power | above_max | below_floor | past | beyond_horizon | energy
    device: str | None
    value: Any
    quote: str = ""


@dataclass
class Reading:
    """Everything one message says, for the offline model's policy (and the tools' checks)."""

    text: str
    lang: Language
    norm: Normalised
    requests: list[ReadRequest] = field(default_factory=list)
    question: str | None = None  # why | cost | plan | price | forecast | what_if | help
    question_device: str | None = None
    question_at: str | None = None  # local HH:MM
    state: dict[str, float] = field(default_factory=dict)
    ignore_rules: bool = False
    refused: bool = False
    choose: int | None = None
    adopt: bool = False
    standing_action: str | None = None  # pause | resume | cancel | list: the standing orders
    standing_this_week: bool = False
    standing_days: str | None = None  # daily | weekdays | weekends: the requests repeat
    standing_earliest: str | None = None  # local "HH:MM" a repeating request's window opens
    asks: list[Ask] = field(default_factory=list)
    limits: list[Limit] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)
    used: list[Span] = field(default_factory=list)

    @property
    def words(self) -> Words:
        return WORDS[self.lang]
