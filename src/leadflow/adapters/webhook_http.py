"""Webhook HTTP: resolve the target, refuse non-public addresses, POST to the checked address.

The request goes to the very address that was checked (with the original Host header and TLS
server name), so a DNS answer that changes between check and connect cannot redirect it.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx

from leadflow.domain.errors import InvalidInput
from leadflow.domain.webhooks import WebhookTarget, is_public_address, parse_target

Resolver = Callable[[str, int], list[str]]


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the host name resolves to, in the resolver's order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def checked_addresses(
    target: WebhookTarget, *, allow_private: bool, resolve: Resolver = system_resolver
) -> list[str]:
    """The target's addresses; refused when any is not public (unless an admin allowed it)."""
    try:
        addresses = resolve(target.host, target.port)
    except OSError as error:
        raise InvalidInput(
            f"webhook host {target.host!r} does not resolve: {error}", field="url"
        ) from error
    if not addresses:
        raise InvalidInput(f"webhook host {target.host!r} has no address", field="url")
    if not allow_private:
        for address in addresses:
            if not is_public_address(address):
                raise InvalidInput(
                    f"webhook host {target.host!r} resolves to {address}, a private, loopback or "
                    "link-local address: refused (an admin may allow it for testing)",
                    field="url",
                )
    return addresses


@dataclass(frozen=True)
class SendResult:
    status_code: int | None
    error: str | None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class WebhookSender:
    """POSTs signed bodies; redirects are not followed (they could lead anywhere)."""

    def __init__(self, *, timeout_seconds: float, resolve: Resolver = system_resolver) -> None:
        self._client = httpx.Client(timeout=timeout_seconds, follow_redirects=False)
        self._resolve = resolve

    def send(
        self, url: str, body: bytes, headers: Mapping[str, str], *, allow_private: bool
    ) -> SendResult:
        try:
            target = parse_target(url)
            address = checked_addresses(target, allow_private=allow_private, resolve=self._resolve)[
                0
            ]
        except InvalidInput as refused:
            return SendResult(None, str(refused))
        parts = urlsplit(target.url)
        extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
        try:
            response = self._client.post(
                urlunsplit(parts._replace(netloc=_netloc(address, target.port))),
                content=body,
                headers={**headers, "Host": parts.netloc},
                extensions=extensions,
            )
        except httpx.HTTPError as error:
            return SendResult(None, f"{type(error).__name__}: {error}"[:500])
        if 200 <= response.status_code < 300:
            return SendResult(response.status_code, None)
        return SendResult(response.status_code, f"HTTP {response.status_code}")

    def close(self) -> None:
        self._client.close()


def _netloc(address: str, port: int) -> str:
    host = (
        f"[{address}]"
        if isinstance(ipaddress.ip_address(address), ipaddress.IPv6Address)
        else address
    )
    return f"{host}:{port}"
