"""The client's address as far as we can trust it: X-Forwarded-For only from a configured proxy."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _is_trusted_proxy(address: str) -> bool:
    return address in set(settings.TRUSTED_PROXIES)


def peer_is_trusted_proxy(request: HttpRequest) -> bool:
    return _is_trusted_proxy(request.META.get("REMOTE_ADDR", ""))


def client_ip(request: HttpRequest) -> str:
    """The first untrusted hop, reading X-Forwarded-For from the right, when the peer is a trusted proxy."""
    peer = str(request.META.get("REMOTE_ADDR", ""))
    if not _is_trusted_proxy(peer):
        return peer
    forwarded = [
        hop.strip() for hop in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if hop.strip()
    ]
    for hop in reversed(forwarded):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return peer
        if not _is_trusted_proxy(hop):
            return hop
    return forwarded[0] if forwarded else peer


def address_in_networks(address: str, networks: list[str]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(network, strict=False) for network in networks)
