"""Look up a venue's coordinates from its address: an optional operator action.

Nothing here runs unless ``settings.GEOCODER`` names a geocoder, because every geocoder is
a third-party service that sees the address. Values:

- ``""`` (default): not configured; ``geocode_address`` raises ``geocoder_not_configured``.
- ``"nominatim"``: OpenStreetMap Nominatim through geopy (WGS-84). Settings:
  ``GEOCODER_USER_AGENT`` (Nominatim's policy requires an identifying one),
  ``GEOCODER_TIMEOUT`` (seconds, default 5), ``GEOCODER_NOMINATIM_DOMAIN`` (a self-hosted
  instance), ``GEOCODER_COUNTRY_CODES`` (default ``"cn"``; empty for worldwide).
- ``"amap"``: Amap (高德) web-service geocoding with ``AMAP_WEB_SERVICE_KEY`` (GCJ-02).
- a dotted path to a callable ``geocoder(address: str) -> (lat, lon) | None``. It declares
  the system its coordinates are in with a ``coordinate_system`` attribute ("wgs84",
  "gcj02", "bd09"); ``GEOCODER_COORDINATE_SYSTEM`` overrides that, and the default is
  WGS-84. It may raise DomainError to speak to the operator directly; any other exception
  is reported as the service being unavailable.

Results are always converted to WGS-84, the system venues are stored in.
"""

from __future__ import annotations

import json
import logging
import urllib.parse
import urllib.request
from collections.abc import Callable

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from linli.errors import DomainError
from spaces.geo import normalise_system, to_wgs84

__all__ = ["amap_geocode", "geocode_address", "geocoder_configured"]

logger = logging.getLogger(__name__)

DEFAULT_USER_AGENT = "linli-community-spaces/0.1"
DEFAULT_TIMEOUT = 5.0
MAX_ADDRESS_LENGTH = 200
AMAP_GEOCODE_URL = "https://restapi.amap.com/v3/geocode/geo"

Geocoder = Callable[[str], "tuple[float, float] | None"]


def geocoder_configured() -> bool:
    """Whether the "look up from address" button should be shown at all."""
    return bool(getattr(settings, "GEOCODER", "").strip())


def geocode_address(address: str) -> tuple[float, float]:
    """``(lat, lon)`` in WGS-84 for ``address``, via the configured geocoder.

    Error codes: ``geocoder_not_configured`` (422); ``address_required``,
    ``address_too_long`` and ``address_not_found`` (422, field ``address``);
    ``geocoder_unavailable`` (503: timeout, network, quota, unusable answer).
    """
    geocoder, system = _configured_geocoder()
    address = " ".join(str(address or "").split())
    if not address:
        raise DomainError(_("请先填写地址。"), code="address_required", field="address")
    if len(address) > MAX_ADDRESS_LENGTH:
        raise DomainError(
            _("地址太长了，请不超过 %(n)s 个字。") % {"n": MAX_ADDRESS_LENGTH},
            code="address_too_long",
            field="address",
        )
    try:
        found = geocoder(address)
    except DomainError:
        raise
    except Exception:
        logger.warning("geocoder failed for an address", exc_info=True)
        raise _unavailable() from None
    if not found:
        raise DomainError(
            _("没有找到这个地址，请检查地址，或在地图上取点后手动填写坐标。"),
            code="address_not_found",
            field="address",
        )
    try:
        lat, lon = found
        return to_wgs84(lat, lon, system)
    except (DomainError, TypeError, ValueError):
        logger.error("geocoder returned an unusable result: %r", found)
        raise _unavailable() from None


def _unavailable() -> DomainError:
    return DomainError(
        _("地址解析服务暂时不可用，请稍后再试，或手动填写坐标。"),
        code="geocoder_unavailable",
        status=503,
    )


def _not_configured() -> DomainError:
    return DomainError(
        _("未配置地址解析服务，请手动填写坐标。"), code="geocoder_not_configured", status=422
    )


def _configured_geocoder() -> tuple[Geocoder, str]:
    name = getattr(settings, "GEOCODER", "").strip()
    if not name:
        raise _not_configured()
    if name.lower() == "nominatim":
        geocoder: Geocoder = _nominatim_geocode
    elif name.lower() == "amap":
        geocoder = amap_geocode
    else:
        try:
            geocoder = import_string(name)
        except ImportError:
            # A deployment mistake, not the operator's: say "not configured" and log why.
            logger.error("settings.GEOCODER=%r cannot be imported", name)
            raise _not_configured() from None
    system = getattr(settings, "GEOCODER_COORDINATE_SYSTEM", "") or getattr(
        geocoder, "coordinate_system", "wgs84"
    )
    try:
        return geocoder, normalise_system(system)
    except DomainError:
        logger.error("geocoder %r declares an unknown coordinate system %r", name, system)
        raise _not_configured() from None


def _timeout() -> float:
    return float(getattr(settings, "GEOCODER_TIMEOUT", DEFAULT_TIMEOUT))


def _nominatim_geocode(address: str) -> tuple[float, float] | None:
    from geopy.geocoders import Nominatim

    options = {
        "user_agent": getattr(settings, "GEOCODER_USER_AGENT", "") or DEFAULT_USER_AGENT,
        "timeout": _timeout(),
    }
    if domain := getattr(settings, "GEOCODER_NOMINATIM_DOMAIN", ""):
        options["domain"] = domain
    country_codes = getattr(settings, "GEOCODER_COUNTRY_CODES", "cn")
    location = Nominatim(**options).geocode(
        address, exactly_one=True, language="zh-CN", country_codes=country_codes or None
    )
    if location is None:
        return None
    return location.latitude, location.longitude


_nominatim_geocode.coordinate_system = "wgs84"  # type: ignore[attr-defined]


def amap_geocode(address: str) -> tuple[float, float] | None:
    """Amap (高德) web-service geocoding; returns GCJ-02, as Amap does."""
    key = getattr(settings, "AMAP_WEB_SERVICE_KEY", "")
    if not key:
        raise _not_configured()
    query = urllib.parse.urlencode({"address": address, "key": key, "output": "JSON"})
    with urllib.request.urlopen(f"{AMAP_GEOCODE_URL}?{query}", timeout=_timeout()) as response:
        body = json.loads(response.read().decode("utf-8"))
    if str(body.get("status")) != "1":
        # Amap reports a bad key or exhausted quota with status 0 and an "info" code.
        raise RuntimeError(f"amap geocoding failed: {body.get('info')} ({body.get('infocode')})")
    geocodes = body.get("geocodes") or []
    if not geocodes or not geocodes[0].get("location"):
        return None
    lon, lat = (float(part) for part in geocodes[0]["location"].split(","))
    return lat, lon


amap_geocode.coordinate_system = "gcj02"  # type: ignore[attr-defined]
