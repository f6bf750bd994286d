"""Resident and staff sign-in pages, consent, and the "me" page.

Every view is thin: forms collect input, accounts.otp / accounts.services decide. Domain
errors re-render the same form with the message in place and the input kept.
"""

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from accounts import otp, resume, services
from accounts.decorators import resident_required
from accounts.errors import CodeError, Cooldown, InvalidPhone
from accounts.forms import (
    CodeForm,
    DeleteAccountForm,
    PhoneForm,
    ProfileForm,
    StaffAuthenticationForm,
)
from accounts.http import client_ip, export_response, requested_next, safe_next
from accounts.phone import mask_phone, normalise_phone
from accounts.privacy import (
    LOGIN_RECORD_RETENTION_DAYS,
    PRIVACY_POLICY_VERSION,
    consent_needed,
)
from linli.errors import DomainError

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _go(request: HttpRequest, url: str) -> HttpResponse:
    return HttpResponseClientRedirect(url) if request.htmx else HttpResponseRedirect(url)


def _after_sign_in(request: HttpRequest, *, completing: bool = False) -> str:
    """Where a signed-in person goes next. ``completing`` is True only in the POST that
    signs them in: then what they started before signing in (accounts.resume) is done."""
    target = safe_next(request)
    if consent_needed(request.user):
        return f"{reverse('accounts:consent')}?{urlencode({'next': target})}"
    return (completing and resume.intent_resume(request)) or target


# --- resident sign-in --------------------------------------------------------------------


def _render_step(request, step: str, context: dict, status: int = 200) -> HttpResponse:
    # Carried through both steps; empty unless the visitor came from somewhere on the site.
    context = {
        "step": step,
        "next": requested_next(request),
        "resume_label": resume.intent_label(request),
        **context,
    }
    template = "accounts/sign_in.html"
    if request.htmx:
        template += f"#{step}_step"
        status = 200  # htmx swaps only 2xx; the error is in the fragment
    response = TemplateResponse(request, template, context, status=status)
    retry_after = context.get("retry_after")
    if status == 429 and retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def _code_step(
    request, phone: str, *, form=None, error=None, notice=None, status=200, retry_after=None
):
    form = form or CodeForm(initial={"phone": phone})
    return _render_step(
        request,
        "code",
        {
            "form": form,
            "phone": phone,
            "phone_masked": mask_phone(phone),
            "resend_wait": otp.login_code_resend_wait(phone=phone),
            "error": error,
            "notice": notice,
            "retry_after": retry_after,
        },
        status=status,
    )


def _phone_step(request, *, form=None, error=None, status=200, retry_after=None):
    initial = {"phone": request.GET.get("phone", "")}
    context = {
        "form": form or PhoneForm(initial=initial),
        "error": error,
        "retry_after": retry_after,
    }
    return _render_step(request, "phone", context, status)


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return _go(request, _after_sign_in(request))
    if request.method == "GET":
        return _phone_step(request)
    if request.POST.get("step") == "verify":
        return _verify(request)
    return _request_code(request)


def _request_code(request: HttpRequest) -> HttpResponse:
    from_code_step = request.POST.get("from") == "code"
    form = PhoneForm(request.POST)
    if not form.is_valid():
        return _phone_step(request, form=form, status=422)
    typed = form.cleaned_data["phone"]
    try:
        sent = otp.login_code_request(phone=typed, ip=client_ip(request))
    except InvalidPhone as exc:
        form.add_error("phone", str(exc.message))
        return _phone_step(request, form=form, status=exc.status)
    except Cooldown as exc:
        # The last code is still on its way and still valid: let them type it.
        phone = normalise_phone(typed)
        if from_code_step:
            return _code_step(
                request,
                phone,
                error=str(exc.message),
                status=exc.status,
                retry_after=exc.retry_after,
            )
        return _code_step(request, phone, notice=_("验证码已发送，请查看短信。"))
    except DomainError as exc:  # rate limited, SMS failed
        error = {
            "error": str(exc.message),
            "status": exc.status,
            "retry_after": getattr(exc, "retry_after", None),
        }
        if from_code_step:
            return _code_step(request, normalise_phone(typed), **error)
        return _phone_step(request, form=form, **error)
    return _code_step(request, sent.phone)


def _verify(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST)
    phone = normalise_phone(request.POST.get("phone"))
    if phone is None:
        return _phone_step(
            request, form=PhoneForm(request.POST), error=str(InvalidPhone().message), status=422
        )
    if not form.is_valid():
        return _code_step(request, phone, form=form, status=422)
    try:
        result = otp.login_code_verify(phone=phone, code=form.cleaned_data["code"])
    except CodeError as exc:
        form.add_error("code", str(exc.message))
        return _code_step(request, phone, form=form, status=exc.status)
    except DomainError as exc:  # account disabled
        return _code_step(request, phone, form=form, error=str(exc.message), status=exc.status)
    login(request, result.user, backend=MODEL_BACKEND)
    return _go(request, _after_sign_in(request, completing=True))


# --- consent -----------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest) -> HttpResponse:
    target = safe_next(request)
    if request.method == "POST":
        if request.POST.get("decision") == "accept":
            services.privacy_consent_give(user=request.user)
            return redirect(resume.intent_resume(request) or target)
        if request.POST.get("decision") == "decline":
            declined = services.privacy_consent_decline(user=request.user)
            logout(request)
            if declined.account_deleted:
                messages.info(request, _("您未同意隐私说明，已退出登录，刚创建的账户已删除。"))
            else:
                messages.info(
                    request,
                    _("您未同意隐私说明，已退出登录。您的账户和记录仍然保留，可随时再登录。"),
                )
            return redirect("home")
    elif not consent_needed(request.user):
        return redirect(target)
    context = {
        "next": target,
        "version": PRIVACY_POLICY_VERSION,
        "retention_days": LOGIN_RECORD_RETENTION_DAYS,
        "returning": request.user.privacy_consent_at is not None,
        "resume_label": resume.intent_label(request),
    }
    return TemplateResponse(request, "accounts/consent.html", context)


def privacy(request: HttpRequest) -> HttpResponse:
    context = {"version": PRIVACY_POLICY_VERSION, "retention_days": LOGIN_RECORD_RETENTION_DAYS}
    return TemplateResponse(request, "accounts/privacy.html", context)


# --- me ----------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def me(request: HttpRequest) -> HttpResponse:
    # Staff sign in with a password and have no resident's consent or data page: their
    # "我的" is the staff page, never the residents' consent page.
    if request.user.is_authenticated and request.user.is_staff:
        return redirect("accounts:staff-me")
    return _resident_me(request)


@resident_required
def _resident_me(request: HttpRequest) -> HttpResponse:
    user = request.user
    data = request.POST if request.method == "POST" else None
    form = ProfileForm(data, initial={"display_name": user.display_name})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.user_update_profile(
                    user=user, display_name=form.cleaned_data["display_name"]
                )
            except DomainError as exc:
                form.add_error("display_name", str(exc.message))
            else:
                messages.success(request, _("称呼已保存。"))
                return redirect("accounts:me")
        status = 422
    context = {"form": form, "version": PRIVACY_POLICY_VERSION}
    return TemplateResponse(request, "accounts/me.html", context, status=status)


@never_cache
@login_required
def export(request: HttpRequest) -> HttpResponse:
    return export_response(request.user)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST if request.method == "POST" else None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            services.account_delete(user=request.user)
        except DomainError as exc:
            error = str(exc.message)
        else:
            logout(request)
            messages.success(request, _("账户已注销，您的个人信息已删除。"))
            return redirect("home")
    status = 422 if request.method == "POST" else 200
    return TemplateResponse(
        request, "accounts/delete.html", {"form": form, "error": error}, status=status
    )


@require_http_methods(["GET", "POST"])
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return TemplateResponse(request, "accounts/sign_out.html", {})
    logout(request)
    messages.info(request, _("已退出登录。"))
    return redirect("home")


# --- staff -------------------------------------------------------------------------------


class StaffSignInView(LoginView):
    """Username and password for community workers, operators and administrators."""

    template_name = "accounts/staff_sign_in.html"
    authentication_form = StaffAuthenticationForm

    def get_default_redirect_url(self) -> str:
        try:
            return reverse("spaces:operate")
        except NoReverseMatch:
            return reverse("home")

    def form_invalid(self, form):
        return _locked_status(super().form_invalid(form), form)


staff_sign_in = StaffSignInView.as_view()


@never_cache
@login_required
def staff_me(request: HttpRequest) -> HttpResponse:
    """A staff member's "我的": who is signed in, where to work, how to sign out."""
    if not request.user.is_staff:
        raise PermissionDenied
    return TemplateResponse(request, "accounts/staff_me.html", {})


def _locked_status(response: HttpResponse, form) -> HttpResponse:
    """429 with Retry-After when the form refused the attempt under the sign-in limit."""
    retry_after = getattr(form, "retry_after", None)
    if retry_after:
        response.status_code = 429
        response["Retry-After"] = str(retry_after)
    return response


def admin_sign_in(request: HttpRequest) -> HttpResponse:
    """The admin's own login view (its form is ``AdminLoginForm``), answering 429 when locked.

    Mounted at /admin/login/ ahead of the admin's URLs; the admin renders everything.
    """
    response = admin.site.login(request)
    context = getattr(response, "context_data", None) or {}
    return _locked_status(response, context.get("form"))
