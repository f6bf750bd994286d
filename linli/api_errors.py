"""The API's one error mapping: every failure is JSON ``{code, message, fields}``.

``install(api)`` registers a handler for each kind of failure a request can meet inside
ninja (validation, domain errors, authentication, Django's 404/403/ValidationError,
oversized bodies, unparseable JSON, wrong content types, throttling) and a last one for
anything unexpected, which is logged and answered 500 ``server_error``, never as HTML,
whatever DEBUG says. Routing failures outside ninja's operations (an unknown path, a
method the path does not take) get the same bodies from ``http_error_body``, in
``linli.api.LinliAPI``.

Messages are in the request's language (LanguageMiddleware honours Accept-Language under
/api/); field names are the ones the client sent, never model names.
"""

from __future__ import annotations

import json
import logging
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.parser import Parser

from linli.errors import DomainError, from_validation_error

logger = logging.getLogger("linli.api")


class ErrorOut(Schema):
    """The body of every error response."""

    code: str = Field(description="stable and machine-readable: match on this, not on message")
    message: str = Field(description="for people, in the request's language")
    fields: dict[str, list[str]] = Field(
        description="what is wrong with each input field, by the name the client sent; "
        "{} when the problem is not one field's"
    )


def error_body(code: str, message: Any, fields: dict[str, list[str]] | None = None) -> dict:
    return {"code": code, "message": str(message), "fields": dict(fields or {})}


# --- request parsing ----------------------------------------------------------------------


def _is_json(content_type: str) -> bool:
    return content_type == "application/json" or content_type.endswith("+json")


def _nul_path(value: Any, path: tuple = ()) -> tuple | None:
    """Where a NUL character hides in parsed input: PostgreSQL text cannot store it."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        if isinstance(key, str) and "\x00" in key:
            return (*path, key)
        found = _nul_path(item, (*path, key))
        if found is not None:
            return found
    return None


def _refuse_nul(data: Any) -> None:
    path = _nul_path(data)
    if path is not None:
        raise DomainError(
            _("内容中不能含有空字符（\\0）。"),
            field=".".join(str(p).replace("\x00", "\\0") for p in path) or "__all__",
        )


class JSONParser(Parser):
    """JSON bodies only (415 otherwise), and no NUL characters anywhere in the input."""

    def parse_body(self, request: HttpRequest) -> Any:
        # ninja hands multipart parts over on a bare HttpRequest without a content type.
        content_type = getattr(request, "content_type", None)
        if content_type and not _is_json(content_type):
            raise DomainError(
                _("请以 JSON 格式提交（Content-Type: application/json）。"),
                code="unsupported_media_type",
                status=415,
            )
        data = json.loads(request.body)
        _refuse_nul(data)
        return data

    def parse_querydict(self, data, list_fields, request):
        result = super().parse_querydict(data, list_fields, request)
        _refuse_nul(result)
        return result


# --- validation ---------------------------------------------------------------------------

# Pydantic speaks English; residents and operators should not have to.
_PYDANTIC_MESSAGES = {
    "missing": lambda: _("此项为必填。"),
    "string_too_short": lambda: _("内容太短。"),
    "string_too_long": lambda: _("内容太长。"),
    "string_type": lambda: _("请输入文字。"),
    "int_parsing": lambda: _("请输入整数。"),
    "int_type": lambda: _("请输入整数。"),
    "int_from_float": lambda: _("请输入整数。"),
    "int_parsing_size": lambda: _("数值太大。"),
    "float_parsing": lambda: _("请输入数字。"),
    "float_type": lambda: _("请输入数字。"),
    "finite_number": lambda: _("请输入数字。"),
    "bool_parsing": lambda: _("请输入是或否。"),
    "bool_type": lambda: _("请输入是或否。"),
    "date_from_datetime_parsing": lambda: _("请输入有效日期（YYYY-MM-DD）。"),
    "date_from_datetime_inexact": lambda: _("请输入有效日期（YYYY-MM-DD）。"),
    "date_parsing": lambda: _("请输入有效日期（YYYY-MM-DD）。"),
    "date_type": lambda: _("请输入有效日期（YYYY-MM-DD）。"),
    "datetime_parsing": lambda: _("请输入有效的日期和时间（ISO 8601）。"),
    "datetime_from_date_parsing": lambda: _("请输入有效的日期和时间（ISO 8601）。"),
    "datetime_type": lambda: _("请输入有效的日期和时间（ISO 8601）。"),
    "time_parsing": lambda: _("请输入有效时间（HH:MM）。"),
    "time_type": lambda: _("请输入有效时间（HH:MM）。"),
    "greater_than_equal": lambda: _("数值太小。"),
    "greater_than": lambda: _("数值太小。"),
    "less_than_equal": lambda: _("数值太大。"),
    "less_than": lambda: _("数值太大。"),
    "too_long": lambda: _("项目太多。"),
    "too_short": lambda: _("项目太少。"),
    "enum": lambda: _("请选择有效选项。"),
    "literal_error": lambda: _("请选择有效选项。"),
    "json_invalid": lambda: _("请求内容不是有效的 JSON。"),
    "model_attributes_type": lambda: _("请求内容格式不正确。"),
    "model_type": lambda: _("请求内容格式不正确。"),
    "dict_type": lambda: _("请求内容格式不正确。"),
    "list_type": lambda: _("请输入列表。"),
}

# Errors raised by linli.api_types carry their own code and translated message.
_CUSTOM_CODES = {"date_out_of_range", "local_time_required", "timezone_required"}


def _field_name(loc) -> str:
    # ninja prefixes locations with the parameter source ("body", "query", "path") and the
    # schema argument name; clients want the field they sent.
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "file")]
    if len(parts) > 1:
        parts = parts[1:]
    return ".".join(parts) or "__all__"


def _message(error: dict) -> str:
    kind = error.get("type", "")
    if kind in _CUSTOM_CODES:
        return error["msg"]
    if kind == "value_error" and error.get("ctx", {}).get("error"):
        return str(error["ctx"]["error"])
    if error.get("null") and kind.endswith("_type"):
        # An explicit null where a value is required (PATCH {"description": null}).
        return _("此项不能为空。")
    return str(_PYDANTIC_MESSAGES.get(kind, lambda: _("请输入有效的值。"))())


def validation_error(error_contexts) -> ValidationError:
    """ninja's own conversion, keeping one fact about the input: whether it was null.

    ninja drops the input (it may be large or private); a null is neither.
    """
    errors = []
    for context in error_contexts:
        model = context.model
        for error in context.pydantic_validation_error.errors(include_url=False):
            loc = model.__ninja_flatten_map_reverse__.get(error["loc"], error["loc"])
            error["loc"] = (model.__ninja_param_source__, *loc)
            error["null"] = error.pop("input", ...) is None
            if "error" in error.get("ctx", {}):
                error["ctx"]["error"] = str(error["ctx"]["error"])
            errors.append(dict(error))
    return ValidationError(errors)


def on_validation_error(request: HttpRequest, exc: ValidationError, *, api) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    kinds = set()
    for error in exc.errors:
        kinds.add(error.get("type", ""))
        fields.setdefault(_field_name(error.get("loc", ())), []).append(_message(error))
    code, message = "invalid", _("请更正以下错误。")
    if len(kinds) == 1 and kinds <= _CUSTOM_CODES:
        code, message = kinds.pop(), exc.errors[0]["msg"]
    return _respond(api, request, error_body(code, message, fields), 422)


# --- everything else ----------------------------------------------------------------------

_HTTP_CODES = {
    400: ("bad_request", lambda: _("请求格式不正确。")),
    401: ("unauthenticated", lambda: _("请登录或提供有效的 API 令牌。")),
    403: ("forbidden", lambda: _("您没有权限进行此操作。")),
    404: ("not_found", lambda: _("找不到您要的内容。")),
    405: ("method_not_allowed", lambda: _("此地址不支持该请求方法。")),
    413: ("payload_too_large", lambda: _("请求内容太大。")),
    415: ("unsupported_media_type", lambda: _("不支持该内容类型。")),
    429: ("rate_limited", lambda: _("请求太频繁，请稍后再试。")),
}


def http_error_body(status: int) -> dict:
    code, message = _HTTP_CODES.get(status, ("error", lambda: _("请求未能完成。")))
    return error_body(code, message())


def _respond(api, request: HttpRequest, body: dict, status: int) -> HttpResponse:
    return api.create_response(request, body, status=status)


def on_domain_error(request: HttpRequest, exc: DomainError, *, api) -> HttpResponse:
    response = _respond(api, request, exc.as_dict(), exc.status)
    retry_after = getattr(exc, "retry_after", None)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def on_authentication_error(request: HttpRequest, exc: AuthenticationError, *, api) -> HttpResponse:
    return _respond(api, request, http_error_body(401), 401)


def on_throttled(request: HttpRequest, exc: Throttled, *, api) -> HttpResponse:
    # ninja adds the Retry-After header itself.
    return _respond(api, request, http_error_body(429), 429)


def on_http_error(request: HttpRequest, exc: HttpError, *, api) -> HttpResponse:
    cause = exc.__cause__
    # ninja wraps whatever goes wrong while reading the body in HttpError(400): answer
    # for the real cause (too large, wrong content type, NUL characters).
    if isinstance(cause, DomainError | SuspiciousOperation):
        return api.on_exception(request, cause)
    if isinstance(cause, ValueError):  # JSONDecodeError, UnicodeDecodeError
        return _respond(
            api, request, error_body("invalid_json", _("请求内容不是有效的 JSON。")), 400
        )
    return _respond(api, request, http_error_body(exc.status_code), exc.status_code)


def on_not_found(request: HttpRequest, exc: Http404, *, api) -> HttpResponse:
    return _respond(api, request, http_error_body(404), 404)


def on_permission_denied(request: HttpRequest, exc: DjangoPermissionDenied, *, api) -> HttpResponse:
    return _respond(api, request, http_error_body(403), 403)


def on_django_validation_error(
    request: HttpRequest, exc: DjangoValidationError, *, api
) -> HttpResponse:
    return on_domain_error(request, from_validation_error(exc), api=api)


def on_request_too_big(request: HttpRequest, exc: RequestDataTooBig, *, api) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
    message = _("请求内容太大（上限 %(mb)s MB）。") % {"mb": limit}
    return _respond(api, request, error_body("payload_too_large", message), 413)


def on_suspicious(request: HttpRequest, exc: SuspiciousOperation, *, api) -> HttpResponse:
    # Too many fields or files, a malformed multipart body: the client's fault.
    return _respond(api, request, http_error_body(400), 400)


def on_unexpected(request: HttpRequest, exc: Exception, *, api) -> HttpResponse:
    logger.error(
        "Unexpected error: %s %s",
        request.method,
        request.path,
        exc_info=exc,
        extra={"status_code": 500, "request": request},
    )
    body = error_body("server_error", _("服务器出了点问题，请稍后再试。"))
    return _respond(api, request, body, 500)


def install(api) -> None:
    handlers = [
        (ValidationError, on_validation_error),
        (DomainError, on_domain_error),
        (AuthenticationError, on_authentication_error),
        (Throttled, on_throttled),
        (HttpError, on_http_error),
        (Http404, on_not_found),
        (DjangoPermissionDenied, on_permission_denied),
        (DjangoValidationError, on_django_validation_error),
        (RequestDataTooBig, on_request_too_big),
        (SuspiciousOperation, on_suspicious),
        (Exception, on_unexpected),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, partial(handler, api=api))
