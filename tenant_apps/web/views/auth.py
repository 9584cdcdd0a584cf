"""Signing in (password, then the second factor), signing up, the password reset, signing out."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from shared_apps.core.exceptions import ApplicationError, RateLimited

from .. import identity
from ..decorators import web_page
from ..errors import error_page
from ..forms import ResetConfirmForm, ResetRequestForm, SecondFactorForm, SignInForm, SignUpForm
from ..identity import LoginFailed, OpenedSession
from ..messages_fr import GENERIC_SIGN_IN_FAILURE, message_for
from ..session import cookie_clear, cookie_set, principal_of

RESET_SENT = (
    "Si un compte existe avec cette adresse, un e-mail vient de lui être envoyé avec un lien valable "
    "15 minutes."
)


def _next_url(request: HttpRequest, candidate: str) -> str:
    """Where to go after signing in: a path of this site only, never another host."""
    if (
        candidate
        and url_has_allowed_host_and_scheme(candidate, allowed_hosts=None)
        and candidate.startswith("/")
    ):
        return candidate
    return reverse("web:dashboard")


def _signed_in(request: HttpRequest, opened: OpenedSession, target: str) -> HttpResponse:
    response = HttpResponseRedirect(_next_url(request, target))
    cookie_set(response, opened)
    return response


def _sign_in_page(request: HttpRequest, form: SignInForm, *, status: int = 200, **extra: Any) -> HttpResponse:
    context = {
        "form": form,
        "next": request.POST.get("suivant") or request.GET.get("suivant", ""),
        "signup_open": identity.signup_open(request.tenant),  # type: ignore[attr-defined]
        **extra,
    }
    return render(request, "web/auth/sign_in.html", context, status=status)


@require_http_methods(["GET", "POST"])
@web_page(public=True)
def sign_in(request: HttpRequest) -> HttpResponse:
    if principal_of(request) is not None:
        return HttpResponseRedirect(reverse("web:dashboard"))
    if request.method == "GET":
        return _sign_in_page(request, SignInForm())
    form = SignInForm(request.POST)
    if not form.is_valid():
        return _sign_in_page(request, form, error=GENERIC_SIGN_IN_FAILURE, status=400)
    try:
        result = identity.sign_in(
            tenant=request.tenant,  # type: ignore[attr-defined]
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password"],
            captcha=form.cleaned_data["captcha"],
        )
    except LoginFailed as failure:
        # One message whatever went wrong; the CAPTCHA challenge when the escalation asks for it.
        challenge = failure.details.get("captcha") if failure.details.get("captcha_required") else None
        return _sign_in_page(
            request, SignInForm(), error=GENERIC_SIGN_IN_FAILURE, captcha=challenge, status=401
        )
    except RateLimited as error:
        return _sign_in_page(request, SignInForm(), error=message_for(error), status=429)
    target = request.POST.get("suivant", "")
    if result.session is not None:
        return _signed_in(request, result.session, target)
    return _second_factor_page(request, SecondFactorForm(), mfa_token=str(result.mfa_token), target=target)


def _second_factor_page(
    request: HttpRequest,
    form: SecondFactorForm,
    *,
    mfa_token: str,
    target: str,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {"form": form, "mfa_token": mfa_token, "next": target, "error": error}
    return render(request, "web/auth/second_factor.html", context, status=status)


@require_http_methods(["POST"])
@web_page(public=True)
def second_factor(request: HttpRequest) -> HttpResponse:
    mfa_token = request.POST.get("mfa_token", "")[:512]
    target = request.POST.get("suivant", "")
    form = SecondFactorForm(request.POST)
    if not mfa_token:
        return HttpResponseRedirect(reverse("web:sign-in"))
    if not form.is_valid():
        return _second_factor_page(
            request, form, mfa_token=mfa_token, target=target, error="Saisissez le code.", status=400
        )
    try:
        opened = identity.sign_in_second_factor(
            tenant=request.tenant,  # type: ignore[attr-defined]
            mfa_token=mfa_token,
            code=form.cleaned_data["code"],
            recovery=form.cleaned_data["recovery"],
        )
    except ApplicationError as error:
        if error.code == "invalid_mfa_session":
            return _sign_in_page(request, SignInForm(), error=message_for(error), status=401)
        return _second_factor_page(
            request,
            SecondFactorForm(),
            mfa_token=mfa_token,
            target=target,
            error=message_for(error),
            status=401,
        )
    return _signed_in(request, opened, target)


@require_http_methods(["GET", "POST"])
@web_page(public=True)
def sign_up(request: HttpRequest) -> HttpResponse:
    tenant = request.tenant  # type: ignore[attr-defined]
    if not identity.signup_open(tenant):
        return error_page(request, 404, "L'inscription n'est pas ouverte pour cette organisation.")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            identity.register(tenant=tenant, **form.cleaned_data)
        except ApplicationError as error:
            return render(
                request, "web/auth/sign_up.html", {"form": form, "error": message_for(error)}, status=400
            )
        # The same answer whether or not the address already had an account (no enumeration).
        return render(request, "web/auth/sign_up_done.html", {"email": form.cleaned_data["email"]})
    status = 400 if request.method == "POST" else 200
    return render(request, "web/auth/sign_up.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@web_page(public=True)
def reset_request(request: HttpRequest) -> HttpResponse:
    form = ResetRequestForm(request.POST or None)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        try:
            identity.reset_request(
                tenant=request.tenant,  # type: ignore[attr-defined]
                email=form.cleaned_data["email"],
            )
        except RateLimited as error:
            context["error"] = message_for(error)
            return render(request, "web/auth/reset_request.html", context, status=429)
        context["sent"] = RESET_SENT
    return render(request, "web/auth/reset_request.html", context)


@require_http_methods(["GET", "POST"])
@web_page(public=True)
def reset_confirm(request: HttpRequest) -> HttpResponse:
    tenant = request.tenant  # type: ignore[attr-defined]
    token = (request.POST.get("token") or request.GET.get("token") or "")[:512]
    if not token or not identity.reset_token_valid(tenant=tenant, token=token):
        return render(request, "web/auth/reset_invalid.html", status=400)
    form = ResetConfirmForm(request.POST or None, initial={"token": token})
    if request.method == "POST" and form.is_valid():
        try:
            identity.reset_confirm(tenant=tenant, token=token, new_password=form.cleaned_data["new_password"])
        except ApplicationError as error:
            return render(
                request,
                "web/auth/reset_confirm.html",
                {"form": form, "error": message_for(error)},
                status=400,
            )
        response = render(request, "web/auth/reset_done.html")
        cookie_clear(response)  # every session ended with the reset, this browser's too
        return response
    return render(request, "web/auth/reset_confirm.html", {"form": form})


@require_http_methods(["GET"])
@web_page(public=True)
def reset_link(request: HttpRequest) -> HttpResponse:
    """The path the reset mail links to (settings.PASSWORD_RESET_URL), shared with API clients' fronts."""
    query = urlencode({"token": request.GET.get("token", "")[:512]})
    return HttpResponseRedirect(f"{reverse('web:reset-confirm')}?{query}")


@require_http_methods(["GET", "POST"])
@web_page(public=True)
def sign_out(request: HttpRequest) -> HttpResponse:
    principal = principal_of(request)
    if principal is None:
        response = HttpResponseRedirect(reverse("web:sign-in"))
        cookie_clear(response)
        return response
    if request.method == "GET":
        return render(request, "web/auth/sign_out.html")
    identity.sign_out(principal=principal)
    response = HttpResponseRedirect(reverse("web:sign-in"))
    cookie_clear(response)
    return response
