"""How the API describes itself: the conventions every view follows so that the OpenAPI is the contract.

A view is read, not annotated, wherever its shape says enough:
- `InputSerializer` is the request body of POST/PUT/PATCH (`DeleteSerializer` of DELETE); on GET the
  `FilterSerializer` (or the `InputSerializer`, for views that validate their query with it) gives the
  query parameters;
- `OutputSerializer` is the 2xx body (`DeleteOutputSerializer` that of DELETE), or its item when the
  view sets `response_envelope` on GET: `"page"` ({items, total, page, per_page, pages}), `"list"` (a
  JSON array) or a key such as `"events"` ({events: [...], total}); a view whose methods answer in
  different shapes declares `@extend_schema(responses=…)` on the method. `MessageOutput` and
  `TokenPairOutput` are the shared shapes of an outcome and of a token pair. A test fails on a success
  answer documented as a free-form object;
- `response_status = {"POST": 201}` names a success status other than 200 (a tuple when several; 204
  answers have no body);
- `response_links = {"POST": {"key_id": "id"}}` says that a success answer of POST gives, in its body
  field `id`, the `key_id` of the operations under this path (`/api-keys/{key_id}`…): each becomes an
  OpenAPI link (Swagger shows them; schemathesis' stateful tests follow them: create, then read/delete);
- every operation lists the error answers it can give, all with the one error body (`ErrorSerializer`):
  400/401/403/404/429 everywhere (routing, credentials, the domain's refusals, limits), and 409/413/415/
  422 for writes (422 also for a GET that validates its query).
New endpoints follow the same conventions; a test fails on any drf-spectacular warning.
"""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_array_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
LINKS_KEY = "x-contract-links"  # carries `response_links` from an operation to links_resolve, then removed
PAGE_COUNTS = ("total", "page", "per_page", "pages")


class FieldErrorSerializer(serializers.Serializer[Any]):
    field = serializers.CharField(help_text="Dotted path of the field (`body` for the request as a whole).")
    message = serializers.CharField()
    type = serializers.CharField(help_text="Stable reason, e.g. `required`, `invalid`, `max_length`.")


class ErrorSerializer(serializers.Serializer[Any]):
    """The one error body of every error status."""

    error = serializers.CharField(help_text="Stable upper-case code, e.g. `NOT_FOUND`.")
    message = serializers.CharField(help_text="For people, in French.")
    details = serializers.DictField(required=False, help_text="Machine-readable particulars, when any.")
    request_id = serializers.CharField(required=False, help_text="The X-Request-ID of this answer.")


# Built inline: a serializer field named `errors` would shadow Serializer.errors.
ValidationErrorSerializer = inline_serializer(
    name="ValidationError",
    fields={
        "error": serializers.CharField(help_text="`VALIDATION_ERROR`."),
        "message": serializers.CharField(),
        "details": inline_serializer(
            name="ValidationDetails", fields={"errors": FieldErrorSerializer(many=True)}
        ),
        "request_id": serializers.CharField(required=False),
    },
)


class MessageOutput(serializers.Serializer[Any]):
    """The answer of an action that has nothing to return but its outcome."""

    success = serializers.BooleanField()
    message = serializers.CharField(help_text="For people, in French.")


class TokenPairOutput(serializers.Serializer[Any]):
    access_token = serializers.CharField(help_text="Bearer token for the `Authorization` header.")
    refresh_token = serializers.CharField(help_text="For POST /auth/refresh; single use.")
    token_type = serializers.ChoiceField(choices=["bearer"])
    expires_in = serializers.IntegerField(help_text="Seconds the access token lives.")


def _error(description: str, serializer: Any = ErrorSerializer) -> OpenApiResponse:
    return OpenApiResponse(response=serializer, description=description)


ERRORS: dict[int, OpenApiResponse] = {
    400: _error("Refused by a rule of the domain (the code says which)."),
    401: _error("Missing, invalid or expired credentials."),
    403: _error("Authenticated, but not allowed to do this."),
    404: _error("Nothing of that kind here."),
    409: _error("Conflicts with the current state."),
    413: _error("The request body is too large."),
    415: _error("Unsupported content type."),
    422: _error("The body or the query failed validation.", ValidationErrorSerializer),
    429: _error("Too many attempts; see Retry-After."),
}


class ContractAutoSchema(AutoSchema):
    """Reads the conventions above from each view (see the module docstring)."""

    def _nested(self, name: str) -> type[serializers.Serializer[Any]] | None:
        found = getattr(self.view, name, None)
        return found if isinstance(found, type) and issubclass(found, serializers.Serializer) else None

    def get_request_serializer(self) -> Any:
        if self.method in BODY_METHODS:
            return self._nested("InputSerializer")
        if self.method == "DELETE":
            return self._nested("DeleteSerializer") or self._nested("InputSerializer")
        return None

    def _query_serializer(self) -> type[serializers.Serializer[Any]] | None:
        if self.method != "GET":
            return None
        return self._nested("FilterSerializer") or self._nested("InputSerializer")

    def get_override_parameters(self) -> list[Any]:
        query = self._query_serializer()
        return [*super().get_override_parameters(), *([query] if query else [])]

    def get_response_serializers(self) -> Any:
        """The success answer (an `@extend_schema(responses=…)` on the method replaces this)."""
        statuses = self._success_statuses()
        if statuses == (204,):
            return {204: OpenApiResponse(description="Done; no body.")}
        body = self._success_body()
        return dict.fromkeys(statuses, body)

    def _success_statuses(self) -> tuple[int, ...]:
        declared = getattr(self.view, "response_status", {}).get(self.method, 200)
        return tuple(declared) if isinstance(declared, tuple | list) else (int(declared),)

    def _success_body(self) -> Any:
        output = self._nested("OutputSerializer")
        envelope = getattr(self.view, "response_envelope", None)
        if self.method == "DELETE":
            # A deletion answers with its own small report, not the resource.
            return self._nested("DeleteOutputSerializer") or OpenApiTypes.OBJECT
        if self.method != "GET" or envelope is None:
            return output or OpenApiTypes.OBJECT
        many: Any = output(many=True) if output else serializers.ListField(child=serializers.DictField())
        name = type(self.view).__name__.removesuffix("Api")
        if envelope == "list":
            return many if output else build_array_type({"type": "object", "additionalProperties": {}})
        if envelope == "page":
            fields = {"items": many, **{key: serializers.IntegerField() for key in PAGE_COUNTS}}
        else:
            fields = {envelope: many, "total": serializers.IntegerField()}
        return inline_serializer(name=f"{name}Page", fields=fields)

    def _get_response_for_code(self, serializer: Any, status_code: Any, *args: Any, **kwargs: Any) -> Any:
        response = super()._get_response_for_code(serializer, status_code, *args, **kwargs)  # type: ignore[no-untyped-call]
        links = getattr(self.view, "response_links", {}).get(self.method)
        if links and str(status_code).startswith("2"):
            response = {**response, LINKS_KEY: links}
        return response

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for code in self._error_statuses():
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(
                    ERRORS[code], str(code), direction=direction
                )
        return responses

    def get_serializer_name(self, serializer: serializers.Serializer[Any], direction: Any) -> str:
        """A view's nested serializers are named after the view (`LoginApi.InputSerializer` → `LoginInput`),
        so that the many `InputSerializer`s do not collide."""
        qualname = type(serializer).__qualname__
        if "." not in qualname:
            return str(super().get_serializer_name(serializer, direction))
        return qualname.replace("Api.", "").replace(".", "")

    def _error_statuses(self) -> list[int]:
        # Any request can meet a routing refusal (400/404), a credential problem or a domain refusal
        # (401/403: public operations check credentials of their own, e.g. a login) and a limiter (429).
        codes = [400, 401, 403, 404, 429]
        if self.method != "GET":
            codes += [409, 413, 415, 422]
        elif self._query_serializer() is not None:
            codes.append(422)
        return codes

    def get_operation_id(self) -> str:
        """`<method>_<path words>`, path parameters as `by_<name>`: unique and stable (list and detail views
        are both plain APIViews, which the default naming cannot tell apart)."""
        path = self.path.removeprefix("/api/v1/").strip("/")
        words = [f"by_{part[1:-1]}" if part.startswith("{") else part for part in path.split("/") if part]
        return re.sub(r"[^0-9a-zA-Z_]", "_", "_".join([self.method.lower(), *words]))


def links_resolve(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Postprocessing hook: turns each operation's `response_links` into OpenAPI links to the operations
    under its path whose path parameters the answer gives (only the whole schema knows their ids)."""
    targets = [
        (path, set(re.findall(r"{(\w+)}", path)), operation["operationId"])
        for path, item in result["paths"].items()
        for operation in item.values()
    ]
    for path, item in result["paths"].items():
        for operation in item.values():
            for answer in operation["responses"].values():
                given = answer.pop(LINKS_KEY, None)
                if not given:
                    continue
                answer["links"] = {
                    target: {
                        "operationId": target,
                        "parameters": {name: f"$response.body#/{given[name]}" for name in sorted(names)},
                    }
                    for target_path, names, target in targets
                    if target_path.startswith(f"{path}/") and names and names <= set(given)
                }
    return result


class AccessTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "shared_apps.authn.authentication.AccessTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "The access token from POST /auth/login (or /auth/refresh).",
        }


class ApiKeyScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """An API key in either header: `Authorization: Api-Key <key>` or `X-API-Key: <key>`."""

    target_class = "tenant_apps.apikeys.authentication.ApiKeyAuthentication"
    name = ["apiKeyAuthorization", "apiKeyHeader"]

    def get_security_requirement(self, auto_schema: AutoSchema) -> list[dict[str, list[Any]]]:
        return [{"apiKeyAuthorization": []}, {"apiKeyHeader": []}]

    def get_security_definition(self, auto_schema: AutoSchema) -> list[dict[str, Any]]:
        return [
            {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "`Api-Key <key>`, as created by POST /api-keys.",
            },
            {"type": "apiKey", "in": "header", "name": "X-API-Key", "description": "The raw key."},
        ]
