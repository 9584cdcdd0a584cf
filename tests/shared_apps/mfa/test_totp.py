"""TOTP: RFC 6238 vectors, agreement with pyotp, the accepted steps, replay, the secret's strength."""

from __future__ import annotations

import base64

import pyotp
import pytest

from shared_apps.mfa import totp

RFC_KEY = b"12345678901234567890"  # RFC 6238 Appendix B, SHA-1
# (Unix time, 8-digit TOTP) from RFC 6238 Appendix B.
RFC_VECTORS = [
    (59, "94287082"),
    (1111111109, "07081804"),
    (1111111111, "14050471"),
    (1234567890, "89005924"),
    (2000000000, "69279037"),
    (20000000000, "65353130"),
]


@pytest.mark.parametrize(("unix_time", "expected"), RFC_VECTORS)
def test_rfc_6238_vectors_with_8_digits(unix_time: int, expected: str) -> None:
    assert totp.code_at(RFC_KEY, totp.step_at(unix_time), digits=8) == expected


@pytest.mark.parametrize(("unix_time", "expected"), RFC_VECTORS)
def test_rfc_6238_vectors_truncated_to_6_digits_are_accepted(unix_time: int, expected: str) -> None:
    # Dynamic truncation mod 10^6 is the last six digits of the mod 10^8 value.
    assert totp.code_at(RFC_KEY, totp.step_at(unix_time)) == expected[-6:]
    assert totp.match(RFC_KEY, expected[-6:], last_step=-1, now=unix_time).step == totp.step_at(unix_time)


def test_pyotp_codes_are_accepted_for_the_same_secret() -> None:
    secret = totp.secret_new()
    key = totp.secret_bytes(secret)
    for now in (1_700_000_000, 1_700_000_029, 1_800_000_015):
        code = pyotp.TOTP(secret).at(now)
        assert totp.match(key, code, last_step=-1, now=now).step == now // 30


def test_current_and_previous_step_accepted_not_older_nor_future() -> None:
    secret = totp.secret_new()
    key, now = totp.secret_bytes(secret), 1_700_000_010
    otp = pyotp.TOTP(secret)
    assert totp.match(key, otp.at(now), last_step=-1, now=now).step is not None
    assert totp.match(key, otp.at(now - 30), last_step=-1, now=now).step is not None
    assert totp.match(key, otp.at(now - 60), last_step=-1, now=now).step is None
    assert totp.match(key, otp.at(now + 30), last_step=-1, now=now).step is None


def test_a_step_at_or_before_the_last_accepted_one_is_a_replay() -> None:
    secret = totp.secret_new()
    key, now = totp.secret_bytes(secret), 1_700_000_010
    code = pyotp.TOTP(secret).at(now)
    first = totp.match(key, code, last_step=-1, now=now)
    assert first.step == now // 30
    again = totp.match(key, code, last_step=first.step, now=now)
    assert again.step is None
    assert again.replayed is True
    # The previous step is older than the accepted one: refused as well.
    older = totp.match(key, pyotp.TOTP(secret).at(now - 30), last_step=first.step, now=now)
    assert older.step is None


def test_wrong_and_malformed_codes_are_refused() -> None:
    key = totp.secret_bytes(totp.secret_new())
    for code in ("", "12345", "1234567", "abcdef", "١٢٣٤٥٦"):
        result = totp.match(key, code, last_step=-1, now=1_700_000_010)
        assert result.step is None
        assert result.replayed is False


def test_secret_is_at_least_160_bits_and_fresh_each_time() -> None:
    secrets = {totp.secret_new() for _ in range(50)}
    assert len(secrets) == 50
    for secret in secrets:
        assert len(base64.b32decode(secret + "=" * (-len(secret) % 8))) * 8 >= 160


def test_provisioning_uri_names_issuer_and_account() -> None:
    uri = totp.provisioning_uri(
        secret_b32="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", issuer="Alpha Bistro", account="a@example.com"
    )
    parsed = pyotp.parse_uri(uri)
    assert uri.startswith("otpauth://totp/Alpha%20Bistro:a@example.com?")
    assert parsed.secret == "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    assert parsed.issuer == "Alpha Bistro"
    assert parsed.name == "a@example.com"
    assert isinstance(parsed, pyotp.TOTP)
    assert parsed.interval == 30
    assert parsed.digits == 6
