"""The interactive API docs at /docs: Swagger UI 5 from the installed `fastapi-offline` package
(its files only), served by leadflow itself (no CDN, nothing fetched at run time, no inline
script)."""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, HTTPException
from starlette.responses import FileResponse, HTMLResponse

SWAGGER_UI = Path(fastapi_offline.__file__).resolve().parent / "static"
OWN = Path(__file__).resolve().parent / "static" / "docs"
ASSETS = {
    "swagger-ui.css": (SWAGGER_UI, "text/css; charset=utf-8"),
    "swagger-ui-bundle.js": (SWAGGER_UI, "text/javascript; charset=utf-8"),
    "favicon.png": (SWAGGER_UI, "image/png"),
    "docs.js": (OWN, "text/javascript; charset=utf-8"),
}
PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>leadflow API</title>
  <link rel="icon" type="image/png" href="/docs/assets/favicon.png">
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
  <script src="/docs/assets/swagger-ui-bundle.js" defer></script>
  <script src="/docs/assets/docs.js" defer></script>
</head>
<body>
  <div id="swagger-ui"></div>
</body>
</html>
"""

router = APIRouter(include_in_schema=False)


@router.get("/docs")
def docs() -> HTMLResponse:
    return HTMLResponse(PAGE)


@router.get("/docs/assets/{name}")
def docs_asset(name: str) -> FileResponse:
    found = ASSETS.get(name)
    if found is None:
        raise HTTPException(404, "no such asset")
    folder, media_type = found
    return FileResponse(
        folder / name, media_type=media_type, headers={"Cache-Control": "max-age=86400"}
    )
