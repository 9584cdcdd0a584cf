"""One JSON error body for every error status, never internals."""

from __future__ import annotations

import gzip
import json
import logging
from typing import Any

import pytest
from django.test import Client, override_settings

from tests.conftest import TENANT_A

pytestmark = pytest.mark.django_db


@pytest.fixture
def probe(tenant_a: object, settings: object) -> Client:
    """A client at tenant A whose tenant URLconf is the probe (the routing middleware reads ROOT_URLCONF)."""
    settings.ROOT_URLCONF = "tests.shared_apps.core.urls_probe"  # type: ignore[attr-defined]
    return Client(HTTP_HOST=TENANT_A["domain"], raise_request_exception=False)


def _error(response: object) -> dict[str, Any]:
    """The contract's body, with the code under `code` for the assertions below."""
    body: dict[str, Any] = json.loads(response.content)  # type: ignore[attr-defined]
    assert {"error", "message", "request_id"} <= set(body) <= {"error", "message", "details", "request_id"}
    assert body["request_id"] == response["X-Request-ID"]  # type: ignore[index]
    assert body["error"] == body["error"].upper()
    assert response["Content-Type"] == "application/json"  # type: ignore[index]
    return {**body, "code": body["error"].lower()}


@pytest.mark.parametrize(
    ("kind", "status", "code"),
    [
        ("validation", 400, "bad_field"),
        ("unauthenticated", 401, "not_authenticated"),
        ("forbidden", 403, "permission_denied"),
        ("missing", 404, "not_found"),
        ("conflict", 409, "conflict"),
        ("limited", 429, "rate_limited"),
    ],
)
def test_domain_errors_map_to_status_and_stable_code(
    probe: Client, kind: str, status: int, code: str
) -> None:
    response = probe.get(f"/api/v1/raise/{kind}")
    assert response.status_code == status
    assert _error(response)["code"] == code


def test_rate_limit_sets_retry_after(probe: Client) -> None:
    response = probe.get("/api/v1/raise/limited")
    assert response["Retry-After"] == "42"


def test_unexpected_exception_is_500_without_internals(
    probe: Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        response = probe.get("/api/v1/raise/crash")
    assert response.status_code == 500
    assert _error(response)["code"] == "server_error"
    assert b"hunter2" not in response.content
    assert b"secret" not in response.content
    assert "hunter2" in caplog.text  # the operator still gets the traceback


def test_plain_django_view_crash_is_json_500(probe: Client) -> None:
    response = probe.get("/plain-crash")
    assert response.status_code == 500
    assert _error(response)["code"] == "server_error"
    assert b"secret" not in response.content


def test_serializer_validation_is_422_with_a_list_of_field_errors(probe: Client) -> None:
    response = probe.post("/api/v1/echo", {"name": "x" * 11}, content_type="application/json")
    error = _error(response)
    assert response.status_code == 422
    assert error["error"] == "VALIDATION_ERROR"
    [only] = error["details"]["errors"]
    assert only["field"] == "name"
    assert only["type"] == "max_length"
    # French, like every message of the product (DRF's own included).
    assert "au plus 10" in only["message"]
    assert error["message"] == "La requête est invalide."


def test_nested_and_missing_fields_are_reported_by_dotted_path(probe: Client) -> None:
    response = probe.post("/api/v1/echo", {}, content_type="application/json")
    assert response.status_code == 422
    assert _error(response)["details"]["errors"] == [
        {"field": "name", "message": "Ce champ est obligatoire.", "type": "required"}
    ]


def test_a_domain_error_keeps_its_details_and_status(probe: Client) -> None:
    error = _error(probe.get("/api/v1/raise/validation"))
    assert error["details"] == {"field": "x"}
    assert error["message"] == "bad field"


def test_an_error_without_details_has_no_details_key(probe: Client) -> None:
    assert "details" not in _error(probe.get("/api/v1/raise/missing"))


def test_malformed_json_is_400(probe: Client) -> None:
    response = probe.post("/api/v1/echo", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert _error(response)["code"] == "malformed_request"


def test_unsupported_media_type_is_415(probe: Client) -> None:
    response = probe.post("/api/v1/echo", "name=x", content_type="text/plain")
    assert response.status_code == 415
    assert _error(response)["code"] == "unsupported_media_type"


def test_wrong_method_is_405(probe: Client) -> None:
    response = probe.delete("/api/v1/echo")
    assert response.status_code == 405
    assert _error(response)["code"] == "method_not_allowed"


def test_unknown_path_is_json_404(probe: Client) -> None:
    response = probe.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert _error(response)["code"] == "not_found"


def test_body_over_the_limit_is_413_before_parsing(probe: Client) -> None:
    with override_settings(MAX_REQUEST_BODY_BYTES=1000):
        response = Client(HTTP_HOST=TENANT_A["domain"]).post(
            "/api/v1/echo", json.dumps({"name": "x" * 2000}), content_type="application/json"
        )
    assert response.status_code == 413
    assert _error(response)["code"] == "payload_too_large"


def test_large_list_is_compressed_when_client_accepts_gzip(probe: Client) -> None:
    response = probe.get("/api/v1/big", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert len(json.loads(gzip.decompress(response.content))["items"]) == 2000


def test_request_id_from_untrusted_peer_is_replaced(probe: Client) -> None:
    response = probe.get("/api/v1/big", HTTP_X_REQUEST_ID="attacker-chosen-id-123")
    assert response["X-Request-ID"] != "attacker-chosen-id-123"


def test_request_id_from_trusted_proxy_is_kept_and_logged(
    tenant_a: object, caplog: pytest.LogCaptureFixture
) -> None:
    with override_settings(TRUSTED_PROXIES=["10.0.0.5"]), caplog.at_level(logging.INFO):
        client = Client(HTTP_HOST=TENANT_A["domain"], REMOTE_ADDR="10.0.0.5")
        response = client.get("/health", HTTP_X_REQUEST_ID="proxy-id-12345678")
    assert response["X-Request-ID"] == "proxy-id-12345678"
    line = next(r for r in caplog.records if r.name == "massacorp.request")
    assert "proxy-id-12345678" in line.getMessage()


def test_slow_requests_are_logged_as_slow(tenant_a: object, caplog: pytest.LogCaptureFixture) -> None:
    with override_settings(SLOW_REQUEST_MS=0), caplog.at_level(logging.INFO):
        Client(HTTP_HOST=TENANT_A["domain"]).get("/health")
    line = next(r for r in caplog.records if r.name == "massacorp.request")
    assert line.levelno == logging.WARNING
    assert line.getMessage().endswith(" slow")


@pytest.mark.parametrize(
    ("origin", "allowed"), [("https://app.example.com", True), ("https://evil.example", False)]
)
def test_cors_follows_the_allowlist(tenant_a: object, origin: str, allowed: bool) -> None:
    with override_settings(CORS_ALLOWED_ORIGINS=["https://app.example.com"]):
        response = Client(HTTP_HOST=TENANT_A["domain"]).get("/api/v1/info", HTTP_ORIGIN=origin)
    assert (response.get("Access-Control-Allow-Origin") == origin) is allowed
