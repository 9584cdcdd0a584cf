"""Factories and helpers for people, memberships and logged-in clients."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, cast

import factory
import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client
from factory.django import DjangoModelFactory

from shared_apps.accounts.models import Membership, User
from shared_apps.ratelimit.services import ratelimit_clear_all
from shared_apps.tenants.models import Tenant

PASSWORD = "correct horse battery staple 42"


@lru_cache(maxsize=1)
def _password_hash() -> str:
    # One Argon2id hash for every factory user: hashing per user would slow each test down.
    return make_password(PASSWORD)


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    first_name = "Ada"
    last_name = "Lovelace"
    password = factory.LazyFunction(_password_hash)
    is_active = True
    is_verified = True


class MembershipFactory(DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    tenant = factory.LazyFunction(lambda: Tenant.objects.get(slug="alpha"))
    is_active = True
    is_admin = False


def login(client: Client, email: str, password: str = PASSWORD, **extra: Any) -> dict[str, Any]:
    """Log in through the API; the JSON answer (asserting success)."""
    response = client.post(
        "/api/v1/auth/login", {"email": email, "password": password, **extra}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def bearer(tokens: dict[str, Any]) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": f"Bearer {tokens['access_token']}"}


@pytest.fixture
def member_a(tenant_a: Tenant) -> Membership:
    return make_member(tenant=tenant_a)


@pytest.fixture
def admin_a(tenant_a: Tenant) -> Membership:
    return make_member(tenant=tenant_a, is_admin=True)


@pytest.fixture
def no_ratelimit(settings: Any) -> None:
    settings.RATELIMIT_ENABLED = False


@pytest.fixture(autouse=True)
def _clean_limiter_state() -> None:
    # Counters and locks live outside the test transaction (Redis or committed rows).
    ratelimit_clear_all()


def make_user(**fields: Any) -> User:
    return cast(User, UserFactory(**fields))


def make_member(**fields: Any) -> Membership:
    return cast(Membership, MembershipFactory(**fields))
