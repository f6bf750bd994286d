"""Coordinate systems, map links and distances (spaces.geo).

Reference values were computed once from the standard GCJ-02/BD-09 algorithm (Krasovsky
a=6378245.0, ee=0.00669342162296594323, x_pi=π·3000/180) and are pinned here so a change
to the formulas shows up as a failing test, not as venues drifting a few hundred metres.
"""

import math
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from geopy.distance import geodesic

from linli.errors import DomainError
from spaces import geo

TIANANMEN_WGS84 = (39.90882, 116.39748)
# The widely published test vector for the same point in GCJ-02 (5 decimals ≈ 1 m).
TIANANMEN_GCJ02_PUBLISHED = (39.91022, 116.40372)
TIANANMEN_GCJ02 = (39.91022350014819, 116.403723584016)
TIANANMEN_BD09 = (39.916562786239794, 116.41009647071324)

# (WGS-84, GCJ-02, BD-09) computed once from the standard algorithm.
CITY_REFERENCES = {
    "成都": ((30.6586, 104.0647), (30.656177285002208, 104.06720545761553), (30.662223927747743, 104.0736958629649)),
    "上海": ((31.2304, 121.4737), (31.22845773757727, 121.47822305927693), (31.234310593689997, 121.484781468503)),
    "广州": ((23.1291, 113.2644), (23.126423339922844, 113.26972959210308), (23.13271125723948, 113.27615075157122)),
    "乌鲁木齐": ((43.8256, 87.6168), (43.82680539311119, 87.61964994946926), (43.83294979479328, 87.62609977081571)),
    "哈尔滨": ((45.8038, 126.5349), (45.80578177471768, 126.54094071740515), (45.81139597011796, 126.54755961849878)),
}  # fmt: skip

CHINESE_CITIES = {
    "北京": (39.9042, 116.4074),
    "上海": (31.2304, 121.4737),
    "广州": (23.1291, 113.2644),
    "深圳": (22.5431, 114.0579),
    "成都": (30.5728, 104.0668),
    "重庆": (29.5630, 106.5516),
    "武汉": (30.5928, 114.3055),
    "西安": (34.3416, 108.9398),
    "杭州": (30.2741, 120.1551),
    "南京": (32.0603, 118.7969),
    "哈尔滨": (45.8038, 126.5349),
    "乌鲁木齐": (43.8256, 87.6168),
    "拉萨": (29.6525, 91.1721),
    "昆明": (24.8801, 102.8329),
    "海口": (20.0440, 110.1999),
    "三亚": (18.2528, 109.5119),
    "呼和浩特": (40.8424, 111.7492),
    "喀什": (39.4677, 75.9938),
}

ABROAD = {
    "London": (51.5074, -0.1278),
    "New York": (40.7128, -74.0060),
    "Sydney": (-33.8688, 151.2093),
    "Tokyo": (35.6762, 139.6503),
    "Moscow": (55.7558, 37.6173),
}


def metres(a, b):
    return geodesic(a, b).meters


def assert_point(actual, expected, tol_deg=1e-9):
    assert actual[0] == pytest.approx(expected[0], abs=tol_deg)
    assert actual[1] == pytest.approx(expected[1], abs=tol_deg)


# --- conversions -----------------------------------------------------------------------


def test_wgs84_to_gcj02_matches_the_published_tiananmen_vector():
    gcj = geo.wgs84_to_gcj02(*TIANANMEN_WGS84)

    assert_point(gcj, TIANANMEN_GCJ02)
    assert metres(gcj, TIANANMEN_GCJ02_PUBLISHED) < 0.5
    # The shift itself is real and large: about 540 m east-north-east here.
    assert 500 < metres(gcj, TIANANMEN_WGS84) < 600


def test_gcj02_to_wgs84_recovers_the_published_tiananmen_point():
    wgs = geo.gcj02_to_wgs84(*TIANANMEN_GCJ02_PUBLISHED)

    assert metres(wgs, TIANANMEN_WGS84) < 0.5


def test_bd09_conversions_match_the_reference_values():
    assert_point(geo.gcj02_to_bd09(*TIANANMEN_GCJ02), TIANANMEN_BD09)
    assert_point(geo.wgs84_to_bd09(*TIANANMEN_WGS84), TIANANMEN_BD09)
    assert_point(geo.bd09_to_gcj02(*TIANANMEN_BD09), TIANANMEN_GCJ02, tol_deg=1e-8)
    assert_point(geo.bd09_to_wgs84(*TIANANMEN_BD09), TIANANMEN_WGS84, tol_deg=1e-8)


@pytest.mark.parametrize("city", sorted(CITY_REFERENCES))
def test_conversions_match_reference_values_across_china(city):
    wgs, gcj, bd = CITY_REFERENCES[city]

    assert_point(geo.wgs84_to_gcj02(*wgs), gcj)
    assert_point(geo.gcj02_to_bd09(*gcj), bd)
    assert_point(geo.wgs84_to_bd09(*wgs), bd)
    assert_point(geo.gcj02_to_wgs84(*gcj), wgs, tol_deg=1e-8)
    assert_point(geo.bd09_to_wgs84(*bd), wgs, tol_deg=1e-8)


@pytest.mark.parametrize("city", sorted(CHINESE_CITIES))
def test_round_trips_stay_within_half_a_metre(city):
    base_lat, base_lon = CHINESE_CITIES[city]
    # A small grid around the centre, so the test is not tuned to a single lucky point.
    for d_lat in (-0.2, 0.0, 0.2):
        for d_lon in (-0.2, 0.0, 0.2):
            point = (base_lat + d_lat, base_lon + d_lon)

            via_gcj = geo.gcj02_to_wgs84(*geo.wgs84_to_gcj02(*point))
            via_bd = geo.bd09_to_wgs84(*geo.wgs84_to_bd09(*point))
            gcj = geo.wgs84_to_gcj02(*point)
            gcj_via_bd = geo.bd09_to_gcj02(*geo.gcj02_to_bd09(*gcj))

            assert metres(point, via_gcj) < 0.5
            assert metres(point, via_bd) < 0.5
            assert metres(gcj, gcj_via_bd) < 0.5


def test_the_iterative_inverse_beats_the_one_step_approximation():
    # Where the crude inverse (subtract the offset computed at the GCJ point) is off by
    # metres, ours is still within millimetres.
    point = (39.4677, 75.9938)  # 喀什: a steep part of the GCJ-02 offset field.
    gcj = geo.wgs84_to_gcj02(*point)
    d_lat, d_lon = geo._gcj02_offset(*gcj)
    crude = (gcj[0] - d_lat, gcj[1] - d_lon)

    assert metres(point, crude) > 1.0
    assert metres(point, geo.gcj02_to_wgs84(*gcj)) < 0.01


@pytest.mark.parametrize("city", sorted(ABROAD))
def test_gcj02_is_wgs84_outside_china(city):
    point = ABROAD[city]

    assert geo.out_of_china(*point)
    assert geo.wgs84_to_gcj02(*point) == point
    assert geo.gcj02_to_wgs84(*point) == point
    assert geo.to_wgs84(*point, "gcj02") == point


def test_china_is_inside_the_bounding_box():
    assert not any(geo.out_of_china(*p) for p in CHINESE_CITIES.values())


@pytest.mark.parametrize(
    ("system", "entered"),
    [
        ("wgs84", TIANANMEN_WGS84),
        ("gcj02", TIANANMEN_GCJ02),
        ("bd09", TIANANMEN_BD09),
        ("GCJ-02", TIANANMEN_GCJ02),
        ("BD09LL", TIANANMEN_BD09),
        ("amap", TIANANMEN_GCJ02),
        ("baidu", TIANANMEN_BD09),
    ],
)
def test_to_wgs84_converts_from_the_system_the_operator_chose(system, entered):
    assert metres(geo.to_wgs84(*entered, system), TIANANMEN_WGS84) < 0.01


def test_to_wgs84_accepts_numeric_strings_as_forms_send_them():
    assert geo.to_wgs84("30.7050", "104.0920", "wgs84") == (30.705, 104.092)


def test_to_wgs84_rejects_an_unknown_system():
    with pytest.raises(DomainError) as exc:
        geo.to_wgs84(30.7, 104.1, "mercator")

    assert exc.value.code == "unknown_coordinate_system"
    assert "coordinate_system" in exc.value.fields


def test_coordinate_system_choices_are_accepted_by_to_wgs84():
    for value, _label in geo.COORDINATE_SYSTEMS:
        assert geo.normalise_system(value) == value


# --- validation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lat", "lon", "field"),
    [
        (90.0001, 104.0, "latitude"),
        (-91, 104.0, "latitude"),
        (30.0, 180.5, "longitude"),
        (30.0, -181, "longitude"),
        (math.nan, 104.0, "latitude"),
        (30.0, math.inf, "longitude"),
        ("abc", 104.0, "latitude"),
        (30.0, None, "longitude"),
    ],
)
@pytest.mark.parametrize(
    "convert",
    [
        geo.wgs84_to_gcj02,
        geo.gcj02_to_wgs84,
        geo.gcj02_to_bd09,
        geo.bd09_to_gcj02,
        geo.wgs84_to_bd09,
        geo.bd09_to_wgs84,
        geo.to_wgs84,
    ],
)
def test_out_of_range_coordinates_are_a_field_error(convert, lat, lon, field):
    with pytest.raises(DomainError) as exc:
        convert(lat, lon)

    assert exc.value.code == "coordinates_out_of_range"
    assert exc.value.status == 422
    assert list(exc.value.fields) == [field]


def test_range_error_message_is_chinese_by_default_and_translatable():
    with pytest.raises(DomainError) as exc:
        geo.to_wgs84(95, 104)

    assert exc.value.fields == {"latitude": ["纬度必须在 -90 到 90 之间。"]}


def test_range_limits_themselves_are_valid():
    assert geo.check_coordinates(90, 180) == (90.0, 180.0)
    assert geo.check_coordinates(-90, -180) == (-90.0, -180.0)


# --- map links -------------------------------------------------------------------------


def test_amap_link_uses_gcj02_longitude_first_and_encodes_the_name():
    url = geo.amap_link(lat=TIANANMEN_WGS84[0], lon=TIANANMEN_WGS84[1], name="天安门 & 广场")

    assert url == (
        "https://uri.amap.com/marker?position=116.403724,39.910224"
        "&name=%E5%A4%A9%E5%AE%89%E9%97%A8%20%26%20%E5%B9%BF%E5%9C%BA"
        "&coordinate=gaode&callnative=1"
    )
    query = parse_qs(urlsplit(url).query)
    assert query["name"] == ["天安门 & 广场"]


def test_baidu_link_uses_bd09_latitude_first():
    url = geo.baidu_link(lat=TIANANMEN_WGS84[0], lon=TIANANMEN_WGS84[1], name="天安门")

    assert url == (
        "https://api.map.baidu.com/marker?location=39.916563,116.410096"
        "&title=%E5%A4%A9%E5%AE%89%E9%97%A8&content=%E5%A4%A9%E5%AE%89%E9%97%A8"
        "&output=html&coord_type=bd09ll&src=linli"
    )


def test_map_links_for_the_model_teahouse_carry_the_converted_point():
    wufu = (30.7050, 104.0920)
    g_lat, g_lon = geo.wgs84_to_gcj02(*wufu)
    b_lat, b_lon = geo.wgs84_to_bd09(*wufu)

    amap = parse_qs(urlsplit(geo.amap_link(lat=wufu[0], lon=wufu[1], name="五福茶馆")).query)
    baidu = parse_qs(
        urlsplit(
            geo.baidu_link(lat=wufu[0], lon=wufu[1], name="五福茶馆", address="五福桥东路1号")
        ).query
    )

    assert amap["position"] == [f"{g_lon:.6f},{g_lat:.6f}"]
    assert amap["name"] == ["五福茶馆"]
    assert baidu["location"] == [f"{b_lat:.6f},{b_lon:.6f}"]
    assert baidu["title"] == ["五福茶馆"]
    assert baidu["content"] == ["五福桥东路1号"]


def test_map_links_reject_bad_coordinates():
    with pytest.raises(DomainError):
        geo.amap_link(lat=100, lon=104, name="x")


# --- distances -------------------------------------------------------------------------

# Real places in Chengdu, WGS-84.
WUFU_TEAHOUSE = (30.7050, 104.0920)  # 五福桥, 成华区
SIMAQIAO = (30.7010, 104.0890)  # 驷马桥
TIANFU_SQUARE = (30.6574, 104.0659)  # 天府广场
CHUNXI_ROAD = (30.6552, 104.0812)  # 春熙路
KUANZHAI_ALLEY = (30.6695, 104.0535)  # 宽窄巷子
CHENGDU_EAST = (30.6296, 104.1414)  # 成都东站


def test_distance_is_geodesic_in_metres():
    d = geo.distance_m(*TIANFU_SQUARE, *CHUNXI_ROAD)

    assert d == pytest.approx(geodesic(TIANFU_SQUARE, CHUNXI_ROAD).meters)
    assert 1400 < d < 1600
    assert geo.distance_m(*WUFU_TEAHOUSE, *WUFU_TEAHOUSE) == 0


def test_distance_rejects_bad_coordinates():
    with pytest.raises(DomainError) as exc:
        geo.distance_m(30.7, 104.1, 30.7, 200)

    assert exc.value.code == "coordinates_out_of_range"


def test_sort_by_distance_orders_chengdu_places_from_simaqiao():
    places = [
        SimpleNamespace(name="成都东站", latitude=CHENGDU_EAST[0], longitude=CHENGDU_EAST[1]),
        SimpleNamespace(name="天府广场", latitude=TIANFU_SQUARE[0], longitude=TIANFU_SQUARE[1]),
        SimpleNamespace(name="五福茶馆", latitude=WUFU_TEAHOUSE[0], longitude=WUFU_TEAHOUSE[1]),
        SimpleNamespace(name="宽窄巷子", latitude=KUANZHAI_ALLEY[0], longitude=KUANZHAI_ALLEY[1]),
        SimpleNamespace(name="春熙路", latitude=CHUNXI_ROAD[0], longitude=CHUNXI_ROAD[1]),
    ]

    ranked = geo.sort_by_distance(places, lat=SIMAQIAO[0], lon=SIMAQIAO[1])

    assert [p.name for p, _ in ranked] == ["五福茶馆", "宽窄巷子", "春熙路", "天府广场", "成都东站"]
    distances = [m for _, m in ranked]
    assert distances == sorted(distances)
    assert 400 < distances[0] < 600  # 驷马桥 → 五福茶馆 is a short walk
    assert 8000 < distances[-1] < 10000


def test_sort_by_distance_takes_a_key_and_puts_unlocated_items_last():
    rows = [
        {"name": "no location", "at": (None, None)},
        {"name": "east station", "at": CHENGDU_EAST},
        {"name": "teahouse", "at": WUFU_TEAHOUSE},
    ]

    ranked = geo.sort_by_distance(rows, lat=SIMAQIAO[0], lon=SIMAQIAO[1], key=lambda r: r["at"])

    assert [r["name"] for r, _ in ranked] == ["teahouse", "east station", "no location"]
    assert ranked[-1][1] is None


def test_sort_by_distance_keeps_input_order_for_ties():
    a = SimpleNamespace(latitude=30.70, longitude=104.09)
    b = SimpleNamespace(latitude=30.70, longitude=104.09)

    assert [x for x, _ in geo.sort_by_distance([a, b], lat=30.6, lon=104.0)] == [a, b]
    assert [x for x, _ in geo.sort_by_distance([b, a], lat=30.6, lon=104.0)] == [b, a]


@pytest.mark.parametrize(
    ("metres_", "text"),
    [
        (0, "0 米"),
        (7.4, "7 米"),
        (99.4, "99 米"),
        (349, "350 米"),
        (350, "350 米"),
        (994, "990 米"),
        (996, "1.0 公里"),
        (1234, "1.2 公里"),
        (15_050, "15.1 公里"),
        (99_940, "99.9 公里"),
        (123_456, "123 公里"),
        (None, ""),
    ],
)
def test_format_distance_in_chinese(metres_, text):
    assert geo.format_distance(metres_) == text


def test_format_distance_units_are_translatable(monkeypatch):
    catalogue = {"%(n)s 米": "%(n)s m", "%(n)s 公里": "%(n)s km"}
    monkeypatch.setattr(geo, "_", lambda msgid: catalogue[msgid])

    assert geo.format_distance(350) == "350 m"
    assert geo.format_distance(1234) == "1.2 km"


# --- near=lat,lon ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("30.705,104.092", (30.705, 104.092)),
        (" 30.705 , 104.092 ", (30.705, 104.092)),
        ("30.705，104.092", (30.705, 104.092)),
        ("-33.8688,151.2093", (-33.8688, 151.2093)),
    ],
)
def test_parse_near_reads_lat_then_lon(value, expected):
    assert geo.parse_near(value) == expected


@pytest.mark.parametrize(
    "value",
    ["", None, "30.705", "30.705,", ",104.092", "30.7,104.0,5", "abc,def", "nan,104", "91,104", "30,181", "30.705 104.092"],
)  # fmt: skip
def test_parse_near_rejects_bad_input_with_a_stable_code(value):
    with pytest.raises(DomainError) as exc:
        geo.parse_near(value)

    assert exc.value.code == "invalid_near"
    assert exc.value.status == 422
    assert "near" in exc.value.fields


def test_parse_near_can_take_a_gcj02_point_from_wechat():
    lat, lon = geo.parse_near(f"{TIANANMEN_GCJ02[0]},{TIANANMEN_GCJ02[1]}", system="gcj02")

    assert metres((lat, lon), TIANANMEN_WGS84) < 0.01
