"""Query vocabulary and the two constructors Django's tooling expects (createsuperuser, tests)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.base_user import BaseUserManager

if TYPE_CHECKING:
    from .models import User


def normalize_email(email: str) -> str:
    """The form we store and look up: trimmed and lowercased (uniqueness is case-insensitive anyway)."""
    return (email or "").strip().lower()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        # Case-insensitive, through the LOWER(email) unique index (admin login, createsuperuser).
        return self.get(email__lower=normalize_email(username or ""))

    def _create(self, email: str, password: str | None, **fields: Any) -> User:
        if not email:
            raise ValueError("an email is required")
        user = self.model(email=normalize_email(email), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("is_verified", True)
        if not fields["is_staff"] or not fields["is_superuser"]:
            raise ValueError("a superuser needs is_staff=True and is_superuser=True")
        return self._create(email, password, **fields)
