"""leadflow's upload directory: where the web saves an upload and the worker finds it again."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from leadflow.domain.errors import NotConfigured
from leadflow.settings import Settings


def upload_dir(settings: Settings) -> Path:
    """leadflow's upload directory, made private to this user; one owned by another is refused."""
    path = Path(
        settings.upload_dir or Path(tempfile.gettempdir()) / f"leadflow-uploads-{os.getuid()}"
    )
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    status = path.lstat()
    if path.is_symlink() or status.st_uid != os.getuid():
        raise NotConfigured(
            f"the upload directory {path} belongs to someone else; set LEADFLOW_UPLOAD_DIR",
            setting="LEADFLOW_UPLOAD_DIR",
        )
    if status.st_mode & 0o077:
        path.chmod(0o700)
    return path


def upload_in(directory: Path, name: str) -> Path:
    """The upload of this name in the directory; a name that leads out of it is refused."""
    if not name or Path(name).name != name or name.startswith("."):
        raise ValueError(f"{name!r} is not the name of an upload")
    return directory / name
