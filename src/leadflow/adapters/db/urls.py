"""What a database URL names, read without connecting: for messages and checks before serving."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names; None for a database server."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    return Path(parsed.database or "")


def describe_database(url: str) -> str:
    """The database a URL points at, for people: a SQLite file's full path, a server's URL
    without its password."""
    file = sqlite_file(url)
    if file is not None:
        return f"SQLite file {file.resolve()}"
    return make_url(url).render_as_string(hide_password=True)
