"""leadflow's own stylesheet, script and icons, served by leadflow itself (no CDN)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException
from starlette.responses import FileResponse

STATIC = Path(__file__).resolve().parents[1] / "static"
TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
}

router = APIRouter(prefix="/app/static", tags=["ui"])


@router.get("/{name}")
def asset(name: str) -> FileResponse:
    """One file of the UI's assets; nothing outside the static folder is reachable."""
    path = STATIC / name
    media_type = TYPES.get(path.suffix)
    if media_type is None or path.parent != STATIC or not path.is_file():
        raise HTTPException(404, "no such asset")
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "max-age=3600"})
