"""Files Hearth creates are readable by their owner only.

The plan store holds what the household plans and when it is away; the log may hold parts of
conversations. A new store gets 0700 folders and a 0600 database, and SQLite gives its WAL and
SHM files the database's mode; the log file is 0600 too. Folders that already exist keep their
mode (Hearth never changes permissions it did not set).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from app.logs import configure_logging
from app.store import PlanStore


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> object:
    """A permissive umask (022 or wider would hide the bug this guards against)."""
    previous = os.umask(0o002)
    yield
    os.umask(previous)


@pytest.mark.usefixtures("open_umask")
def test_a_new_store_is_private(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    store = PlanStore(tmp_path / "a" / "b" / "plans.sqlite3")
    assert mode(tmp_path / "a") == 0o700
    assert mode(tmp_path / "a" / "b") == 0o700
    assert mode(store.path) == 0o600
    assert mode(tmp_path) == 0o755  # existing folder untouched
    connection = sqlite3.connect(store.path)  # keep the WAL and SHM files alive while we look
    try:
        connection.execute("SELECT count(*) FROM plans").fetchone()
        connection.execute("INSERT INTO plans (created_at, status, plan_id, home, requests, plan, "
                           "currency, cost, baseline) VALUES ('t', 'proposed', 'p', 'h', '[]', '{}', "
                           "'EUR', 0, 0)")
        connection.commit()
        for suffix in ("-wal", "-shm"):
            side = store.path.with_name(store.path.name + suffix)
            assert side.exists() and mode(side) == 0o600
    finally:
        connection.close()


@pytest.mark.usefixtures("open_umask")
def test_the_default_store_folder_is_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HEARTH_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    store = PlanStore()
    assert store.path == tmp_path / "data" / "hearth" / "plans.sqlite3"
    assert mode(tmp_path / "data" / "hearth") == 0o700 and mode(store.path) == 0o600


@pytest.mark.usefixtures("open_umask")
def test_the_log_file_is_private_and_made_only_when_needed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "logs" / "hearth.log"
    monkeypatch.setenv("HEARTH_LOG", str(path))
    try:
        assert configure_logging() == path
        assert not path.exists()
        logging.getLogger("hearth.test").warning("a warning")
        assert mode(path) == 0o600 and mode(path.parent) == 0o700
        assert "a warning" in path.read_text(encoding="utf-8")
    finally:
        root = logging.getLogger()
        for handler in [h for h in root.handlers if getattr(h, "hearth", False)]:
            root.removeHandler(handler)
            handler.close()
        logging.captureWarnings(False)
