"""The self-hosted proof-of-work CAPTCHA: a solved challenge passes once; everything else fails."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core import signing

from shared_apps.captcha import pow as proof_of_work
from shared_apps.captcha.services import challenge_issue, provider, verify
from shared_apps.ratelimit.backends import CounterBackend

DIFFICULTY = 10  # ~1 000 hashes: instant here, the same code path as production's 18


def _solved(difficulty: int = DIFFICULTY, ttl_seconds: int = 300) -> str:
    issued = proof_of_work.issue(difficulty=difficulty, ttl_seconds=ttl_seconds)
    return f"{issued.challenge}.{proof_of_work.solve(issued.challenge, issued.difficulty)}"


def _wrong_nonce(challenge: str, difficulty: int) -> str:
    nonce = 0
    while proof_of_work.leading_zero_bits_ok(f"{challenge}{nonce}".encode(), difficulty):
        nonce += 1
    return str(nonce)


def test_a_solved_challenge_passes_once(backend: CounterBackend) -> None:
    token = _solved()
    assert proof_of_work.verify(token)
    assert not proof_of_work.verify(token)  # replay


def test_the_service_issues_and_verifies_pow_by_default(backend: CounterBackend, settings: Any) -> None:
    settings.CAPTCHA_POW_DIFFICULTY = DIFFICULTY
    assert provider() == "pow"
    challenge = challenge_issue()
    assert challenge["provider"] == "pow"
    assert challenge["site_key"] == challenge["challenge"]
    assert challenge["difficulty"] == DIFFICULTY
    assert challenge["expires_in"] == settings.CAPTCHA_POW_TTL_SECONDS
    token = f"{challenge['challenge']}.{proof_of_work.solve(challenge['challenge'], DIFFICULTY)}"
    assert verify(token, remote_ip="203.0.113.9")
    assert not verify(token, remote_ip="203.0.113.9")


def test_a_wrong_nonce_fails_and_does_not_burn_the_challenge(backend: CounterBackend) -> None:
    issued = proof_of_work.issue(difficulty=DIFFICULTY)
    assert not proof_of_work.verify(f"{issued.challenge}.{_wrong_nonce(issued.challenge, DIFFICULTY)}")
    assert proof_of_work.verify(f"{issued.challenge}.{proof_of_work.solve(issued.challenge, DIFFICULTY)}")


def test_an_expired_challenge_fails(backend: CounterBackend) -> None:
    token = _solved(ttl_seconds=1)
    time.sleep(1.1)
    assert not proof_of_work.verify(token)


def test_a_forged_signature_fails(backend: CounterBackend) -> None:
    # Signed with another key (an attacker without our SECRET_KEY), then honestly solved.
    forged = signing.Signer(key="not-our-secret-key", salt=proof_of_work.SALT).sign(
        f"abcdefghijklmnopqrstuv:{DIFFICULTY}:{int(time.time()) + 300}"
    )
    assert not proof_of_work.verify(f"{forged}.{proof_of_work.solve(forged, DIFFICULTY)}")


def test_lowering_the_signed_difficulty_fails(backend: CounterBackend) -> None:
    issued = proof_of_work.issue(difficulty=20)
    random_part, _, rest = issued.challenge.partition(":20:")
    easier = f"{random_part}:1:{rest}"
    assert not proof_of_work.verify(f"{easier}.{proof_of_work.solve(easier, 1)}")


@pytest.mark.parametrize(
    "token",
    ["", "no-dot-at-all", ".123", "abc.", "x" * 600, "a:1:2:sig.12;drop", "a:1:2:sig.\u0661\u0662"],
)
def test_malformed_tokens_fail(backend: CounterBackend, token: str) -> None:
    assert not proof_of_work.verify(token)


def test_difficulty_is_bounded() -> None:
    with pytest.raises(ValueError, match="difficulty"):
        proof_of_work.issue(difficulty=0)
    with pytest.raises(ValueError, match="difficulty"):
        proof_of_work.issue(difficulty=40)


def test_challenges_are_unique_and_stateless(backend: CounterBackend) -> None:
    assert proof_of_work.issue().challenge != proof_of_work.issue().challenge
    assert backend.get_many(["captcha:pow:anything"]) == {}  # issuing stored nothing
