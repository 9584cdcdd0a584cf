"""The OpenAPI description is the contract: complete, warning-free, with security schemes and error bodies."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from tests.conftest import SHARED_HOST

pytestmark = pytest.mark.django_db

BODY_METHODS = {"post", "put", "patch"}
# The contract's [pub] operations (and the tenant's public info).
PUBLIC = {
    "/api/v1/info",
    "/api/v1/auth/login",
    "/api/v1/auth/login/mfa",
    "/api/v1/auth/refresh",
    "/api/v1/auth/register",
    "/api/v1/oauth/providers",
    "/api/v1/oauth/{provider}/authorize",
    "/api/v1/oauth/{provider}/callback",
    "/api/v1/oauth/complete-registration",
    "/api/v1/password-reset/request",
    "/api/v1/password-reset/confirm",
    "/api/v1/password-reset/validate/{token}",
}


def test_schema_generation_emits_no_warning_and_validates(tmp_path: Path) -> None:
    # --fail-on-warn raises on any drf-spectacular warning or error; --validate checks the OpenAPI spec.
    call_command(
        "spectacular",
        "--urlconf",
        "config.urls_tenant",
        "--fail-on-warn",
        "--validate",
        "--file",
        str(tmp_path / "schema.yaml"),
    )


@pytest.fixture
def schema(tenant_a: object) -> dict[str, Any]:
    response = Client(HTTP_HOST=SHARED_HOST).get("/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    return body


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def test_openapi_json_is_served_on_tenant_and_shared_hosts(client_a: Client, schema: dict[str, Any]) -> None:
    assert client_a.get("/openapi.json").json()["paths"].keys() == schema["paths"].keys()
    assert len(_operations(schema)) >= 71


def test_security_schemes_name_the_bearer_token_and_both_api_key_headers(schema: dict[str, Any]) -> None:
    schemes = schema["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {**schemes["bearerAuth"], "type": "http", "scheme": "bearer"}
    assert {(s["in"], s["name"]) for s in schemes.values() if s["type"] == "apiKey"} == {
        ("header", "Authorization"),
        ("header", "X-API-Key"),
    }


def test_every_operation_is_tagged_and_has_its_answers(schema: dict[str, Any]) -> None:
    ids = set()
    for path, method, operation in _operations(schema):
        where = f"{method.upper()} {path}"
        ids.add(operation["operationId"])
        assert operation.get("tags"), where
        codes = set(operation["responses"])
        assert any(code.startswith("2") for code in codes), where
        assert "400" in codes, where
        if "requestBody" in operation or any(p["in"] == "query" for p in operation.get("parameters", [])):
            assert "422" in codes, where
        if "{" in path:
            assert "404" in codes, where
            assert {p["name"] for p in operation["parameters"] if p["in"] == "path"}, where
        if method in BODY_METHODS and "InputSerializer" in operation.get("description", ""):
            raise AssertionError(where)
    assert len(ids) == len(_operations(schema))


def test_authenticated_operations_name_their_schemes_and_public_ones_do_not(schema: dict[str, Any]) -> None:
    for path, method, operation in _operations(schema):
        names = {name for requirement in operation.get("security", []) for name in requirement}
        if path in PUBLIC:
            assert not names, path
        else:
            assert {"bearerAuth", "apiKeyHeader", "apiKeyAuthorization"} <= names, f"{method} {path}"
            assert {"401", "403"} <= set(operation["responses"]), f"{method} {path}"


def test_request_bodies_and_query_parameters_are_described(schema: dict[str, Any]) -> None:
    login = schema["paths"]["/api/v1/auth/login"]["post"]
    ref = login["requestBody"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    body = schema["components"]["schemas"][ref]
    assert body["properties"]["email"]["format"] == "email"
    assert body["properties"]["password"]["maxLength"] == 128
    assert set(body["required"]) == {"email", "password"}
    products = schema["paths"]["/api/v1/metro/products"]["get"]
    per_page = next(p for p in products["parameters"] if p["name"] == "per_page")
    assert per_page["schema"]["maximum"] == 1000


def test_validation_errors_are_documented_with_their_field_list(schema: dict[str, Any]) -> None:
    answer = schema["paths"]["/api/v1/auth/login"]["post"]["responses"]["422"]
    ref = answer["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    error = schema["components"]["schemas"][ref]
    assert {"error", "message"} <= set(error["required"])
    details = schema["components"]["schemas"][error["properties"]["details"]["$ref"].split("/")[-1]]
    assert "errors" in details["properties"]


def test_views_validate_input_only_with_the_serializers_the_description_reads() -> None:
    """A serializer used as `X(data=request…)` is invisible to the description unless it is the view's
    InputSerializer, FilterSerializer or DeleteSerializer."""
    root = Path(__file__).resolve().parents[3]
    pattern = re.compile(r"(\w+)\(data=request\.(?:data|query_params)")
    hidden = [
        f"{path.relative_to(root)}: {name}"
        for folder in ("shared_apps", "tenant_apps")
        for path in (root / folder).rglob("*.py")
        for name in pattern.findall(path.read_text())
        if name not in {"InputSerializer", "FilterSerializer", "DeleteSerializer", "serializer_class"}
    ]
    assert hidden == []


def test_mfa_code_operations_document_their_body(schema: dict[str, Any]) -> None:
    for path in ("/api/v1/mfa/verify", "/api/v1/mfa/recovery/verify", "/api/v1/mfa/recovery/regenerate"):
        assert "requestBody" in schema["paths"][path]["post"], path


def _typed(schema: dict[str, Any], body: dict[str, Any]) -> bool:
    """An answer's body says what it holds: an object with properties, an array of typed items, a scalar."""
    if "$ref" in body:
        return _typed(schema, schema["components"]["schemas"][body["$ref"].split("/")[-1]])
    if "allOf" in body or "oneOf" in body:
        return all(_typed(schema, part) for part in body.get("allOf", []) + body.get("oneOf", []))
    if body.get("type") == "array":
        return _typed(schema, body.get("items", {}))
    if body.get("type") == "object" or not body:
        return bool(body.get("properties"))
    return True


def test_every_success_answer_documents_its_shape(schema: dict[str, Any]) -> None:
    untyped = []
    for path, method, operation in _operations(schema):
        for code, answer in operation["responses"].items():
            if not code.startswith("2") or code == "204":
                continue
            bodies = [media.get("schema", {}) for media in answer.get("content", {}).values()]
            if not bodies or not all(_typed(schema, body) for body in bodies):
                untyped.append(f"{method.upper()} {path} {code}")
    assert untyped == []
