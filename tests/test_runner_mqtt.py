"""The runner against a real Mosquitto broker and a simulated home speaking MQTT.

The runner, the simulated home and a watching client share one broker started by the fixture
(loopback, a free port); the runner and the simulated home share one simulated clock at 3600×.
Reference values as in ``test_runner_sim``: the car reaches 80 % by 07:00, the dishwasher
starts once and is done by 06:00.
"""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path

import aiomqtt
import pytest
from mqtt_fixtures import Broker, broker  # noqa: F401  (the fixture)
from runner_helpers import NOW, approve_night, example_home

from app.drivers.mqtt import MqttDriver
from app.drivers.sim_mqtt import SimMqttHome
from app.drivers.simhome import SimHome
from app.runner.clock import SimClock
from app.runner.journal import Journal
from app.runner.loop import Runner
from app.runner.summary import summarize
from app.store import PlanStore
from tools.home import Home

pytestmark = pytest.mark.asyncio

SPEED = 3600.0


def mqtt_home(port: int) -> Home:
    return example_home({"driver": "mqtt", "mqtt": {"port": port, "ack_timeout_s": 2}})


class Watcher:
    """A plain client that keeps the last retained message of every topic under ``#``."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: dict[str, str] = {}
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run())
        await asyncio.wait_for(self._ready.wait(), timeout=10)

    async def _run(self) -> None:
        async with aiomqtt.Client("127.0.0.1", self.port, identifier="test-watcher") as client:
            await client.subscribe("#")
            self._ready.set()
            async for message in client.messages:
                payload = message.payload
                self.messages[str(message.topic)] = (
                    payload.decode() if isinstance(payload, bytes) else str(payload)
                )

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)


async def _setup(
    home: Home, db: Path, port: int
) -> tuple[Runner, SimHome, SimMqttHome, MqttDriver]:
    store = PlanStore(db)
    approve_night(store, home)
    clock = SimClock(NOW, speed=SPEED)
    sim = SimHome(home, NOW)
    sim_mqtt = SimMqttHome(sim, clock, host="127.0.0.1", port=port)
    await sim_mqtt.start()
    clock.on_advance(sim_mqtt.on_advance)
    devices = {d.id for d in home.devices()}
    driver = MqttDriver(home, clock, devices)
    runner = Runner(
        home, store, Journal(store.path), driver, clock, controlled=devices, publishers=[driver]
    )
    return runner, sim, sim_mqtt, driver


async def test_a_night_over_mqtt_with_discovery(tmp_path: Path, broker: Broker) -> None:  # noqa: F811
    home = mqtt_home(broker.port)
    watcher = Watcher(broker.port)
    await watcher.start()
    runner, sim, sim_mqtt, driver = await _setup(home, tmp_path / "plans.sqlite3", broker.port)
    try:
        await runner.run(until=NOW + timedelta(hours=13))
        summary = summarize(
            runner.journal,
            since_id=0,
            home=home,
            commitments=runner.commitments,
            plan_store_id=runner.record.id,
            start=NOW,
            until=NOW + timedelta(hours=13),
            driver="mqtt",
            readings=driver.readings(),
        )
    finally:
        await driver.close()
        await sim_mqtt.close()
    results = {r.device: r for r in summary.requests}
    assert results["ev"].met is True and results["ev"].reached_soc_pct >= 79.5
    assert results["dishwasher"].met is True
    assert len(sim.state.appliances["dishwasher"].runs_started) == 1
    assert summary.commands.acknowledged == summary.commands.sent > 0
    # the commands really went over the broker
    assert any(topic == "home/ev/set/power_kw" for topic, _ in sim_mqtt.received)
    assert ("home/dishwasher/set/start", f"plan{runner.record.id}-dishwasher") in sim_mqtt.received

    await asyncio.sleep(0.2)
    await watcher.close()
    configs = {
        t: json.loads(p)
        for t, p in watcher.messages.items()
        if t.startswith("homeassistant/") and t.endswith("/config")
    }
    entities = {(t.split("/")[1], t.split("/")[3]) for t in configs}
    expected = {
        ("sensor", "plan_status"),
        ("sensor", "plan_cost"),
        ("sensor", "plan_saving"),
        ("binary_sensor", "approval_needed"),
    }
    for device in (d.id for d in home.devices()):
        expected |= {("sensor", f"{device}_next_run"), ("sensor", f"{device}_setpoint")}
    expected.add(("sensor", "battery_mode"))
    assert entities == expected
    unique_ids = [c["unique_id"] for c in configs.values()]
    assert len(set(unique_ids)) == len(unique_ids)
    for topic, config in configs.items():
        assert topic.split("/")[2] == "hearth"  # node id
        assert config["availability_topic"] == "hearth/status"
        assert config["device"]["identifiers"] == ["hearth_hearth"]
        assert config["state_topic"] in watcher.messages, f"{topic}: no state published"
    assert (
        configs["homeassistant/sensor/plan_cost/config".replace("sensor/", "sensor/hearth/")][
            "unit_of_measurement"
        ]
        == "EUR"
    )
    plan_state = json.loads(watcher.messages["hearth/plan/state"])
    assert plan_state["approval_needed"] == "OFF" and plan_state["plan_id"] == runner.record.id
    assert plan_state["cost"] == pytest.approx(round(runner.record.plan.cost, 2))
    assert watcher.messages["hearth/status"] == "offline"  # the goodbye on close
    ev_state = json.loads(watcher.messages["hearth/ev/state"])
    assert set(ev_state) >= {"next_run", "setpoint_kw"}


async def test_a_broker_restart_mid_plan(tmp_path: Path, broker: Broker) -> None:  # noqa: F811
    """The broker stops at 23:30 (mid-charge) and comes back 2 s later (2 simulated hours at
    3600×): the devices are held while it is away, both sides reconnect, and the night is still
    carried out."""
    home = mqtt_home(broker.port)
    runner, sim, sim_mqtt, driver = await _setup(home, tmp_path / "plans.sqlite3", broker.port)
    try:
        await runner.run(until=NOW + timedelta(hours=5, minutes=30))
        broker.stop()
        await runner.run(until=NOW + timedelta(hours=5, minutes=45))
        broker.start()
        await sim_mqtt.wait_connected()
        await runner.run(until=NOW + timedelta(hours=13))
    finally:
        await driver.close()
        await sim_mqtt.close()
    assert driver.connections >= 2
    results = {
        r.device: r.met
        for r in summarize(
            runner.journal,
            since_id=0,
            home=home,
            commitments=runner.commitments,
            plan_store_id=runner.record.id,
            start=NOW,
            until=NOW + timedelta(hours=13),
            driver="mqtt",
            readings=driver.readings(),
        ).requests
    }
    assert results == {"ev": True, "dishwasher": True}
    assert len(sim.state.appliances["dishwasher"].runs_started) == 1
    unacknowledged = [
        e for e in runner.journal.events(kinds=("command",)) if not e.data["acknowledged"]
    ]
    assert any("not connected" in e.data["detail"] for e in unacknowledged)
