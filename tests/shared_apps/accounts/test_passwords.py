"""The password policy (ASVS 5.0) with a fake HIBP on loopback, and the capped Argon2id hasher."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from typing import Any

import bcrypt
import pytest
from django.contrib.auth.hashers import check_password, identify_hasher, make_password

from shared_apps.accounts.passwords import (
    CappedArgon2PasswordHasher,
    hashing_slot,
    hibp_breach_count,
    password_problems,
    validate_password_policy,
)
from shared_apps.core.exceptions import ValidationFailed
from tests.support.fake_http import (
    FakeServer,
    Received,
    Reply,
    closed_port_url,
    fake_http_server,
    raw_tcp_server,
)

BREACHED = "correct horse battery staple 1"  # what our fake HIBP says was breached
STRONG = "violet-tractor-moonlit-19"
COMMON = "password1234"  # in Django's bundled list, and 12 characters long


def _sha1(password: str) -> str:
    return hashlib.sha1(password.encode()).hexdigest().upper()  # noqa: S324


def _hibp(request: Received) -> Reply:
    """Like api.pwnedpasswords.com/range/{prefix}: suffixes for the prefix, padded with count-0 entries."""
    prefix = request.path.rsplit("/", 1)[-1]
    if request.path.startswith("/slow/"):
        return Reply(200, b"", delay_seconds=3)
    if request.path.startswith("/broken/"):
        return Reply(503, b"unavailable")
    lines = [f"{index:035X}:{index % 7}" for index in range(1, 400)]  # noise
    lines += [f"{index:035X}:0" for index in range(500, 800)]  # padding (Add-Padding: true)
    breached = _sha1(BREACHED)
    if breached.startswith(prefix):
        lines.insert(123, f"{breached[5:]}:42")
    return Reply(200, "\r\n".join(lines).encode(), {"Content-Type": "text/plain"})


@pytest.fixture
def hibp(settings: Any) -> Iterator[FakeServer]:
    with fake_http_server(_hibp) as server:
        settings.HIBP_ENABLED = True
        settings.HIBP_API_URL = server.url + "/range/"
        settings.HIBP_TIMEOUT_SECONDS = 0.5
        yield server


# --- HIBP --------------------------------------------------------------------------------------------------


def test_breached_password_is_refused_and_only_a_padded_5_char_prefix_leaves(hibp: FakeServer) -> None:
    assert password_problems(BREACHED, email=None, tenant_name=None) == ["breached"]
    request = hibp.received[-1]
    assert request.method == "GET"
    assert request.path == "/range/" + _sha1(BREACHED)[:5]  # k-anonymity: 5 uppercase hex digits
    assert request.headers["Add-Padding"] == "true"
    assert _sha1(BREACHED)[5:] not in request.path


def test_breach_count_reads_the_suffix_list(hibp: FakeServer) -> None:
    assert hibp_breach_count(BREACHED) == 42
    assert hibp_breach_count(STRONG) == 0


def test_a_password_matching_only_a_padding_entry_is_not_breached(hibp: FakeServer, settings: Any) -> None:
    # Padding entries carry a count of 0; they must not be read as breaches.
    with fake_http_server(lambda r: Reply(200, f"{_sha1(STRONG)[5:]}:0\r\nABC:3".encode())) as padded:
        settings.HIBP_API_URL = padded.url + "/range"
        assert hibp_breach_count(STRONG) == 0
        assert password_problems(STRONG, email=None, tenant_name=None) == []


def test_a_strong_password_passes(hibp: FakeServer) -> None:
    assert password_problems(STRONG, email="jane@example.com", tenant_name="Alpha Bistro") == []
    assert len(hibp.received) == 1


def test_hibp_is_not_asked_about_a_password_refused_locally(hibp: FakeServer) -> None:
    assert password_problems("short", email=None, tenant_name=None) == ["too_short"]
    assert hibp.received == []


def test_hibp_can_be_turned_off(hibp: FakeServer, settings: Any) -> None:
    settings.HIBP_ENABLED = False
    assert password_problems(BREACHED, email=None, tenant_name=None) == []
    assert hibp.received == []


@pytest.mark.parametrize("how", ["down", "error"])
def test_hibp_unavailable_fails_open_to_the_bundled_list(
    settings: Any, hibp: FakeServer, how: str, caplog: pytest.LogCaptureFixture
) -> None:
    settings.HIBP_API_URL = closed_port_url() + "/range/" if how == "down" else hibp.url + "/broken/"
    assert hibp_breach_count(STRONG) is None
    assert password_problems(STRONG, email=None, tenant_name=None) == []  # accepted: fail open
    assert password_problems(COMMON, email=None, tenant_name=None) == ["common"]  # the list still applies
    assert password_problems(BREACHED, email=None, tenant_name=None) == []  # unknown without HIBP
    assert "HIBP unavailable" in caplog.text


@pytest.mark.parametrize(
    "payload", [b"NOT HTTP AT ALL\r\n\r\n", b"", b"HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\nAB"]
)
def test_hibp_answering_nonsense_fails_open(settings: Any, payload: bytes) -> None:
    with raw_tcp_server(payload) as url:
        settings.HIBP_API_URL = url + "/range/"
        assert hibp_breach_count(STRONG) is None
        assert password_problems(STRONG, email=None, tenant_name=None) == []


def test_hibp_answering_a_page_that_is_no_suffix_list_fails_open(settings: Any) -> None:
    with fake_http_server(lambda r: Reply(200, b"<html>captive portal</html>")) as portal:
        settings.HIBP_API_URL = portal.url + "/range/"
        assert hibp_breach_count(STRONG) is None


def test_hibp_slow_fails_open_within_about_the_timeout(settings: Any, hibp: FakeServer) -> None:
    settings.HIBP_API_URL = hibp.url + "/slow/"
    started = time.monotonic()
    assert password_problems(STRONG, email=None, tenant_name=None) == []
    assert time.monotonic() - started < 0.5 + 0.5


def test_test_settings_point_hibp_at_a_closed_loopback_port(settings: Any) -> None:
    # Tests that do not care about HIBP fail open at once and never reach the Internet.
    assert settings.HIBP_ENABLED
    assert settings.HIBP_API_URL.startswith("http://127.0.0.1:")
    started = time.monotonic()
    assert password_problems(STRONG, email=None, tenant_name=None) == []
    assert time.monotonic() - started < 0.5


# --- local rules -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("length", "problems"), [(11, ["too_short"]), (12, []), (128, []), (129, ["too_long"])]
)
def test_length_bounds(length: int, problems: list[str]) -> None:
    password = ("Zq7!mX2#pL9@" * 11)[:length]
    assert password_problems(password, email=None, tenant_name=None) == problems


def test_length_counts_code_points_not_bytes() -> None:
    assert password_problems("ééééééééééé", email=None, tenant_name=None) == [
        "too_short"
    ]  # 11 chars, 22 bytes
    assert password_problems("🐙" * 12, email=None, tenant_name=None) == []  # 12 chars, 48 bytes


def test_no_composition_rules() -> None:
    assert password_problems("tous les chats sont gris", email=None, tenant_name=None) == []


@pytest.mark.parametrize("password", [COMMON, "PASSWORD1234", " password1234 ", "qwertyuiop123"])
def test_common_passwords_are_refused(password: str) -> None:
    assert "common" in password_problems(password, email=None, tenant_name=None)


@pytest.mark.parametrize(
    ("password", "email", "refused"),
    [
        ("my-name-is-JaneDoe!", "janedoe@example.com", True),
        ("janedoe-likes-tea", "JaneDoe+shop@example.com", True),  # sub-address stripped
        ("x-bob-is-long-enough", "bob@example.com", True),  # 3 characters: checked
        ("x-al-is-long-enough", "al@example.com", False),  # under 3: not checked
        ("nothing-to-do-with-it", "janedoe@example.com", False),
    ],
)
def test_passwords_containing_the_email_local_part_are_refused(
    password: str, email: str, refused: bool
) -> None:
    assert ("contains_email" in password_problems(password, email=email, tenant_name=None)) is refused


@pytest.mark.parametrize(
    ("password", "tenant", "refused"),
    [
        ("i-work-at-alpha bistro", "Alpha Bistro", True),
        ("ALPHABISTRO-2024-x", "Alpha Bistro", True),
        ("beta epicerie forever", "Beta Épicerie", True),  # accents ignored
        ("alpha-and-omega-123", "Alpha Bistro", False),
        ("z-is-the-last-letter", "Z", False),  # a name under 3 characters is not checked
    ],
)
def test_passwords_containing_the_tenant_name_are_refused(password: str, tenant: str, refused: bool) -> None:
    assert ("contains_tenant_name" in password_problems(password, email=None, tenant_name=tenant)) is refused


def test_validate_raises_weak_password_with_every_problem() -> None:
    with pytest.raises(ValidationFailed) as caught:
        validate_password_policy("alphabistro", email="a@example.com", tenant_name="Alpha Bistro")
    assert caught.value.code == "weak_password"
    assert caught.value.details == {"problems": ["too_short", "contains_tenant_name"]}
    validate_password_policy(STRONG, email="jane@example.com", tenant_name="Alpha Bistro")


# --- hashing -----------------------------------------------------------------------------------------------


def test_new_hashes_are_argon2id_with_owasp_parameters() -> None:
    encoded = make_password(STRONG)
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert isinstance(identify_hasher(encoded), CappedArgon2PasswordHasher)
    assert check_password(STRONG, encoded)
    assert not check_password(STRONG + "x", encoded)


def test_an_argon2_hash_with_django_defaults_verifies_and_is_upgraded() -> None:
    from django.contrib.auth.hashers import Argon2PasswordHasher

    old = Argon2PasswordHasher().encode(STRONG, "saltsaltsaltsalt")
    upgraded: list[str] = []
    assert check_password(STRONG, old, setter=lambda raw: upgraded.append(make_password(raw)))
    assert upgraded
    assert upgraded[0].startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


def test_a_predecessor_bcrypt_hash_verifies_and_is_rehashed_to_argon2id() -> None:
    legacy = "bcrypt$" + bcrypt.hashpw(STRONG.encode(), bcrypt.gensalt(12)).decode()  # $2b$12$…
    assert legacy.startswith("bcrypt$$2b$12$")
    upgraded: list[str] = []
    assert check_password(STRONG, legacy, setter=lambda raw: upgraded.append(make_password(raw)))
    assert upgraded[0].startswith("argon2$argon2id$")
    assert not check_password("wrong password!", legacy)


def test_the_semaphore_bounds_concurrent_hashing(settings: Any) -> None:
    settings.PASSWORD_HASH_CONCURRENCY = 2
    active = 0
    peak = 0
    lock = threading.Lock()

    def work() -> None:
        nonlocal active, peak
        with hashing_slot():
            with lock:
                active += 1
                peak = max(peak, active)
            time.sleep(0.05)
            with lock:
                active -= 1

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert peak == 2


@pytest.mark.parametrize("operation", ["encode", "verify"])
def test_the_hasher_waits_for_a_free_slot(settings: Any, operation: str) -> None:
    settings.PASSWORD_HASH_CONCURRENCY = 1
    hasher = CappedArgon2PasswordHasher()
    encoded = hasher.encode(STRONG, hasher.salt())
    done = threading.Event()

    def hash_in_background() -> None:
        if operation == "encode":
            hasher.encode(STRONG, hasher.salt())
        else:
            assert hasher.verify(STRONG, encoded)
        done.set()

    worker = threading.Thread(target=hash_in_background)
    with hashing_slot():  # the only slot is taken
        worker.start()
        assert not done.wait(0.3)  # the hash is queued, not computed
    assert done.wait(5)  # and runs once the slot is free
    worker.join()
