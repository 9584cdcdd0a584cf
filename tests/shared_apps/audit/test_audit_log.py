"""The audit log: what a row records, that it is written in the caller's transaction, and that PostgreSQL
refuses to change or remove it (with the one GDPR pseudonymisation exception)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import PROTECT
from django.test import Client, RequestFactory
from django.utils import timezone

from shared_apps.audit.models import AuditEvent, EventType, Factor
from shared_apps.audit.selectors import audit_event_list
from shared_apps.audit.services import PSEUDONYMISE_GUC, audit_pseudonymise, audit_record
from shared_apps.core.context import RequestContext, context_bind, request_context
from shared_apps.tenants.models import Tenant

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def user() -> Any:
    return User.objects.create_user("jane@example.com")


@pytest.fixture
def event(tenant_a: Tenant, user: Any) -> AuditEvent:
    return audit_record(
        event_type=EventType.LOGIN_SUCCEEDED, tenant=tenant_a, user=user, factor=Factor.PASSWORD
    )


def _context(*, ip: str = "203.0.113.7", user_agent: str = "") -> Any:
    """What the request middleware binds for a request (or a command for itself)."""
    return context_bind(ip=ip, user_agent=user_agent, request_id="req-0123456789")


# --- recording ---------------------------------------------------------------------------------------------


def test_record_takes_ip_agent_and_request_id_from_the_request_context(tenant_a: Tenant, user: Any) -> None:
    with _context(user_agent="Mozilla/5.0 Test"):
        event = audit_record(
            event_type=EventType.LOGIN_FAILED,
            tenant=tenant_a,
            user=user,
            success=False,
            factor=Factor.PASSWORD,
            details={"reason": "bad_password"},
        )
    event.refresh_from_db()
    assert event.tenant == tenant_a
    assert event.user == user
    assert event.email == "jane@example.com"
    assert event.ip == "203.0.113.7"
    assert event.user_agent == "Mozilla/5.0 Test"
    assert event.request_id == "req-0123456789"
    assert event.success is False
    assert event.factor == "password"
    assert event.details == {"reason": "bad_password"}


def test_record_outside_any_request_has_no_address_agent_or_request_id(tenant_a: Tenant) -> None:
    event = audit_record(event_type=EventType.LOGOUT, tenant=tenant_a)
    assert (event.ip, event.user_agent, event.request_id) == (None, "", "")


def _failed_login_ip(client: Client, **meta: Any) -> str | None:
    body = {"email": "nobody@example.com", "password": "wrong password 123"}
    client.post("/api/v1/auth/login", body, content_type="application/json", **meta)
    event = AuditEvent.objects.filter(event_type=EventType.LOGIN_FAILED).latest("id")
    return event.ip


def test_request_ignores_x_forwarded_for_from_an_untrusted_peer(client_a: Client) -> None:
    meta = {"REMOTE_ADDR": "203.0.113.7", "HTTP_X_FORWARDED_FOR": "198.51.100.1"}
    assert _failed_login_ip(client_a, **meta) == "203.0.113.7"


def test_request_believes_x_forwarded_for_from_a_trusted_proxy(client_a: Client, settings: Any) -> None:
    settings.TRUSTED_PROXIES = ["203.0.113.7"]
    meta = {"REMOTE_ADDR": "203.0.113.7", "HTTP_X_FORWARDED_FOR": "198.51.100.1"}
    assert _failed_login_ip(client_a, **meta) == "198.51.100.1"


def test_request_context_is_bound_for_the_request_only(client_a: Client) -> None:
    client_a.get("/api/v1/info", HTTP_USER_AGENT="probe")
    assert request_context() == RequestContext()


def test_record_keeps_the_tried_email_of_an_unknown_account_and_the_actor(
    tenant_a: Tenant, user: Any
) -> None:
    failed = audit_record(
        event_type=EventType.LOGIN_FAILED, tenant=tenant_a, success=False, email="nobody@example.com"
    )
    assert failed.user is None
    assert failed.email == "nobody@example.com"
    admin = User.objects.create_user("admin@example.com")
    deactivated = audit_record(event_type=EventType.USER_DEACTIVATED, tenant=tenant_a, user=user, actor=admin)
    assert (deactivated.email, deactivated.actor_email) == ("jane@example.com", "admin@example.com")


def test_record_truncates_an_oversized_user_agent(tenant_a: Tenant) -> None:
    with _context(user_agent="A" * 5000):
        event = audit_record(event_type=EventType.LOGOUT, tenant=tenant_a)
    assert len(event.user_agent) == 512


def test_record_is_part_of_the_callers_transaction(tenant_a: Tenant) -> None:
    def failing_action() -> None:
        with transaction.atomic():
            audit_record(event_type=EventType.LOGOUT, tenant=tenant_a, email="rollback@example.com")
            raise RuntimeError("the action failed")

    with pytest.raises(RuntimeError):
        failing_action()
    assert not AuditEvent.objects.filter(email="rollback@example.com").exists()


# --- append-only, enforced by PostgreSQL -------------------------------------------------------------------


def _orm_update(event: AuditEvent) -> None:
    AuditEvent.objects.filter(pk=event.pk).update(success=False)


def _orm_save(event: AuditEvent) -> None:
    event.event_type = EventType.LOGIN_FAILED
    event.save()


def _orm_delete(event: AuditEvent) -> None:
    event.delete()


def _orm_queryset_delete(event: AuditEvent) -> None:
    AuditEvent.objects.filter(pk=event.pk).delete()


def _sql_update(event: AuditEvent) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET details = '{}'::jsonb, success = false WHERE id = %s", [event.pk]
        )


def _sql_delete(event: AuditEvent) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])


def _sql_unlink_user_without_the_flag(event: AuditEvent) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET user_id = NULL, email = 'x' WHERE id = %s", [event.pk])


@pytest.mark.parametrize(
    "change",
    [
        _orm_update,
        _orm_save,
        _orm_delete,
        _orm_queryset_delete,
        _sql_update,
        _sql_delete,
        _sql_unlink_user_without_the_flag,
    ],
)
def test_postgresql_refuses_update_and_delete(
    event: AuditEvent, change: Callable[[AuditEvent], None]
) -> None:
    # The application's own connection and role, as the running app would use them.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        change(event)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.event_type, stored.success, stored.user_id) == ("login_succeeded", True, event.user_id)


def test_the_trigger_is_installed_on_the_table(db: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgenabled FROM pg_trigger WHERE tgrelid = 'audit_auditevent'::regclass "
            "AND tgname = 'audit_event_append_only'"
        )
        assert cursor.fetchall() == [("O",)]  # enabled (origin)


# --- the GDPR exception ------------------------------------------------------------------------------------


def test_pseudonymise_unlinks_and_rewrites_only_the_identity_columns(tenant_a: Tenant, user: Any) -> None:
    admin = User.objects.create_user("admin@example.com")
    own = audit_record(event_type=EventType.LOGIN_SUCCEEDED, tenant=tenant_a, user=user, details={"k": 1})
    acted = audit_record(event_type=EventType.USER_UPDATED, tenant=tenant_a, user=admin, actor=user)
    tried = audit_record(event_type=EventType.LOGIN_FAILED, tenant=tenant_a, email="JANE@example.com")
    other = audit_record(event_type=EventType.LOGIN_SUCCEEDED, tenant=tenant_a, user=admin)

    assert audit_pseudonymise(user_id=user.pk, email=user.email, pseudonym="erased-1") == 3

    own.refresh_from_db()
    assert (own.user_id, own.email, own.details, own.event_type) == (
        None,
        "erased-1",
        {"k": 1},
        "login_succeeded",
    )
    acted.refresh_from_db()
    assert (acted.user_id, acted.actor_id, acted.actor_email) == (admin.pk, None, "erased-1")
    tried.refresh_from_db()
    assert tried.email == "erased-1"
    other.refresh_from_db()
    assert (other.user_id, other.email) == (admin.pk, "admin@example.com")


def test_pseudonymise_empties_the_ip_and_agent_of_the_persons_own_requests_only(
    tenant_a: Tenant, user: Any
) -> None:
    admin = User.objects.create_user("admin@example.com")
    with _context(user_agent="Jane's browser"):
        own = audit_record(event_type=EventType.LOGIN_SUCCEEDED, tenant=tenant_a, user=user)
        as_actor = audit_record(event_type=EventType.USER_UPDATED, tenant=tenant_a, user=admin, actor=user)
    with _context(ip="198.51.100.9", user_agent="Admin's browser"):
        acted_on = audit_record(
            event_type=EventType.USER_DEACTIVATED, tenant=tenant_a, user=user, actor=admin
        )

    audit_pseudonymise(user_id=user.pk, email=user.email, pseudonym="erased")

    for row in (own, as_actor):
        row.refresh_from_db()
        assert (row.ip, row.user_agent) == (None, "")
    acted_on.refresh_from_db()  # the admin's request: their address stays on the record
    assert (acted_on.user_id, acted_on.ip, acted_on.user_agent) == (None, "198.51.100.9", "Admin's browser")


def test_pseudonymise_switches_the_exception_off_again(event: AuditEvent, user: Any) -> None:
    with transaction.atomic():
        audit_pseudonymise(user_id=user.pk, email=user.email, pseudonym="erased")
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting(%s, true)", [PSEUDONYMISE_GUC])
            assert cursor.fetchone() == ("off",)
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).update(email="again")


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET user_id = NULL, email = 'e', success = false WHERE id = %s",
        "UPDATE audit_auditevent SET email = 'e' WHERE id = %s",  # still linked: the snapshot stays
        "UPDATE audit_auditevent SET user_id = %s WHERE id = %s",  # moving a row to someone else
        "UPDATE audit_auditevent SET ip = NULL, user_agent = '' WHERE id = %s",  # without unlinking
        "UPDATE audit_auditevent SET user_id = NULL, ip = '192.0.2.1' WHERE id = %s",  # another address
        "UPDATE audit_auditevent SET user_id = NULL, user_agent = 'forged' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
    ids=["other-column", "email-while-linked", "relink", "untrace-linked", "new-ip", "new-agent", "delete"],
)
def test_with_the_flag_on_anything_but_unlinking_is_still_refused(
    tenant_a: Tenant, user: Any, sql: str
) -> None:
    with _context(user_agent="Jane's browser"):
        event = audit_record(event_type=EventType.LOGIN_SUCCEEDED, tenant=tenant_a, user=user)
    assert (event.ip, event.user_agent) == ("203.0.113.7", "Jane's browser")
    other = User.objects.create_user("other@example.com")
    params: list[Any] = [other.pk, event.pk] if sql.count("%s") == 2 else [event.pk]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, 'on', true)", [PSEUDONYMISE_GUC])
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            cursor.execute(sql, params)


def _delete_user_row(user: Any) -> None:
    # Raw SQL: Django's collector would also visit tenant tables that point at users (not in public).
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"DELETE FROM {User._meta.db_table} WHERE id = %s", [user.pk])  # noqa: S608


def test_an_audited_user_cannot_be_deleted_until_pseudonymised(event: AuditEvent, user: Any) -> None:
    assert AuditEvent._meta.get_field("user").remote_field.on_delete is PROTECT
    with pytest.raises(IntegrityError), transaction.atomic():
        _delete_user_row(user)
    audit_pseudonymise(user_id=user.pk, email=user.email, pseudonym="erased")
    with transaction.atomic():
        _delete_user_row(user)
    assert AuditEvent.objects.filter(pk=event.pk, user__isnull=True, email="erased").exists()


# --- reading: always per tenant ----------------------------------------------------------------------------


def test_list_requires_a_tenant(db: None) -> None:
    with pytest.raises(TypeError):
        audit_event_list()  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="tenant"):
        audit_event_list(tenant=None)  # type: ignore[arg-type]


def test_list_returns_only_this_tenants_events(tenant_a: Tenant, tenant_b: Tenant, user: Any) -> None:
    mine = audit_record(event_type=EventType.LOGOUT, tenant=tenant_a, user=user)
    audit_record(event_type=EventType.LOGOUT, tenant=tenant_b, user=user)
    audit_record(event_type=EventType.LOGOUT, tenant=None, user=user)
    assert list(audit_event_list(tenant=tenant_a)) == [mine]


def test_list_filters_by_type_user_and_date(tenant_a: Tenant, user: Any) -> None:
    other = User.objects.create_user("other@example.com")
    login = audit_record(event_type=EventType.LOGIN_SUCCEEDED, tenant=tenant_a, user=user)
    logout = audit_record(event_type=EventType.LOGOUT, tenant=tenant_a, user=user)
    others = audit_record(event_type=EventType.LOGOUT, tenant=tenant_a, user=other)
    today = timezone.localdate()
    one_day = datetime.timedelta(days=1)

    assert list(audit_event_list(tenant=tenant_a)) == [others, logout, login]  # newest first
    assert list(audit_event_list(tenant=tenant_a, event_type="logout")) == [others, logout]
    assert list(audit_event_list(tenant=tenant_a, user_id=user.pk)) == [logout, login]
    assert list(audit_event_list(tenant=tenant_a, event_type="logout", user_id=user.pk)) == [logout]
    assert audit_event_list(tenant=tenant_a, date_from=today, date_to=today).count() == 3
    assert audit_event_list(tenant=tenant_a, date_from=today + one_day).count() == 0
    assert audit_event_list(tenant=tenant_a, date_to=today - one_day).count() == 0
    assert audit_event_list(tenant=tenant_a, date_to=login.created_at).count() == 0  # datetime: exclusive
    assert audit_event_list(tenant=tenant_a, date_from=login.created_at).count() == 3


# --- admin: read-only --------------------------------------------------------------------------------------


def test_admin_is_read_only(event: AuditEvent) -> None:
    # Through the ModelAdmin: on the public host, django-tenants' admin templates need request.tenant,
    # which the routing middleware leaves None there (reported to the lead).
    model_admin = admin.site._registry[AuditEvent]
    request = RequestFactory().get("/admin/audit/auditevent/")
    request.user = User.objects.create_superuser("root@example.com", password=None)
    assert model_admin.has_view_permission(request, event)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)
    assert set(model_admin.get_readonly_fields(request, event)) >= {"event_type", "user", "email", "details"}
