"""/docs serves Swagger UI from leadflow itself: only local addresses, no inline script."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def test_the_docs_page_references_only_local_addresses_and_no_inline_script(
    app_client: TestClient,
) -> None:
    page = app_client.get("/docs")

    addresses = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert page.status_code == 200 and addresses
    assert all(address.startswith("/docs/assets/") for address in addresses), addresses
    assert "cdn" not in page.text.lower() and "http" not in page.text
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page.text) is None
    assert re.search(r"\son[a-z]+=", page.text) is None


def test_the_swagger_ui_assets_are_served_and_start_on_the_openapi_document(
    app_client: TestClient,
) -> None:
    page = app_client.get("/docs").text
    served = {
        address: app_client.get(address) for address in re.findall(r'="(/docs/assets/[^"]+)"', page)
    }

    assert {address: answer.status_code for address, answer in served.items()} == dict.fromkeys(
        served, 200
    )
    assert "SwaggerUIBundle" in served["/docs/assets/swagger-ui-bundle.js"].text
    assert served["/docs/assets/swagger-ui.css"].headers["content-type"].startswith("text/css")
    assert '"/openapi.json"' in served["/docs/assets/docs.js"].text
    assert app_client.get("/openapi.json").status_code == 200
    assert app_client.get("/docs/assets/index.html").status_code == 404
    assert app_client.get("/redoc").status_code == 404
