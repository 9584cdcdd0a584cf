"""GDPR export, erasure and anonymisation of a person who belongs to two tenants."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from shared_apps.accounts.models import Membership, PasswordResetToken, User
from shared_apps.audit.models import AuditEvent
from shared_apps.core import crypto
from shared_apps.mfa.models import RecoveryCode, TOTPDevice
from shared_apps.oauth.models import OAuthIdentity
from shared_apps.tenants.models import Tenant
from tests.conftest import TENANT_A, TENANT_B
from tests.factories.access import api_key_for, assign, key_headers, token_headers
from tests.factories.accounts import bearer, login, make_member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_ratelimit")]
JSON = "application/json"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
CODE_HASH = "ab" * 32


@dataclass
class Person:
    user: User
    tokens_a: dict[str, Any]
    admin_a: dict[str, Any]
    admin_only_a: dict[str, Any]
    raw_keys: list[str]


@pytest.fixture
def person(tenant_a: Tenant, tenant_b: Tenant) -> Person:
    """A member of both tenants with sessions, API keys (used), MFA, a reset token and a role at each."""
    membership_a = make_member(tenant=tenant_a, user__phone="+33612345678", user__first_name="Zoé")
    user = membership_a.user
    membership_b = Membership.objects.create(user=user, tenant=tenant_b)
    assign(membership_b, "manager")
    agent = "Firefox/128 personal-agent"
    client_a = Client(HTTP_HOST=TENANT_A["domain"], HTTP_USER_AGENT=agent)
    client_b = Client(HTTP_HOST=TENANT_B["domain"], HTTP_USER_AGENT=agent)
    tokens_a = login(client_a, user.email)
    login(client_b, user.email)
    raw_keys = [api_key_for(membership_a, ["metro:read"]), api_key_for(membership_b, ["users:read"])]
    client_a.get("/api/v1/metro/summary", **key_headers(raw_keys[0]))
    client_b.get("/api/v1/users", **key_headers(raw_keys[1]))
    TOTPDevice.objects.create(
        user=user, name="phone", confirmed=True, encrypted_secret=crypto.encrypt(TOTP_SECRET)
    )
    RecoveryCode.objects.create(user=user, code_hash=CODE_HASH)
    OAuthIdentity.objects.create(user=user, provider="github", subject="gh-77", email="zoe@github.example")
    PasswordResetToken.objects.create(
        user=user, tenant=tenant_a, token_hash="cd" * 32, expires_at=timezone.now() + timedelta(minutes=5)
    )
    admin = make_member(tenant=tenant_a, is_admin=True)
    Membership.objects.create(user=admin.user, tenant=tenant_b, is_admin=True)
    return Person(
        user=user,
        tokens_a=tokens_a,
        admin_a=token_headers(admin),
        admin_only_a=token_headers(make_member(tenant=tenant_a, is_admin=True)),
        raw_keys=raw_keys,
    )


def test_the_own_export_holds_every_tenants_data_and_no_secret(client_a: Client, person: Person) -> None:
    response = client_a.get("/api/v1/gdpr/export", **bearer(person.tokens_a))
    assert response.status_code == 200, response.content
    body = response.json()
    for key in (
        "export_date",
        "user",
        "memberships",
        "sessions",
        "mfa",
        "api_keys",
        "oauth_accounts",
        "audit_logs",
        "data_retention",
        "roles",
        "password_reset_tokens",
        "mfa_challenges",
    ):
        assert key in body, key
    assert body["user"]["phone"] == "+33612345678"
    assert {m["tenant_id"] for m in body["memberships"]} == {"alpha", "beta"}
    assert {s["tenant_id"] for s in body["sessions"]} == {"alpha", "beta"}
    assert all(s["user_agent"] == "Firefox/128 personal-agent" for s in body["sessions"])
    assert {k["tenant_id"] for k in body["api_keys"]} == {"alpha", "beta"}
    assert all(k["usage"]["requests"] == 1 for k in body["api_keys"])
    assert body["mfa"]["status"]["enabled"] is True
    assert body["mfa"]["recovery_codes"]["remaining"] == 1
    assert [r["role"] for r in body["roles"]] == ["manager"]
    assert [(o["provider"], o["subject"]) for o in body["oauth_accounts"]] == [("github", "gh-77")]
    assert any(e["event_type"] == "login_succeeded" for e in body["audit_logs"])
    text = response.content.decode()
    secrets_held = [
        TOTP_SECRET,
        CODE_HASH,
        "cd" * 32,
        *person.raw_keys,
        *(k.split("_")[-1] for k in person.raw_keys),
    ]
    assert [s for s in secrets_held if s in text] == []
    assert "password" not in body["user"]  # the hash never leaves


def test_the_export_downloads_as_a_file(client_a: Client, person: Person) -> None:
    response = client_a.get("/api/v1/gdpr/export", {"download": "1"}, **bearer(person.tokens_a))
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert json.loads(response.content)["user"]["email"] == person.user.email


def test_an_admin_export_shows_only_their_own_tenant(client_a: Client, person: Person) -> None:
    response = client_a.get(f"/api/v1/gdpr/export/{person.user.pk}", **person.admin_only_a)
    assert response.status_code == 200
    body = response.json()
    assert {s["tenant_id"] for s in body["sessions"]} == {"alpha"}
    assert {k["tenant_id"] for k in body["api_keys"]} == {"alpha"}
    assert {m["tenant_id"] for m in body["memberships"]} == {"alpha"}
    assert "beta" not in json.dumps([body["roles"], body["audit_logs"]])


def test_an_admin_cannot_export_someone_of_another_tenant(
    client_b: Client, person: Person, tenant_b: Tenant
) -> None:
    stranger = make_member(tenant=Tenant.objects.get(slug="alpha"))
    admin_b = token_headers(make_member(tenant=tenant_b, is_admin=True))
    assert client_b.get(f"/api/v1/gdpr/export/{stranger.user.pk}", **admin_b).status_code == 404


def _tables_referencing_users() -> list[tuple[str, str, str]]:
    """(schema, table, column) of every foreign key to accounts_user, in every schema (information_schema)."""
    user_table = User._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT kcu.table_schema, kcu.table_name, kcu.column_name
            FROM information_schema.referential_constraints rc
            JOIN information_schema.key_column_usage kcu
              ON kcu.constraint_name = rc.constraint_name AND kcu.constraint_schema = rc.constraint_schema
            JOIN information_schema.constraint_column_usage ccu
              ON ccu.constraint_name = rc.unique_constraint_name
             AND ccu.constraint_schema = rc.unique_constraint_schema
            WHERE ccu.table_name = %s
            """,
            [user_table],
        )
        return sorted(cursor.fetchall())


def _rows_about(user_id: uuid.UUID, email: str, schemas: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        for schema, table, column in _tables_referencing_users():
            cursor.execute(f"SELECT count(*) FROM {q(schema)}.{q(table)} WHERE {q(column)} = %s", [user_id])  # noqa: S608
            if (count := cursor.fetchone()[0]) and schema in schemas:
                found[f"{schema}.{table}.{column}"] = count
    return {**found, **_mentions(email, schemas)}


def _mentions(text: str, schemas: list[str]) -> dict[str, int]:
    """Every text column of every table of `schemas` that still contains `text`."""
    found: dict[str, int] = {}
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema, table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = ANY(%s) AND data_type IN ('character varying', 'text', 'jsonb')",
            [schemas],
        )
        for schema, table, column in cursor.fetchall():
            cursor.execute(
                f"SELECT count(*) FROM {q(schema)}.{q(table)} WHERE {q(column)}::text ILIKE %s",  # noqa: S608
                [f"%{text}%"],
            )
            if count := cursor.fetchone()[0]:
                found[f"{schema}.{table}.{column}"] = count
    return found


def test_erasure_leaves_nothing_personal_in_any_schema(
    client_a: Client, person: Person, tenant_a: Tenant, tenant_b: Tenant
) -> None:
    user_id, email = person.user.pk, person.user.email
    schemas = ["public", tenant_a.schema_name, tenant_b.schema_name]
    before = _rows_about(user_id, email, schemas)
    # the fixture really put data in both tenant schemas
    assert any(k.startswith(f"{tenant_a.schema_name}.") for k in before)
    assert any(k.startswith(f"{tenant_b.schema_name}.") for k in before)
    body = {"user_id": str(user_id), "reason": "the person asked", "confirm": True}
    response = client_a.delete("/api/v1/gdpr/delete", body, content_type=JSON, **person.admin_a)
    assert response.status_code == 200, response.content
    assert response.json()["deleted_user_id"] == str(user_id)
    assert _rows_about(user_id, email, schemas) == {}
    assert _mentions("zoe@github.example", schemas) == {}
    assert set(_mentions("personal-agent", schemas)) <= {"public.audit_auditevent.user_agent"}  # see below
    erased = AuditEvent.objects.filter(event_type="gdpr_erased").get()
    assert erased.email.startswith("erased-")
    assert AuditEvent.objects.filter(email=erased.email).count() > 1  # the person's rows, pseudonymised
    assert client_a.get("/api/v1/auth/me", **bearer(person.tokens_a)).status_code == 401
    assert client_a.get("/api/v1/metro/summary", **key_headers(person.raw_keys[0])).status_code == 401


def test_an_admin_of_one_tenant_cannot_erase_an_account_another_relies_on(
    client_a: Client, person: Person
) -> None:
    body = {"user_id": str(person.user.pk), "reason": "asked", "confirm": True}
    response = client_a.delete("/api/v1/gdpr/delete", body, content_type=JSON, **person.admin_only_a)
    assert response.status_code == 403
    assert response.json()["error"] == "SHARED_ACCOUNT"
    assert User.objects.filter(pk=person.user.pk).exists()


def test_erasure_needs_confirmation(client_a: Client, person: Person) -> None:
    body = {"user_id": str(person.user.pk), "reason": "asked", "confirm": False}
    assert (
        client_a.delete("/api/v1/gdpr/delete", body, content_type=JSON, **person.admin_a).status_code == 400
    )
    assert User.objects.filter(pk=person.user.pk).exists()


def test_anonymisation_replaces_personal_fields_for_good(
    client_a: Client, person: Person, tenant_a: Tenant, tenant_b: Tenant
) -> None:
    user_id, email = person.user.pk, person.user.email
    body = {"user_id": str(user_id), "reason": "asked"}
    response = client_a.post("/api/v1/gdpr/anonymize", body, content_type=JSON, **person.admin_a)
    assert response.status_code == 200, response.content
    user = User.objects.get(pk=user_id)
    assert user.email.endswith("@anonymized.invalid")
    assert user.email != email
    assert (user.first_name, user.last_name, user.phone, user.is_active) == ("", "", "", False)
    assert not user.has_usable_password()
    assert not TOTPDevice.objects.filter(user=user).exists()
    schemas = ["public", tenant_a.schema_name, tenant_b.schema_name]
    for personal in (email, "+33612345678", "Zoé"):
        assert _mentions(personal, schemas) == {}, personal
    # Audit rows of the person's own requests lose their IP and user agent with the link (audit 0006).
    assert _mentions("personal-agent", schemas) == {}
    export = client_a.get(f"/api/v1/gdpr/export/{user_id}", **person.admin_a).json()
    assert all(s["ip_address"] is None and s["user_agent"] == "" for s in export["sessions"])
    assert client_a.get("/api/v1/auth/me", **bearer(person.tokens_a)).status_code == 401


def test_the_inventory_lists_every_category(client_a: Client, person: Person) -> None:
    body = client_a.get("/api/v1/gdpr/inventory", **bearer(person.tokens_a)).json()
    assert body["tenant_id"] == "alpha"
    categories = {c["category"] for c in body["data_categories"]}
    assert {
        "Identité et coordonnées",
        "Sessions de connexion",
        "Clés d'API et leur utilisation",
        "Second facteur",
    } <= categories
    assert all(c["legal_basis"] and c["retention"] for c in body["data_categories"])
    assert set(body["data_subject_rights"]) >= {"access", "erasure", "portability"}
