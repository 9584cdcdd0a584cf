"""This schema's side of identity, as shared_apps.authn.tenant_side.TenantSide describes it (settings
AUTHN_TENANT_SIDE names this module): the public-schema services reach sessions, MFA login challenges and
API keys only through it."""

from tenant_apps.apikeys.services import api_keys_revoke_for_user

from .selectors import principal_for_token, principal_from_snapshot, principal_snapshot_read
from .services import (
    mfa_challenge_consume,
    mfa_challenge_issue,
    mfa_challenge_peek,
    mfa_challenges_end_everywhere,
    session_id_for_refresh_token,
    session_start,
    sessions_revoke,
    sessions_revoke_everywhere,
    token_refresh,
)

__all__ = [
    "api_keys_revoke_for_user",
    "mfa_challenge_consume",
    "mfa_challenge_issue",
    "mfa_challenge_peek",
    "mfa_challenges_end_everywhere",
    "principal_for_token",
    "principal_from_snapshot",
    "principal_snapshot_read",
    "session_id_for_refresh_token",
    "session_start",
    "sessions_revoke",
    "sessions_revoke_everywhere",
    "token_refresh",
]
