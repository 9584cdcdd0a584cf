"""`manage.py create_tenant_user`: non-interactive, password from stdin, one-line errors with exit 2."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from shared_apps.accounts.models import Membership
from shared_apps.audit.models import AuditEvent, EventType
from tests.factories.accounts import login

pytestmark = pytest.mark.django_db

PASSWORD = "demo passphrase for alpha 7"


def test_creates_an_admin_who_can_log_in(client_a: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    out = io.StringIO()
    call_command(
        "create_tenant_user",
        tenant="alpha",
        email="Chef.Ana@Example.com",
        admin=True,
        password_stdin=True,
        stdout=out,
    )
    assert "created chef.ana@example.com at alpha" in out.getvalue()
    assert Membership.objects.get(user__email="chef.ana@example.com").is_admin
    login(client_a, "chef.ana@example.com", PASSWORD)


@pytest.mark.parametrize(
    ("options", "stdin", "code"),
    [
        (
            {"tenant": "nosuch", "email": "x@example.com", "password_stdin": True},
            PASSWORD,
            "tenant_not_found",
        ),
        ({"tenant": "alpha", "email": "x@example.com", "password_stdin": True}, "short", "weak_password"),
        ({"tenant": "alpha", "email": "x@example.com"}, "", "password_required"),
    ],
)
def test_errors_are_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: Any, options: dict[str, Any], stdin: str, code: str
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin + "\n"))
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("create_tenant_user", stderr=err, **options)
    assert exit_info.value.code == 2
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 1
    assert f"[{code}]" in lines[0]


def test_its_audit_rows_carry_the_commands_own_request_context(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    call_command(
        "create_tenant_user",
        tenant="alpha",
        email="cli@example.com",
        password_stdin=True,
        stdout=io.StringIO(),
    )
    event = AuditEvent.objects.get(event_type=EventType.USER_CREATED, email="cli@example.com")
    assert event.user_agent == "manage.py create_tenant_user"
    assert event.request_id.startswith("manage.py create_tenant_user-")
    assert event.ip is None
