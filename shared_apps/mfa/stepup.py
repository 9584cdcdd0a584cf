"""Step-up: sensitive actions need a recent authentication or a fresh second-factor code.

Disabling MFA, regenerating recovery codes, changing the password or an e-mail address and creating an
API key call `require_recent_auth` first (the MFA endpoints get it by demanding a current code anyway).
"Recent" is the principal's `auth_time` (the login that opened the session; refreshing does not renew it)
within settings.STEP_UP_MAX_AGE_SECONDS. Otherwise a current TOTP code in the request will do, checked
with the same limit and lockout as every other code. Call it from the view, before the atomic service: a
wrong code's audit row must not roll back with the refusal.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from shared_apps.core.exceptions import PermissionDenied
from shared_apps.rbac.principal import Principal

from .services import MfaLocked, mfa_code_check

DEFAULT_MAX_AGE_SECONDS = 300


class StepUpRequired(PermissionDenied):
    default_code = "step_up_required"


def step_up_max_age() -> int:
    return int(getattr(settings, "STEP_UP_MAX_AGE_SECONDS", DEFAULT_MAX_AGE_SECONDS))


def require_recent_auth(principal: Principal, *, code: str | None) -> None:
    """Return if the caller authenticated recently or `code` is a current TOTP code; else 403
    `step_up_required` (429 `mfa_locked` / `rate_limited` when the code checks are exhausted)."""
    max_age = step_up_max_age()
    if principal.auth_time is None:
        # A credential that carries no sign-in time (an API key) cannot step up.
        raise StepUpRequired(
            "Cette action demande un utilisateur connecté.", details={"max_age_seconds": max_age}
        )
    if (timezone.now() - principal.auth_time).total_seconds() <= max_age:
        return
    has_mfa = principal.mfa.enabled
    if code and has_mfa:
        check = mfa_code_check(user=principal.user, code=code, kind="totp", tenant=principal.tenant)
        if check.ok:
            return
        if check.locked:
            raise MfaLocked(
                "Trop de codes erronés : le second facteur est verrouillé pour le moment.",
                retry_after=check.retry_after,
            )
    raise StepUpRequired(
        "Cette action demande une connexion récente : reconnectez-vous"
        + (" ou envoyez un code actuel de l'application d'authentification dans `code`." if has_mfa else "."),
        details={"max_age_seconds": max_age, "code_accepted": has_mfa},
    )
