"""How the API knows who is calling: a bearer token, or the browser session with CSRF."""

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from accounts.tokens import api_token_authenticate


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = api_token_authenticate(plain=token)
        if user is not None:
            request.user = user
        return user


class BrowserSessionAuth(SessionAuth):
    """Session cookie auth; ninja's SessionAuth enforces CSRF on unsafe methods."""


# Order matters: a request with an Authorization header is an integration and must not be
# judged by a stray session cookie.
api_auth = [BearerTokenAuth(), BrowserSessionAuth()]
