"""The edge: bodies over their limit answer 413 unread; refused characters, numbers outside 64
bits and deep nesting in JSON, forms, query strings and paths answer 422 naming the field, and
nothing is stored."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Iterator, MutableMapping
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from leadflow.adapters.db.database import Database
from leadflow.adapters.db.tables import contacts, form_quarantine, leads
from leadflow.domain.campaign import Campaign
from leadflow.domain.stages import Role
from leadflow.settings import Settings
from leadflow.web.app import create_app
from tests.factories import Tenant, new_campaign
from tests.integration.form_support import SECRET, count, own_form
from tests.integration.served import serving

BODY_LIMIT = 4096
BATCH_LIMIT = 64 * 1024
FORM_LIMIT = 2048
MIB = 1024 * 1024


@pytest.fixture
def app(database_url: str, db: Database) -> FastAPI:
    settings = Settings(
        database_url=database_url,
        secret_key=SECRET,  # type: ignore[arg-type]
        max_body_bytes=BODY_LIMIT,
        max_batch_body_bytes=BATCH_LIMIT,
        max_form_body_bytes=FORM_LIMIT,
    )
    return create_app(settings, db=db)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def campaign(db: Database, tenant: Tenant) -> Campaign:
    return new_campaign(db, tenant)


class EndlessUpload:
    """An ASGI client that would send 47 MB in 64 KiB chunks, and counts what was taken."""

    CHUNK = b"[" + b" " * (64 * 1024 - 1)
    TOTAL_CHUNKS = 47 * MIB // (64 * 1024)

    def __init__(self) -> None:
        self.chunks_read = 0
        self.status: int | None = None
        self.body = b""

    def send_to(self, app: FastAPI, headers: list[tuple[bytes, bytes]]) -> None:
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
            "scheme": "http", "path": "/api/v1/leads", "raw_path": b"/api/v1/leads",
            "query_string": b"", "root_path": "", "server": ("testserver", 80),
            "client": ("127.0.0.1", 50000),
            "headers": [(b"host", b"testserver"), (b"content-type", b"application/json"), *headers],
        }  # fmt: skip
        asyncio.run(app(scope, self.receive, self.send))

    async def receive(self) -> dict[str, Any]:
        self.chunks_read += 1
        more = self.chunks_read < self.TOTAL_CHUNKS
        return {"type": "http.request", "body": self.CHUNK, "more_body": more}

    async def send(self, message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
        elif message["type"] == "http.response.body":
            self.body += message.get("body", b"")


def test_a_declared_oversized_body_answers_413_without_reading_any_of_it(app: FastAPI) -> None:
    upload = EndlessUpload()

    upload.send_to(app, [(b"content-length", str(47 * MIB).encode())])

    assert upload.status == 413
    assert upload.chunks_read == 0
    assert json.loads(upload.body) == {
        "detail": f"the request body is larger than {BODY_LIMIT} bytes",
        "error": "PayloadTooLarge",
        "limit": BODY_LIMIT,
    }


def test_a_chunked_body_is_counted_and_refused_as_soon_as_it_passes_the_limit(
    app: FastAPI,
) -> None:
    upload = EndlessUpload()

    upload.send_to(app, [(b"transfer-encoding", b"chunked")])

    assert upload.status == 413
    assert upload.chunks_read == 1  # one 64 KiB chunk is past the 4 KiB limit
    assert upload.chunks_read < upload.TOTAL_CHUNKS


def _answer_to_an_endless_body(base_url: str, head: bytes, chunk: bytes) -> bytes:
    """Send the head and then body chunks that never end; what the server answers meanwhile."""
    address = urlsplit(base_url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as connection:
        connection.sendall(head)
        for _ in range(16):
            try:
                connection.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break  # the server answered and stopped reading: what it said is waiting
        answer = b""
        while b"\r\n\r\n" not in answer:
            received = connection.recv(4096)
            if not received:
                break
            answer += received
        return answer


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_a_served_app_answers_413_while_the_oversized_body_is_still_arriving(
    app: FastAPI, framing: str
) -> None:
    declared = f"Content-Length: {47 * MIB}" if framing == "content-length" else ""
    chunked = "Transfer-Encoding: chunked" if framing == "chunked" else ""
    head = (
        "POST /api/v1/leads HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"{declared}{chunked}\r\n\r\n"
    ).encode()
    piece = b"[" * 1024
    chunk = piece if framing == "content-length" else b"400\r\n" + piece + b"\r\n"

    with serving(app) as base_url:
        answer = _answer_to_an_endless_body(base_url, head, chunk)

    assert answer.startswith(b"HTTP/1.1 413 ")


def test_the_batch_endpoint_takes_a_larger_body_than_a_single_lead(
    client: TestClient, tenant: Tenant, db: Database
) -> None:
    note = "Gespräch auf der Messe. " * 200  # about 4.8 KB
    one = {"email": "eva@nordwerk.de", "last_name": "Fischer", "note": note}
    batch = {"leads": [{**one, "email": f"p{n}@nordwerk.de"} for n in range(3)]}

    single = client.post("/api/v1/leads", json=one, headers=tenant.headers(Role.MARKETING))
    several = client.post("/api/v1/leads/batch", json=batch, headers=tenant.headers(Role.MARKETING))

    assert single.status_code == 413
    assert single.json()["limit"] == BODY_LIMIT
    assert several.status_code == 200, several.text
    assert count(db, leads) == 3


def test_a_form_post_over_the_form_limit_answers_413(
    client: TestClient, campaign: Campaign, db: Database
) -> None:
    fields = own_form(campaign, description="x" * FORM_LIMIT)

    answer = client.post(f"/f/{campaign.form_key}", data=fields)

    assert answer.status_code == 413
    assert count(db, contacts) == 0 and count(db, form_quarantine) == 0


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        (b'{"email": "eva@nordwerk.de", "last_name": "Fischer\\ud800"}', "last_name", "surrogate"),
        (b'{"email": "eva@nordwerk.de\\u0000", "last_name": "Fischer"}', "email", "NUL"),
        (b'{"last_name": "Fischer", "note": "\\u001b[2J"}', "note", "U+001B"),
        (
            b'{"last_name": "F", "custom_fields": {"x": ' + b"[" * 900 + b"]" * 900 + b"}}",
            "custom_fields.x." + ".".join(["0"] * 30),
            "nest deeper than 32",
        ),
        (b'{"last_name": "F", "campaign_id": 21726962978707689472}', "campaign_id", "outside"),
    ],
    ids=["lone surrogate", "nul", "escape character", "900 deep", "number beyond 64 bits"],
)
def test_refused_json_answers_422_naming_the_field_and_stores_nothing(
    client: TestClient, tenant: Tenant, db: Database, body: bytes, field: str, says: str
) -> None:
    headers = {**tenant.headers(Role.MARKETING), "content-type": "application/json"}

    answer = client.post("/api/v1/leads", content=body, headers=headers)

    assert answer.status_code == 422
    assert answer.json()["error"] == "InvalidInput"
    assert answer.json()["field"] == field
    assert says in answer.json()["detail"]
    assert count(db, leads) == 0


def test_tabs_and_line_breaks_in_free_text_are_kept(client: TestClient, tenant: Tenant) -> None:
    note = "Rückruf bitte\r\nab 14 Uhr\tDienstag"

    answer = client.post(
        "/api/v1/leads",
        json={"last_name": "Fischer", "email": "eva@nordwerk.de", "note": note},
        headers=tenant.headers(Role.MARKETING),
    )

    assert answer.status_code == 201, answer.text


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_a_nul_in_a_public_form_post_answers_422_and_nothing_is_stored(
    client: TestClient, campaign: Campaign, db: Database, encoding: str
) -> None:
    fields = own_form(campaign, company="Nordwerk\x00 GmbH")
    files = {"attachment": ("a.txt", b"hello", "text/plain")} if encoding == "multipart" else None

    answer = client.post(f"/f/{campaign.form_key}", data=fields, files=files)

    assert answer.status_code == 422
    assert answer.json()["field"] == "company"
    assert count(db, contacts) == 0 and count(db, form_quarantine) == 0


def test_a_nul_in_a_browser_form_answers_422(client: TestClient) -> None:
    answer = client.post("/app/login", data={"email": "eva@nordwerk.de\x00", "password": "x"})

    assert answer.status_code == 422
    assert answer.json()["field"] == "email"


@pytest.mark.parametrize(
    ("address", "field"),
    [
        ("/api/v1/leads?q=Nord%00werk", "q"),
        ("/api/v1/leads?source=%07", "source"),
        ("/f/abc%00def", "path"),
        ("/f/abc%00def?lang=en", "path"),
        ("/api/v1/fields/bud%00get", "path"),
    ],
)
def test_a_nul_or_control_character_in_a_query_or_path_answers_422(
    client: TestClient, tenant: Tenant, address: str, field: str
) -> None:
    answer = client.get(address, headers=tenant.headers(Role.ADMIN))

    assert answer.status_code == 422
    assert answer.json()["field"] == field


def test_a_file_upload_larger_than_the_form_limit_still_reaches_the_import(
    client: TestClient, tenant: Tenant
) -> None:
    rows = "".join(f"p{n}@nordwerk.de;Fischer\n" for n in range(400))
    csv = ("E-Mail;Nachname\n" + rows).encode()

    preview = client.post(
        "/api/v1/imports/preview",
        files={"file": ("messe.csv", csv, "text/csv")},
        headers=tenant.headers(Role.MARKETING),
    )

    assert len(csv) > BODY_LIMIT
    assert preview.status_code == 200, preview.text
    assert preview.json()["rows"][0]["values"]["email"] == "p0@nordwerk.de"
