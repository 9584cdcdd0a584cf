from __future__ import annotations

import pytest

from shared_apps.ratelimit.keys import account_scope, global_ip_scope, ip_bucket, ip_scope


def test_account_scope_is_case_insensitive_and_keeps_no_address() -> None:
    key = account_scope(tenant_id=7, account=" Jane@Example.com ")
    assert key == account_scope(tenant_id=7, account="jane@example.com")
    assert "jane" not in key
    assert "example" not in key
    assert key.startswith("t7:acct:")


def test_account_scope_differs_per_tenant() -> None:
    assert account_scope(tenant_id=1, account="a@b.c") != account_scope(tenant_id=2, account="a@b.c")


def test_ip_scopes_per_tenant_and_global() -> None:
    assert ip_scope(tenant_id=1, ip="203.0.113.9") == "t1:ip:203.0.113.9"
    assert ip_scope(tenant_id=2, ip="203.0.113.9") != ip_scope(tenant_id=1, ip="203.0.113.9")
    assert global_ip_scope(ip="203.0.113.9") == "ip:203.0.113.9"


@pytest.mark.parametrize(
    ("ip", "bucket"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff::9", "2001:db8:1:2::/64"),  # same /64, same bucket
        ("::ffff:203.0.113.9", "203.0.113.9"),
        ("", "invalid"),
        ("not-an-ip", "invalid"),
    ],
)
def test_ip_bucket(ip: str, bucket: str) -> None:
    assert ip_bucket(ip) == bucket
