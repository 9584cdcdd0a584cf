"""The CAPTCHA behind the login's `captcha_required` step; pluggable by settings.

- CAPTCHA_PROVIDER = "turnstile" or "hcaptcha" with CAPTCHA_SECRET_KEY (and CAPTCHA_SITE_KEY for the
  front end): the provider's widget on the client, its siteverify endpoint on the server.
- Otherwise (the default, "pow"): our proof-of-work challenge (see pow.py), which works offline.

    challenge = challenge_issue()   # put challenge["site_key"] in the login answer's captcha_site_key
    if not verify(data["captcha_token"], remote_ip=client_ip(request)): ...
"""

from __future__ import annotations

from typing import NotRequired, TypedDict

from django.conf import settings

from . import pow as proof_of_work
from .siteverify import VERIFY_URLS, siteverify

SITEVERIFY_PROVIDERS = frozenset(VERIFY_URLS)


class Challenge(TypedDict):
    provider: str  # "pow", "turnstile" or "hcaptcha"
    site_key: str  # the provider's site key; for "pow", the challenge itself
    challenge: NotRequired[str]  # pow only
    difficulty: NotRequired[int]  # pow only: leading zero bits required
    expires_in: NotRequired[int]  # pow only: seconds


def provider() -> str:
    """The CAPTCHA in use: a third party when one is named AND has a secret, else proof-of-work."""
    name = str(settings.CAPTCHA_PROVIDER or "pow").lower()
    if name in SITEVERIFY_PROVIDERS and settings.CAPTCHA_SECRET_KEY:
        return name
    return "pow"


def challenge_issue() -> Challenge:
    """What the client needs to produce a token (stateless: nothing is stored)."""
    name = provider()
    if name != "pow":
        return {"provider": name, "site_key": settings.CAPTCHA_SITE_KEY}
    issued = proof_of_work.issue()
    return {
        "provider": "pow",
        "site_key": issued.challenge,
        "challenge": issued.challenge,
        "difficulty": issued.difficulty,
        "expires_in": issued.expires_in,
    }


def verify(token: str, *, remote_ip: str | None = None) -> bool:
    """True if `token` proves a solved CAPTCHA, at most once per challenge. Never raises for bad input;
    a provider that cannot be reached counts as a failed CAPTCHA."""
    name = provider()
    if name == "pow":
        return proof_of_work.verify(token)
    return siteverify(
        url=settings.CAPTCHA_VERIFY_URL or VERIFY_URLS[name],
        secret=settings.CAPTCHA_SECRET_KEY,
        token=token,
        remote_ip=remote_ip,
        timeout=float(settings.CAPTCHA_TIMEOUT_SECONDS),
        site_key=settings.CAPTCHA_SITE_KEY if name == "hcaptcha" else "",
    )
