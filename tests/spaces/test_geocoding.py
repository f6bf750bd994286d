"""Address → coordinates (spaces.geocoding). No online geocoder is ever called here."""

import io
import json
import socket
from urllib.parse import parse_qs, urlsplit

import pytest
from geopy.distance import geodesic
from geopy.geocoders.base import Geocoder

from linli.errors import DomainError
from spaces import geo, geocoding

ADDRESS = "成都市成华区五福桥东路1号"
WUFU_WGS84 = (30.7050, 104.0920)
WUFU_GCJ02 = geo.wgs84_to_gcj02(*WUFU_WGS84)
WUFU_BD09 = geo.wgs84_to_bd09(*WUFU_WGS84)

calls: list[str] = []


def fake_wgs84_geocoder(address):
    calls.append(address)
    return WUFU_WGS84


def fake_amap_style_geocoder(address):
    calls.append(address)
    return WUFU_GCJ02


fake_amap_style_geocoder.coordinate_system = "gcj02"


def fake_nothing_found(address):
    calls.append(address)
    return None


def fake_broken_geocoder(address):
    calls.append(address)
    raise TimeoutError("the service did not answer")


def fake_nonsense_geocoder(address):
    calls.append(address)
    return (123.0, 456.0)


def fake_polite_refusal(address):
    raise DomainError("本服务只支持成都市的地址。", code="address_outside_area", field="address")


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Fail loudly if anything tries to reach geopy's HTTP layer or open a socket."""
    calls.clear()
    geopy_calls = []

    def refuse_geopy(self, url, *args, **kwargs):
        geopy_calls.append(url)
        raise AssertionError(f"geopy tried to call {url}")

    def refuse_socket(self, *args, **kwargs):
        raise AssertionError("a test tried to open a network connection")

    monkeypatch.setattr(Geocoder, "_call_geocoder", refuse_geopy)
    monkeypatch.setattr(socket.socket, "connect", refuse_socket)
    yield geopy_calls
    assert geopy_calls == []


def metres(a, b):
    return geodesic(a, b).meters


def test_it_refuses_when_no_geocoder_is_configured(settings):
    settings.GEOCODER = ""

    with pytest.raises(DomainError) as exc:
        geocoding.geocode_address(ADDRESS)

    assert exc.value.code == "geocoder_not_configured"
    assert exc.value.status == 422
    assert str(exc.value.message) == "未配置地址解析服务，请手动填写坐标。"
    assert geocoding.geocoder_configured() is False


def test_a_wgs84_callable_result_is_returned_as_is(settings):
    settings.GEOCODER = "tests.spaces.test_geocoding.fake_wgs84_geocoder"

    assert geocoding.geocode_address(ADDRESS) == WUFU_WGS84
    assert calls == [ADDRESS]
    assert geocoding.geocoder_configured() is True


def test_a_gcj02_geocoder_result_is_converted_to_wgs84(settings):
    settings.GEOCODER = "tests.spaces.test_geocoding.fake_amap_style_geocoder"

    lat, lon = geocoding.geocode_address(ADDRESS)

    assert metres((lat, lon), WUFU_WGS84) < 0.01
    # Storing the GCJ-02 point unconverted would misplace the venue by hundreds of metres.
    assert metres(WUFU_GCJ02, WUFU_WGS84) > 100


def test_the_settings_can_declare_the_system_of_a_custom_geocoder(settings, monkeypatch):
    settings.GEOCODER = "tests.spaces.test_geocoding.fake_wgs84_geocoder"
    settings.GEOCODER_COORDINATE_SYSTEM = "bd09"
    monkeypatch.setattr(
        "tests.spaces.test_geocoding.fake_wgs84_geocoder", lambda address: WUFU_BD09
    )

    assert metres(geocoding.geocode_address(ADDRESS), WUFU_WGS84) < 0.01


def test_the_address_is_tidied_before_it_is_sent(settings):
    settings.GEOCODER = "tests.spaces.test_geocoding.fake_wgs84_geocoder"

    geocoding.geocode_address("  成都市成华区\n 五福桥东路1号 ")

    assert calls == ["成都市成华区 五福桥东路1号"]


@pytest.mark.parametrize("address", ["", "   ", None])
def test_an_empty_address_is_a_field_error_and_nothing_is_asked(settings, address):
    settings.GEOCODER = "tests.spaces.test_geocoding.fake_wgs84_geocoder"

    with pytest.raises(DomainError) as exc:
        geocoding.geocode_address(address)

    assert exc.value.code == "address_required"
    assert exc.value.fields == {"address": ["请先填写地址。"]}
    assert calls == []


def test_an_overlong_address_is_refused(settings):
    settings.GEOCODER = "tests.spaces.test_geocoding.fake_wgs84_geocoder"

    with pytest.raises(DomainError) as exc:
        geocoding.geocode_address("路" * 201)

    assert exc.value.code == "address_too_long"
    assert calls == []


def test_an_unknown_address_is_a_field_error(settings):
    settings.GEOCODER = "tests.spaces.test_geocoding.fake_nothing_found"

    with pytest.raises(DomainError) as exc:
        geocoding.geocode_address(ADDRESS)

    assert exc.value.code == "address_not_found"
    assert exc.value.status == 422
    assert "address" in exc.value.fields


@pytest.mark.parametrize("geocoder", ["fake_broken_geocoder", "fake_nonsense_geocoder"])
def test_a_failing_geocoder_is_reported_as_unavailable_not_a_500(settings, geocoder):
    settings.GEOCODER = f"tests.spaces.test_geocoding.{geocoder}"

    with pytest.raises(DomainError) as exc:
        geocoding.geocode_address(ADDRESS)

    assert exc.value.code == "geocoder_unavailable"
    assert exc.value.status == 503
    assert str(exc.value.message) == "地址解析服务暂时不可用，请稍后再试，或手动填写坐标。"


def test_a_geocoder_may_explain_its_own_refusal(settings):
    settings.GEOCODER = "tests.spaces.test_geocoding.fake_polite_refusal"

    with pytest.raises(DomainError) as exc:
        geocoding.geocode_address(ADDRESS)

    assert exc.value.code == "address_outside_area"


@pytest.mark.parametrize(
    "setting",
    ["tests.spaces.test_geocoding.does_not_exist", "no.such.module.geocode", "garbage"],
)
def test_a_geocoder_path_that_does_not_import_counts_as_not_configured(settings, setting):
    settings.GEOCODER = setting

    with pytest.raises(DomainError) as exc:
        geocoding.geocode_address(ADDRESS)

    assert exc.value.code == "geocoder_not_configured"


def test_an_unknown_declared_system_counts_as_not_configured(settings):
    settings.GEOCODER = "tests.spaces.test_geocoding.fake_wgs84_geocoder"
    settings.GEOCODER_COORDINATE_SYSTEM = "mercator"

    with pytest.raises(DomainError) as exc:
        geocoding.geocode_address(ADDRESS)

    assert exc.value.code == "geocoder_not_configured"
    assert calls == []


def test_nominatim_goes_through_geopy_with_user_agent_and_timeout(settings, monkeypatch):
    settings.GEOCODER = "nominatim"
    settings.GEOCODER_USER_AGENT = "linli-test (ops@example.org)"
    settings.GEOCODER_TIMEOUT = 3
    seen = []

    def canned_answer(self, url, callback, **kwargs):
        seen.append({"url": url, "timeout": self.timeout, "headers": self.headers})
        return callback([{"lat": "30.7050", "lon": "104.0920", "display_name": "五福桥"}])

    monkeypatch.setattr(Geocoder, "_call_geocoder", canned_answer)

    assert geocoding.geocode_address(ADDRESS) == WUFU_WGS84
    [request] = seen
    assert request["headers"]["User-Agent"] == "linli-test (ops@example.org)"
    assert request["timeout"] == 3
    query = parse_qs(urlsplit(request["url"]).query)
    assert query["q"] == [ADDRESS]
    assert query["countrycodes"] == ["cn"]


def test_nominatim_finding_nothing_is_address_not_found(settings, monkeypatch):
    settings.GEOCODER = "nominatim"
    monkeypatch.setattr(Geocoder, "_call_geocoder", lambda self, url, callback, **kw: callback([]))

    with pytest.raises(DomainError) as exc:
        geocoding.geocode_address(ADDRESS)

    assert exc.value.code == "address_not_found"


class FakeResponse(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_amap_geocoder_reads_gcj02_and_returns_wgs84(settings, monkeypatch):
    settings.GEOCODER = "amap"
    settings.AMAP_WEB_SERVICE_KEY = "test-key"
    requested = []
    body = {
        "status": "1",
        "count": "1",
        "geocodes": [{"location": f"{WUFU_GCJ02[1]:.6f},{WUFU_GCJ02[0]:.6f}"}],
    }

    def fake_urlopen(url, timeout):
        requested.append((url, timeout))
        return FakeResponse(json.dumps(body).encode())

    monkeypatch.setattr(geocoding.urllib.request, "urlopen", fake_urlopen)

    lat, lon = geocoding.geocode_address(ADDRESS)

    assert metres((lat, lon), WUFU_WGS84) < 0.5
    [(url, timeout)] = requested
    assert url.startswith("https://restapi.amap.com/v3/geocode/geo?")
    assert parse_qs(urlsplit(url).query)["address"] == [ADDRESS]
    assert timeout == geocoding.DEFAULT_TIMEOUT


def test_amap_rejecting_the_key_is_reported_as_unavailable(settings, monkeypatch):
    settings.GEOCODER = "amap"
    settings.AMAP_WEB_SERVICE_KEY = "bad-key"
    body = {"status": "0", "info": "INVALID_USER_KEY", "infocode": "10001"}
    monkeypatch.setattr(
        geocoding.urllib.request,
        "urlopen",
        lambda url, timeout: FakeResponse(json.dumps(body).encode()),
    )

    with pytest.raises(DomainError) as exc:
        geocoding.geocode_address(ADDRESS)

    assert exc.value.code == "geocoder_unavailable"


def test_amap_without_a_key_counts_as_not_configured(settings):
    settings.GEOCODER = "amap"
    settings.AMAP_WEB_SERVICE_KEY = ""

    with pytest.raises(DomainError) as exc:
        geocoding.geocode_address(ADDRESS)

    assert exc.value.code == "geocoder_not_configured"
