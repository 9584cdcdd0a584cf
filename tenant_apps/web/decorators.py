"""What a page of the site requires, declared on its view (the site's counterpart of the API's
`required_permission`): a signed-in member by default, a permission code, or nobody (sign-in pages)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse

from shared_apps.core.exceptions import ApplicationError

from . import identity
from .errors import error_page
from .messages_fr import message_for
from .session import principal_of

# A page may stream (a file download), hence the base class.
View = Callable[..., HttpResponseBase]


def _to_sign_in(request: HttpRequest) -> HttpResponse:
    target = reverse("web:sign-in")
    if request.method == "GET" and request.path_info != "/":
        target += "?" + urlencode({"suivant": request.get_full_path()})
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return HttpResponseRedirect(target)


def web_page(
    *, permission: str | None = None, public: bool = False, during_mfa_setup: bool = False
) -> Callable[[View], View]:
    """`public`: open to anyone. Otherwise a signed-in member of this tenant, holding `permission` if one
    is named (rbac's `access_refusal`, as for the API); while the tenant's MFA policy waits for the
    member's enrolment, only the pages marked `during_mfa_setup` open (as the API's
    `allowed_during_mfa_setup`). A domain error that the view does not handle itself becomes a French
    error page with its status (rbac's `permission_required` answers JSON, for API-like views)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not public:
                principal = principal_of(request)
                if principal is None:
                    return _to_sign_in(request)
                if principal.mfa.setup_pending and not during_mfa_setup:
                    return HttpResponseRedirect(reverse("web:mfa-enrol"))
                if identity.refusal(principal, permission) is not None:
                    return error_page(request, 403)
            try:
                return view(request, *args, **kwargs)
            except ApplicationError as error:
                return error_page(request, error.status_code, message_for(error))

        return wrapper

    return decorate
