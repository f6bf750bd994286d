"""Small HTTP helpers shared by the accounts views and API."""

import ipaddress
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address, as seen by the outermost of ``settings.NUM_PROXIES`` proxies.

    Behind nginx every request comes from 127.0.0.1; each trusted proxy appends the address
    it saw to X-Forwarded-For, so the N-th entry from the end is the one nobody could forge.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = int(getattr(settings, "NUM_PROXIES", 0) or 0)
    if proxies > 0:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= proxies:
            remote = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(remote)) if remote else None
    except ValueError:
        return None


def requested_next(request: HttpRequest) -> str:
    """The ``next`` asked for, if it stays on this site; otherwise ""."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def safe_next(request: HttpRequest, fallback: str = "home") -> str:
    """Where to go after signing in: ``next`` if it stays on this site, else ``fallback``."""
    return requested_next(request) or reverse(fallback)


def export_response(user) -> HttpResponse:
    """The personal-data download: one JSON file with every registered section."""
    from accounts import personal_data

    data = personal_data.export_all(user=user)
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"linli-personal-data-{timezone.localdate():%Y%m%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store, private"
    return response
