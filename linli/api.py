"""The one NinjaAPI. Each app contributes a Router from ``<app>/api.py``."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer

from accounts.auth import api_auth
from linli.errors import DomainError


class UTF8JSONRenderer(JSONRenderer):
    """Chinese as UTF-8, not \\uXXXX escapes: a third fewer bytes on residents' weak networks."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=UTF8JSONRenderer(),
    title="Linli API",
    version="1",
    description="邻里 — community spaces, scenes, bookings and check-ins.",
    auth=api_auth,
    urls_namespace="api",
)

# Pydantic speaks English; residents and operators should not have to.
_PYDANTIC_MESSAGES = {
    "missing": lambda: _("此项为必填。"),
    "string_too_short": lambda: _("内容太短。"),
    "string_too_long": lambda: _("内容太长。"),
    "string_type": lambda: _("请输入文字。"),
    "int_parsing": lambda: _("请输入整数。"),
    "int_type": lambda: _("请输入整数。"),
    "float_parsing": lambda: _("请输入数字。"),
    "float_type": lambda: _("请输入数字。"),
    "bool_parsing": lambda: _("请输入是或否。"),
    "date_from_datetime_parsing": lambda: _("请输入有效日期（YYYY-MM-DD）。"),
    "date_parsing": lambda: _("请输入有效日期（YYYY-MM-DD）。"),
    "date_type": lambda: _("请输入有效日期（YYYY-MM-DD）。"),
    "datetime_parsing": lambda: _("请输入有效的日期和时间（ISO 8601）。"),
    "datetime_from_date_parsing": lambda: _("请输入有效的日期和时间（ISO 8601）。"),
    "time_parsing": lambda: _("请输入有效时间（HH:MM）。"),
    "greater_than_equal": lambda: _("数值太小。"),
    "greater_than": lambda: _("数值太小。"),
    "less_than_equal": lambda: _("数值太大。"),
    "less_than": lambda: _("数值太大。"),
    "enum": lambda: _("请选择有效选项。"),
    "literal_error": lambda: _("请选择有效选项。"),
    "json_invalid": lambda: _("请求内容不是有效的 JSON。"),
    "model_attributes_type": lambda: _("请求内容格式不正确。"),
    "dict_type": lambda: _("请求内容格式不正确。"),
    "list_type": lambda: _("请输入列表。"),
}


def _field_name(loc) -> str:
    # ninja prefixes locations with the parameter source ("body", "query", "path") and the
    # schema argument name; clients want the field they sent.
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "file")]
    if len(parts) > 1:
        parts = parts[1:]
    return ".".join(parts) or "__all__"


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError):
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        kind = error.get("type", "")
        if kind == "value_error" and error.get("ctx", {}).get("error"):
            message = str(error["ctx"]["error"])
        else:
            message = str(_PYDANTIC_MESSAGES.get(kind, lambda: _("请输入有效的值。"))())
        fields.setdefault(_field_name(error.get("loc", ())), []).append(message)
    body = {"code": "invalid", "message": _("请更正以下错误。"), "fields": fields}
    return api.create_response(request, body, status=422)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError):
    response = api.create_response(request, exc.as_dict(), status=exc.status)
    retry_after = getattr(exc, "retry_after", None)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError):
    body = {"code": "unauthenticated", "message": _("请登录或提供有效的 API 令牌。")}
    return api.create_response(request, body, status=401)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError):
    body = {"code": getattr(exc, "code", "error"), "message": str(exc)}
    return api.create_response(request, body, status=exc.status_code)


@api.get("/health", auth=None, tags=["meta"])
def health(request: HttpRequest) -> dict:
    """A trivial endpoint: liveness checks and the baseline for benchmark ratios."""
    return {"ok": True}


def _mount() -> None:
    from accounts.api import router as accounts_router
    from bookings.api import router as bookings_router
    from scenes.api import router as scenes_router
    from scenes.events_api import router as events_router
    from spaces.api import router as spaces_router

    api.add_router("/accounts", accounts_router)
    api.add_router("", spaces_router)
    api.add_router("", scenes_router)
    api.add_router("", events_router)
    api.add_router("", bookings_router)


_mount()
