"""Sending e-mail over SMTP with the standard library: LEADFLOW_SMTP_URL names the server,
`smtp://` (unencrypted, for a relay on the same host),
`smtp+starttls://` (STARTTLS required) or `smtps://` (TLS from the start)."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import unquote, urlsplit

from leadflow.domain.errors import InvalidInput

_SCHEMES = {"smtp": ("plain", 25), "smtp+starttls": ("starttls", 587), "smtps": ("ssl", 465)}


class MailNotSent(Exception):
    """The server did not take the e-mail; the message says why (never the password)."""


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: str
    sender: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    def describe(self) -> str:
        """Where e-mail goes, for logs: no user name, no password."""
        return f"{self.security} {self.host}:{self.port}"


def parse_smtp_url(url: str, sender: str | None) -> SmtpConfig:
    """Read `smtp[s|+starttls]://[user:password@]host[:port]`; the sender address is required."""
    parts = urlsplit(url.strip())
    if parts.scheme not in _SCHEMES:
        raise InvalidInput(
            "the SMTP URL must start with smtp://, smtp+starttls:// or smtps://",
            field="smtp_url",
        )
    if not parts.hostname:
        raise InvalidInput("the SMTP URL names no host", field="smtp_url")
    if not sender or "@" not in sender:
        raise InvalidInput(
            "LEADFLOW_SMTP_FROM must be the sender's e-mail address", field="smtp_from"
        )
    security, default_port = _SCHEMES[parts.scheme]
    try:
        port = parts.port or default_port
    except ValueError as error:
        raise InvalidInput("the SMTP URL has an invalid port", field="smtp_url") from error
    return SmtpConfig(
        host=parts.hostname,
        port=port,
        security=security,
        sender=sender,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


class SmtpSender:
    def __init__(self, config: SmtpConfig, *, timeout_seconds: float = 30.0) -> None:
        self.config = config
        self.timeout_seconds = timeout_seconds

    def send(self, recipient: str, subject: str, text: str, html: str) -> None:
        message = EmailMessage()
        message["From"] = self.config.sender
        message["To"] = recipient
        message["Subject"] = subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain=self.config.sender.rsplit("@", 1)[1])
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(text)
        message.add_alternative(html, subtype="html")
        try:
            with self._connect() as client:
                if self.config.username and self.config.password is not None:
                    client.login(self.config.username, self.config.password)
                client.send_message(message)
        except smtplib.SMTPResponseException as error:
            reply = error.smtp_error
            said = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
            raise MailNotSent(f"SMTP {error.smtp_code}: {said}") from error
        except smtplib.SMTPRecipientsRefused as error:
            refused = "; ".join(
                f"{code} {reply.decode('utf-8', 'replace')}"
                for code, reply in error.recipients.values()
            )
            raise MailNotSent(f"recipient refused: {refused}") from error
        except (smtplib.SMTPException, OSError) as error:
            raise MailNotSent(f"{type(error).__name__}: {error}") from error

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        if config.security == "ssl":
            return smtplib.SMTP_SSL(
                config.host, config.port, timeout=self.timeout_seconds,
                context=ssl.create_default_context(),
            )  # fmt: skip
        client = smtplib.SMTP(config.host, config.port, timeout=self.timeout_seconds)
        if config.security == "starttls":
            try:
                client.starttls(context=ssl.create_default_context())
            except BaseException:
                client.close()
                raise
        return client
