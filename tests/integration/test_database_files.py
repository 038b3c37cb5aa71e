"""A SQLite database file that leadflow creates, and its -wal and -shm files, are readable by
their owner alone, like the key file beside them."""

from __future__ import annotations

import os
from pathlib import Path

from leadflow.adapters.db.database import Database


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_a_new_sqlite_database_and_its_wal_files_are_created_with_mode_0600(
    tmp_path: Path,
) -> None:
    previous = os.umask(0o022)
    try:
        db = Database(f"sqlite:///{tmp_path / 'leadflow.db'}")
        db.upgrade()
        with db.reading() as connection:
            connection.exec_driver_sql("SELECT count(*) FROM workspaces").scalar_one()
            modes = {path.name: _mode(path) for path in tmp_path.iterdir()}
        db.dispose()
    finally:
        os.umask(previous)

    assert modes == {"leadflow.db": 0o600, "leadflow.db-wal": 0o600, "leadflow.db-shm": 0o600}


def test_an_existing_database_file_keeps_the_mode_its_owner_gave_it(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    path.touch(mode=0o640)
    path.chmod(0o640)

    db = Database(f"sqlite:///{path}")
    db.upgrade()
    db.dispose()

    assert _mode(path) == 0o640
