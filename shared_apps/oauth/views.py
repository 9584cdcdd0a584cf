"""The single callback host: the provider redirects every tenant's sign-in here (OAUTH_CALLBACK_BASE_URL,
public URLconf, no tenant), and this sends the browser on to the return URL the flow was started with, a
URL on the tenant's own domain checked at start. Nothing is consumed or exchanged here: the tenant's
front then calls /api/v1/oauth/{provider}/callback, which does that at the tenant."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit, urlunsplit

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.views import View

from shared_apps.core.errors import error_response
from shared_apps.core.exceptions import ApplicationError

from .services import flow_pending


class OAuthBounceView(View):
    http_method_names = ["get"]

    def get(self, request: HttpRequest, provider: str) -> HttpResponse:
        state = request.GET.get("state", "")
        try:
            flow = flow_pending(state=state, provider=provider)
        except ApplicationError as error:
            return error_response(error.status_code, error.code, error.message)
        forwarded = {
            k: request.GET[k] for k in ("code", "state", "error", "error_description") if k in request.GET
        }
        parts = urlsplit(flow.return_url)
        query = f"{parts.query}&{urlencode(forwarded)}" if parts.query else urlencode(forwarded)
        return HttpResponseRedirect(urlunsplit(parts._replace(query=query)))
