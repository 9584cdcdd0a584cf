"""/compte/double-authentification: set-up with a QR code, confirmation, recovery codes, switching off.

Open while the tenant's MFA policy waits for the member's enrolment (the only pages that are, with the
sign-out): the session opened by the password alone stays restricted, as the API's token does, until the
member signs in again with a code.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from shared_apps.core.exceptions import ApplicationError

from .. import identity
from ..decorators import web_page
from ..forms import CodeForm, MfaDisableForm
from ..messages_fr import message_for
from .account import _principal

TEMPLATE = "web/account/mfa.html"


def _page(request: HttpRequest, *, status: int = 200, **extra: Any) -> HttpResponse:
    principal = _principal(request)
    context = {
        "mfa": identity.mfa_state(principal),
        "pending": principal.mfa.setup_pending,
        "code_form": CodeForm(),
        "disable_form": MfaDisableForm(),
        **extra,
    }
    return render(request, TEMPLATE, context, status=status)


@require_http_methods(["GET"])
@web_page(during_mfa_setup=True)
def mfa_home(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_http_methods(["POST"])
@web_page(during_mfa_setup=True)
def mfa_setup(request: HttpRequest) -> HttpResponse:
    try:
        result = identity.mfa_begin(principal=_principal(request))
    except ApplicationError as error:
        return _page(request, error=message_for(error), status=error.status_code)
    # segno's SVG: attributes only (no style), built by us from the provisioning URI.
    return _page(request, qr_svg=mark_safe(result.qr_code_svg), secret=result.secret)  # noqa: S308


@require_http_methods(["POST"])
@web_page(during_mfa_setup=True)
def mfa_enable(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST)
    if not form.is_valid():
        return _page(request, confirming=True, code_form=form, status=400)
    try:
        codes = identity.mfa_confirm(principal=_principal(request), code=form.cleaned_data["code"])
    except ApplicationError as error:
        return _page(request, confirming=True, error=message_for(error), status=error.status_code)
    return _page(request, recovery_codes=codes, just_enabled=True)


@require_http_methods(["POST"])
@web_page()
def mfa_disable(request: HttpRequest) -> HttpResponse:
    form = MfaDisableForm(request.POST)
    if not form.is_valid():
        return _page(request, disable_form=form, status=400)
    try:
        identity.mfa_turn_off(
            principal=_principal(request),
            code=form.cleaned_data["code"],
            password=form.cleaned_data["password"],
        )
    except ApplicationError as error:
        return _page(request, disable_error=message_for(error), status=error.status_code)
    return _page(request, notice="La double authentification est désactivée.")


@require_http_methods(["POST"])
@web_page()
def recovery_codes(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST)
    if not form.is_valid():
        return _page(request, status=400)
    try:
        codes = identity.recovery_codes_renew(principal=_principal(request), code=form.cleaned_data["code"])
    except ApplicationError as error:
        return _page(request, regenerate_error=message_for(error), status=error.status_code)
    return _page(request, recovery_codes=codes)
