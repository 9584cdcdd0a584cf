"""/compte: the profile, the password, sessions, API keys and the personal data export; the MFA page."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from shared_apps.core.exceptions import ApplicationError
from shared_apps.rbac.enums import PermissionCode

from .. import identity
from ..decorators import web_page
from ..forms import ApiKeyForm, PasswordChangeForm, ProfileForm
from ..identity import Principal
from ..messages_fr import message_for
from ..session import cookie_clear, principal_of


def _principal(request: HttpRequest) -> Principal:
    principal = principal_of(request)
    assert principal is not None  # web_page let the request through
    return principal


def _account_page(request: HttpRequest, *, status: int = 200, **extra: Any) -> HttpResponse:
    principal = _principal(request)
    user = principal.user
    context = {
        "profile_form": ProfileForm(
            initial={"first_name": user.first_name, "last_name": user.last_name, "phone": user.phone}
        ),
        "password_form": PasswordChangeForm(),
        "key_form": ApiKeyForm(initial={"scopes": [s for s in identity.KEY_SCOPES if s.endswith(":read")]}),
        "mfa": identity.mfa_state(principal),
        "sessions": identity.sessions_of(principal),
        "current_session": principal.session_id,
        "keys": identity.api_keys_of(principal),
        "can_manage_keys": identity.can(principal, PermissionCode.API_KEYS_MANAGE),
        "can_end_sessions": identity.can(principal, PermissionCode.SESSIONS_WRITE),
        "now": timezone.now(),
        **extra,
    }
    return render(request, "web/account/account.html", context, status=status)


def _back(request: HttpRequest, message: str, anchor: str) -> HttpResponse:
    messages.success(request, message)
    return HttpResponseRedirect(f"{reverse('web:account')}#{anchor}")


@require_http_methods(["GET"])
@web_page()
def account(request: HttpRequest) -> HttpResponse:
    return _account_page(request)


@require_http_methods(["POST"])
@web_page()
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST)
    if not form.is_valid():
        return _account_page(request, profile_form=form, status=400)
    try:
        identity.profile_update(principal=_principal(request), fields=form.cleaned_data)
    except ApplicationError as error:
        return _account_page(request, profile_form=form, profile_error=message_for(error), status=400)
    return _back(request, "Profil enregistré.", "profil")


@require_http_methods(["POST"])
@web_page()
def password(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST)
    if not form.is_valid():
        return _account_page(request, password_form=form, status=400)
    try:
        ended = identity.password_update(
            principal=_principal(request),
            current=form.cleaned_data["current_password"],
            new=form.cleaned_data["new_password"],
            code=form.cleaned_data["code"],
        )
    except ApplicationError as error:
        return _account_page(request, password_error=message_for(error), status=error.status_code)
    return _back(request, f"Mot de passe modifié ; {ended} autre(s) session(s) fermée(s).", "mot-de-passe")


@require_http_methods(["POST"])
@web_page(permission=PermissionCode.SESSIONS_WRITE)
def session_end(request: HttpRequest, session_id: UUID) -> HttpResponse:
    principal = _principal(request)
    identity.session_end(principal=principal, session_id=session_id)
    if session_id == principal.session_id:
        response = HttpResponseRedirect(reverse("web:sign-in"))
        cookie_clear(response)
        return response
    if getattr(request, "htmx", False):
        return HttpResponse("")  # the row goes away
    return _back(request, "Session fermée.", "sessions")


@require_http_methods(["POST"])
@web_page(permission=PermissionCode.SESSIONS_WRITE)
def sessions_end_others(request: HttpRequest) -> HttpResponse:
    ended = identity.sessions_end_others(principal=_principal(request))
    return _back(request, f"{ended} autre(s) session(s) fermée(s).", "sessions")


@require_http_methods(["POST"])
@web_page(permission=PermissionCode.API_KEYS_MANAGE)
def api_key_create(request: HttpRequest) -> HttpResponse:
    form = ApiKeyForm(request.POST)
    if not form.is_valid():
        return _account_page(request, key_form=form, status=400)
    try:
        new = identity.api_key_new(
            principal=_principal(request),
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            code=form.cleaned_data["code"],
        )
    except ApplicationError as error:
        return _account_page(request, key_form=form, key_error=message_for(error), status=error.status_code)
    # Shown on this response only: the key is stored hashed and never displayed again.
    return _account_page(request, new_key=new.raw_key, new_key_name=new.key.name)


@require_http_methods(["POST"])
@web_page(permission=PermissionCode.API_KEYS_MANAGE)
def api_key_revoke(request: HttpRequest, key_id: UUID) -> HttpResponse:
    identity.api_key_end(principal=_principal(request), key_id=key_id)
    return _back(request, "Clé d'API révoquée.", "cles-api")


@require_http_methods(["GET"])
@web_page()
def personal_data(request: HttpRequest) -> HttpResponse:
    body = identity.personal_data(_principal(request))
    response = HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    day = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="donnees-personnelles-{day}.json"'
    return response
