"""A fingerprint of the home file and the price and forecast files it names.

The runner re-plans when it changes ("new prices or forecast"): a day-ahead file rewritten by a
cron job, a new PV series, an edited home file.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from tools.errors import InputError
from tools.home import Home, load_home


def _series_files(home: Home) -> list[Path]:
    files: list[Path] = []
    for part in (
        home.tariff.import_price,
        home.tariff.export_price,
        home.tariff.co2,
        home.pv_series,
        home.base_load,
    ):
        name = getattr(part, "file", None)
        if isinstance(name, str):
            try:
                files.append(home.resolve_path(name))
            except InputError:  # outside the home's folder: loading it fails and says so
                continue
    return files


def home_fingerprint(home: Home, home_file: Path) -> str:
    """SHA-256 over the size and modification time of the home file and its series files."""
    digest = hashlib.sha256()
    for path in [home_file, *_series_files(home)]:
        try:
            stat = path.stat()
            digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
        except OSError:
            digest.update(f"{path}:missing\n".encode())
    return digest.hexdigest()


class HomeWatcher:
    """Reloads the home file when it or one of its series files changed (checked by ``stat``)."""

    def __init__(self, path: Path, home: Home) -> None:
        self.path = path
        self.home = home
        self.fingerprint = home_fingerprint(home, path)

    def changed(self) -> Home | None:
        """The reloaded home when something changed since the last call, else ``None``.

        A file that no longer loads keeps the home as it was (the runner logs nothing new and
        carries on); the next valid change is picked up.
        """
        fingerprint = home_fingerprint(self.home, self.path)
        if fingerprint == self.fingerprint:
            return None
        self.fingerprint = fingerprint
        try:
            self.home = load_home(self.path)
        except InputError:
            return None
        self.fingerprint = home_fingerprint(self.home, self.path)
        return self.home
