"""Standing orders: occurrences on paper, the store's life cycle, the CLI, and the words.

Clock: Tuesday 2026-11-24 18:00 Europe/Berlin unless a test says otherwise; the example home.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from agents_helpers import EXAMPLES, NOW

from agents.models import make_client_factory
from agents.run import Conversation
from agents.session import PlanningSession
from app.cli import main
from app.standing import StandingOrders
from app.store import PlanStore, PlanStoreError
from tools.errors import RequestError
from tools.home import load_home
from tools.standing import StandingOrderSpec, occurrence, standing_requests
from tools.timeaxis import TimeAxis

pytest_plugins = ["agents_conftest"]

HOME = load_home(EXAMPLES / "home.yaml")


def axis(now: datetime = NOW, hours: float = 24) -> TimeAxis:
    return TimeAxis.from_now(now, tz_name="Europe/Berlin", step_minutes=15, horizon_hours=hours)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


# ----------------------------------------------------------------------------- occurrences

def test_weekday_order_at_tuesday_evening_is_wednesday_morning() -> None:
    """Tue 18:00: today's 07:00 has passed, so the next weekday deadline is Wed 07:00; without an
    earliest time the window opens now."""
    spec = StandingOrderSpec(device="ev", days="weekdays", deadline="07:00", target_soc_pct=80)
    assert occurrence(spec, NOW, axis()) == (NOW, at("2026-11-25T07:00:00+01:00"))


def test_evening_window_opens_the_day_before() -> None:
    """"every evening by 7am": earliest 18:00 is later than the 07:00 deadline, so Wed 07:00's
    window opens Tue 18:00; said at Tue 15:00 the window still opens at 18:00, not now."""
    spec = StandingOrderSpec(device="dishwasher", deadline="07:00", earliest="18:00")
    three = at("2026-11-24T15:00:00+01:00")
    assert occurrence(spec, three, axis(three)) == (at("2026-11-24T18:00:00+01:00"),
                                                    at("2026-11-25T07:00:00+01:00"))


def test_weekday_order_skips_the_weekend() -> None:
    """Fri 2026-11-27 18:00: Sat and Sun are not weekdays; a 72 h plan reaches Mon 07:00."""
    friday = at("2026-11-27T18:00:00+01:00")
    spec = StandingOrderSpec(device="ev", days="weekdays", deadline="07:00")
    assert occurrence(spec, friday, axis(friday, 24)) is None
    assert occurrence(spec, friday, axis(friday, 72)) == (friday, at("2026-11-30T07:00:00+01:00"))


def test_pause_until_sunday_skips_the_dates_up_to_it() -> None:
    """Paused up to and including Wed 25: the Wed 07:00 occurrence is skipped; a 48 h plan gets
    Thu 07:00 instead; paused without an end there is none."""
    spec = StandingOrderSpec(device="ev", days="daily", deadline="07:00")
    assert occurrence(spec, NOW, axis(hours=48), paused=True, paused_until=date(2026, 11, 25)) == (
        NOW, at("2026-11-26T07:00:00+01:00"))
    assert occurrence(spec, NOW, axis(hours=48), paused=True) is None


def test_requests_from_orders_and_the_one_per_device_rule(tmp_path: Path) -> None:
    orders = StandingOrders(tmp_path / "plans.sqlite3")
    car = orders.propose(StandingOrderSpec(device="ev", days="weekdays", deadline="07:00",
                                           target_soc_pct=80), HOME)
    dishes = orders.propose(StandingOrderSpec(device="dishwasher", deadline="07:00",
                                              earliest="18:00"), HOME)
    assert standing_requests(orders.list(), HOME, NOW, axis()) == []  # proposed: nothing yet
    orders.approve(car.id, "anna")
    orders.approve(dishes.id, "anna")
    requests = standing_requests(orders.list(), HOME, NOW, axis())
    assert [(r.device, r.kind, r.target_soc_pct, r.deadline) for r in requests] == [
        ("ev", "ev_charge", 80, at("2026-11-25T07:00:00+01:00")),
        ("dishwasher", "appliance_run", None, at("2026-11-25T07:00:00+01:00")),
    ]


# ----------------------------------------------------------------------------- the store

def test_life_cycle(tmp_path: Path) -> None:
    orders = StandingOrders(tmp_path / "plans.sqlite3")
    order = orders.propose(StandingOrderSpec(device="ev", deadline="07:00"), HOME)
    assert order.status == "proposed"
    with pytest.raises(PlanStoreError, match="only an active order can be paused"):
        orders.pause(order.id)
    assert orders.approve(order.id, "anna").approved_by == "anna"
    with pytest.raises(PlanStoreError, match="only a proposed order can be approved"):
        orders.approve(order.id, "anna")
    assert orders.pause(order.id, date(2026, 11, 29)).paused_until == date(2026, 11, 29)
    assert orders.resume(order.id).status == "active"
    assert orders.cancel(order.id).status == "cancelled"
    assert orders.list() == [] and len(orders.list(include_cancelled=True)) == 1


def test_orders_share_the_plan_store_file(tmp_path: Path) -> None:
    """One file holds plans and standing orders; neither disturbs the other's tables."""
    path = tmp_path / "plans.sqlite3"
    store = PlanStore(path)
    orders = StandingOrders(path)
    orders.propose(StandingOrderSpec(device="ev", deadline="07:00"), HOME)
    assert store.list() == [] and PlanStore(path).active() is None
    assert len(StandingOrders(path).list()) == 1


def test_orders_are_checked_against_the_home(tmp_path: Path) -> None:
    orders = StandingOrders(tmp_path / "plans.sqlite3")
    with pytest.raises(RequestError, match="not Home battery"):
        orders.propose(StandingOrderSpec(device="battery", deadline="07:00"), HOME)
    with pytest.raises(RequestError, match="no charge target"):
        orders.propose(StandingOrderSpec(device="dishwasher", deadline="07:00", target_soc_pct=80), HOME)
    with pytest.raises(RequestError, match="unknown device 'pool'"):
        orders.propose(StandingOrderSpec(device="pool", deadline="07:00"), HOME)


# ----------------------------------------------------------------------------- the CLI

def test_cli_add_approve_pause_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "plans.sqlite3")
    home = str(EXAMPLES / "home.yaml")
    assert main(["standing", "add", "car", "--home", home, "--db", db, "--deadline", "07:00",
                 "--days", "weekdays", "--target-soc", "80"]) == 0
    assert "Proposed standing order 1: Family car → 80% every weekday by 07:00." in capsys.readouterr().out
    assert main(["standing", "approve", "1", "--db", db, "--by", "anna"]) == 0
    assert main(["standing", "pause", "1", "--db", db, "--until", "2026-11-29"]) == 0
    capsys.readouterr()
    assert main(["standing", "list", "--db", db, "--home", home]) == 0
    assert "paused until Sun 29 Nov Family car → 80% every weekday by 07:00" in capsys.readouterr().out


@pytest.mark.parametrize(("argv", "message"), [
    (["--deadline", "25:00"], "--deadline: must be a clock time between 00:00 and 24:00"),
    (["--deadline", "07:00", "--target-soc", "120"], "--target-soc: Input should be less than or equal to 100"),
])
def test_cli_bad_input_names_the_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code = main(["standing", "add", "car", "--home", str(EXAMPLES / "home.yaml"),
                 "--db", str(tmp_path / "p.sqlite3"), *argv])
    assert code == 2
    assert message in capsys.readouterr().err


def test_cli_unknown_order_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["standing", "cancel", "7", "--db", str(tmp_path / "p.sqlite3")]) == 2
    assert "standing order 7: no such order" in capsys.readouterr().err


# ----------------------------------------------------------------------------- in words

@pytest.fixture
def conversation(tmp_path: Path) -> Conversation:
    session = PlanningSession(home=HOME, now=NOW, standing=StandingOrders(tmp_path / "p.sqlite3"))
    return Conversation(session, make_client_factory())


@pytest.mark.asyncio
async def test_words_propose_then_a_human_approves_then_plans_include_it(
    conversation: Conversation,
) -> None:
    result = await conversation.ask("every weekday charge the car to 80% by 7:00")
    assert result.status == "answered"
    assert "I have proposed a standing order: Family car → 80% every weekday by 07:00." in result.message
    handle = conversation.session.standing
    assert isinstance(handle, StandingOrders)
    [order] = handle.list()
    assert order.status == "proposed"  # the team cannot approve it
    handle.approve(order.id, "anna")
    plan = await conversation.ask("run the washer by 18:00 tomorrow")
    assert plan.status == "proposed" and plan.plan is not None
    assert {r.device for r in plan.plan.requests} == {"ev", "washing_machine"}
    assert "From your standing orders: Family car → 80% every weekday by 07:00." in plan.message


@pytest.mark.asyncio
async def test_words_pause_this_week_and_cancel(conversation: Conversation) -> None:
    """Tue 24 Nov: "not this week" pauses up to and including Sun 29 Nov."""
    handle = conversation.session.standing
    assert isinstance(handle, StandingOrders)
    order = handle.propose(StandingOrderSpec(device="dishwasher", deadline="07:00", earliest="18:00"), HOME)
    handle.approve(order.id, "anna")
    paused = await conversation.ask("not this week, we're away")
    assert "Paused up to and including Sun 29 Nov: Dishwasher every day by 07:00 (from 18:00)." in paused.message
    assert handle.get(order.id).paused_until == date(2026, 11, 29)
    cancelled = await conversation.ask("cancel the standing order for the dishwasher")
    assert "Cancelled: Dishwasher every day by 07:00 (from 18:00)." in cancelled.message
    assert handle.get(order.id).status == "cancelled"


@pytest.mark.asyncio
async def test_approval_in_words_is_refused(conversation: Conversation) -> None:
    handle = conversation.session.standing
    assert isinstance(handle, StandingOrders)
    handle.propose(StandingOrderSpec(device="ev", deadline="07:00"), HOME)
    result = await conversation.ask("approve the standing order")
    assert handle.list()[0].status == "proposed"
    assert "approve" in result.message.lower()
