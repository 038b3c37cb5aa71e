"""Request bodies that carry a TOML document: as text, or as JSON {"toml": "..."}."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import Depends, Request

from leadflow.domain.errors import InvalidInput

MAX_BYTES = 256 * 1024
TEXT_TYPES = ("text/plain", "application/toml", "text/toml")

TOML_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "text/plain": {"schema": {"type": "string"}},
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {"toml": {"type": "string"}},
                    "required": ["toml"],
                    "additionalProperties": False,
                }
            },
        },
    }
}
"""OpenAPI for routes that take `TomlDocument`."""


async def toml_document(request: Request) -> str:
    raw = await request.body()
    if len(raw) > MAX_BYTES:
        raise InvalidInput(f"the document is larger than {MAX_BYTES // 1024} KB", field="body")
    kind = request.headers.get("content-type", "text/plain").split(";")[0].strip().lower()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidInput("the document is not UTF-8", field="body") from error
    if kind in TEXT_TYPES:
        return text
    if kind == "application/json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise InvalidInput(f"the body is not JSON: {error}", field="body") from error
        if not isinstance(data, dict) or set(data) != {"toml"} or not isinstance(data["toml"], str):
            raise InvalidInput('send JSON as {"toml": "..."}', field="toml")
        return data["toml"]
    raise InvalidInput(
        f'send the TOML as text/plain or as JSON {{"toml": ...}}, not {kind}', field="body"
    )


TomlDocument = Annotated[str, Depends(toml_document)]
