"""What a message states explicitly, so the tools can check a model's requests against it.

Whatever the model, ``update_requests`` refuses a request that contradicts a value the
homeowner stated and the reader could check: a charge level or energy they did not say, a time
of day they did not say, a device they did not name, or one reading of a bare hour ("by 7")
chosen without asking. The session computes these facts once per homeowner message
(:meth:`agents.session.PlanningSession.begin_run`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from agents.understanding.devices import Vocabulary, find_devices
from agents.understanding.reader import Memory, understand
from agents.understanding.times import Clockwork


@dataclass(frozen=True)
class MessageFacts:
    """Explicit values of one homeowner message (empty sets: nothing to check)."""

    language: str
    devices: frozenset[str] = frozenset()
    unnamed: bool = False  # a clause without a device name ("make it 90%")
    minutes: frozenset[int] = frozenset()  # local times of day stated [min]
    ambiguous: tuple[tuple[str, int, int], ...] = ()  # (quote, morning, evening) [min]
    percents: frozenset[float] = frozenset()
    energies_kwh: frozenset[float] = frozenset()
    notes: tuple[str, ...] = field(default_factory=tuple)


def _minute(moment: datetime, tz: ZoneInfo) -> int:
    local = moment.astimezone(tz)
    return local.hour * 60 + local.minute


def message_facts(text: str, home: Any, now: datetime, memory: dict[str, Any] | None = None) -> MessageFacts:
    """The explicit facts of ``text`` for ``home`` at ``now`` (see the module docstring)."""
    tz = ZoneInfo(home.timezone)
    vocab = Vocabulary.from_home(home)
    reading = understand(text, vocab, Clockwork(now, tz), Memory.from_json(memory))
    devices = {m.device for m in find_devices(reading.norm.text, vocab) if m.device}
    minutes: set[int] = set()
    ambiguous: list[tuple[str, int, int]] = []
    percents: set[float] = set()
    energies: set[float] = set()
    for r in reading.requests:
        for moment in (r.times.deadline, r.times.earliest):
            if moment is not None and not r.times.day_part:
                minutes.add(_minute(moment, tz))
        if r.times.ambiguous is not None:
            quote, morning, evening = r.times.ambiguous
            ambiguous.append((quote, _minute(morning, tz), _minute(evening, tz)))
        if r.amounts.target_soc_pct is not None:
            percents.add(r.amounts.target_soc_pct)
        if r.amounts.floor_pct is not None:
            percents.add(r.amounts.floor_pct)
        if r.amounts.energy_kwh is not None:
            energies.add(r.amounts.energy_kwh)
    return MessageFacts(
        language=reading.lang,
        devices=frozenset(d for d in devices if d),
        unnamed=any(r.device not in devices for r in reading.requests) or not reading.requests,
        minutes=frozenset(minutes),
        ambiguous=tuple(ambiguous),
        percents=frozenset(percents),
        energies_kwh=frozenset(energies),
        notes=tuple(reading.notes),
    )
