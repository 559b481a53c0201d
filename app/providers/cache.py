"""The providers' SQLite cache: every delivery kept with its provider, fetch time and validity.

Two tables in one file (``$HEARTH_CACHE``, else ``providers.sqlite3`` in the user cache
directory):

``deliveries``
    One row per successful fetch: the feed (``awattar:de``, ``open_meteo:52.5200,13.4050:…``),
    when it was fetched, the span its data covers (``valid_from``/``valid_to``, UTC) and the data
    (JSON: interval starts, the last interval's length, one or more value lists).
``attempts``
    Per feed, the last time Hearth asked, whether it worked, and since when it has been failing
    (so a plan can say "live prices unavailable since 14:00").

Every operation opens its own connection (WAL mode), so the CLI, the UI and a runner can share the
file. Old deliveries beyond :data:`KEEP_PER_FEED` per feed are pruned on write.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import platformdirs

from tools.errors import InputError
from tools.series import Series

CACHE_ENV = "HEARTH_CACHE"
CACHE_FILENAME = "providers.sqlite3"
KEEP_PER_FEED = 20
BUSY_TIMEOUT_S = 10.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    feed        TEXT NOT NULL,
    fetched_at  TEXT NOT NULL,
    valid_from  TEXT NOT NULL,
    valid_to    TEXT NOT NULL,
    payload     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_feed ON deliveries (feed, fetched_at);
CREATE TABLE IF NOT EXISTS attempts (
    feed           TEXT PRIMARY KEY,
    attempted_at   TEXT NOT NULL,
    ok             INTEGER NOT NULL,
    failing_since  TEXT,
    error          TEXT
);
"""


class CacheFileError(InputError):
    """The cache file cannot be opened or is not a Hearth provider cache."""

    def __init__(self, message: str) -> None:
        super().__init__(CACHE_ENV, message)


@dataclass(frozen=True)
class Delivery:
    """One cached delivery: named series sharing their interval starts."""

    feed: str
    fetched_at: datetime
    valid_from: datetime
    valid_to: datetime
    series: dict[str, Series]


@dataclass(frozen=True)
class Attempt:
    """The last time a feed was asked, and since when it has been failing (``None`` = it works)."""

    attempted_at: datetime
    ok: bool
    failing_since: datetime | None
    error: str | None


def default_cache_path() -> Path:
    """``$HEARTH_CACHE`` if set, else ``providers.sqlite3`` in the user's cache directory."""
    configured = os.environ.get(CACHE_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    return platformdirs.user_cache_path("hearth", appauthor=False) / CACHE_FILENAME


class ProviderCache:
    """Deliveries and attempts in one SQLite file (see the module docstring)."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path).expanduser() if path is not None else default_cache_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise CacheFileError(f"cannot create the folder of {self.path} ({err.strerror})") from None
        try:
            with self._connection() as conn:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.executescript(_SCHEMA)
        except sqlite3.DatabaseError as err:
            raise CacheFileError(
                f"{self.path} is not a usable provider cache ({err}); set {CACHE_ENV} to another file"
            ) from None

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S)
        except sqlite3.OperationalError as err:
            raise CacheFileError(f"cannot open {self.path} ({err})") from None
        conn.row_factory = sqlite3.Row
        try:
            with conn:
                yield conn
        except sqlite3.DatabaseError as err:
            raise CacheFileError(
                f"{self.path} cannot be used ({err}); delete it or set {CACHE_ENV} to another file"
            ) from None
        finally:
            conn.close()

    # -- deliveries ----------------------------------------------------------------------------

    def put(self, feed: str, fetched_at: datetime, series: dict[str, Series]) -> Delivery:
        """Store one delivery (all series share the first one's interval starts)."""
        first = next(iter(series.values()))
        payload = {
            "starts": [s.astimezone(timezone.utc).isoformat() for s in first.starts],
            "step_minutes": first.step_minutes,
            "values": {name: [float(v) for v in s.values] for name, s in series.items()},
            "names": {name: s.name for name, s in series.items()},
        }
        delivery = Delivery(feed, fetched_at, first.starts[0], first.end, series)
        with self._connection() as conn:
            conn.execute(
                "INSERT INTO deliveries (feed, fetched_at, valid_from, valid_to, payload) "
                "VALUES (?, ?, ?, ?, ?)",
                (feed, _text(fetched_at), _text(delivery.valid_from), _text(delivery.valid_to),
                 json.dumps(payload)),
            )
            conn.execute(
                "DELETE FROM deliveries WHERE feed = ? AND id NOT IN (SELECT id FROM deliveries "
                "WHERE feed = ? ORDER BY fetched_at DESC, id DESC LIMIT ?)",
                (feed, feed, KEEP_PER_FEED),
            )
        return delivery

    def best(self, feed: str, start: datetime, end: datetime) -> Delivery | None:
        """The newest delivery covering ``[start, end)``, else the newest overlapping it."""
        with self._connection() as conn:
            row = conn.execute(
                "SELECT * FROM deliveries WHERE feed = ? AND valid_from <= ? AND valid_to >= ? "
                "ORDER BY fetched_at DESC, id DESC LIMIT 1",
                (feed, _text(start), _text(end)),
            ).fetchone()
            if row is None:
                row = conn.execute(
                    "SELECT * FROM deliveries WHERE feed = ? AND valid_to > ? AND valid_from < ? "
                    "ORDER BY valid_to DESC, fetched_at DESC LIMIT 1",
                    (feed, _text(start), _text(end)),
                ).fetchone()
        return _delivery(row) if row is not None else None

    # -- attempts ------------------------------------------------------------------------------

    def attempt(self, feed: str) -> Attempt | None:
        with self._connection() as conn:
            row = conn.execute("SELECT * FROM attempts WHERE feed = ?", (feed,)).fetchone()
        if row is None:
            return None
        return Attempt(
            attempted_at=_time(row["attempted_at"]), ok=bool(row["ok"]),
            failing_since=_time(row["failing_since"]) if row["failing_since"] else None,
            error=row["error"],
        )

    def record_attempt(self, feed: str, at: datetime, *, error: str | None) -> Attempt:
        """Record an attempt; a failure keeps the earliest ``failing_since`` of its streak."""
        previous = self.attempt(feed)
        failing_since = None
        if error is not None:
            failing_since = (
                previous.failing_since if previous is not None and previous.failing_since else at
            )
        with self._connection() as conn:
            conn.execute(
                "INSERT INTO attempts (feed, attempted_at, ok, failing_since, error) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (feed) DO UPDATE SET "
                "attempted_at = excluded.attempted_at, ok = excluded.ok, "
                "failing_since = excluded.failing_since, error = excluded.error",
                (feed, _text(at), int(error is None),
                 _text(failing_since) if failing_since else None, error),
            )
        return Attempt(at, error is None, failing_since, error)


def _delivery(row: sqlite3.Row) -> Delivery:
    payload = json.loads(row["payload"])
    starts = tuple(datetime.fromisoformat(s) for s in payload["starts"])
    series = {
        name: Series(starts, np.array(values, dtype=float), int(payload["step_minutes"]),
                     payload["names"][name])
        for name, values in payload["values"].items()
    }
    return Delivery(
        feed=row["feed"], fetched_at=_time(row["fetched_at"]), valid_from=_time(row["valid_from"]),
        valid_to=_time(row["valid_to"]), series=series,
    )


def _text(moment: datetime) -> str:
    """UTC ISO text with a fixed width, so SQLite compares times as strings correctly."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text)
