"""The installation's secret key: LEADFLOW_SECRET_KEY, or on SQLite a generated key file.

On SQLite the key lives in `<database file>.key` (mode 0600) beside the database, made on first
use, so a single-machine installation needs no configuration. PostgreSQL installations run many
processes on many machines, which must share one key: there leadflow refuses until it is set.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from sqlalchemy.engine import make_url

from leadflow.domain.errors import NotConfigured
from leadflow.domain.suppression import PrivacyKeys
from leadflow.settings import Settings

SETTING = "LEADFLOW_SECRET_KEY"


def key_file_for(database_url: str) -> Path | None:
    """Where a SQLite database keeps its generated key; None for other databases."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    database = Path(url.database or "")
    return database.with_name(database.name + ".key")


def secret_key(settings: Settings) -> bytes:
    """The configured key, else the SQLite key file's (made on first use)."""
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value().encode("utf-8")
    path = key_file_for(settings.database_url)
    if path is None:
        raise NotConfigured(
            f"set {SETTING} (at least 32 characters, the same on every process): "
            "leadflow generates a key only beside a SQLite database file",
            setting=SETTING,
        )
    return _read_or_create(path)


def privacy_keys(settings: Settings) -> PrivacyKeys:
    """The keys for suppression hashes and objection links of this installation."""
    return PrivacyKeys.derive(secret_key(settings))


def _read_or_create(path: Path) -> bytes:
    if not path.exists():
        # Written aside and linked into place, so a second process never reads half a key.
        draft = path.with_name(f"{path.name}.{secrets.token_hex(8)}.tmp")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(secrets.token_urlsafe(48) + "\n")
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return _read(path)


def _read(path: Path) -> bytes:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise NotConfigured(
            f"{path} is readable by other users (mode {mode:o}): run `chmod 600 {path}`",
            setting=SETTING,
        )
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 32:
        raise NotConfigured(
            f"{path} holds no usable key (fewer than 32 characters); "
            f"delete it to generate a new one, or set {SETTING}",
            setting=SETTING,
        )
    return key.encode("ascii")
