"""Self-sign-up does not tell whether an address has an account: a taken address answers as a new one,
creates nothing, and only its owner hears of it (by mail)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client

from shared_apps.accounts.models import Membership, User
from shared_apps.audit.models import AuditEvent, EventType
from shared_apps.tenants.models import Tenant
from tests.factories.accounts import login, make_member
from tests.support.mail import assert_french

pytestmark = pytest.mark.django_db

PASSWORD = "a brand new passphrase 9"
REGISTER = "/api/v1/auth/register"


@pytest.fixture
def open_tenant(tenant_a: Tenant) -> Tenant:
    tenant_a.settings = {"allow_self_signup": True}
    tenant_a.save(update_fields=["settings"])
    return tenant_a


def _register(client: Client, email: str, password: str = PASSWORD) -> Any:
    body = {"email": email, "password": password, "first_name": "Ada", "last_name": "Lovelace"}
    return client.post(REGISTER, body, content_type="application/json")


def _shape(body: dict[str, Any]) -> dict[str, Any]:
    """What may legitimately differ between two sign-ups: the id and the times."""
    return {k: v for k, v in body.items() if k not in ("id", "email", "created_at", "updated_at")}


@pytest.mark.parametrize("where", ["member here", "member elsewhere"])
def test_a_taken_address_answers_like_a_new_one_and_creates_nothing(
    client_a: Client, open_tenant: Tenant, tenant_b: Tenant, where: str
) -> None:
    owner = make_member(tenant=open_tenant if where == "member here" else tenant_b)
    users, memberships = User.objects.count(), Membership.objects.count()

    taken = _register(client_a, owner.user.email.upper())
    new = _register(client_a, "newcomer@example.com")

    assert taken.status_code == new.status_code == 201
    assert set(taken.json()) == set(new.json())
    assert _shape(taken.json()) == _shape(new.json())
    assert taken.json()["id"] != str(owner.user.pk)
    assert User.objects.count() == users + 1  # the newcomer only
    assert Membership.objects.count() == memberships + 1
    assert not Membership.objects.filter(user=owner.user, tenant=open_tenant).exclude(pk=owner.pk).exists()


def test_the_owner_of_a_taken_address_is_told_by_mail_and_the_event_is_audited(
    client_a: Client, open_tenant: Tenant, django_capture_on_commit_callbacks: Any
) -> None:
    owner = make_member(tenant=open_tenant)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert _register(client_a, owner.user.email).status_code == 201
    assert [m.to for m in mail.outbox] == [[owner.user.email]]
    assert "tentative d'inscription" in mail.outbox[0].subject
    assert_french(mail.outbox[0])
    event = AuditEvent.objects.get(event_type=EventType.SIGNUP_WITH_TAKEN_EMAIL)
    assert (event.user_id, event.success) == (owner.user.pk, False)


def test_a_new_address_gets_no_such_mail(
    client_a: Client, open_tenant: Tenant, django_capture_on_commit_callbacks: Any
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert _register(client_a, "newcomer@example.com").status_code == 201
    assert mail.outbox == []


def test_a_weak_password_is_refused_alike_for_a_taken_and_a_new_address(
    client_a: Client, open_tenant: Tenant
) -> None:
    owner = make_member(tenant=open_tenant)
    taken = _register(client_a, owner.user.email, password="short")
    new = _register(client_a, "newcomer@example.com", password="short")
    assert taken.status_code == new.status_code == 400
    assert taken.json()["error"] == new.json()["error"] == "WEAK_PASSWORD"


def test_the_sign_up_of_a_taken_address_does_not_give_its_password_to_anyone(
    client_a: Client, open_tenant: Tenant
) -> None:
    owner = make_member(tenant=open_tenant)
    assert _register(client_a, owner.user.email).status_code == 201
    body = {"email": owner.user.email, "password": PASSWORD}
    response = client_a.post("/api/v1/auth/login", body, content_type="application/json")
    assert response.status_code == 401
    login(client_a, owner.user.email)  # the owner's own password still works
