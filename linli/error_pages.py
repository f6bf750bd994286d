"""One error mapping for pages: not found, forbidden, bad request, domain errors, crashes.

Django's Http404 / PermissionDenied / SuspiciousOperation reach the ``handler*`` views
(named in linli/urls.py); Linli's own ``NotFound``, ``PermissionDenied`` and other
``DomainError`` escaping a page view reach ``PageErrorMiddleware``. Both render one
template, ``templates/error.html``, in the site layout and the visitor's language, with a
way back. Requests under /api/ are the NinjaAPI's: its handlers answer them as JSON, and
anything that still reaches these handlers there (an unknown /api/ URL) gets the same JSON
shape, never an HTML page.
"""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from linli.errors import DomainError, RateLimited

API_PREFIX = "/api/"


def _texts() -> dict[int, tuple[str, str, str]]:
    # status -> (code, title, what to do next); built per call so it is translated.
    return {
        400: ("bad_request", _("请求有误"), _("请返回上一页重新操作；如果问题仍在，请刷新页面。")),
        403: ("forbidden", _("没有权限"), _("你没有权限查看这个页面。请确认已用正确的账号登录。")),
        404: ("not_found", _("找不到这个页面"), _("它可能已被删除或尚未公开，也可能是链接有误。")),
        422: ("invalid", _("无法完成操作"), _("请返回上一页检查填写的内容。")),
        500: ("server_error", _("出错了"), _("服务器暂时出了问题，请稍后再试。")),
    }


def _back_url(request: HttpRequest) -> str | None:
    """The page the visitor came from, when it is on this site and not this page."""
    referer = request.META.get("HTTP_REFERER", "")
    same_site = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return referer if same_site and referer != request.build_absolute_uri() else None


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _json(body: dict, *, status: int) -> JsonResponse:
    # The API's own shape and content type (linli/api_errors.py), for errors that reach the
    # site's handlers before or outside the NinjaAPI.
    return JsonResponse(
        body,
        status=status,
        content_type="application/json; charset=utf-8",
        json_dumps_params={"ensure_ascii": False},
    )


def error_response(
    request: HttpRequest, status: int, *, message: str | None = None, code: str | None = None
) -> HttpResponse:
    """The error page (or, under /api/, the JSON body) for ``status``."""
    texts = _texts()
    default_code, title, hint = texts.get(status, texts[422 if status < 500 else 500])
    if _is_api(request):
        body = {"code": code or default_code, "message": str(message or title), "fields": {}}
        return _json(body, status=status)
    context = {"status": status, "title": title, "message": message or hint}
    context["back_url"] = _back_url(request)
    # A URL that names nothing is not echoed back into the page (the language switch would
    # carry it); switching language there leads home.
    context["language_next"] = "/" if status == 404 else None
    response = TemplateResponse(request, "error.html", context, status=status)
    return response.render()


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    # Django's own 404 message ("No Venue matches the given query.") is English and names
    # models; the page says it in the visitor's words instead.
    return error_response(request, 404)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return error_response(request, 403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form posted from a page that has expired (or from another site): say what to do."""
    return error_response(
        request, 403, message=_("页面已过期，请刷新页面后再提交一次。"), code="csrf_failed"
    )


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return error_response(request, 400)


def server_error(request: HttpRequest) -> HttpResponse:
    """The crash page: no context processors, no database, no session (they may be what
    failed); only the static stylesheet and the translations already active."""
    _code, title, hint = _texts()[500]
    if _is_api(request):
        return _json({"code": "server_error", "message": str(title), "fields": {}}, status=500)
    html = loader.get_template("500.html").render({"title": title, "message": hint})
    return HttpResponse(html, status=500)


def domain_error_response(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """A DomainError that escaped a page view: its status (404, 403, 409, 422, 429...) and
    its message, which services write for the person in front of the page."""
    response = error_response(request, exc.status, message=str(exc.message), code=exc.code)
    if isinstance(exc, RateLimited) and exc.retry_after is not None:
        response["Retry-After"] = str(exc.retry_after)
    return response
