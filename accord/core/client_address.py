"""The address of the client a request comes from, for throttling and logs.

`REMOTE_ADDR` is the peer that opened the connection. Behind a reverse proxy that peer is the
proxy, so every client would share one address; `TRUSTED_PROXIES` names the proxies whose
`TRUSTED_PROXY_HEADER` (such as X-Forwarded-For) is believed. The header is read from the
right: each trusted proxy appends the address it saw, and anything to the left of the first
untrusted address was written by the client itself and may be forged.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _normalized(raw: str) -> str | None:
    try:
        return str(ipaddress.ip_address(raw.strip()))
    except ValueError:
        return None


def _is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    ip = ipaddress.ip_address(address)
    return any(ip in network for network in networks)


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address, or None when the connection names none."""
    peer = _normalized(request.META.get("REMOTE_ADDR") or "")
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    header = settings.TRUSTED_PROXY_HEADER
    if peer is None or not header or not _is_trusted(peer, networks):
        return peer
    meta_name = "HTTP_" + header.upper().replace("-", "_")
    hops = [hop for hop in request.META.get(meta_name, "").split(",") if hop.strip()]
    client = peer
    for hop in reversed(hops):
        address = _normalized(hop)
        if address is None:
            break
        client = address
        if not _is_trusted(address, networks):
            break
    return client
