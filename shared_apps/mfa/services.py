"""MFA writes: set-up, enable, disable, code checks, recovery codes, GDPR. (The login's second step is
shared_apps.authn.services.auth_login_mfa.)

Every code check goes through `mfa_code_check`:
1. the per-user limit (MFA_RATE_LIMIT_PER_USER per MFA_RATE_LIMIT_WINDOW_SECONDS, one budget shared by
   every code-checking endpoint, so spreading guesses over endpoints gains nothing) → 429 `rate_limited`;
2. the lock (MFA_LOCK_AFTER consecutive failures lock the factor for MFA_LOCK_SECONDS, doubling for a
   repeat within 24 h) → 429 `mfa_locked`; a locked factor refuses even the right code;
3. the check itself under a row lock: TOTP steps are accepted once (`last_t`), recovery codes once.
A failure is audited (`mfa_code_failed` / `mfa_code_replayed`); the failure that starts a lock is audited
(`mfa_locked`), ends every pending login challenge of the person and mails them once committed.
The counters live in the rate-limit backend (Redis or the UNLOGGED table), outside the database
transaction: a failed attempt is counted even when the request then fails. `mfa_code_check` commits its
own writes, so call it outside an atomic block and raise afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from shared_apps.accounts import principal_cache
from shared_apps.accounts.models import User
from shared_apps.accounts.services import user_check_password
from shared_apps.audit.models import EventType, Factor
from shared_apps.audit.services import audit_record
from shared_apps.core.exceptions import (
    Conflict,
    NotAuthenticated,
    PermissionDenied,
    RateLimited,
    ValidationFailed,
)
from shared_apps.core.mail import mail_enqueue
from shared_apps.ratelimit.lockout import (
    LockoutPolicy,
    LockState,
    failure_clear,
    failure_register,
    lock_state,
)
from shared_apps.ratelimit.services import RateLimit, enforce
from shared_apps.tenants.models import Tenant
from tenant_apps.sessions.services import mfa_challenges_end_everywhere

from . import recovery, totp
from .models import RecoveryCode, TOTPDevice
from .selectors import (
    mfa_required_by_any_tenant,
    mfa_status,
    recovery_codes_remaining,
    user_has_mfa,
)

CodeKind = Literal["totp", "recovery", "auto"]
_NEVER = 10**9  # the MFA lockout has no CAPTCHA or delay stage: the per-user limit already paces attempts


class MfaLocked(RateLimited):
    default_code = "mfa_locked"


class InvalidMfaCode(ValidationFailed):
    default_code = "invalid_mfa_code"


class MfaLoginFailed(NotAuthenticated):
    default_code = "invalid_mfa_code"


@dataclass(frozen=True)
class CodeCheck:
    ok: bool
    factor: str
    locked: bool = False
    retry_after: int = 0


@dataclass(frozen=True)
class SetupResult:
    secret: str
    provisioning_uri: str
    qr_code_svg: str


def _limit() -> RateLimit:
    return RateLimit(
        name="mfa:user",
        limit=int(settings.MFA_RATE_LIMIT_PER_USER),
        window_seconds=int(settings.MFA_RATE_LIMIT_WINDOW_SECONDS),
    )


def _policy() -> LockoutPolicy:
    return LockoutPolicy(
        captcha_after=_NEVER,
        delay_after=_NEVER,
        lock_after=int(settings.MFA_LOCK_AFTER),
        lock_seconds=int(settings.MFA_LOCK_SECONDS),
        lock_max_seconds=int(settings.LOCKOUT_LOCK_MAX_SECONDS),
        failure_window_seconds=int(settings.MFA_FAILURE_WINDOW_SECONDS),
        memory_seconds=int(settings.LOCKOUT_MEMORY_SECONDS),
    )


def _scope(user: User) -> str:
    # Per person, not per tenant: the device is the person's, so one budget whatever tenant is used.
    return f"mfa:user:{user.pk}"


def mfa_locked(retry_after: int) -> MfaLocked:
    return MfaLocked(
        "Trop de codes erronés : le second facteur est verrouillé "
        "pour le moment ; reconnectez-vous plus tard.",
        retry_after=max(1, retry_after),
    )


def mfa_attempt_guard(*, user: User) -> None:
    """Refuse while the factor is locked; else count one attempt against the per-user limit."""
    state = lock_state(_scope(user), policy=_policy())
    if state.locked:
        raise mfa_locked(state.retry_after)
    enforce(_limit(), _scope(user))


def mfa_code_check(
    *,
    user: User,
    code: str,
    kind: CodeKind,
    tenant: Tenant | None,
    confirmed: bool = True,
    guard: bool = True,
) -> CodeCheck:
    """Check a code of the person's second factor (see the module docstring). Raises only for the limit
    and the lock; a wrong code is a CodeCheck with ok=False (locked=True if it started the lock)."""
    if guard:
        mfa_attempt_guard(user=user)
    use_recovery = kind == "recovery" or (kind == "auto" and not totp.looks_like_totp(code))
    factor = Factor.RECOVERY if use_recovery else Factor.TOTP
    with transaction.atomic():
        if use_recovery:
            ok, replayed = _recovery_use(user=user, code=code, tenant=tenant)
        else:
            ok, replayed = _totp_use(user=user, code=code, confirmed=confirmed)
        if ok:
            failure_clear(_scope(user))
            return CodeCheck(ok=True, factor=factor)
        state = _failure(user=user, tenant=tenant, factor=factor, replayed=replayed)
    return CodeCheck(ok=False, factor=factor, locked=state.locked, retry_after=state.retry_after)


def _totp_use(*, user: User, code: str, confirmed: bool) -> tuple[bool, bool]:
    # The row lock serialises concurrent checks of one person: the same code cannot pass twice.
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=confirmed).first()
    if device is None:
        return False, False
    result = device.match(code)
    if result.step is None:
        return False, result.replayed
    device.last_t = result.step
    device.last_used_at = timezone.now()
    device.save(update_fields=["last_t", "last_used_at"])
    return True, False


def _recovery_use(*, user: User, code: str, tenant: Tenant | None) -> tuple[bool, bool]:
    if not user_has_mfa(user):
        return False, False
    digest = recovery.digest(code)
    now = timezone.now()
    # The conditional UPDATE lets one caller through per code, however many race.
    used = RecoveryCode.objects.filter(user=user, code_hash=digest, used_at__isnull=True).update(used_at=now)
    if used != 1:
        return False, RecoveryCode.objects.filter(user=user, code_hash=digest).exists()
    audit_record(
        event_type=EventType.RECOVERY_CODE_USED,
        tenant=tenant,
        user=user,
        factor=Factor.RECOVERY,
        details={"remaining": recovery_codes_remaining(user=user)},
    )
    return True, False


def _failure(*, user: User, tenant: Tenant | None, factor: str, replayed: bool) -> LockState:
    state = failure_register(_scope(user), policy=_policy())
    audit_record(
        event_type=EventType.MFA_CODE_REPLAYED if replayed else EventType.MFA_CODE_FAILED,
        tenant=tenant,
        user=user,
        success=False,
        factor=factor,
        details={"consecutive_failures": state.failures},
    )
    if state.lock_started:
        ended = mfa_challenges_end_everywhere(user=user)
        audit_record(
            event_type=EventType.MFA_LOCKED,
            tenant=tenant,
            user=user,
            success=False,
            factor=factor,
            details={
                "lock_seconds": state.retry_after,
                "lock_count": state.lock_count,
                "logins_ended": ended,
            },
        )
        address, minutes = user.email, max(1, state.retry_after // 60)
        name = tenant.name if tenant is not None else "MassaCorp"
        transaction.on_commit(lambda: _mail_lock(address=address, tenant_name=name, minutes=minutes))
    return state


def _mail_lock(*, address: str, tenant_name: str, minutes: int) -> None:
    mail_enqueue(
        subject=f"{tenant_name} : second facteur bloqué après des codes erronés",
        message=(
            f"Des codes de double authentification erronés ont été saisis {settings.MFA_LOCK_AFTER} fois "
            f"de suite pour votre compte {tenant_name} : la connexion en deux étapes est bloquée pendant "
            f"environ {minutes} minutes et les connexions en cours ont été annulées.\n\n"
            "Si ce n'était pas vous, votre mot de passe est sans doute connu de quelqu'un d'autre : "
            "changez-le."
        ),
        to=[address],
    )


def _require(check: CodeCheck) -> None:
    if check.locked:
        raise mfa_locked(check.retry_after)
    if not check.ok:
        raise InvalidMfaCode("Le code n'est pas valide.")


def _recovery_codes_replace(*, user: User) -> list[str]:
    """A new set; the old codes, used or not, die with it."""
    RecoveryCode.objects.filter(user=user).delete()
    codes = recovery.codes_new()
    RecoveryCode.objects.bulk_create([RecoveryCode(user=user, code_hash=recovery.digest(c)) for c in codes])
    return codes


@transaction.atomic
def mfa_setup(*, user: User, tenant: Tenant) -> SetupResult:
    """A new secret on an unconfirmed device (replacing an earlier unconfirmed one)."""
    device = TOTPDevice.objects.select_for_update().filter(user=user).first()
    if device is not None and device.confirmed:
        raise Conflict(
            "La double authentification est déjà activée ; "
            "désactivez-la avant de configurer un nouvel appareil.",
            code="mfa_already_enabled",
        )
    device = device or TOTPDevice(user=user, name="Authenticator app", confirmed=False)
    secret = totp.secret_new()
    device.secret = secret
    device.last_t = -1
    try:
        device.save()
    except IntegrityError as error:  # a concurrent first set-up of the same person won the race
        raise Conflict(
            "Une configuration de la double authentification est déjà en cours ; réessayez.", code="conflict"
        ) from error
    uri = totp.provisioning_uri(secret_b32=secret, issuer=tenant.name, account=user.email)
    return SetupResult(secret=secret, provisioning_uri=uri, qr_code_svg=totp.qr_svg(uri))


def mfa_enable(*, user: User, tenant: Tenant, code: str) -> list[str]:
    """Confirm the device set up with a first code; the recovery codes, shown this once."""
    if user_has_mfa(user):
        raise Conflict("La double authentification est déjà activée.", code="mfa_already_enabled")
    if not TOTPDevice.objects.filter(user=user, confirmed=False).exists():
        raise Conflict(
            "Configurez d'abord la double authentification (POST /mfa/setup).", code="mfa_not_configured"
        )
    _require(mfa_code_check(user=user, code=code, kind="totp", tenant=tenant, confirmed=False))
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(user=user)
        device.confirmed, device.confirmed_at = True, timezone.now()
        device.save(update_fields=["confirmed", "confirmed_at"])
        principal_cache.forget_user(user.pk)
        codes = _recovery_codes_replace(user=user)
        audit_record(event_type=EventType.MFA_ENABLED, tenant=tenant, user=user, factor=Factor.TOTP)
    return codes


def mfa_disable(*, user: User, tenant: Tenant, code: str, password: str | None = None) -> None:
    """Needs a current code: a TOTP code is itself the step-up; with the password too, a recovery code
    will also do (the device may be lost)."""
    if not user_has_mfa(user):
        raise Conflict("La double authentification n'est pas activée.", code="mfa_not_enabled")
    if mfa_required_by_any_tenant(user=user):
        raise PermissionDenied(
            "Une organisation dont vous êtes membre exige la double "
            "authentification : elle ne peut pas être désactivée.",
            code="mfa_required_by_policy",
        )
    mfa_attempt_guard(user=user)
    if password is not None and not user_check_password(user=user, password=password):
        raise ValidationFailed("Le mot de passe est incorrect.", code="invalid_password")
    kind: Literal["totp", "auto"] = "totp" if password is None else "auto"
    _require(mfa_code_check(user=user, code=code, kind=kind, tenant=tenant, guard=False))
    with transaction.atomic():
        _mfa_remove(user=user)
        audit_record(event_type=EventType.MFA_DISABLED, tenant=tenant, user=user)


def mfa_verify(*, user: User, tenant: Tenant, code: str) -> bool:
    if not user_has_mfa(user):
        raise Conflict("La double authentification n'est pas activée.", code="mfa_not_enabled")
    check = mfa_code_check(user=user, code=code, kind="totp", tenant=tenant)
    if check.locked:
        raise mfa_locked(check.retry_after)
    return check.ok


def mfa_recovery_verify(*, user: User, tenant: Tenant, code: str) -> tuple[bool, int]:
    """Use up one recovery code; (valid, codes remaining)."""
    if not user_has_mfa(user):
        raise Conflict("La double authentification n'est pas activée.", code="mfa_not_enabled")
    check = mfa_code_check(user=user, code=code, kind="recovery", tenant=tenant)
    if check.locked:
        raise mfa_locked(check.retry_after)
    return check.ok, recovery_codes_remaining(user=user)


def mfa_recovery_regenerate(*, user: User, tenant: Tenant, code: str) -> list[str]:
    """A new set of recovery codes for a current code (the fresh code is the step-up)."""
    if not user_has_mfa(user):
        raise Conflict("La double authentification n'est pas activée.", code="mfa_not_enabled")
    _require(mfa_code_check(user=user, code=code, kind="auto", tenant=tenant))
    with transaction.atomic():
        codes = _recovery_codes_replace(user=user)
        audit_record(event_type=EventType.RECOVERY_CODES_REGENERATED, tenant=tenant, user=user)
    return codes


def _mfa_remove(*, user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    principal_cache.forget_user(user.pk)


# --- GDPR ----------------------------------------------------------------------------------------------


def mfa_export_for_user(user: User) -> dict[str, Any]:
    """Everything held about the person's MFA, never a secret or a code digest."""
    device = TOTPDevice.objects.filter(user=user).first()
    codes = RecoveryCode.objects.filter(user=user)
    total = codes.count()
    remaining = codes.filter(used_at__isnull=True).count()
    devices = []
    if device is not None:
        devices.append(
            {
                "type": "totp",
                "name": device.name,
                "confirmed": device.confirmed,
                "created_at": device.created_at,
                "confirmed_at": device.confirmed_at,
                "last_used_at": device.last_used_at,
            }
        )
    return {
        "status": mfa_status(user=user),
        "devices": devices,
        "recovery_codes": {"total": total, "remaining": remaining, "used": total - remaining},
    }


@transaction.atomic
def mfa_delete_for_user(user: User) -> None:
    """Remove the person's device and recovery codes (erasure); the audit trail is pseudonymised apart."""
    _mfa_remove(user=user)
