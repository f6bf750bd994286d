"""Domain errors with stable codes.

Services raise a subclass with a machine-readable ``code`` (stable across releases, used by
API clients and tests) and a human message (translated). The API maps ``status`` onto the
HTTP response; web views re-render their form with the message.
"""

from django.utils.functional import Promise


class DomainError(Exception):
    status = 422
    default_code = "invalid"

    def __init__(
        self,
        message: str | Promise = "",
        *,
        code: str | None = None,
        status: int | None = None,
        field: str | None = None,
        fields: dict[str, list[str]] | None = None,
    ):
        self.code = code or self.default_code
        self.message = message
        if status is not None:
            self.status = status
        self.fields = dict(fields or {})
        if field:
            self.fields.setdefault(field, []).append(str(message))
        super().__init__(str(message))

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "message": str(self.message),
            "fields": {k: [str(m) for m in v] for k, v in self.fields.items()},
        }


class PermissionDenied(DomainError):
    status = 403
    default_code = "forbidden"


class NotFound(DomainError):
    status = 404
    default_code = "not_found"


class Conflict(DomainError):
    status = 409
    default_code = "conflict"


class RateLimited(DomainError):
    """Too many requests; ``retry_after`` (seconds) becomes the Retry-After header."""

    status = 429
    default_code = "rate_limited"

    def __init__(self, message: str | Promise = "", *, retry_after: int | None = None, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after

    def as_dict(self) -> dict:
        body = super().as_dict()
        if self.retry_after is not None:
            body["retry_after"] = self.retry_after
        return body


def _duplicate(exc) -> DomainError | None:
    """A unique constraint's violation in people's words, on the field they typed.

    Django's own message names the model and its fields ("包含 Venue 和 名称 的 功能室 已经存在");
    the person only chose the name.
    """
    from django.utils.translation import gettext as _

    for error in getattr(exc, "error_dict", {}).get("__all__", []):
        fields = (error.params or {}).get("unique_check", ())
        if error.code in ("unique", "unique_together") and "name" in fields:
            message = _("这个名称已被使用，请换一个。")
            return DomainError(message, code="duplicate", field="name")
    return None


def from_validation_error(exc, *, code: str = "invalid") -> DomainError:
    """Turn a Django ValidationError (from full_clean or a form) into a DomainError."""
    from django.utils.translation import gettext as _

    duplicate = _duplicate(exc)
    if duplicate is not None:
        return duplicate
    if hasattr(exc, "message_dict"):
        fields = {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
    else:
        fields = {"__all__": [str(m) for m in exc.messages]}
    first = next(iter(fields.values()))[0] if fields else _("请更正以下错误。")
    return DomainError(first, code=code, fields=fields)
