"""The errors accounts raises, each with the stable code API clients and tests rely on."""

from django.utils.translation import gettext_lazy as _

from linli.errors import DomainError, PermissionDenied, RateLimited


class InvalidPhone(DomainError):
    default_code = "invalid_phone"

    def __init__(self):
        super().__init__(_("请输入正确的11位手机号。"), field="phone")


class CodeError(DomainError):
    """Anything wrong with the code typed in; always reported on the ``code`` field."""

    def __init__(self, message, **kwargs):
        super().__init__(message, field="code", **kwargs)


class InvalidCode(CodeError):
    default_code = "invalid_code"

    def __init__(self, message=None):
        super().__init__(message or _("验证码不正确，请检查后重新输入。"))


class CodeExpired(CodeError):
    default_code = "code_expired"

    def __init__(self):
        super().__init__(_("验证码已过期，请重新获取。"))


class CodeUsed(CodeError):
    default_code = "code_used"

    def __init__(self):
        super().__init__(_("验证码已使用过，请重新获取。"))


class TooManyAttempts(CodeError):
    default_code = "too_many_attempts"
    status = 429

    def __init__(self):
        super().__init__(_("输错次数过多，此验证码已失效，请重新获取。"))


class Cooldown(RateLimited):
    default_code = "cooldown"


class ConsentRequired(PermissionDenied):
    default_code = "consent_required"

    def __init__(self):
        super().__init__(_("请先阅读并同意隐私说明。"))


class CsrfFailed(PermissionDenied):
    default_code = "csrf_failed"

    def __init__(self):
        super().__init__(_("安全校验未通过（CSRF），请刷新页面后重试。"))


class AccountDisabled(PermissionDenied):
    default_code = "account_disabled"

    def __init__(self):
        super().__init__(_("此账户已停用，请联系场馆工作人员。"))


class SmsFailed(DomainError):
    default_code = "sms_failed"
    status = 503

    def __init__(self):
        super().__init__(_("短信发送失败，请稍后再试。"))
