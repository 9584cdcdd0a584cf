"""Scope keys for counters: build them here so that every caller counts the same thing the same way.

Accounts are keyed by a keyed hash of the normalised e-mail (no address in Redis or in the counter table).
Client addresses are bucketed: an IPv4 address as is, an IPv6 address by its /64 (one subscriber usually
holds a whole /64, so counting single IPv6 addresses would be trivially evaded).
"""

from __future__ import annotations

import ipaddress

from django.utils.crypto import salted_hmac

IPV6_BUCKET_PREFIX = 64


def ip_bucket(ip: str) -> str:
    """The unit an address is counted in: the IPv4 address, or the IPv6 /64 ('invalid' if unparsable)."""
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return "invalid"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, IPV6_BUCKET_PREFIX), strict=False))
    return str(address)


def account_digest(account: str) -> str:
    normalised = account.strip().casefold()
    return salted_hmac("massacorp.ratelimit.account", normalised, algorithm="sha256").hexdigest()[:32]


def account_scope(*, tenant_id: object, account: str) -> str:
    """One account (e-mail, case-insensitive) at one tenant."""
    return f"t{tenant_id}:acct:{account_digest(account)}"


def ip_scope(*, tenant_id: object, ip: str) -> str:
    """One client address at one tenant."""
    return f"t{tenant_id}:ip:{ip_bucket(ip)}"


def global_ip_scope(*, ip: str) -> str:
    """One client address across every tenant (sprayers hop tenants)."""
    return f"ip:{ip_bucket(ip)}"
