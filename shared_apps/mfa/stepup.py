"""Step-up: sensitive actions need a recent authentication or a fresh second-factor code.

Disabling MFA, regenerating recovery codes, changing the password or an e-mail address and creating an
API key call `require_recent_auth` first (the MFA endpoints get it by demanding a current code anyway).
"Recent" is the access token's `auth_time` (the login that opened the session; refreshing does not renew
it) within settings.STEP_UP_MAX_AGE_SECONDS. Otherwise a current TOTP code in the request will do, checked
with the same limit and lockout as every other code. Call it from the view, before the atomic service: a
wrong code's audit row must not roll back with the refusal.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings

from shared_apps.authn.context import request_tenant, request_user
from shared_apps.authn.tokens import AccessClaims
from shared_apps.core.exceptions import PermissionDenied

from .selectors import user_has_mfa
from .services import MfaLocked, mfa_code_check

DEFAULT_MAX_AGE_SECONDS = 300


class StepUpRequired(PermissionDenied):
    default_code = "step_up_required"


def step_up_max_age() -> int:
    return int(getattr(settings, "STEP_UP_MAX_AGE_SECONDS", DEFAULT_MAX_AGE_SECONDS))


def require_recent_auth(request: Any, *, code: str | None) -> None:
    """Return if the caller authenticated recently or `code` is a current TOTP code; else 403
    `step_up_required` (429 `mfa_locked` / `rate_limited` when the code checks are exhausted)."""
    claims = getattr(request, "auth", None)
    max_age = step_up_max_age()
    if not isinstance(claims, AccessClaims):
        # Another credential (an API key): it carries no sign-in time and cannot step up.
        raise StepUpRequired("This action needs a signed-in user.", details={"max_age_seconds": max_age})
    if time.time() - claims.auth_time <= max_age:
        return
    user = request_user(request)
    has_mfa = user_has_mfa(user)
    if code and has_mfa:
        check = mfa_code_check(
            user=user, code=code, kind="totp", tenant=request_tenant(request), request=request
        )
        if check.ok:
            return
        if check.locked:
            raise MfaLocked(
                "Too many wrong codes: the second factor is locked for now.", retry_after=check.retry_after
            )
    raise StepUpRequired(
        "This action needs a recent sign-in: log in again"
        + (" or send a current authenticator code in `code`." if has_mfa else "."),
        details={"max_age_seconds": max_age, "code_accepted": has_mfa},
    )
