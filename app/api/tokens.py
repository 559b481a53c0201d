"""API tokens: who may read, propose and approve through the HTTP API.

Two roles: ``homeowner`` (everything, approval included) and ``client`` (other software and any
agent: read, and post requests that become proposals — never approve). A token is shown once when
it is made (``hearth api-token``); the file keeps only its SHA-256, is created with mode 0600 and
is refused when anyone but its owner may read it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import stat
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, ValidationError

from tools.errors import InputError

Role = Literal["homeowner", "client"]
TOKENS_FILENAME = "api-tokens.json"


class TokenRecord(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    role: Role
    label: str
    sha256: str
    created_at: AwareDatetime


class TokenFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tokens: list[TokenRecord] = []


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenStore:
    """The token file at ``path`` (by default ``api-tokens.json`` beside the plan store)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _load(self) -> TokenFile:
        if not self.path.exists():
            return TokenFile()
        mode = stat.S_IMODE(self.path.stat().st_mode)
        if mode & 0o077:
            raise InputError(
                str(self.path),
                f"API token file is readable by others (mode {mode:o}); run chmod 600 {self.path}",
            )
        try:
            return TokenFile.model_validate_json(self.path.read_text(encoding="utf-8"))
        except (ValidationError, UnicodeDecodeError):
            raise InputError(str(self.path), "is not a Hearth API token file") from None

    def _save(self, tokens: TokenFile) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(tokens.model_dump(mode="json"), indent=2))
        os.chmod(temporary, 0o600)
        os.replace(temporary, self.path)

    def create(self, role: Role, label: str = "") -> str:
        """A new token for ``role``; returned once, stored only as its hash."""
        token = secrets.token_urlsafe(32)
        tokens = self._load()
        tokens.tokens.append(
            TokenRecord(
                role=role,
                label=label or role,
                sha256=_digest(token),
                created_at=datetime.now(timezone.utc),
            )
        )
        self._save(tokens)
        return token

    def role_of(self, token: str) -> Role | None:
        """The role of ``token``, or ``None`` when it is not a valid token (constant-time)."""
        digest = _digest(token)
        role: Role | None = None
        for record in self._load().tokens:
            if hmac.compare_digest(record.sha256, digest):
                role = record.role
        return role
