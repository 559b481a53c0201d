"""The plan store: every plan version a homeowner saw, and which one is active.

SQLite in WAL mode, one row per plan version, shared by the Chainlit UI and the CLI. Every
operation opens its own connection and commits before it returns, with ``synchronous=FULL``, so
an approved plan survives a ``kill -9`` of the server (and a power cut). Writes run inside
``BEGIN IMMEDIATE`` transactions, so two processes approving at once are serialised and the
stale check below sees the other's result.

Life of a version::

    proposed ──approve──► approved ──(a later approval)──► superseded
        └──────reject───► rejected

At most one version is ``approved`` (the *active plan*; a partial unique index enforces it).
A proposal records ``based_on_active``: the id of the active plan when it was computed (the
planner checked conflicts against that plan). Approving it after the active plan changed would
silently drop whatever the other approval decided, so it raises :class:`StaleProposalError`.

One store holds the plans of one home; point ``HEARTH_DB`` at another file for another home.
Approval is plain code here and in ``app/``; no agent tool can call it.
"""

from __future__ import annotations

import builtins
import contextlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import AwareDatetime, BaseModel, ConfigDict, ValidationError

from app.diff import PlanDiff, diff_plans
from tools.errors import InputError
from tools.results import Plan

PlanStatus = Literal["proposed", "approved", "rejected", "superseded"]

DB_ENV = "HEARTH_DB"
DB_FILENAME = "plans.sqlite3"
SCHEMA_VERSION = 1
#: How long a writer waits for another process's transaction to finish [s].
BUSY_TIMEOUT_S = 10.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS plans (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at      TEXT NOT NULL,
    status          TEXT NOT NULL
                    CHECK (status IN ('proposed', 'approved', 'rejected', 'superseded')),
    plan_id         TEXT NOT NULL,
    home            TEXT NOT NULL,
    requests        TEXT NOT NULL,
    plan            TEXT NOT NULL,
    currency        TEXT NOT NULL,
    cost            REAL NOT NULL,
    baseline        REAL NOT NULL,
    based_on_active INTEGER REFERENCES plans (id),
    approved_by     TEXT,
    approved_at     TEXT,
    rejected_reason TEXT,
    closed_at       TEXT,
    superseded_by   INTEGER REFERENCES plans (id)
);
CREATE UNIQUE INDEX IF NOT EXISTS plans_one_active ON plans (status) WHERE status = 'approved';
"""


# ----------------------------------------------------------------------------- errors

class PlanStoreError(InputError):
    """A plan-store operation was refused; the message says why and what to do instead.

    An :class:`~tools.errors.InputError` (bad input: exit status 2 in the CLI).
    """

    def __init__(self, message: str) -> None:
        super().__init__("", message)


class StoreFileError(PlanStoreError):
    """The store file cannot be opened or is not a Hearth plan store."""


class UnknownPlanError(PlanStoreError):
    """No plan version has this id."""

    def __init__(self, plan_id: int) -> None:
        self.plan_id = plan_id
        super().__init__(f"plan {plan_id}: no such plan in the store (see `hearth plans`)")


class PlanStatusError(PlanStoreError):
    """The version is not in a state that allows the operation (e.g. approving a rejected plan)."""


class StaleProposalError(PlanStoreError):
    """The active plan changed after the proposal was made, so the proposal cannot be approved."""

    def __init__(self, plan_id: int, based_on_active: int | None, active_id: int | None) -> None:
        self.plan_id = plan_id
        self.based_on_active = based_on_active
        self.active_id = active_id
        was = f"plan {based_on_active}" if based_on_active is not None else "no plan"
        now = f"plan {active_id}" if active_id is not None else "no plan"
        super().__init__(
            f"plan {plan_id} is stale: it was made when {was} was active, but now {now} is "
            "active; ask for a new proposal"
        )


# ----------------------------------------------------------------------------- records

class StoredPlan(BaseModel):
    """One plan version as stored."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: int
    created_at: AwareDatetime
    status: PlanStatus
    plan: Plan
    based_on_active: int | None
    approved_by: str | None = None
    approved_at: AwareDatetime | None = None
    rejected_reason: str | None = None
    closed_at: AwareDatetime | None = None
    superseded_by: int | None = None


class ApprovalResult(BaseModel):
    """What :meth:`PlanStore.approve` did: the new active plan, the one it replaced, the diff."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    approved: StoredPlan
    superseded: StoredPlan | None
    diff: PlanDiff

    @property
    def plan(self) -> Plan:
        """The plan that is now active."""
        return self.approved.plan


# ----------------------------------------------------------------------------- the store

def default_db_path() -> Path:
    """``$HEARTH_DB`` if set, else ``plans.sqlite3`` in the user's data directory for Hearth."""
    configured = os.environ.get(DB_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    return platformdirs.user_data_path("hearth", appauthor=False) / DB_FILENAME


def create_private_folder(folder: Path) -> None:
    """Create ``folder`` and any missing parent readable by the owner only (0700); an existing
    folder is left as it is."""
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    for part in reversed(missing):
        with contextlib.suppress(FileExistsError):  # made by another process meanwhile
            part.mkdir(mode=0o700)


def create_private_file(path: Path) -> None:
    """Create an empty ``path`` readable and writable by the owner only (0600), unless it exists.

    SQLite gives the ``-wal`` and ``-shm`` files it makes later the database file's permissions.
    """
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class PlanStore:
    """Versioned plans in one SQLite file.

    Parameters
    ----------
    path:
        The database file; ``None`` means :func:`default_db_path`. A missing file and folder are
        created readable by the owner only (0600 and 0700; the WAL and SHM files follow the
        file).
    clock:
        Returns the current time (tz-aware) for ``created_at``/``approved_at``; tests pass a
        fixed clock.
    """

    def __init__(
        self, path: str | Path | None = None, *, clock: Callable[[], datetime] = _utc_now
    ) -> None:
        self.path = Path(path).expanduser() if path is not None else default_db_path()
        self._clock = clock
        if self.path.is_dir():
            raise StoreFileError(f"plan store {self.path}: is a folder; name a file in it")
        try:
            create_private_folder(self.path.parent)
        except OSError as err:
            raise StoreFileError(
                f"plan store {self.path}: cannot create its folder ({err.strerror})"
            ) from None
        try:
            create_private_file(self.path)
        except OSError as err:
            raise StoreFileError(f"plan store {self.path}: cannot create it ({err.strerror})") from None
        self._initialise()

    # -- connections ---------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.OperationalError as err:
            raise StoreFileError(f"plan store {self.path}: cannot open it ({err})") from None
        conn.row_factory = sqlite3.Row
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = FULL")
        except sqlite3.DatabaseError as err:
            conn.close()
            raise StoreFileError(
                f"plan store {self.path}: not a SQLite database ({err}); "
                f"set {DB_ENV} to another file"
            ) from None
        return conn

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        conn = self._connect()
        try:
            yield conn
        finally:
            conn.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One ``BEGIN IMMEDIATE`` transaction, committed on success, rolled back on any error."""
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            conn.close()

    def _initialise(self) -> None:
        conn = self._connect()
        try:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StoreFileError(
                    f"plan store {self.path}: cannot switch to WAL mode (got {mode!r}); "
                    "use a file on a local file system"
                )
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, SCHEMA_VERSION):
                raise StoreFileError(
                    f"plan store {self.path}: schema version {version}, this Hearth reads "
                    f"version {SCHEMA_VERSION}"
                )
            columns = {row["name"] for row in conn.execute("PRAGMA table_info(plans)")}
            if columns and "based_on_active" not in columns:
                raise StoreFileError(
                    f"plan store {self.path}: has a 'plans' table that is not Hearth's; set "
                    f"{DB_ENV} to another file"
                )
            conn.executescript(_SCHEMA)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except sqlite3.DatabaseError as err:
            raise StoreFileError(
                f"plan store {self.path}: not a usable SQLite database ({err}); set {DB_ENV} to "
                "another file"
            ) from None
        finally:
            conn.close()

    # -- reading -------------------------------------------------------------------------------

    def _record(self, row: sqlite3.Row) -> StoredPlan:
        try:
            plan = Plan.model_validate_json(row["plan"])
        except ValidationError as err:
            raise StoreFileError(
                f"plan store {self.path}: plan {row['id']} cannot be read by this Hearth version "
                f"({err.error_count()} field errors, first: {err.errors()[0]['msg']})"
            ) from None
        return StoredPlan(
            id=row["id"],
            created_at=row["created_at"],
            status=row["status"],
            plan=plan,
            based_on_active=row["based_on_active"],
            approved_by=row["approved_by"],
            approved_at=row["approved_at"],
            rejected_reason=row["rejected_reason"],
            closed_at=row["closed_at"],
            superseded_by=row["superseded_by"],
        )

    @staticmethod
    def _row(conn: sqlite3.Connection, plan_id: int) -> sqlite3.Row:
        row = conn.execute("SELECT * FROM plans WHERE id = ?", (plan_id,)).fetchone()
        if row is None:
            raise UnknownPlanError(plan_id)
        return row

    @staticmethod
    def _active_row(conn: sqlite3.Connection) -> sqlite3.Row | None:
        return conn.execute("SELECT * FROM plans WHERE status = 'approved'").fetchone()

    def get(self, plan_id: int) -> StoredPlan:
        """The version with this id; :class:`UnknownPlanError` if there is none."""
        with self._read() as conn:
            return self._record(self._row(conn, plan_id))

    def list(self, limit: int = 20) -> builtins.list[StoredPlan]:
        """The ``limit`` most recent versions, newest first."""
        if limit < 1:
            raise PlanStoreError(f"limit must be at least 1, got {limit}")
        with self._read() as conn:
            rows = conn.execute("SELECT * FROM plans ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return [self._record(row) for row in rows]

    def active_record(self) -> StoredPlan | None:
        """The active (approved) version, or ``None``."""
        with self._read() as conn:
            row = self._active_row(conn)
        return self._record(row) if row is not None else None

    def active_id(self) -> int | None:
        """Id of the active version, or ``None``; pass it to :meth:`save_proposal`."""
        with self._read() as conn:
            row = conn.execute("SELECT id FROM plans WHERE status = 'approved'").fetchone()
        return int(row["id"]) if row is not None else None

    def active(self) -> Plan | None:
        """The active plan, or ``None``."""
        record = self.active_record()
        return record.plan if record is not None else None

    def active_plan(self) -> Plan | None:
        """The active plan, or ``None`` (``agents.session.PlanStoreHandle``: read-only view)."""
        return self.active()

    # -- writing -------------------------------------------------------------------------------

    def _now_text(self) -> str:
        now = self._clock()
        if now.tzinfo is None or now.utcoffset() is None:
            raise PlanStoreError(f"the store's clock returned the naive time {now.isoformat()}")
        return now.astimezone(timezone.utc).isoformat()

    def save_proposal(self, plan: Plan, based_on_active: int | None) -> int:
        """Store ``plan`` as a new ``proposed`` version and return its id.

        Parameters
        ----------
        plan:
            The proposed plan.
        based_on_active:
            Id of the active version when the plan was computed (:meth:`active_id` then), or
            ``None`` if no plan was active. Approval is refused if this is no longer the case.
        """
        requests_json = json.dumps([r.model_dump(mode="json") for r in plan.requests])
        with self._write() as conn:
            if based_on_active is not None:
                self._row(conn, based_on_active)
            cursor = conn.execute(
                "INSERT INTO plans (created_at, status, plan_id, home, requests, plan, currency, "
                "cost, baseline, based_on_active) VALUES (?, 'proposed', ?, ?, ?, ?, ?, ?, ?, ?)",
                (self._now_text(), plan.id, plan.home, requests_json, plan.model_dump_json(),
                 plan.currency, plan.cost, plan.baseline_cost, based_on_active),
            )
            new_id = cursor.lastrowid
        assert new_id is not None
        return int(new_id)

    def approve(self, plan_id: int, by: str) -> ApprovalResult:
        """Make a proposed version the active plan; the previous active plan is superseded.

        Raises
        ------
        UnknownPlanError
            No version has this id.
        PlanStatusError
            The version is not ``proposed`` (already approved, rejected or superseded).
        StaleProposalError
            The active plan is no longer the one the proposal was based on.
        """
        approver = by.strip()
        if not approver:
            raise PlanStoreError("approved_by: say who approves the plan (a name), got nothing")
        with self._write() as conn:
            row = self._row(conn, plan_id)
            if row["status"] != "proposed":
                raise PlanStatusError(
                    f"plan {plan_id} is {row['status']}, only a proposed plan can be approved"
                )
            active = self._active_row(conn)
            active_id = int(active["id"]) if active is not None else None
            if row["based_on_active"] != active_id:
                raise StaleProposalError(plan_id, row["based_on_active"], active_id)
            now = self._now_text()
            if active is not None:
                conn.execute(
                    "UPDATE plans SET status = 'superseded', closed_at = ?, superseded_by = ? "
                    "WHERE id = ?",
                    (now, plan_id, active_id),
                )
            conn.execute(
                "UPDATE plans SET status = 'approved', approved_by = ?, approved_at = ? "
                "WHERE id = ?",
                (approver, now, plan_id),
            )
            approved = self._record(self._row(conn, plan_id))
            superseded = self._record(self._row(conn, active_id)) if active_id is not None else None
        diff = diff_plans(superseded.plan if superseded is not None else None, approved.plan)
        return ApprovalResult(approved=approved, superseded=superseded, diff=diff)

    def reject(self, plan_id: int, reason: str | None = None) -> StoredPlan:
        """Mark a proposed version as rejected, with the homeowner's reason if given."""
        with self._write() as conn:
            row = self._row(conn, plan_id)
            if row["status"] != "proposed":
                raise PlanStatusError(
                    f"plan {plan_id} is {row['status']}, only a proposed plan can be rejected"
                )
            text = reason.strip() if reason is not None and reason.strip() else None
            conn.execute(
                "UPDATE plans SET status = 'rejected', rejected_reason = ?, closed_at = ? "
                "WHERE id = ?",
                (text, self._now_text(), plan_id),
            )
            return self._record(self._row(conn, plan_id))
