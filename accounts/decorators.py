"""Guarding resident pages: signed in, and agreed to the current privacy statement.

Use ``@resident_required`` instead of ``login_required`` on
every page that needs a signed-in resident::

    from accounts.decorators import resident_required

    @resident_required
    def my_bookings(request): ...

Design: a decorator, not a middleware, because consent only matters where sign-in does;
public pages (home, venues, the privacy statement itself) must stay reachable. Anonymous
visitors go to the sign-in page; people who have not agreed go to the consent page; both
come back to where they were (``?next=``). htmx requests get an HX-Redirect so the whole
page changes rather than a sign-in form landing inside a fragment. The API equivalent is
``accounts.auth.resident_auth``.

Downloading one's data and deleting one's account only need ``login_required``: people can
exercise those rights without agreeing to anything.
"""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect

from accounts.privacy import consent_needed


def _redirect(request: HttpRequest, url_name: str, next_path: str | None) -> HttpResponse:
    htmx = getattr(request, "htmx", None)
    # For htmx, come back to the page the person was on, not the fragment's URL.
    if not next_path:
        next_path = (htmx.current_url_abs_path if htmx else None) or request.get_full_path()
    url = f"{resolve_url(url_name)}?{urlencode({'next': next_path})}"
    if htmx:
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


def resident_gate(request: HttpRequest, *, next_path: str | None = None) -> HttpResponse | None:
    """The redirect a resident page must answer with, or None when the visitor may pass.

    ``next_path`` is where to come back to (default: this page, or for htmx the page the
    fragment belongs to)."""
    if not request.user.is_authenticated:
        return _redirect(request, settings.LOGIN_URL, next_path)
    if consent_needed(request.user):
        return _redirect(request, "accounts:consent", next_path)
    return None


def resident_required(view):
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        return resident_gate(request) or view(request, *args, **kwargs)

    return wrapper


def staff_login_required(view):
    """``login_required`` for staff pages, with the resident pages' htmx behaviour: a session
    that ended while a form was open sends the whole page to staff sign-in (HX-Redirect)
    instead of htmx swapping the sign-in page into the form's region."""
    plain = login_required(view, login_url="accounts:staff-sign-in")

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if getattr(request, "htmx", None) and not request.user.is_authenticated:
            return _redirect(request, "accounts:staff-sign-in", None)
        return plain(request, *args, **kwargs)

    return wrapper
