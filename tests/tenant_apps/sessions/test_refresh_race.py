"""Two concurrent refreshes of one token, on two real connections: exactly one succeeds.

The test's own connection is inside the rolled-back test transaction, which other connections cannot
see; so the set-up, the race and the clean-up each run on threads of their own (each thread has its own,
autocommitting connection), and the rows they commit are removed at the end.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

import pytest
from django.db import connection, connections, transaction
from django.test import Client

from shared_apps.accounts.models import Membership, User
from shared_apps.audit.models import AuditEvent
from shared_apps.tenants.models import Tenant
from tenant_apps.sessions.services import sessions_purge_for_user
from tests.factories.accounts import PASSWORD, make_user

pytestmark = pytest.mark.django_db

T = TypeVar("T")


def _on_own_connection(work: Callable[[], T]) -> T:
    result: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            result.append(work())
        except BaseException as error:  # re-raised in the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    if errors:
        raise errors[0]
    return result[0]


def _create_member() -> User:
    user = make_user(email="race@example.com")
    Membership.objects.create(user=user, tenant=Tenant.objects.get(slug="alpha"))
    return user


def _remove_member(user: User) -> None:
    sessions_purge_for_user(user=user)
    with transaction.atomic(), connection.cursor() as cursor:
        # Test-data clean-up only: the append-only trigger refuses DELETE, so this transaction runs with
        # triggers off (the test database's owner may; the application's user may not).
        cursor.execute("SET LOCAL session_replication_role = replica")
        AuditEvent.objects.filter(user=user).delete()
    Membership.objects.filter(user=user).delete()
    user.delete()


def _login(email: str) -> str:
    response = Client(HTTP_HOST="alpha.testserver").post(
        "/api/v1/auth/login", {"email": email, "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return str(response.json()["refresh_token"])


def test_concurrent_refreshes_of_one_token_let_exactly_one_through() -> None:
    user = _on_own_connection(_create_member)
    try:
        refresh_token = _on_own_connection(lambda: _login(user.email))
        barrier = threading.Barrier(2)
        statuses: list[int] = []

        def refresh() -> None:
            try:
                barrier.wait(timeout=10)
                answer = Client(HTTP_HOST="alpha.testserver").post(
                    "/api/v1/auth/refresh", {"refresh_token": refresh_token}, content_type="application/json"
                )
                statuses.append(answer.status_code)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=refresh) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(statuses) == [200, 401]
        # The loser presented a used token: that is reuse, and it was recorded.
        events = _on_own_connection(
            lambda: AuditEvent.objects.filter(user=user, event_type="token_reuse_detected").count()
        )
        assert events == 1
    finally:
        _on_own_connection(lambda: _remove_member(user))
