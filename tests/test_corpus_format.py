"""The dialogue corpus (``tests/corpus/``) follows its README, and its expectations fit the homes.

These tests read the corpus only; no model runs here. They check the format (every line parses into
the schema of ``corpus_schema``; ids, classes, languages, homes and devices are known; times carry
the home's own UTC offset at that instant, which catches a wrong DST offset written by hand), the
size and spread the issue asks for, and the physics behind the expectations: a request the corpus
expects Hearth to propose fits the home on its own, and a line that must be ``infeasible`` is
infeasible even with minute-exact timing. A reader who changes a convention or a home file learns
here which lines it moves.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from corpus_schema import (
    ActionExpect,
    Conversation,
    Expect,
    ExpectedRequest,
    Line,
    all_messages,
    corpus_conversations,
    corpus_home,
    corpus_lines,
    read_rows,
)
from pydantic import ValidationError

from tools.home import Appliance, Ev, Home

HOMES = ("examples/home.yaml", "examples/home-us-tou.yaml")
CLASSES = (
    "deadline_clock", "spelled_time", "relative_time", "day_part", "weekday_date", "bare_hour",
    "amount_pct", "amount_words", "amount_energy", "amount_range", "default_target", "objective",
    "device_fuzzy", "device_ambiguous", "device_unknown", "multi_device", "dependency",
    "earliest_start", "cancel", "negation", "question_price", "question_why", "question_cost",
    "question_plan", "question_forecast", "state_report", "battery", "house_rule", "limit",
    "missing_time", "near_midnight", "injection", "off_topic", "greeting",
)  # fmt: skip
GERMAN_SKIPPED: frozenset[str] = frozenset()  # every class has a German form (README, "German")
MIN_LINES = {"en": 420, "de": 160}
MIN_PER_CLASS = {"en": 8, "de": 5}
MIN_CONVERSATIONS = 32
MIN_GERMAN_CONVERSATIONS = 5
HORIZON = timedelta(hours=72)
STEP = timedelta(minutes=15)  # Hearth's default step: a plan's runs start and end on its bounds
TOLERANCE_H = 1e-6


# -- format -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["en.jsonl", "de.jsonl", "conversations.jsonl"])
def test_every_line_parses_into_the_schema(name: str) -> None:
    model = Conversation if name == "conversations.jsonl" else Line
    problems = []
    for number, row in read_rows(name):
        try:
            model.model_validate(row)
        except ValidationError as err:
            problems.append(f"{name}:{number}: {err}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("name", "lang"), [("en.jsonl", "en"), ("de.jsonl", "de")])
def test_ids_are_unique_and_name_their_language_and_class(name: str, lang: str) -> None:
    lines = corpus_lines(name)
    ids = [line.id for line in lines]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]
    for line in lines:
        assert line.lang == lang, line.id
        assert line.class_ in CLASSES, f"{line.id}: unknown class {line.class_!r}"
        assert re.fullmatch(rf"{lang}-{line.class_}-\d{{3}}", line.id), line.id
    conv_ids = [conv.id for conv in corpus_conversations()]
    assert len(conv_ids) == len(set(conv_ids))


def test_every_time_carries_the_home_offset_at_that_instant() -> None:
    """``2026-10-25T03:00+01:00`` in Berlin is right (after the autumn change), ``+02:00`` is not."""
    problems = []
    for where, home_path, now, expect in all_messages():
        assert home_path in HOMES, f"{where}: unknown home {home_path}"
        zone = ZoneInfo(corpus_home(home_path).timezone)
        stamps = [("now", now)]
        for request in expect.requests or ():
            stamps += [("deadline", request.deadline), ("earliest_start", request.earliest_start)]
        for field, stamp in stamps:
            if stamp is not None and stamp.utcoffset() != stamp.astimezone(zone).utcoffset():
                problems.append(f"{where}: {field} {stamp.isoformat()} is not {zone.key} time")
    assert not problems, "\n".join(problems)


def test_devices_and_kinds_exist_in_the_home() -> None:
    problems = []
    for where, home_path, _, expect in all_messages():
        home = corpus_home(home_path)
        ids = {device.id for device in home.devices()}
        seen: set[tuple[str, str | None]] = set()
        for request in expect.requests or ():
            if request.device not in ids:
                problems.append(f"{where}: {request.device} is not a device of {home_path}")
                continue
            device = home.device(request.device)
            battery_kind = request.kind is not None and request.kind.startswith("battery")
            if device is home.battery and not battery_kind:
                problems.append(f"{where}: a battery request names its kind")
            if device is not home.battery and battery_kind:
                problems.append(f"{where}: {request.kind} on {request.device}")
            if isinstance(device, Appliance) and (request.target_soc_pct or request.energy_kwh):
                problems.append(f"{where}: an appliance has no target or energy")
            key = (request.device, request.kind)
            if key in seen:
                problems.append(f"{where}: two requests for {key}")
            seen.add(key)
        for device_id in expect.cancelled or ():
            if device_id not in ids:
                problems.append(f"{where}: cancelled {device_id} is not a device of {home_path}")
    for conv in corpus_conversations():
        ids = {device.id for device in corpus_home(conv.home).devices()}
        for turn in conv.turns:
            if isinstance(turn.expect, ActionExpect):
                problems += [
                    f"{conv.id}: active {d} unknown"
                    for d in turn.expect.active_devices
                    if d not in ids
                ]
    assert not problems, "\n".join(problems)


def test_expected_times_lie_after_now_and_within_the_horizon() -> None:
    """Deadlines and earliest starts are after ``now`` (a start already begun is not written);
    a planned or infeasible deadline is within Hearth's 72 h horizon."""
    problems = []
    for where, _, now, expect in all_messages():
        planned = {"proposed", "infeasible"} & set(expect.statuses)
        for request in expect.requests or ():
            start, deadline = request.earliest_start, request.deadline
            if deadline is not None and deadline <= now:
                problems.append(f"{where}: deadline {deadline.isoformat()} is not after now")
            if deadline is not None and planned and deadline - now > HORIZON:
                problems.append(f"{where}: deadline {deadline.isoformat()} is beyond 72 h")
            if start is not None and start <= now:
                problems.append(f"{where}: earliest_start {start.isoformat()} is not after now")
            if start is not None and deadline is not None and deadline <= start:
                problems.append(f"{where}: deadline before earliest_start")
    assert not problems, "\n".join(problems)


def test_quotes_are_the_homeowners_own_words() -> None:
    problems = []
    for name in ("en.jsonl", "de.jsonl"):
        for line in corpus_lines(name):
            problems += [
                f"{line.id}: {quote!r} is not in the text"
                for quote in line.expect.quotes or ()
                if quote.lower() not in line.text.lower()
            ]
    for conv in corpus_conversations():
        for turn in conv.turns:
            if isinstance(turn.expect, Expect) and turn.text is not None:
                problems += [
                    f"{conv.id}: {quote!r} is not in {turn.text!r}"
                    for quote in turn.expect.quotes or ()
                    if quote.lower() not in turn.text.lower()
                ]
    assert not problems, "\n".join(problems)


def test_planned_single_lines_state_their_requests() -> None:
    """A single message that may be proposed or found infeasible says what it must read."""
    for name in ("en.jsonl", "de.jsonl"):
        for line in corpus_lines(name):
            if {"proposed", "infeasible"} & set(line.expect.statuses):
                assert line.expect.requests, f"{line.id}: requests missing"


def test_conversations_start_with_now_and_never_go_back_in_time() -> None:
    for conv in corpus_conversations():
        assert conv.turns[0].now is not None, f"{conv.id}: the first turn needs now"
        assert conv.turns[0].text is not None, f"{conv.id}: starts with a message"
        times = [turn.now for turn in conv.turns if turn.now is not None]
        assert times == sorted(times), f"{conv.id}: now goes backwards"


# -- size and spread -----------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "lang"), [("en.jsonl", "en"), ("de.jsonl", "de")])
def test_each_language_has_its_lines_and_every_class(name: str, lang: str) -> None:
    lines = corpus_lines(name)
    assert len(lines) >= MIN_LINES[lang]
    per_class = Counter(line.class_ for line in lines)
    required = [c for c in CLASSES if not (lang == "de" and c in GERMAN_SKIPPED)]
    thin = {c: per_class[c] for c in required if per_class[c] < MIN_PER_CLASS[lang]}
    assert not thin, f"classes with fewer than {MIN_PER_CLASS[lang]} {lang} lines: {thin}"


def test_both_homes_and_a_mix_of_outcomes_are_covered() -> None:
    en = corpus_lines("en.jsonl")
    assert {line.home for line in en} == set(HOMES)
    for lines in (en, corpus_lines("de.jsonl")):
        outcomes = Counter(s for line in lines for s in line.expect.statuses)
        assert set(outcomes) == {"proposed", "needs_clarification", "answered", "infeasible"}
        assert outcomes["proposed"] > len(lines) / 3  # many plain plans
        nows = {line.now.astimezone(ZoneInfo(corpus_home(line.home).timezone)) for line in lines}
        assert any(t.hour == 23 and t.minute >= 40 for t in nows)  # near midnight
        assert any(t.weekday() >= 5 for t in nows)  # weekends
        assert any(t.hour < 8 for t in nows) and any(t.hour >= 17 for t in nows)
        assert {t.utcoffset() for t in nows} >= {timedelta(hours=1), timedelta(hours=2)}


def test_conversations_cover_the_follow_ups_of_the_issue() -> None:
    convs = corpus_conversations()
    assert len(convs) >= MIN_CONVERSATIONS
    assert sum(conv.lang == "de" for conv in convs) >= MIN_GERMAN_CONVERSATIONS
    actions = Counter(turn.action for conv in convs for turn in conv.turns if turn.action)
    assert {"approve", "reject", "choose"} <= set(actions)
    messages = [
        (turn.expect, prev)
        for conv in convs
        for prev, turn in zip([None, *conv.turns], conv.turns, strict=False)
        if isinstance(turn.expect, Expect)
    ]
    assert any(e.cancelled for e, _ in messages)  # cancel
    assert any(e.answer == "why" for e, _ in messages)  # ask why
    assert any(  # answer a question
        prev is not None and isinstance(prev.expect, Expect)
        and prev.expect.statuses == ["needs_clarification"] and e.statuses == ["proposed"]
        for e, prev in messages
    )  # fmt: skip
    assert any(  # an infeasible ask adjusted
        prev is not None and isinstance(prev.expect, Expect)
        and prev.expect.statuses == ["infeasible"] and e.statuses == ["proposed"]
        for e, prev in messages
    )  # fmt: skip


# -- physics -------------------------------------------------------------------------------------


def _ceil_step(t: datetime) -> datetime:
    seconds = t.timestamp()
    step = STEP.total_seconds()
    return datetime.fromtimestamp(math.ceil(seconds / step) * step, t.tzinfo)


def _floor_step(t: datetime) -> datetime:
    step = STEP.total_seconds()
    return datetime.fromtimestamp(math.floor(t.timestamp() / step) * step, t.tzinfo)


def _ev_fits(ev: Ev, request: ExpectedRequest, start: datetime, end: datetime) -> bool:
    """Whether the car can store the request's energy [kWh] between ``start`` and ``end`` at its
    charger's full power, within the room its battery has left."""
    room_kwh = (ev.max_soc_pct - ev.current_soc_pct) / 100 * ev.battery_kwh
    if request.energy_kwh is not None:
        stored_kwh = request.energy_kwh
    else:
        target = request.target_soc_pct or ev.default_target_soc_pct
        stored_kwh = max(0.0, (target - ev.current_soc_pct) / 100 * ev.battery_kwh)
    if stored_kwh > room_kwh + TOLERANCE_H:
        return False
    hours = (end - start).total_seconds() / 3600
    return stored_kwh / ev.charging_efficiency / ev.charger_max_kw <= hours + TOLERANCE_H


def _first_finish(
    appliance: Appliance, start: datetime, end: datetime, zone: ZoneInfo, grid: timedelta
) -> datetime | None:
    """When the appliance's cycle ends at the earliest, starting on ``grid`` from ``start`` and
    finishing by ``end`` outside its quiet hours and inside its windows (None: it cannot)."""
    minutes = int((end - start).total_seconds() // 60)
    allowed = []
    for m in range(max(minutes, 0)):
        local = (start + timedelta(minutes=m)).astimezone(zone)
        allowed.append(appliance.allowed_at_minute(local.hour * 60 + local.minute))
    cycle = appliance.cycle.total_minutes
    if appliance.interruptible:
        ran = 0
        for m, ok in enumerate(allowed):
            ran += ok
            if ran >= cycle:
                return start + timedelta(minutes=m + 1)
        return None
    step = int(grid.total_seconds() // 60)
    blocked = [0]
    for ok in allowed:
        blocked.append(blocked[-1] + (not ok))
    for s in range(0, minutes - cycle + 1, step):
        if blocked[s + cycle] == blocked[s]:
            return start + timedelta(minutes=s + cycle)
    return None


def _fits(home: Home, requests: list[ExpectedRequest], now: datetime, *, strict: bool) -> bool:
    """Whether every request with a deadline fits the home, each on its own, with the home's
    dependencies between requested appliances. ``strict``: on Hearth's 15-minute steps (the first
    step at or after now, the last ending at or before the deadline); otherwise minute-exact,
    which is the most any plan could do."""
    zone = ZoneInfo(home.timezone)
    finished: dict[str, datetime] = {}
    requested = {r.device for r in requests}
    # a device that runs after others comes after them (one level is all the example homes use)
    order = sorted(requests, key=lambda r: len(getattr(home.device(r.device), "after", ())))
    for request in order:
        if request.kind == "battery_floor" and home.battery is not None:
            # a floor from now on cannot lie above the charge the battery has now
            floor_pct = request.target_soc_pct or 0
            if request.earliest_start is None and floor_pct > home.battery.initial_soc_pct:
                return False
        if request.deadline is None:
            continue
        start = _ceil_step(now) if strict else now
        end = _floor_step(request.deadline) if strict else request.deadline
        if request.earliest_start is not None:
            start = max(start, request.earliest_start)
        device = home.device(request.device)
        if isinstance(device, Ev):
            if not _ev_fits(device, request, start, end):
                return False
        elif isinstance(device, Appliance):
            for before in device.after:
                if before in requested and before in finished:
                    start = max(start, finished[before])
            finish = _first_finish(
                device, start, end, zone, STEP if strict else timedelta(minutes=1)
            )
            if finish is None:
                return False
            finished[device.id] = finish
        elif request.kind == "battery_target" and home.battery is not None:
            battery = home.battery
            stored_kwh = (
                ((request.target_soc_pct or 0) - battery.initial_soc_pct)
                / 100
                * battery.capacity_kwh
            )
            hours = (end - start).total_seconds() / 3600
            if stored_kwh / battery.charge_efficiency / battery.max_charge_kw > hours + TOLERANCE_H:
                return False
    return True


def test_the_physics_check_agrees_with_paper_values() -> None:
    """The Berlin home at Tue 18:00: the car (35% of 60 kWh, 11 kW, η 0.9) to 100% stores 39 kWh =
    43.3 kWh from the grid = 3.94 h: by 22:00 yes, by 21:45 no. Washer (2 h) then dryer (1.5 h)
    need 3.5 h before the 22:00 quiet hours: by 21:30 yes, by 21:15 no. The battery (40% of
    10 kWh, 5 kW, η 0.95) to 80% stores 4 kWh = 4.21 kWh = 0.84 h: by 19:00 yes, by 18:45 no."""
    home = corpus_home("examples/home.yaml")
    now = datetime.fromisoformat("2026-11-24T18:00:00+01:00")

    def fits(*requests: dict[str, object]) -> bool:
        return _fits(home, [ExpectedRequest.model_validate(r) for r in requests], now, strict=True)

    def at(clock: str) -> str:
        return f"2026-11-24T{clock}:00+01:00"

    assert fits({"device": "ev", "target_soc_pct": 100, "deadline": at("22:00")})
    assert not fits({"device": "ev", "target_soc_pct": 100, "deadline": at("21:45")})
    assert not fits({"device": "ev", "energy_kwh": 40, "deadline": "2026-11-25T07:00:00+01:00"})
    washer = {"device": "washing_machine", "deadline": at("21:30")}
    dryer = {"device": "tumble_dryer", "deadline": at("21:30")}
    assert fits(washer, dryer)
    assert not fits({**washer, "deadline": at("21:15")}, {**dryer, "deadline": at("21:15")})
    assert fits({**dryer, "deadline": at("19:30")})  # alone, the dryer waits for nobody
    target = {"device": "battery", "kind": "battery_target", "target_soc_pct": 80}
    assert fits({**target, "deadline": at("19:00")})
    assert not fits({**target, "deadline": at("18:45")})
    assert not fits({"device": "battery", "kind": "battery_floor", "target_soc_pct": 50})


def test_expected_proposals_fit_the_home() -> None:
    """Every request the corpus expects to be proposed can be served on 15-minute steps: e.g. the
    Berlin car from 35% to 80% stores 27 kWh = 30 kWh from the grid = 2.73 h at 11 kW."""
    problems = [
        where
        for where, home_path, now, expect in all_messages()
        if "proposed" in expect.statuses
        and expect.requests
        and not _fits(corpus_home(home_path), list(expect.requests), now, strict=True)
    ]
    assert not problems, "expected proposed, but the home cannot serve them: " + ", ".join(problems)


def test_expected_infeasible_lines_are_infeasible() -> None:
    """Every line expected ``infeasible`` cannot be served even minute-exact: e.g. the Berlin car to
    100% by 20:00 said at 18:00 needs 43.3 kWh = 3.94 h at 11 kW."""
    problems = [
        where
        for where, home_path, now, expect in all_messages()
        if expect.statuses == ["infeasible"]
        and _fits(corpus_home(home_path), list(expect.requests or ()), now, strict=False)
    ]
    assert not problems, "expected infeasible, but the home can serve them: " + ", ".join(problems)
