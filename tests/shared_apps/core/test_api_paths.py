"""Every API path answers with or without a trailing slash, and unknown API paths are the JSON 404."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from shared_apps.accounts.models import Membership
from tests.factories.accounts import bearer, login

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/auth/me", "/api/v1/auth/me/", "/api/v1/auth/me//"])
def test_get_answers_with_and_without_trailing_slash(
    client_a: Client, member_a: Membership, path: str
) -> None:
    response = client_a.get(path, **bearer(login(client_a, member_a.user.email)))
    assert response.status_code == 200
    assert response.json()["email"] == member_a.user.email


def test_post_with_a_trailing_slash_keeps_its_body_without_redirect(
    client_a: Client, member_a: Membership
) -> None:
    response = client_a.post(
        "/api/v1/auth/login/",
        {"email": member_a.user.email, "password": "wrong-password-123"},
        content_type="application/json",
    )
    # The body reached the view: a wrong password, not a redirect or a missing-field error.
    assert response.status_code == 401
    assert response.json()["error"] == "INVALID_CREDENTIALS"


def test_path_parameters_survive_the_trailing_slash(client_a: Client, member_a: Membership) -> None:
    headers = bearer(login(client_a, member_a.user.email))
    with_slash = client_a.get("/api/v1/sessions/00000000-0000-0000-0000-000000000000/", **headers)
    without = client_a.get("/api/v1/sessions/00000000-0000-0000-0000-000000000000", **headers)
    assert with_slash.status_code == without.status_code == 404


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v2/users", "/api/"])
def test_unknown_api_path_is_json_404_even_under_debug(client_a: Client, debug: bool, path: str) -> None:
    with override_settings(DEBUG=debug):
        response = client_a.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["error"] == "NOT_FOUND"
    assert body["message"] == "La ressource demandée est introuvable."
    assert body["request_id"] == response["X-Request-ID"]


@pytest.mark.parametrize("debug", [False, True])
def test_unknown_api_path_on_the_public_host_is_json_404(shared_client: Client, debug: bool) -> None:
    with override_settings(DEBUG=debug):
        response = shared_client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"] == "NOT_FOUND"


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_unknown_api_path_is_a_404_for_writes_too_not_a_csrf_refusal(client_a: Client, method: str) -> None:
    csrf_checking = Client(HTTP_HOST="alpha.testserver", enforce_csrf_checks=True)
    response = getattr(csrf_checking, method)("/api/v1/api-keys/1")
    assert response.status_code == 404
    assert response.json()["error"] == "NOT_FOUND"
