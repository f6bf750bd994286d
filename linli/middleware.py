"""Cross-cutting HTTP behaviour: language choice, CSP, and caching hints for htmx."""

from django.conf import settings
from django.middleware import gzip
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django_htmx.middleware import HtmxDetails

# Everything the pages need is served from this origin: no CDN, no web font, no analytics.
# 'unsafe-inline' is not allowed for scripts; htmx's indicator styles are switched off in
# base.html so styles need no exception either.
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


# Swagger UI and the Django admin set style attributes; they are staff tools, still
# entirely same-origin, so only their styles are relaxed.
CSP_STAFF_TOOLS = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
STAFF_TOOL_PREFIXES = ("/api/docs", "/admin/")


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = CSP_STAFF_TOOLS if request.path.startswith(STAFF_TOOL_PREFIXES) else CSP
        response.headers.setdefault("Content-Security-Policy", policy)
        return response


class LanguageMiddleware:
    """Chinese unless the person chose otherwise.

    Browsers on residents' phones often announce English (in-app browsers, handed-down
    phones), so Accept-Language is not trusted for pages: the language cookie set by the
    language switch decides, and the default is zh-hans. API clients may use
    Accept-Language, which is how integrations ask for a language.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def choose(self, request) -> str:
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if cookie in self.supported:
            return cookie
        if request.path.startswith("/api/"):
            header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
            for part in header.split(","):
                tag = part.split(";")[0].strip().lower()
                if tag.startswith("zh"):
                    return "zh-hans"
                if tag.startswith("en"):
                    return "en"
        return settings.LANGUAGE_CODE

    # Language-neutral files: varying them per cookie would split shared caches for nothing.
    NEUTRAL_PREFIXES = ("/static/", "/photos/", "/media/")

    def __call__(self, request):
        language = self.choose(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if not request.path.startswith(self.NEUTRAL_PREFIXES):
            response.headers.setdefault("Content-Language", language)
            patch_vary_headers(response, ("Cookie", "Accept-Language"))
        translation.deactivate()
        return response


class _RecordingHtmxDetails(HtmxDetails):
    """request.htmx that remembers which htmx headers the view read."""

    def __init__(self, request):
        super().__init__(request)
        self.headers_read: set[str] = set()

    def _get_header_value(self, name: str) -> str | None:
        self.headers_read.add(name)
        return super()._get_header_value(name)


class VaryOnHtmxMiddleware:
    """The same URL renders a page or a fragment, so caches must key on what chose it.

    Always HX-Request (every page can answer with a fragment), plus every other htmx header
    the view switched on (HX-Target, HX-Current-URL, ...): request.htmx records the headers
    it is asked for, so Vary follows the code instead of a list kept beside it. Runs after
    django_htmx's HtmxMiddleware, whose request.htmx it replaces.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        htmx = request.htmx = _RecordingHtmxDetails(request)
        response = self.get_response(request)
        patch_vary_headers(response, ("HX-Request", *sorted(htmx.headers_read - {"HX-Request"})))
        return response


class PageErrorMiddleware:
    """Linli's DomainError (NotFound, PermissionDenied, ...) escaping a page view becomes the
    error page with its status; see linli/error_pages.py. The API maps its own errors, so
    requests under /api/ are left alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from linli.error_pages import API_PREFIX, domain_error_response
        from linli.errors import DomainError

        if isinstance(exception, DomainError) and not request.path.startswith(API_PREFIX):
            return domain_error_response(request, exception)
        return None


class GZipMiddleware(gzip.GZipMiddleware):
    """Django's gzip, except for responses marked ``deterministic_body``.

    Django pads compressed responses with random bytes against BREACH, so the same page
    compresses differently each time. A calendar feed must be byte-identical while nothing
    changed, and it reflects nothing a visitor sends (no form, no CSRF token), which is
    what BREACH needs: those are compressed without the padding."""

    def __init__(self, get_response):
        super().__init__(get_response)
        self._unpadded = gzip.GZipMiddleware(get_response)
        self._unpadded.max_random_bytes = 0

    def process_response(self, request, response):
        if getattr(response, "deterministic_body", False):
            return self._unpadded.process_response(request, response)
        return super().process_response(request, response)
