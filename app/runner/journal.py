"""The runner's journal: what it did and what it must remember across a crash, in SQLite.

It lives in the plan store's file (its own tables, ``runner_*``), written with the same care as
the store (WAL, one short transaction per write, ``synchronous=FULL`` for appliance starts), so a ``kill -9`` loses at
most the tick in progress:

* ``runner_starts`` — every appliance start the runner asked for, written *before* the command
  is sent, keyed by the run id. A restarted runner never starts a run it has on record, and a
  device that gets the same run id twice ignores it, so an appliance never starts twice.
* ``runner_applied`` — per approved plan (its store id), the plan being carried out: the approved
  plan itself or its latest automatic re-plan, and the appliance progress under it.
* ``runner_readings`` — the latest reading of every device role with its time and source (the
  HTTP API and the planners read them).
* ``runner_events`` — the log: commands sent and acknowledged, devices held safe, stale readings,
  re-plans applied (with their diff) or proposed, deadlines reached.
* ``runner_meta`` — small named values (the simulated home's snapshot, the pending proposal).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from app.drivers.base import Reading, Readings
from app.store import BUSY_TIMEOUT_S, StoreFileError
from tools.results import Plan

EventKind = Literal[
    "runner_started",
    "plan_loaded",
    "command",
    "held_safe",
    "stale",
    "replan_applied",
    "replan_proposed",
    "replan_failed",
    "deadline",
    "appliance_started",
    "note",
    "standing_committed",
    "standing_unmet",
]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runner_events (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at      TEXT NOT NULL,
    kind    TEXT NOT NULL,
    device  TEXT,
    message TEXT NOT NULL,
    data    TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS runner_starts (
    run_id          TEXT PRIMARY KEY,
    plan_store_id   INTEGER NOT NULL,
    device          TEXT NOT NULL,
    requested_at    TEXT NOT NULL,
    acknowledged_at TEXT
);
CREATE TABLE IF NOT EXISTS runner_applied (
    plan_store_id INTEGER PRIMARY KEY,
    plan          TEXT NOT NULL,
    applied_at    TEXT NOT NULL,
    progress      TEXT NOT NULL DEFAULT '{}',
    spent         REAL NOT NULL DEFAULT 0,
    since         TEXT
);
CREATE TABLE IF NOT EXISTS runner_readings (
    device  TEXT NOT NULL,
    role    TEXT NOT NULL,
    value   TEXT NOT NULL,
    read_at TEXT NOT NULL,
    source  TEXT NOT NULL,
    PRIMARY KEY (device, role)
);
CREATE TABLE IF NOT EXISTS runner_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""


class JournalEvent(BaseModel):
    """One line of the runner's log."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: int
    at: AwareDatetime
    kind: EventKind
    device: str | None
    message: str
    data: dict[str, Any]


class AppliedPlan(BaseModel):
    """The plan carried out for one approved plan, and the appliance progress under it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    plan_store_id: int
    plan: Plan
    applied_at: AwareDatetime
    progress: dict[str, int] = {}
    spent: float = Field(
        default=0.0,
        description="Cost of the plans carried out before this one took over at `since` [currency].",
    )
    since: AwareDatetime | None = None


class Journal:
    """The runner's tables in the SQLite file at ``path`` (the plan store's file)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        #: Called with every event logged by this process (the CLI echoes them).
        self.listeners: list[Callable[[JournalEvent], None]] = []
        self._lock = threading.Lock()
        try:
            # One connection for the journal's life: closing the last connection of a WAL
            # database checkpoints it, which would cost a sync on every write.
            self._db = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as err:
            raise StoreFileError(f"runner journal {self.path}: not usable ({err})") from None

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _conn(self, *, durable: bool = False) -> Iterator[sqlite3.Connection]:
        """One ``BEGIN IMMEDIATE`` transaction. WAL with ``synchronous=NORMAL`` keeps every
        committed write through a crash of the process (``kill -9``); ``durable`` (FULL) also
        through a power cut, for appliance starts."""
        with self._lock:
            conn = self._db
            conn.execute(f"PRAGMA synchronous = {'FULL' if durable else 'NORMAL'}")
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    # -- events ----------------------------------------------------------------------------------

    def log(
        self,
        at: datetime,
        kind: EventKind,
        message: str,
        *,
        device: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        with self._conn() as conn:
            cursor = conn.execute(
                "INSERT INTO runner_events (at, kind, device, message, data) VALUES (?, ?, ?, ?, ?)",
                (at.isoformat(), kind, device, message, json.dumps(data or {}, default=str)),
            )
        if self.listeners:
            event = JournalEvent(
                id=int(cursor.lastrowid or 0),
                at=at,
                kind=kind,
                device=device,
                message=message,
                data=json.loads(json.dumps(data or {}, default=str)),
            )
            for listener in self.listeners:
                listener(event)

    def events(
        self, *, since_id: int = 0, kinds: tuple[EventKind, ...] | None = None, limit: int = 10_000
    ) -> list[JournalEvent]:
        """Events after ``since_id``, oldest first."""
        query = "SELECT * FROM runner_events WHERE id > ?"
        params: list[Any] = [since_id]
        if kinds:
            query += f" AND kind IN ({', '.join('?' for _ in kinds)})"
            params.extend(kinds)
        query += " ORDER BY id LIMIT ?"
        params.append(limit)
        with self._conn() as conn:
            rows = conn.execute(query, params).fetchall()
        return [
            JournalEvent(
                id=row["id"],
                at=row["at"],
                kind=row["kind"],
                device=row["device"],
                message=row["message"],
                data=json.loads(row["data"]),
            )
            for row in rows
        ]

    def last_event_id(self) -> int:
        with self._conn() as conn:
            row = conn.execute("SELECT MAX(id) AS id FROM runner_events").fetchone()
        return int(row["id"] or 0)

    # -- appliance starts ------------------------------------------------------------------------

    def requested_runs(self, plan_store_id: int) -> set[str]:
        """Run ids the runner asked for under this approved plan (acknowledged or not)."""
        with self._conn() as conn:
            rows = conn.execute(
                "SELECT run_id FROM runner_starts WHERE plan_store_id = ?", (plan_store_id,)
            ).fetchall()
        return {row["run_id"] for row in rows}

    def record_start(self, run_id: str, plan_store_id: int, device: str, at: datetime) -> None:
        """Write the intent to start *before* the command leaves."""
        with self._conn(durable=True) as conn:
            conn.execute(
                "INSERT OR IGNORE INTO runner_starts (run_id, plan_store_id, device, requested_at) "
                "VALUES (?, ?, ?, ?)",
                (run_id, plan_store_id, device, at.isoformat()),
            )

    def acknowledge_start(self, run_id: str, at: datetime) -> None:
        with self._conn(durable=True) as conn:
            conn.execute(
                "UPDATE runner_starts SET acknowledged_at = ? WHERE run_id = ? "
                "AND acknowledged_at IS NULL",
                (at.isoformat(), run_id),
            )

    def started_devices(self, plan_store_id: int) -> dict[str, datetime | None]:
        """Devices with an acknowledged start under this approved plan → when acknowledged."""
        with self._conn() as conn:
            rows = conn.execute(
                "SELECT device, acknowledged_at FROM runner_starts WHERE plan_store_id = ?",
                (plan_store_id,),
            ).fetchall()
        return {
            row["device"]: datetime.fromisoformat(row["acknowledged_at"])
            for row in rows
            if row["acknowledged_at"] is not None
        }

    # -- the plan carried out --------------------------------------------------------------------

    def applied(self, plan_store_id: int) -> AppliedPlan | None:
        with self._conn() as conn:
            row = conn.execute(
                "SELECT * FROM runner_applied WHERE plan_store_id = ?", (plan_store_id,)
            ).fetchone()
        if row is None:
            return None
        return AppliedPlan(
            plan_store_id=plan_store_id,
            plan=Plan.model_validate_json(row["plan"]),
            applied_at=row["applied_at"],
            progress=json.loads(row["progress"]),
            spent=row["spent"],
            since=row["since"],
        )

    def set_applied(
        self, plan_store_id: int, plan: Plan, at: datetime, *, spent: float = 0.0
    ) -> None:
        """``plan`` is carried out from its horizon start on; ``spent`` is what the approved
        period cost before that [currency]."""
        with self._conn() as conn:
            conn.execute(
                "INSERT INTO runner_applied (plan_store_id, plan, applied_at, spent, since) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (plan_store_id) DO UPDATE SET "
                "plan = excluded.plan, applied_at = excluded.applied_at, "
                "spent = excluded.spent, since = excluded.since",
                (
                    plan_store_id,
                    plan.model_dump_json(),
                    at.isoformat(),
                    spent,
                    plan.horizon_start.isoformat(),
                ),
            )

    def set_progress(self, plan_store_id: int, progress: dict[str, int]) -> None:
        """Minutes each interruptible appliance has run under this approved plan."""
        with self._conn() as conn:
            conn.execute(
                "UPDATE runner_applied SET progress = ? WHERE plan_store_id = ?",
                (json.dumps(progress), plan_store_id),
            )

    # -- readings --------------------------------------------------------------------------------

    def save_readings(self, readings: Readings, meta: dict[str, str] | None = None) -> None:
        """Keep the latest readings (and named values, in the same transaction)."""
        rows = [
            (device, role, json.dumps(r.value), r.read_at.isoformat(), r.source)
            for device, roles in readings.items()
            for role, r in roles.items()
        ]
        with self._conn() as conn:
            conn.executemany(
                "INSERT INTO runner_readings (device, role, value, read_at, source) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (device, role) DO UPDATE SET "
                "value = excluded.value, read_at = excluded.read_at, source = excluded.source",
                rows,
            )
            for key, value in (meta or {}).items():
                conn.execute(
                    "INSERT INTO runner_meta (key, value) VALUES (?, ?) ON CONFLICT (key) "
                    "DO UPDATE SET value = excluded.value",
                    (key, value),
                )

    def readings(self) -> Readings:
        """The latest readings the runner saw (empty before it first ran)."""
        with self._conn() as conn:
            rows = conn.execute("SELECT * FROM runner_readings").fetchall()
        out: Readings = {}
        for row in rows:
            out.setdefault(row["device"], {})[row["role"]] = Reading(
                value=json.loads(row["value"]), read_at=row["read_at"], source=row["source"]
            )
        return out

    # -- small named values ----------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        with self._conn() as conn:
            row = conn.execute("SELECT value FROM runner_meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row["value"])

    def set_meta(self, key: str, value: str | None) -> None:
        with self._conn() as conn:
            if value is None:
                conn.execute("DELETE FROM runner_meta WHERE key = ?", (key,))
            else:
                conn.execute(
                    "INSERT INTO runner_meta (key, value) VALUES (?, ?) ON CONFLICT (key) "
                    "DO UPDATE SET value = excluded.value",
                    (key, value),
                )
