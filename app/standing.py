"""Standing orders in the plan store: proposed, approved once, paused, resumed, cancelled.

One table, ``standing_orders``, in the plan store's SQLite file (``$HEARTH_DB``), apart from the
plan tables. Life of an order::

    proposed ──approve (a human)──► active ◄──resume── paused
        │                             │ └──pause (until a date, or until resumed)──►┘
        └──cancel──► cancelled ◄──────┴──────────────cancel──────────────────────────┘

Approving is plain code called by the CLI or the UI, never by an agent; the agents may only
propose an order (``proposed``), and pause, resume or cancel one when the homeowner says so in
words (all three only ever reduce what Hearth does without asking).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path

from app.store import BUSY_TIMEOUT_S, PlanStoreError, StoreFileError, default_db_path
from tools.home import Home
from tools.standing import StandingOrder, StandingOrderSpec

_SCHEMA = """
CREATE TABLE IF NOT EXISTS standing_orders (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at    TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('proposed', 'active', 'paused', 'cancelled')),
    spec          TEXT NOT NULL,
    text          TEXT,
    paused_until  TEXT,
    approved_by   TEXT,
    approved_at   TEXT,
    closed_at     TEXT
);
"""


class UnknownOrderError(PlanStoreError):
    def __init__(self, order_id: int) -> None:
        super().__init__(f"standing order {order_id}: no such order (see `hearth standing list`)")


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class StandingOrders:
    """Standing orders in one SQLite file (the plan store's by default).

    Parameters
    ----------
    path:
        The database file; ``None`` means the plan store (:func:`app.store.default_db_path`).
    clock:
        Returns the current time (tz-aware), for ``created_at``/``approved_at``.
    """

    def __init__(
        self, path: str | Path | None = None, *, clock: Callable[[], datetime] = _utc_now
    ) -> None:
        self.path = Path(path).expanduser() if path is not None else default_db_path()
        self._clock = clock
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StoreFileError(f"plan store {self.path}: cannot create its folder ({err.strerror})") from None
        try:
            with self._connection() as conn:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.executescript(_SCHEMA)
        except sqlite3.DatabaseError as err:
            raise StoreFileError(f"plan store {self.path}: not a usable SQLite database ({err})") from None

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S)
        except sqlite3.OperationalError as err:
            raise StoreFileError(f"plan store {self.path}: cannot open it ({err})") from None
        conn.row_factory = sqlite3.Row
        try:
            conn.execute("PRAGMA synchronous = FULL")
            with conn:
                yield conn
        finally:
            conn.close()

    def _now(self) -> str:
        return self._clock().astimezone(timezone.utc).isoformat()

    # -- reading -------------------------------------------------------------------------------

    def get(self, order_id: int) -> StandingOrder:
        with self._connection() as conn:
            row = conn.execute("SELECT * FROM standing_orders WHERE id = ?", (order_id,)).fetchone()
        if row is None:
            raise UnknownOrderError(order_id)
        return _order(row)

    def list(self, *, include_cancelled: bool = False) -> list[StandingOrder]:
        """Orders, oldest first (cancelled ones only when asked)."""
        query = "SELECT * FROM standing_orders"
        if not include_cancelled:
            query += " WHERE status != 'cancelled'"
        with self._connection() as conn:
            rows = conn.execute(query + " ORDER BY id").fetchall()
        return [_order(row) for row in rows]

    # -- writing -------------------------------------------------------------------------------

    def propose(self, spec: StandingOrderSpec, home: Home, *, text: str | None = None) -> StandingOrder:
        """Store ``spec`` as a proposed order (checked against ``home``); a human approves it."""
        spec.check(home)
        with self._connection() as conn:
            cursor = conn.execute(
                "INSERT INTO standing_orders (created_at, status, spec, text) VALUES (?, 'proposed', ?, ?)",
                (self._now(), spec.model_dump_json(), text),
            )
            new_id = cursor.lastrowid
        assert new_id is not None
        return self.get(int(new_id))

    def approve(self, order_id: int, by: str) -> StandingOrder:
        """Make a proposed order active. Plain code for the CLI and the UI; no agent tool calls it."""
        approver = by.strip()
        if not approver:
            raise PlanStoreError("approved_by: say who approves the standing order (a name), got nothing")
        order = self.get(order_id)
        if order.status != "proposed":
            raise PlanStoreError(f"standing order {order_id} is {order.status}; only a proposed order can be approved")
        self._update(order_id, "status = 'active', approved_by = ?, approved_at = ?", (approver, self._now()))
        return self.get(order_id)

    def pause(self, order_id: int, until: date | None = None) -> StandingOrder:
        """Pause an active (or paused) order up to and including ``until``, or until resumed."""
        order = self.get(order_id)
        if order.status not in ("active", "paused"):
            raise PlanStoreError(f"standing order {order_id} is {order.status}; only an active order can be paused")
        self._update(order_id, "status = 'paused', paused_until = ?",
                     (until.isoformat() if until is not None else None,))
        return self.get(order_id)

    def resume(self, order_id: int) -> StandingOrder:
        order = self.get(order_id)
        if order.status != "paused":
            raise PlanStoreError(f"standing order {order_id} is {order.status}, not paused")
        self._update(order_id, "status = 'active', paused_until = NULL", ())
        return self.get(order_id)

    def cancel(self, order_id: int) -> StandingOrder:
        order = self.get(order_id)
        if order.status == "cancelled":
            raise PlanStoreError(f"standing order {order_id} is already cancelled")
        self._update(order_id, "status = 'cancelled', closed_at = ?", (self._now(),))
        return self.get(order_id)

    def _update(self, order_id: int, assignments: str, values: tuple[object, ...]) -> None:
        with self._connection() as conn:
            conn.execute(f"UPDATE standing_orders SET {assignments} WHERE id = ?", (*values, order_id))


def _order(row: sqlite3.Row) -> StandingOrder:
    spec = StandingOrderSpec.model_validate_json(row["spec"])
    return StandingOrder(
        **spec.model_dump(), id=row["id"], status=row["status"], text=row["text"],
        paused_until=date.fromisoformat(row["paused_until"]) if row["paused_until"] else None,
        created_at=row["created_at"], approved_by=row["approved_by"],
    )
