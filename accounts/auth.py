"""How the API knows who is calling: a bearer token, or the browser session with CSRF.

- ``api_auth`` (the API's default): a bearer token, or a session cookie plus CSRF token.
- ``resident_auth``: the same, and the person must have agreed to the current privacy
  statement, else 403 ``consent_required``. Use it on endpoints that work with a
  resident's data (bookings, check-ins, ratings)::

      from accounts.auth import resident_auth

      @router.post("/bookings", auth=resident_auth)

- ``csrf_protect_anonymous(request)``: for ``auth=None`` endpoints that sign a browser in
  or cost money (send an SMS), see its docstring.

A failed CSRF check is 403 ``csrf_failed``; a missing or bad token is 401.
"""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from accounts.errors import ConsentRequired, CsrfFailed
from accounts.privacy import consent_needed
from accounts.tokens import api_token_authenticate
from linli.errors import DomainError


def _has_bearer(request: HttpRequest) -> bool:
    return request.headers.get("Authorization", "").lower().startswith("bearer ")


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = api_token_authenticate(plain=token)
        if user is not None:
            request.user = user
        return user


class BrowserSessionAuth(SessionAuth):
    """The Django session cookie, with Django's CSRF check on unsafe methods.

    Unlike ninja's SessionAuth, a request without a session cookie, or one that carries a
    bearer token, is not judged by CSRF at all: it simply is not a session request, so a
    bad token gets 401 rather than a confusing CSRF error.
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        if _has_bearer(request):
            return None
        key = request.COOKIES.get(self.param_name)
        if key and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise CsrfFailed()
        return key

    def authenticate(self, request: HttpRequest, key: str | None):
        if not key:
            return None
        return super().authenticate(request, key)


class _ConsentRequired:
    def authenticate(self, request: HttpRequest, key):
        user = super().authenticate(request, key)
        if user is not None and consent_needed(user):
            raise ConsentRequired()
        return user


class ResidentBearerAuth(_ConsentRequired, BearerTokenAuth):
    pass


class ResidentSessionAuth(_ConsentRequired, BrowserSessionAuth):
    pass


# Order matters: a request with an Authorization header is an integration and must not be
# judged by a stray session cookie.
api_auth = [BearerTokenAuth(), BrowserSessionAuth()]
resident_auth = [ResidentBearerAuth(), ResidentSessionAuth()]


def csrf_protect_anonymous(request: HttpRequest) -> None:
    """Guard an ``auth=None`` endpoint that signs a browser in, against login CSRF.

    ninja views are exempt from Django's CSRF middleware and no auth class runs here, so
    the check is explicit. Anything that looks like a browser (it sends cookies, an
    Origin or Sec-Fetch-* headers, as every current browser does on a POST) must pass
    Django's CSRF check: a CSRF cookie and the matching X-CSRFToken header, same origin.
    A cookieless, headerless client (curl, a server) cannot be a victim's browser; it only
    has to send JSON, which no cross-site HTML form can.
    """
    looks_like_browser = (
        bool(request.COOKIES)
        or "HTTP_ORIGIN" in request.META
        or "HTTP_SEC_FETCH_SITE" in request.META
    )
    if looks_like_browser:
        if check_csrf(request):
            raise CsrfFailed()
        return
    if request.content_type != "application/json":
        raise DomainError(
            _("请以 JSON 格式提交（Content-Type: application/json）。"),
            code="unsupported_media_type",
            status=415,
        )
