"""A real SMTP server for the e-mail tests (aiosmtpd on the loopback address), and one worker
round that sends through it."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from leadflow.adapters.db.database import Database
from leadflow.adapters.smtp_mail import SmtpSender, parse_smtp_url
from leadflow.services.notifications.mail_sending import MailRetry
from leadflow.services.worker.process import WorkerOptions, run_worker
from tests.environment import TEST_PUBLIC_URL
from tests.factories import NOW

SENDER = "leadflow@acme.example"
USER, PASSWORD = "mailer", "pass-word-not-to-keep"
DEFAULT_RETRY = MailRetry()


@dataclass
class Inbox:
    """What the test server accepted; `refuse` makes it answer RCPT with that reply."""

    messages: list[EmailMessage] = field(default_factory=list)
    refuse: str | None = None
    logins: list[str] = field(default_factory=list)

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook name)
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages if message["To"] == address]

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        if isinstance(data, LoginPassword) and (data.login, data.password) == (
            USER.encode(),
            PASSWORD.encode(),
        ):
            self.logins.append(data.login.decode())
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)


@dataclass
class SmtpServer:
    inbox: Inbox
    port: int

    @property
    def url(self) -> str:
        return f"smtp://{USER}:{PASSWORD}@127.0.0.1:{self.port}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """An SMTP server on 127.0.0.1 that asks for a login (AUTH without TLS, loopback only)."""
    inbox = Inbox()
    port = _free_port()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, authenticator=inbox.authenticate,
        auth_require_tls=False,
    )  # fmt: skip
    controller.start()
    try:
        yield SmtpServer(inbox, port)
    finally:
        controller.stop()


def send_round(
    db: Database,
    server: SmtpServer,
    *,
    at: datetime = NOW,
    retry: MailRetry = DEFAULT_RETRY,
) -> list[str]:
    """One round of `leadflow worker` with LEADFLOW_SMTP_URL set to the test server."""
    log: list[str] = []
    config = parse_smtp_url(server.url, SENDER)
    run_worker(
        db, key=b"k" * 32, options=WorkerOptions(), stop=threading.Event(), log=log.append,
        once=True, clock=lambda: at, mail=SmtpSender(config, timeout_seconds=5),
        public_url=TEST_PUBLIC_URL, mail_retry=retry,
    )  # fmt: skip
    return log


def text_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]


def html_of(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]
