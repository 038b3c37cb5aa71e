"""Where the privacy key comes from: the setting, or a key file beside a SQLite database."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from leadflow.adapters.secret_key import key_file_for, privacy_keys, secret_key
from leadflow.domain.errors import NotConfigured
from leadflow.settings import Settings


def _settings(url: str, key: str | None = None) -> Settings:
    return Settings(database_url=url, secret_key=key)


def test_the_configured_key_wins(tmp_path: Path) -> None:
    settings = _settings(f"sqlite:///{tmp_path / 'a.db'}", "s" * 40)

    assert secret_key(settings) == b"s" * 40
    assert not (tmp_path / "a.db.key").exists()


def test_a_sqlite_installation_without_a_key_generates_one_private_file(tmp_path: Path) -> None:
    settings = _settings(f"sqlite:///{tmp_path / 'a.db'}")

    first = secret_key(settings)
    second = secret_key(settings)

    path = tmp_path / "a.db.key"
    assert first == second and len(first) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert privacy_keys(settings) == privacy_keys(settings)
    assert [p.name for p in tmp_path.iterdir()] == ["a.db.key"]


def test_a_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    settings = _settings(f"sqlite:///{tmp_path / 'a.db'}")
    secret_key(settings)
    (tmp_path / "a.db.key").chmod(0o644)

    with pytest.raises(NotConfigured, match="chmod 600"):
        secret_key(settings)


def test_postgresql_without_a_key_refuses_with_the_setting_named() -> None:
    settings = _settings("postgresql://leadflow@db.example/leadflow")

    with pytest.raises(NotConfigured, match="LEADFLOW_SECRET_KEY"):
        secret_key(settings)
    assert key_file_for("sqlite://") is None
