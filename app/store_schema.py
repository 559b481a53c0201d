"""The plan store's SQLite schema (version 2) and the migration from version 1.

Two tables: ``plans`` (one row per plan version) and ``commitments`` (one approved run per
device, with its history); see :mod:`app.store`.
"""

from __future__ import annotations

import sqlite3

SCHEMA_VERSION = 2

SCHEMA = """
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
    superseded_by   INTEGER REFERENCES plans (id),
    approval_order  INTEGER
);
CREATE TABLE IF NOT EXISTS commitments (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    device          TEXT NOT NULL,
    plan            INTEGER NOT NULL REFERENCES plans (id),
    status          TEXT NOT NULL CHECK (status IN ('active', 'replaced', 'cancelled')),
    commitment      TEXT NOT NULL,
    approved_by     TEXT NOT NULL,
    approved_at     TEXT NOT NULL,
    closed_at       TEXT,
    closed_by       INTEGER REFERENCES plans (id)
);
CREATE UNIQUE INDEX IF NOT EXISTS commitments_one_per_device
    ON commitments (device) WHERE status = 'active';
"""

#: Version 1 → 2: several versions may be approved at once (each holding some devices' runs);
#: the head is the one approved last; the v1 active plan's runs become its commitments.
MIGRATE_1_TO_2 = """
DROP INDEX IF EXISTS plans_one_active;
ALTER TABLE plans ADD COLUMN approval_order INTEGER;
UPDATE plans SET approval_order = id WHERE approved_at IS NOT NULL;
"""


def run_script(conn: sqlite3.Connection, script: str) -> None:
    """Run ``;``-separated statements inside the open transaction (``executescript`` would
    commit it first)."""
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)
