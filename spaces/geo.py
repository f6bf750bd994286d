"""Coordinates, distances and map links.

Venues store latitude/longitude in WGS-84 (what GPS and browsers' geolocation report).
Chinese map apps use shifted systems instead: GCJ-02 (Amap/高德, Tencent, WeChat) and BD-09
(Baidu, a further offset of GCJ-02), so operators who copy a point from those apps must say
which system it is in and we convert on the way in (``to_wgs84``) and on the way out (map
links). Every public function takes and returns ``(lat, lon)`` in that order, even though the
map APIs and the classic GCJ-02 code put longitude first.

The GCJ-02 formula is the published one with the Krasovsky 1940 ellipsoid constants; its
inverse has no closed form, so ``gcj02_to_wgs84`` iterates to well under a metre instead of
using the common one-step approximation (which is off by up to a few metres).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any, TypeVar
from urllib.parse import quote

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from geopy.distance import geodesic

from linli.errors import DomainError

__all__ = [
    "COORDINATE_SYSTEMS",
    "amap_link",
    "baidu_link",
    "bd09_to_gcj02",
    "bd09_to_wgs84",
    "check_coordinates",
    "distance_m",
    "format_distance",
    "gcj02_to_bd09",
    "gcj02_to_wgs84",
    "normalise_system",
    "out_of_china",
    "parse_near",
    "sort_by_distance",
    "to_wgs84",
    "wgs84_to_bd09",
    "wgs84_to_gcj02",
]

T = TypeVar("T")

# Krasovsky 1940: semi-major axis and first eccentricity squared, as GCJ-02 uses them.
A = 6378245.0
EE = 0.00669342162296594323
X_PI = math.pi * 3000.0 / 180.0

# Stop iterating the inverse once a step moves less than this (degrees, ~1 mm).
_INVERSE_TOLERANCE_DEG = 1e-8
_INVERSE_MAX_STEPS = 30

# For choice fields in forms and API schemas; the value is what ``to_wgs84`` accepts.
COORDINATE_SYSTEMS = [
    ("wgs84", gettext_lazy("WGS-84（GPS、手机定位）")),
    ("gcj02", gettext_lazy("GCJ-02（高德、腾讯、微信）")),
    ("bd09", gettext_lazy("BD-09（百度）")),
]
_SYSTEM_ALIASES = {
    "wgs84": "wgs84",
    "gps": "wgs84",
    "gcj02": "gcj02",
    "gaode": "gcj02",
    "amap": "gcj02",
    "tencent": "gcj02",
    "qq": "gcj02",
    "bd09": "bd09",
    "bd09ll": "bd09",
    "baidu": "bd09",
}


# --- validation ------------------------------------------------------------------------


def check_coordinates(lat: Any, lon: Any) -> tuple[float, float]:
    """Return ``(lat, lon)`` as floats, or raise DomainError ``coordinates_out_of_range``.

    Accepts anything ``float()`` does (str, Decimal); NaN and infinities are out of range.
    """
    lat_f = _as_float(lat, "latitude", _("纬度必须是数字。"))
    lon_f = _as_float(lon, "longitude", _("经度必须是数字。"))
    if not -90.0 <= lat_f <= 90.0:
        raise DomainError(
            _("纬度必须在 -90 到 90 之间。"), code="coordinates_out_of_range", field="latitude"
        )
    if not -180.0 <= lon_f <= 180.0:
        raise DomainError(
            _("经度必须在 -180 到 180 之间。"), code="coordinates_out_of_range", field="longitude"
        )
    return lat_f, lon_f


def _as_float(value: Any, field: str, message: str) -> float:
    if isinstance(value, bool):
        raise DomainError(message, code="coordinates_out_of_range", field=field)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise DomainError(message, code="coordinates_out_of_range", field=field) from None
    if not math.isfinite(number):
        raise DomainError(message, code="coordinates_out_of_range", field=field)
    return number


def out_of_china(lat: float, lon: float) -> bool:
    """The bounding box every GCJ-02 implementation uses; outside it GCJ-02 == WGS-84.

    It is a rectangle, so parts of neighbouring countries count as "in China"; that is what
    the map apps do too, so matching them matters more than matching the border.
    """
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


# --- datum shifts ----------------------------------------------------------------------


def _transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def _gcj02_offset(lat: float, lon: float) -> tuple[float, float]:
    """(dlat, dlon) in degrees that GCJ-02 adds to a WGS-84 point."""
    dlat = _transform_lat(lon - 105.0, lat - 35.0)
    dlon = _transform_lon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = 1.0 - EE * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((A * (1.0 - EE)) / (magic * sqrtmagic) * math.pi)
    dlon = (dlon * 180.0) / (A / sqrtmagic * math.cos(radlat) * math.pi)
    return dlat, dlon


def _wgs84_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    if out_of_china(lat, lon):
        return lat, lon
    dlat, dlon = _gcj02_offset(lat, lon)
    return lat + dlat, lon + dlon


def _gcj02_to_bd09(lat: float, lon: float) -> tuple[float, float]:
    z = math.sqrt(lon * lon + lat * lat) + 0.00002 * math.sin(lat * X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * X_PI)
    return z * math.sin(theta) + 0.006, z * math.cos(theta) + 0.0065


def _bd09_to_gcj02_approx(lat: float, lon: float) -> tuple[float, float]:
    x, y = lon - 0.0065, lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * X_PI)
    return z * math.sin(theta), z * math.cos(theta)


def _invert(
    forward: Callable[[float, float], tuple[float, float]],
    lat: float,
    lon: float,
    start: tuple[float, float],
) -> tuple[float, float]:
    """Solve forward(p) == (lat, lon) by fixed-point iteration from ``start``.

    Both shifts are tiny and smooth (their derivatives are ~1e-4), so each step gains about
    four decimal digits; two or three steps reach the tolerance.
    """
    guess_lat, guess_lon = start
    for _step in range(_INVERSE_MAX_STEPS):
        fwd_lat, fwd_lon = forward(guess_lat, guess_lon)
        d_lat, d_lon = lat - fwd_lat, lon - fwd_lon
        guess_lat += d_lat
        guess_lon += d_lon
        if abs(d_lat) < _INVERSE_TOLERANCE_DEG and abs(d_lon) < _INVERSE_TOLERANCE_DEG:
            break
    return guess_lat, guess_lon


def wgs84_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    """WGS-84 → GCJ-02 (Amap, Tencent, WeChat). Identity outside mainland China."""
    lat, lon = check_coordinates(lat, lon)
    return _wgs84_to_gcj02(lat, lon)


def gcj02_to_wgs84(lat: float, lon: float) -> tuple[float, float]:
    """GCJ-02 → WGS-84 by iteration; round trips agree to millimetres (far below 0.5 m)."""
    lat, lon = check_coordinates(lat, lon)
    if out_of_china(lat, lon):
        return lat, lon
    return _invert(_wgs84_to_gcj02, lat, lon, start=(lat, lon))


def gcj02_to_bd09(lat: float, lon: float) -> tuple[float, float]:
    """GCJ-02 → BD-09 (Baidu's bd09ll)."""
    lat, lon = check_coordinates(lat, lon)
    return _gcj02_to_bd09(lat, lon)


def bd09_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    """BD-09 → GCJ-02: Baidu's published inverse, refined so it exactly undoes gcj02_to_bd09."""
    lat, lon = check_coordinates(lat, lon)
    return _invert(_gcj02_to_bd09, lat, lon, start=_bd09_to_gcj02_approx(lat, lon))


def wgs84_to_bd09(lat: float, lon: float) -> tuple[float, float]:
    """WGS-84 → BD-09 (via GCJ-02)."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lat, lon))


def bd09_to_wgs84(lat: float, lon: float) -> tuple[float, float]:
    """BD-09 → WGS-84 (via GCJ-02)."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lat, lon))


def normalise_system(system: str) -> str:
    """Canonical system name ("wgs84", "gcj02", "bd09") from a tolerant spelling.

    Raises DomainError ``unknown_coordinate_system`` (field ``coordinate_system``).
    """
    key = str(system or "").strip().lower().replace("-", "").replace("_", "")
    try:
        return _SYSTEM_ALIASES[key]
    except KeyError:
        raise DomainError(
            _("未知的坐标系：%(system)s。请选择 WGS-84、GCJ-02（高德/腾讯）或 BD-09（百度）。")
            % {"system": system},
            code="unknown_coordinate_system",
            field="coordinate_system",
        ) from None


def to_wgs84(lat: float, lon: float, system: str = "wgs84") -> tuple[float, float]:
    """Convert a point entered in ``system`` ("wgs84" | "gcj02" | "bd09") to WGS-84."""
    system = normalise_system(system)
    if system == "gcj02":
        return gcj02_to_wgs84(lat, lon)
    if system == "bd09":
        return bd09_to_wgs84(lat, lon)
    return check_coordinates(lat, lon)


# --- map links -------------------------------------------------------------------------


def _fmt(value: float) -> str:
    # Six decimals is ~0.1 m: more precise than any map app shows, short enough for a QR code.
    return f"{value:.6f}"


def amap_link(*, lat: float, lon: float, name: str) -> str:
    """Amap (高德) marker link for a WGS-84 point; the URI wants GCJ-02 as "lon,lat"."""
    g_lat, g_lon = wgs84_to_gcj02(lat, lon)
    return (
        f"https://uri.amap.com/marker?position={_fmt(g_lon)},{_fmt(g_lat)}"
        f"&name={quote(name, safe='')}&coordinate=gaode&callnative=1"
    )


def baidu_link(*, lat: float, lon: float, name: str, address: str = "") -> str:
    """Baidu marker link for a WGS-84 point, in BD-09 as "lat,lon".

    The popup shows ``name`` as title and ``address`` (or the name again) as content.
    """
    b_lat, b_lon = wgs84_to_bd09(lat, lon)
    return (
        f"https://api.map.baidu.com/marker?location={_fmt(b_lat)},{_fmt(b_lon)}"
        f"&title={quote(name, safe='')}&content={quote(address or name, safe='')}"
        "&output=html&coord_type=bd09ll&src=linli"
    )


# --- distances -------------------------------------------------------------------------


def distance_m(a_lat: float, a_lon: float, b_lat: float, b_lon: float) -> float:
    """Geodesic distance in metres between two WGS-84 points."""
    a = check_coordinates(a_lat, a_lon)
    b = check_coordinates(b_lat, b_lon)
    return geodesic(a, b).meters


def _default_key(item: Any) -> tuple[float | None, float | None]:
    return item.latitude, item.longitude


def sort_by_distance(
    items: Iterable[T],
    *,
    lat: float,
    lon: float,
    key: Callable[[T], tuple[float | None, float | None]] = _default_key,
) -> list[tuple[T, float | None]]:
    """``[(item, metres)]`` nearest first from (lat, lon); ties keep their input order.

    Items whose key gives no coordinates (e.g. a community without a location) come last
    with ``None`` as distance rather than failing the whole list.
    """
    origin = check_coordinates(lat, lon)
    located: list[tuple[T, float | None]] = []
    unlocated: list[tuple[T, float | None]] = []
    for item in items:
        i_lat, i_lon = key(item)
        if i_lat is None or i_lon is None:
            unlocated.append((item, None))
        else:
            located.append((item, geodesic(origin, check_coordinates(i_lat, i_lon)).meters))
    located.sort(key=lambda pair: pair[1])
    return located + unlocated


def format_distance(m: float | None) -> str:
    """Human distance: "35 米", "350 米", "1.2 公里", "120 公里"; "" for None.

    Under 100 m to the metre, under 1 km to 10 m, then km with one decimal below 100 km:
    more precision than that only suggests accuracy that a phone's location doesn't have.
    """
    if m is None:
        return ""
    m = max(0.0, float(m))
    if m < 100:
        return _("%(n)s 米") % {"n": int(round(m))}
    rounded = int(round(m / 10.0) * 10)
    if rounded < 1000:
        return _("%(n)s 米") % {"n": rounded}
    km = m / 1000.0
    if round(km, 1) < 100:
        return _("%(n)s 公里") % {"n": f"{km:.1f}"}
    return _("%(n)s 公里") % {"n": int(round(km))}


def parse_near(value: str, *, system: str = "wgs84") -> tuple[float, float]:
    """Parse the API's ``near=lat,lon`` (WGS-84 unless ``system`` says otherwise).

    Raises DomainError ``invalid_near`` (field ``near``) for anything that is not two
    finite numbers in range; a Chinese comma (，) is accepted as phones often type it.
    """
    text = str(value or "").strip().replace("，", ",")
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 2 or not all(parts):
        raise _invalid_near()
    try:
        return to_wgs84(parts[0], parts[1], system)
    except DomainError as exc:
        if exc.code == "unknown_coordinate_system":
            raise
        raise _invalid_near() from None


def _invalid_near() -> DomainError:
    return DomainError(
        _("位置格式应为“纬度,经度”，例如 30.705,104.092。"), code="invalid_near", field="near"
    )
