"""Web forms. They only collect input; the rules live in accounts.otp / accounts.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.forms import NoLabelSuffixMixin


class PhoneForm(NoLabelSuffixMixin, forms.Form):
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


class CodeForm(NoLabelSuffixMixin, forms.Form):
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


class ProfileForm(NoLabelSuffixMixin, forms.Form):
    display_name = forms.CharField(
        label=_("称呼"),
        max_length=40,
        required=False,
        help_text=_("场馆工作人员看到的名字，例如“张阿姨”。"),
        error_messages={"max_length": _("称呼最多40个字。")},
    )


class DeleteAccountForm(NoLabelSuffixMixin, forms.Form):
    confirm = forms.BooleanField(
        label=_("我确认注销账户，并删除我的全部记录"),
        error_messages={"required": _("请勾选确认后再注销。")},
    )
