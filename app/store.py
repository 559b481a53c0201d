"""The plan store: every plan version a homeowner saw, and the approved runs per device.

SQLite in WAL mode, shared by the Chainlit UI, the CLI and the runner. Every operation opens its
own connection and commits before it returns, with ``synchronous=FULL``, so an approval survives
a ``kill -9`` of the server (and a power cut). Writes run inside ``BEGIN IMMEDIATE``
transactions, so two processes approving at once are serialised and the stale check below sees
the other's result.

Two tables:

* ``plans`` — one row per plan version, numbered 1, 2, 3 … (the number the homeowner sees:
  "plan 3"). Life of a version::

      proposed ──approve──► approved ──(its last commitment replaced or cancelled)──► superseded
          └──────reject───► rejected

* ``commitments`` — the **active plan** as one approved run per device
  (:class:`tools.results.Commitment`: the device's requests and its power segments). Approving a
  proposal replaces the commitments of the devices it covers (its requests, and the home battery,
  which every plan re-optimises), keeps the ones it held as fixed loads (``plan.committed``) and
  withdraws the ones it cancels (``plan.released``). A partial unique index keeps one active
  commitment per device. Old commitments stay as history (``replaced``, ``cancelled``).

The *head* (:meth:`PlanStore.active_id`) is the most recently approved version: the active
commitments are exactly what it showed (its own runs plus the runs it held). A proposal records
``based_on_active``, the head when it was computed; approving it after another approval would
plan against runs that changed, so it raises :class:`StaleProposalError`.

Schema version 2 adds the commitments; a version 1 store (one approved plan) is migrated in
place: the approved plan's runs become its commitments. The SQL lives in :mod:`app.store_schema`;
the records and errors in :mod:`app.store_records` (re-exported here).

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
from pydantic import ValidationError

from app.diff import diff_commitments
from app.store_records import (
    ApprovalResult,
    PlanStatus,
    PlanStatusError,
    PlanStoreError,
    StaleProposalError,
    StoredPlan,
    StoreFileError,
    UnknownPlanError,
)
from app.store_schema import MIGRATE_1_TO_2, SCHEMA, SCHEMA_VERSION, run_script
from tools.commitments import plan_commitments, whole_plan
from tools.results import Commitment, Plan

__all__ = [
    "ApprovalResult", "PlanStatus", "PlanStatusError", "PlanStore", "PlanStoreError",
    "StaleProposalError", "StoreFileError", "StoredPlan", "UnknownPlanError", "default_db_path",
]

CommitmentStatus = Literal["active", "replaced", "cancelled"]

DB_ENV = "HEARTH_DB"
DB_FILENAME = "plans.sqlite3"
#: How long a writer waits for another process's transaction to finish [s].
BUSY_TIMEOUT_S = 10.0




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
            conn.execute("BEGIN IMMEDIATE")
            try:
                self._create_or_migrate(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except sqlite3.DatabaseError as err:
            raise StoreFileError(
                f"plan store {self.path}: not a usable SQLite database ({err}); set {DB_ENV} to "
                "another file"
            ) from None
        finally:
            conn.close()

    def _create_or_migrate(self, conn: sqlite3.Connection) -> None:
        """Create the schema, or bring a version 1 store to version 2, in one transaction."""
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, 1, SCHEMA_VERSION):
            raise StoreFileError(
                f"plan store {self.path}: schema version {version}, this Hearth reads "
                f"versions 1 and {SCHEMA_VERSION}"
            )
        columns = {row["name"] for row in conn.execute("PRAGMA table_info(plans)")}
        if columns and "based_on_active" not in columns:
            raise StoreFileError(
                f"plan store {self.path}: has a 'plans' table that is not Hearth's; set "
                f"{DB_ENV} to another file"
            )
        migrate = bool(columns) and "approval_order" not in columns
        if migrate:
            run_script(conn, MIGRATE_1_TO_2)
        run_script(conn, SCHEMA)
        if migrate:
            active = conn.execute("SELECT * FROM plans WHERE status = 'approved'").fetchone()
            if active is not None:
                record = self._record(active)
                self._insert_commitments(
                    conn, record.id, plan_commitments(record.plan),
                    active["approved_by"], active["approved_at"],
                )
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

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

    def _commitment(self, row: sqlite3.Row) -> Commitment:
        try:
            return Commitment.model_validate_json(row["commitment"])
        except ValidationError as err:
            raise StoreFileError(
                f"plan store {self.path}: the approved run of {row['device']} (plan {row['plan']}) "
                f"cannot be read by this Hearth version ({err.errors()[0]['msg']})"
            ) from None

    @staticmethod
    def _row(conn: sqlite3.Connection, plan_id: int) -> sqlite3.Row:
        row = conn.execute("SELECT * FROM plans WHERE id = ?", (plan_id,)).fetchone()
        if row is None:
            raise UnknownPlanError(plan_id)
        return row

    @staticmethod
    def _head_row(conn: sqlite3.Connection) -> sqlite3.Row | None:
        return conn.execute(
            "SELECT * FROM plans WHERE status = 'approved' "
            "ORDER BY approval_order DESC LIMIT 1"
        ).fetchone()

    def _active_commitment_rows(self, conn: sqlite3.Connection) -> builtins.list[sqlite3.Row]:
        return conn.execute(
            "SELECT * FROM commitments WHERE status = 'active' ORDER BY id"
        ).fetchall()

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
        """The most recently approved version (the head) with its plan made whole
        (:func:`tools.commitments.whole_plan`: the runs it held are in it as its own), or
        ``None``. :meth:`get` returns the version as it was proposed."""
        with self._read() as conn:
            row = self._head_row(conn)
        if row is None:
            return None
        record = self._record(row)
        return record.model_copy(update={"plan": whole_plan(record.plan)})

    def active_id(self) -> int | None:
        """Id of the head, or ``None``; pass it to :meth:`save_proposal`."""
        with self._read() as conn:
            row = self._head_row(conn)
        return int(row["id"]) if row is not None else None

    def active(self) -> Plan | None:
        """The active plan as one schedule — the head's own runs and the runs it held — or
        ``None``."""
        record = self.active_record()
        return record.plan if record is not None else None

    def active_plan(self) -> Plan | None:
        """The head's plan, or ``None`` (``agents.session.PlanStoreHandle``: read-only view)."""
        return self.active()

    def active_commitments(self, at: datetime | None = None) -> builtins.list[Commitment]:
        """The approved run of every device, in time order (runs without power last).

        Parameters
        ----------
        at:
            When given (tz-aware), only commitments still pending then: a run ending after
            ``at``, or a request whose deadline is after it.
        """
        if at is not None and (at.tzinfo is None or at.utcoffset() is None):
            raise PlanStoreError(f"at: needs a UTC offset, got the naive time {at.isoformat()}")
        with self._read() as conn:
            commitments = [self._commitment(r) for r in self._active_commitment_rows(conn)]
        if at is not None:
            commitments = [c for c in commitments if c.pending_at(at)]
        return _in_time_order(commitments)

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
            The head when the plan was computed (:meth:`active_id` then), or ``None`` if
            nothing was approved. Approval is refused if another approval came in between.
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

    @staticmethod
    def _insert_commitments(
        conn: sqlite3.Connection, plan_id: int, commitments: builtins.list[Commitment],
        approved_by: str, approved_at: str,
    ) -> builtins.list[Commitment]:
        stamped = []
        for commitment in commitments:
            commitment = commitment.model_copy(update={
                "plan_number": plan_id, "approved_by": approved_by,
                "approved_at": datetime.fromisoformat(approved_at),
            })
            conn.execute(
                "INSERT INTO commitments (device, plan, status, commitment, approved_by, "
                "approved_at) VALUES (?, ?, 'active', ?, ?, ?)",
                (commitment.device, plan_id, commitment.model_dump_json(), approved_by,
                 approved_at),
            )
            stamped.append(commitment)
        return stamped

    def approve(self, plan_id: int, by: str) -> ApprovalResult:
        """Approve a proposed version: its devices' runs replace theirs, the others stay.

        The plan's covered devices (its requests and the home battery) get new commitments;
        the commitments it held as fixed loads stay; the ones it cancels are withdrawn. An
        earlier version none of whose runs remains approved becomes ``superseded``.

        Raises
        ------
        UnknownPlanError
            No version has this id.
        PlanStatusError
            The version is not ``proposed`` (already approved, rejected or superseded).
        StaleProposalError
            Another version was approved after this one was proposed.
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
            head = self._head_row(conn)
            head_id = int(head["id"]) if head is not None else None
            if row["based_on_active"] != head_id:
                raise StaleProposalError(plan_id, row["based_on_active"], head_id)
            plan = self._record(row).plan
            now = self._now_text()
            new = plan_commitments(plan)
            covered = {c.device for c in new}
            cancelled_devices = {c.device for c in plan.released}
            before_rows = self._active_commitment_rows(conn)
            before = [self._commitment(r) for r in before_rows]
            replaced: builtins.list[Commitment] = []
            cancelled: builtins.list[Commitment] = []
            for commitment_row, commitment in zip(before_rows, before, strict=True):
                if commitment.device in covered:
                    status, bucket = "replaced", replaced
                elif commitment.device in cancelled_devices:
                    status, bucket = "cancelled", cancelled
                else:
                    continue
                conn.execute(
                    "UPDATE commitments SET status = ?, closed_at = ?, closed_by = ? WHERE id = ?",
                    (status, now, plan_id, commitment_row["id"]),
                )
                bucket.append(commitment)
            self._insert_commitments(conn, plan_id, new, approver, now)
            order = conn.execute(
                "SELECT COALESCE(MAX(approval_order), 0) + 1 FROM plans"
            ).fetchone()[0]
            conn.execute(
                "UPDATE plans SET status = 'approved', approved_by = ?, approved_at = ?, "
                "approval_order = ? WHERE id = ?",
                (approver, now, order, plan_id),
            )
            ended = conn.execute(
                "SELECT id FROM plans WHERE status = 'approved' AND id != ? AND NOT EXISTS "
                "(SELECT 1 FROM commitments c WHERE c.plan = plans.id AND c.status = 'active')",
                (plan_id,),
            ).fetchall()
            for ended_row in ended:
                conn.execute(
                    "UPDATE plans SET status = 'superseded', closed_at = ?, superseded_by = ? "
                    "WHERE id = ?",
                    (now, plan_id, ended_row["id"]),
                )
            approved = self._record(self._row(conn, plan_id))
            superseded = [self._record(self._row(conn, r["id"])) for r in ended]
            after = [self._commitment(r) for r in self._active_commitment_rows(conn)]
        pending_before = [c for c in before if c.pending_at(plan.now)]
        pending_after = [c for c in after if c.pending_at(plan.now)]
        return ApprovalResult(
            approved=approved, superseded=superseded, commitments=_in_time_order(after),
            replaced=_in_time_order(replaced), cancelled=_in_time_order(cancelled),
            diff=diff_commitments(pending_before, pending_after, plan.currency),
        )

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


def _in_time_order(commitments: builtins.list[Commitment]) -> builtins.list[Commitment]:
    """Runs by start time; commitments without a run (nothing to do) last, by device."""
    far = datetime.max.replace(tzinfo=timezone.utc)
    return sorted(commitments, key=lambda c: (c.start or far, c.device))
