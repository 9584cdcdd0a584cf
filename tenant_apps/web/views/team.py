"""/equipe: the tenant's members, invitations, activation and deactivation (the API's permissions)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from shared_apps.core.exceptions import ApplicationError
from shared_apps.rbac.enums import PermissionCode

from .. import identity
from ..decorators import web_page
from ..forms import InviteForm
from ..messages_fr import message_for
from .account import _principal


def _page(request: HttpRequest, *, status: int = 200, **extra: Any) -> HttpResponse:
    principal = _principal(request)
    members, total = identity.members_of(principal)
    context = {
        "members": members,
        "total": total,
        "invite_form": InviteForm(),
        "can_invite": identity.can(principal, PermissionCode.USERS_WRITE),
        "can_admin": identity.can(principal, PermissionCode.USERS_ADMIN),
        "me": principal.user.pk,
        **extra,
    }
    return render(request, "web/team.html", context, status=status)


@require_http_methods(["GET"])
@web_page(permission=PermissionCode.USERS_READ)
def team(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_http_methods(["POST"])
@web_page(permission=PermissionCode.USERS_WRITE)
def invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _page(request, invite_form=form, status=400)
    try:
        identity.member_invite(principal=_principal(request), **form.cleaned_data)
    except ApplicationError as error:
        return _page(request, invite_form=form, invite_error=message_for(error), status=error.status_code)
    messages.success(request, f"Invitation envoyée à {form.cleaned_data['email']}.")
    return HttpResponseRedirect(reverse("web:team"))


def _set_active(request: HttpRequest, user_id: UUID, *, active: bool) -> HttpResponse:
    try:
        identity.member_activate(principal=_principal(request), user_id=user_id, active=active)
    except ApplicationError as error:
        if error.status_code == 404:
            raise
        return _page(request, team_error=message_for(error), status=error.status_code)
    messages.success(
        request, "Membre réactivé." if active else "Membre désactivé ; ses sessions sont fermées."
    )
    return HttpResponseRedirect(reverse("web:team"))


@require_http_methods(["POST"])
@web_page(permission=PermissionCode.USERS_ADMIN)
def activate(request: HttpRequest, user_id: UUID) -> HttpResponse:
    return _set_active(request, user_id, active=True)


@require_http_methods(["POST"])
@web_page(permission=PermissionCode.USERS_ADMIN)
def deactivate(request: HttpRequest, user_id: UUID) -> HttpResponse:
    return _set_active(request, user_id, active=False)
