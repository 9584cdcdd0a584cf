"""What a non-human credential (an API key) tells the permission check: the scopes it was given.

Defined here, in the public app that checks permissions, so that the tenant app issuing keys
(tenant_apps.apikeys) depends on rbac and never the other way round.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .enums import API_KEY_SCOPES, SCOPE_ALL


@dataclass(frozen=True)
class ScopedCredential:
    key_id: Any
    key_prefix: str
    scopes: tuple[str, ...]

    def restrict(self, held: frozenset[str]) -> frozenset[str]:
        """What the key may do: its scopes intersected with what its creator holds right now."""
        allowed = API_KEY_SCOPES if SCOPE_ALL in self.scopes else frozenset(self.scopes) & API_KEY_SCOPES
        return held & allowed
