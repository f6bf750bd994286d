"""Web forms. They only collect input; the rules live in accounts.otp / accounts.services."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import staff_login
from accounts.http import client_ip
from linli.forms import PageFormMixin


class PhoneForm(PageFormMixin, forms.Form):
    phone = forms.CharField(
        label=_("手机号"),
        max_length=40,
        error_messages={
            "required": _("请输入手机号。"),
            "max_length": _("请输入正确的11位手机号。"),
        },
        widget=forms.TextInput(
            attrs={
                "type": "tel",
                "inputmode": "tel",
                "autocomplete": "tel-national",
                "placeholder": _("例如 138 0000 0001"),
                "autofocus": True,
            }
        ),
    )


class CodeForm(PageFormMixin, forms.Form):
    phone = forms.CharField(max_length=40, widget=forms.HiddenInput)
    code = forms.CharField(
        label=_("验证码"),
        max_length=12,
        error_messages={"required": _("请输入短信中的6位数字验证码。")},
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9 ]*",
                "maxlength": "8",
                "class": "code",
                "autofocus": True,
            }
        ),
    )


class ProfileForm(PageFormMixin, forms.Form):
    display_name = forms.CharField(
        label=_("称呼"),
        max_length=40,
        required=False,
        strip=False,  # accounts.services decides: spaces alone are refused, not saved as ""
        help_text=_("场馆工作人员看到的名字，例如“张阿姨”。"),
        error_messages={"max_length": _("称呼最多40个字。")},
    )


class DeleteAccountForm(PageFormMixin, forms.Form):
    confirm = forms.BooleanField(
        label=_("我确认注销账户，并删除我的全部记录"),
        error_messages={"required": _("请勾选确认后再注销。")},
    )


class SignInLimitMixin:
    """Password sign-in under the brute-force limit of ``accounts.staff_login``.

    When locked, the password is not checked and the form gets a non-field error with code
    ``too_many_sign_in_failures``; ``retry_after`` (seconds) is then set for the view's
    Retry-After header and 429 status. Any other refusal (wrong password, unknown name,
    inactive or, in the admin, non-staff account) stays recorded as a failure.
    """

    retry_after: int | None = None

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is None or not password:
            return super().clean()  # nothing to check a password against: not an attempt
        ip = client_ip(self.request) if self.request is not None else None
        try:
            staff_login.staff_login_attempt_start(username=username, ip=ip)
        except staff_login.StaffLoginLocked as exc:
            self.retry_after = exc.retry_after
            raise ValidationError(exc.message, code=exc.code) from exc
        cleaned = super().clean()
        staff_login.staff_login_succeeded(username=username)
        return cleaned


class StaffAuthenticationForm(SignInLimitMixin, PageFormMixin, AuthenticationForm):
    """The staff sign-in page's form."""

    error_messages = {
        "invalid_login": _("用户名或密码不对。请检查后再试（区分大小写）；忘记密码请联系管理员。"),
        "inactive": _("这个账户已停用，请联系管理员。"),
    }


class AdminLoginForm(SignInLimitMixin, AdminAuthenticationForm):
    """The Django admin's login form (``admin.site.login_form``), under the same limit."""
