"""The one NinjaAPI. Each app contributes a Router from ``<app>/api.py``.

Errors: linli/api_errors.py (one mapping for every failure), linli/api_docs.py (their
OpenAPI documentation), linli/api_types.py (input types every schema shares).
"""

from functools import wraps

from django.http import HttpRequest
from django.urls import re_path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from accounts.auth import api_auth
from linli.api_docs import document_errors
from linli.api_errors import JSONParser, http_error_body, validation_error
from linli.api_errors import install as install_error_handlers


class UTF8JSONRenderer(JSONRenderer):
    """Chinese as UTF-8, not \\uXXXX escapes: a third fewer bytes on residents' weak networks."""

    json_dumps_params = {"ensure_ascii": False}


class LinliAPI(NinjaAPI):
    """ninja, plus JSON errors for requests that reach no operation, and error docs.

    ninja answers a method a path does not take with a plain-text 405, and an unknown path
    under /api/ would fall through to the site's HTML 404: both become ``{code, message,
    fields}`` here. The OpenAPI schema gains each operation's error responses.
    """

    def _get_urls(self):
        urls = super()._get_urls()
        for pattern in urls:
            if hasattr(pattern, "callback"):
                pattern.callback = self._json_not_allowed(pattern.callback)
        urls.append(re_path(r"^", csrf_exempt(self._not_found), name="not-found"))
        return urls

    def _json_not_allowed(self, view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if response.status_code == 405 and not response.get("Content-Type", "").startswith(
                "application/json"
            ):
                allowed = response.get("Allow", "")
                response = self.create_response(request, http_error_body(405), status=405)
                response["Allow"] = allowed
            return response

        return wrapped

    def _not_found(self, request: HttpRequest):
        return self.create_response(request, http_error_body(404), status=404)

    def validation_error_from_error_contexts(self, error_contexts):
        return validation_error(error_contexts)

    def get_openapi_schema(self, **kwargs):
        return document_errors(super().get_openapi_schema(**kwargs))


api = LinliAPI(
    parser=JSONParser(),
    renderer=UTF8JSONRenderer(),
    title="Linli API",
    version="1",
    description=(
        "邻里 — community spaces, scenes, bookings and check-ins.\n\n"
        "Every error is JSON `{code, message, fields}` (schema ErrorOut): match on `code`, "
        "which is stable; `message` is for people, in the language of Accept-Language; "
        "`fields` maps each input field that is wrong to its messages. Times of day are the "
        "venue's local wall-clock time (HH:MM) without a zone; ids are positive 64-bit."
    ),
    auth=api_auth,
    urls_namespace="api",
)

install_error_handlers(api)


@api.get("/health", auth=None, tags=["meta"])
def health(request: HttpRequest) -> dict:
    """A trivial endpoint: liveness checks and the baseline for benchmark ratios."""
    return {"ok": True}


def _mount() -> None:
    from accounts.api import router as accounts_router
    from bookings.api import router as bookings_router
    from bookings.series_api import router as series_router
    from metrics.api import router as metrics_router
    from metrics.openness_api import router as openness_router
    from scenes.api import router as scenes_router
    from scenes.events_api import router as events_router
    from spaces.api import router as spaces_router

    api.add_router("/accounts", accounts_router)
    api.add_router("", spaces_router)
    api.add_router("", scenes_router)
    api.add_router("", events_router)
    api.add_router("", bookings_router)
    api.add_router("", series_router)
    api.add_router("", metrics_router)
    api.add_router("", openness_router)


_mount()
