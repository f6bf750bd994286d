"""Bulk import of venues (spaces.importer and manage.py import_venues)."""

import copy
import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from spaces.geo import distance_m
from spaces.importer import VenueImportError, venues_import
from spaces.models import Community, OpeningException, OpeningHours, Room, Venue

# A reference pair computed once from the standard algorithm (as in test_geo.py): the
# point is given in GCJ-02 and must be stored as this WGS-84 point.
CHENGDU_GCJ02 = (30.656177285002208, 104.06720545761553)
CHENGDU_WGS84 = (30.6586, 104.0647)

TEAHOUSE = "communities[0].venues[0] (五福茶馆)"


def document() -> dict:
    return {
        "version": 1,
        "communities": [
            {
                "name": "五福桥社区",
                "street": "驷马桥街道",
                "district": "成华区",
                "city": "成都市",
                "venues": [
                    {
                        "name": "五福茶馆",
                        "kind": "teahouse",
                        "address": "成都市成华区五福桥东路9号",
                        "location": {
                            "lat": CHENGDU_GCJ02[0],
                            "lon": CHENGDU_GCJ02[1],
                            "system": "gcj02",
                        },
                        "time_zone": "Asia/Shanghai",
                        "description": "白天公益，晚上商业。",
                        "accessibility": ["accessible_toilet", "step_free"],
                        "contact_phone": "028-83512345",
                        "holiday_policy": "as_usual",
                        "hours": {
                            "weekdays": "09:00-12:00, 14:00-22:00",
                            "weekends": ["09:00-次日00:30"],
                        },
                        "exceptions": [
                            {"date": "2026-12-02", "reason": "设备检修"},
                            {"date": "2026-12-04", "hours": "09:00-15:00", "reason": "提前闭馆"},
                        ],
                        "rooms": [
                            {
                                "name": "议事茶亭",
                                "capacity": 12,
                                "amenities": ["茶具", "白板"],
                            },
                            {
                                "name": "社区书屋",
                                "capacity": 15,
                                "bookable": False,
                                "hours": {"daily": "09:00-18:00"},
                                "exceptions": [{"date": "2026-12-03", "reason": "盘点"}],
                            },
                        ],
                    }
                ],
            },
            {
                "name": "府青路社区",
                "street": "府青路街道",
                "venues": [
                    {
                        "name": "府青路社区活动室",
                        "kind": "activity_room",
                        "address": "成都市成华区府青路二段15号",
                        "location": {"lat": 30.68655, "lon": 104.09512, "system": "wgs84"},
                        "holiday_policy": "special",
                        "published": False,
                        "hours": {"mon": "14:00-21:00", "holiday": "14:00-18:00"},
                        "rooms": [{"name": "多功能活动室", "capacity": 30}],
                    }
                ],
            },
        ],
    }


def teahouse(doc: dict) -> dict:
    return doc["communities"][0]["venues"][0]


def snapshot() -> dict:
    """Every row the importer may touch, with its id, as plain values."""
    return {
        model.__name__: sorted(model.objects.values_list()) for model in MODELS
    }  # fmt: skip


MODELS = (Community, Venue, Room, OpeningHours, OpeningException)


def problems_of(data: dict) -> list[str]:
    with pytest.raises(VenueImportError) as caught:
        venues_import(data=data)
    assert caught.value.code == "import_invalid"
    return [str(p) for p in caught.value.problems]


@pytest.mark.django_db
class TestFullImport:
    def test_it_creates_every_record_with_exact_values(self):
        report = venues_import(data=document())

        assert report.summary() == "创建 2 个社区、2 个场馆、3 个功能室；更新 0；未变 0"
        community = Community.objects.get(street="驷马桥街道", name="五福桥社区")
        assert (community.district, community.city) == ("成华区", "成都市")
        venue = Venue.objects.get(community=community, name="五福茶馆")
        assert venue.kind == "teahouse"
        assert venue.address == "成都市成华区五福桥东路9号"
        assert venue.time_zone == "Asia/Shanghai"
        assert venue.description == "白天公益，晚上商业。"
        assert venue.accessibility == ["step_free", "accessible_toilet"]
        assert venue.contact_phone == "028-83512345"
        assert venue.holiday_policy == "as_usual"
        assert venue.is_published is True
        assert distance_m(venue.latitude, venue.longitude, *CHENGDU_WGS84) < 1.0

        rooms = list(
            venue.rooms.values_list("name", "capacity", "is_bookable", "amenities", "order")
        )
        assert rooms == [
            ("议事茶亭", 12, True, ["茶具", "白板"], 0),
            ("社区书屋", 15, False, [], 1),
        ]

    def test_it_stores_weekly_hours_per_venue_and_room(self):
        venues_import(data=document())
        venue = Venue.objects.get(name="五福茶馆")
        library = Room.objects.get(name="社区书屋")
        t = dt.time
        venue_rows = set(
            OpeningHours.objects.filter(venue=venue, room=None).values_list(
                "day", "opens", "closes", "overnight"
            )
        )
        assert venue_rows == {
            *((d, t(9), t(12), False) for d in range(5)),
            *((d, t(14), t(22), False) for d in range(5)),
            (5, t(9), t(0, 30), True),
            (6, t(9), t(0, 30), True),
        }
        room_rows = set(library.hours.values_list("day", "opens", "closes", "overnight"))
        assert room_rows == {(d, t(9), t(18), False) for d in range(7)}
        activity = Venue.objects.get(name="府青路社区活动室")
        assert activity.is_published is False
        assert set(activity.hours.values_list("day", "opens", "closes")) == {
            (0, t(14), t(21)),
            (7, t(14), t(18)),
        }

    def test_a_room_day_given_as_closed_is_closed_and_a_left_out_one_follows_the_venue(self):
        doc = document()
        tea_room = teahouse(doc)["rooms"][0]
        tea_room["hours"] = {
            "mon": "",
            "tue": [],
            "wed": "休息",
            "sat": "closed",
            "holiday": "关闭",
        }
        teahouse(doc)["hours"]["weekends"] = "Closed"  # a venue: closed means no rule
        venues_import(data=doc)
        room = Room.objects.get(name="议事茶亭")
        assert sorted(room.hours.values_list("day", "opens", "closes")) == [
            (0, None, None),
            (1, None, None),
            (2, None, None),
            (5, None, None),
            (7, None, None),  # closed during every break, though the policy is as_usual
        ]
        venue = room.venue
        assert not venue.hours.filter(room=None, day__in=[5, 6]).exists()
        from spaces.hours import open_intervals

        thursday = open_intervals(
            venue=venue, room=room, start=dt.date(2026, 9, 10), end=dt.date(2026, 9, 11)
        )
        assert [(i.start.hour, i.end.hour) for i in thursday] == [(9, 12), (14, 22)]  # follows
        monday = open_intervals(
            venue=venue, room=room, start=dt.date(2026, 9, 7), end=dt.date(2026, 9, 8)
        )
        assert monday == []
        # Re-importing the same file finds every closed row unchanged.
        assert venues_import(data=doc).updated == {}

    def test_it_stores_dated_exceptions_closed_or_with_hours(self):
        venues_import(data=document())
        rows = set(
            OpeningException.objects.values_list("room__name", "date", "opens", "closes", "reason")
        )
        assert rows == {
            (None, dt.date(2026, 12, 2), None, None, "设备检修"),
            (None, dt.date(2026, 12, 4), dt.time(9), dt.time(15), "提前闭馆"),
            ("社区书屋", dt.date(2026, 12, 3), None, None, "盘点"),
        }

    def test_it_converts_bd09_coordinates(self):
        from spaces.geo import wgs84_to_bd09

        doc = document()
        lat, lon = wgs84_to_bd09(*CHENGDU_WGS84)
        teahouse(doc)["location"] = {"lat": lat, "lon": lon, "system": "bd09"}
        venues_import(data=doc)
        venue = Venue.objects.get(name="五福茶馆")
        assert distance_m(venue.latitude, venue.longitude, *CHENGDU_WGS84) < 1.0


@pytest.mark.django_db
class TestReimport:
    def test_reimporting_the_same_file_changes_nothing(self):
        venues_import(data=document())
        before = snapshot()
        updated_at = Venue.objects.get(name="五福茶馆").updated_at

        report = venues_import(data=document())

        assert snapshot() == before
        assert Venue.objects.get(name="五福茶馆").updated_at == updated_at
        assert not report.changed
        assert report.changes == []
        assert report.summary() == (
            "创建 0 个社区、0 个场馆、0 个功能室；更新 0；"
            "未变 7（2 个社区、2 个场馆、3 个功能室）。全部未变，数据库没有改动。"
        )

    def test_it_updates_only_what_differs_and_keeps_unchanged_hours_rows(self):
        venues_import(data=document())
        venue = Venue.objects.get(name="五福茶馆")
        saturday = OpeningHours.objects.get(venue=venue, room=None, day=5)
        monday_morning = OpeningHours.objects.get(venue=venue, room=None, day=0, opens=dt.time(9))
        doc = document()
        teahouse(doc)["contact_phone"] = "028-83510000"
        teahouse(doc)["hours"]["weekdays"] = "09:00-12:00, 14:00-21:00"
        teahouse(doc)["rooms"][0]["capacity"] = 14

        report = venues_import(data=doc)

        venue.refresh_from_db()
        assert venue.contact_phone == "028-83510000"
        assert Room.objects.get(name="议事茶亭").capacity == 14
        assert OpeningHours.objects.filter(pk__in=[saturday.pk, monday_morning.pk]).count() == 2
        assert not OpeningHours.objects.filter(venue=venue, room=None, closes=dt.time(22)).exists()
        assert OpeningHours.objects.filter(venue=venue, room=None, closes=dt.time(21)).count() == 5
        assert report.updated == {"venue": 1, "room": 1}
        assert report.changes == [
            "更新 五福茶馆：contact_phone、hours",
            "更新 五福茶馆·议事茶亭：capacity",
        ]

    def test_a_changed_exception_replaces_only_that_date(self):
        venues_import(data=document())
        kept = OpeningException.objects.get(date=dt.date(2026, 12, 2))
        doc = document()
        teahouse(doc)["exceptions"][1]["hours"] = "09:00-16:00"

        venues_import(data=doc)

        assert OpeningException.objects.filter(pk=kept.pk).exists()
        changed = OpeningException.objects.get(date=dt.date(2026, 12, 4))
        assert (changed.opens, changed.closes) == (dt.time(9), dt.time(16))

    def test_a_reworded_exception_keeps_when_it_was_made(self):
        venues_import(data=document())
        made = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
        OpeningException.objects.update(created_at=made)
        doc = document()
        teahouse(doc)["exceptions"][0]["reason"] = "设备检修，暂停开放"
        teahouse(doc)["exceptions"][1]["hours"] = "09:00-16:00"

        venues_import(data=doc)

        reworded = OpeningException.objects.get(date=dt.date(2026, 12, 2))
        assert (reworded.reason, reworded.created_at) == ("设备检修，暂停开放", made)
        assert OpeningException.objects.get(date=dt.date(2026, 12, 4)).created_at > made

    def test_left_out_keys_keep_what_the_database_has(self):
        venues_import(data=document())
        Venue.objects.filter(name="五福茶馆").update(description="运营方改过的简介")
        doc = document()
        del teahouse(doc)["description"]
        del teahouse(doc)["hours"]

        report = venues_import(data=doc)

        venue = Venue.objects.get(name="五福茶馆")
        assert venue.description == "运营方改过的简介"
        assert venue.hours.filter(room=None).count() == 12
        assert report.updated["venue"] == 0


@pytest.mark.django_db
class TestInvalidFiles:
    def test_an_invalid_file_writes_nothing_and_reports_every_error(self):
        doc = document()
        venue = teahouse(doc)
        venue["kind"] = "cafe"
        venue["time_zone"] = "Asia/Chengdu"
        venue["location"]["lat"] = 95
        venue["adress"] = "typo"
        venue["hours"]["weekdays"] = "09:00-12:00, 11:00-13:00"
        venue["rooms"][0]["capacity"] = 0

        problems = problems_of(doc)

        assert snapshot() == {model.__name__: [] for model in MODELS}
        assert f"{TEAHOUSE} rooms[0] (议事茶亭) capacity: 必须是正整数。" in problems
        assert f"{TEAHOUSE} hours.weekdays[1]: 与 09:00-12:00 重叠。" in problems
        assert f"{TEAHOUSE} adress: 未知字段 “adress”，是不是 “address”？" in problems
        assert f"{TEAHOUSE} location.lat: 纬度必须在 -90 到 90 之间。" in problems
        assert (
            f"{TEAHOUSE} time_zone: 未知时区 “Asia/Chengdu”，请使用 IANA 名称，例如 Asia/Shanghai。"
            in problems
        )
        kind = [p for p in problems if p.startswith(f"{TEAHOUSE} kind: ")]
        assert kind == [
            f"{TEAHOUSE} kind: 未知的取值 “cafe”；可选：service_centre（党群服务中心）、"
            "teahouse（社区茶馆）、activity_room（活动室）、elders_space（长者空间）、"
            "reading_room（社区书屋）、other（其他）。"
        ]
        assert len(problems) == 6

    def test_a_failed_import_leaves_existing_rows_as_they_were(self):
        venues_import(data=document())
        before = snapshot()
        doc = document()
        teahouse(doc)["contact_phone"] = "028-80000000"  # valid, but must not be saved
        doc["communities"][1]["venues"][0]["rooms"][0]["capacity"] = -3

        problems = problems_of(doc)

        assert problems == [
            "communities[1].venues[0] (府青路社区活动室) rooms[0] (多功能活动室) capacity: 必须是正整数。"
        ]
        assert snapshot() == before

    def test_the_error_exposes_fields_by_path(self):
        doc = document()
        teahouse(doc)["rooms"][1]["capacity"] = "15"
        with pytest.raises(VenueImportError) as caught:
            venues_import(data=doc)
        assert caught.value.as_dict() == {
            "code": "import_invalid",
            "message": "导入失败：发现 1 处错误，没有写入任何数据。",
            "fields": {"communities[0].venues[0].rooms[1].capacity": ["必须是正整数。"]},
        }

    def test_it_rejects_closing_before_opening_unless_overnight_is_declared(self):
        doc = document()
        teahouse(doc)["hours"]["weekends"] = "22:00-02:00"
        assert problems_of(doc) == [
            f"{TEAHOUSE} hours.weekends[0]: 关门时间必须晚于开门时间；跨越午夜请写成 22:00-次日02:00。"
        ]

    def test_it_rejects_an_overnight_interval_running_into_the_next_days_hours(self):
        doc = document()
        teahouse(doc)["hours"] = {"fri": "18:00-次日10:00", "sat": "09:00-12:00"}
        assert problems_of(doc) == [
            f"{TEAHOUSE} hours.fri[0]: 跨越午夜后与次日的 09:00-12:00 重叠。"
        ]

    def test_it_rejects_unparseable_intervals_and_days_given_twice(self):
        doc = document()
        teahouse(doc)["hours"] = {"daily": "9点到5点", "sun": "10:00-12:00"}
        assert problems_of(doc) == [
            f"{TEAHOUSE} hours.daily[0]: 无法识别“9点到5点”，请按 09:00-12:00 的格式填写。",
            f"{TEAHOUSE} hours.sun: 星期日已在 hours.daily 中设置。",
        ]

    def test_it_rejects_holiday_hours_unless_the_policy_is_special(self):
        doc = document()
        teahouse(doc)["hours"]["holiday"] = "10:00-16:00"
        activity = doc["communities"][1]["venues"][0]
        del activity["hours"]["holiday"]
        assert problems_of(doc) == [
            f"{TEAHOUSE} hours.holiday: 节假日时段只在 holiday_policy 为 special 时使用。",
            "communities[1].venues[0] (府青路社区活动室) hours.holiday: "
            "holiday_policy 为 special 时需要填写节假日时段。",
        ]

    def test_it_rejects_duplicate_names_within_the_file(self):
        doc = document()
        rooms = teahouse(doc)["rooms"]
        rooms.append(copy.deepcopy(rooms[0]))
        doc["communities"][0]["venues"].append(copy.deepcopy(teahouse(doc)))
        doc["communities"].append({"name": "府青路社区", "street": "府青路街道"})
        problems = problems_of(doc)
        assert problems == [
            f"{TEAHOUSE} rooms[2] (议事茶亭) name: 同一场馆内功能室名称重复（另见 rooms[0]）。",
            "communities[0].venues[1] (五福茶馆) rooms[2] (议事茶亭) name: "
            "同一场馆内功能室名称重复（另见 rooms[0]）。",
            "communities[0].venues[1] (五福茶馆) name: 同一社区内场馆名称重复（另见 venues[0]）。",
            "communities[2].name: 府青路街道的府青路社区在文件中出现了两次（另见 communities[1]）。",
        ]

    def test_it_checks_exceptions_accessibility_phone_and_missing_fields(self):
        doc = document()
        venue = teahouse(doc)
        venue["exceptions"] = [
            {"date": "2026-12-02", "reason": ""},
            {"date": "2026/12/05", "reason": "x"},
            {"date": "2026-12-02", "reason": "重复", "hours": "10:00-12:00, 11:00-14:00"},
        ]
        venue["accessibility"] = ["step_free", "ramp"]
        venue["contact_phone"] = "call us"
        del venue["address"]
        venue["rooms"][0]["bookable"] = "yes"
        venue["location"]["system"] = "mercator"
        problems = problems_of(doc)
        assert problems == [
            f"{TEAHOUSE} address: 缺少必填字段。",
            f"{TEAHOUSE} location.system: 未知的坐标系：mercator。请选择 WGS-84、GCJ-02（高德/腾讯）或 BD-09（百度）。",
            f"{TEAHOUSE} accessibility: 未知的取值 “ramp”；可选：step_free（无障碍入口）、lift（电梯）、"
            "accessible_toilet（无障碍卫生间）、hearing_loop（助听环路）。",
            f"{TEAHOUSE} contact_phone: 电话号码只能包含数字、空格、-、+、括号和“转”。",
            f"{TEAHOUSE} exceptions[0].reason: 不能为空。",
            f"{TEAHOUSE} exceptions[1].date: 日期必须写成 YYYY-MM-DD，例如 2026-10-01。",
            f"{TEAHOUSE} exceptions[2].hours[1]: 与 10:00-12:00 重叠。",
            f"{TEAHOUSE} exceptions[2].date: 日期 2026-12-02 重复（另见 exceptions[0]）。",
            f"{TEAHOUSE} rooms[0] (议事茶亭) bookable: 必须是 true 或 false。",
        ]

    def test_it_rejects_a_document_that_is_not_an_object(self):
        assert problems_of([]) == ["（文件）: 必须是对象（{…}）。"]
        assert problems_of({"communities": [], "verison": 1}) == [
            "verison: 未知字段 “verison”，是不是 “version”？"
        ]


@pytest.mark.django_db
class TestDryRun:
    def test_a_dry_run_counts_but_writes_nothing(self):
        report = venues_import(data=document(), dry_run=True)
        assert snapshot() == {model.__name__: [] for model in MODELS}
        assert report.created == {"community": 2, "venue": 2, "room": 3}
        assert report.summary() == (
            "试运行（没有写入数据库）：创建 2 个社区、2 个场馆、3 个功能室；更新 0；未变 0"
        )


@pytest.fixture
def venues_file(tmp_path):
    def write(data) -> str:
        path = tmp_path / "venues.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return str(path)

    return write


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_venues", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
class TestCommand:
    def test_it_imports_and_prints_a_summary(self, venues_file):
        path = venues_file(document())
        out, err = run(path)
        assert out.strip() == "创建 2 个社区、2 个场馆、3 个功能室；更新 0；未变 0"
        assert err == ""
        assert Venue.objects.count() == 2

        out, _err = run(path)
        assert "未变 7（2 个社区、2 个场馆、3 个功能室）。全部未变，数据库没有改动。" in out

    def test_verbose_output_lists_each_change(self, venues_file):
        out, _err = run(venues_file(document()), "--verbosity", "2")
        assert "  新建 五福茶馆·社区书屋" in out.splitlines()

    def test_it_fails_with_every_error_on_stderr_and_writes_nothing(self, venues_file):
        doc = document()
        teahouse(doc)["rooms"][0]["capacity"] = 0
        teahouse(doc)["kind"] = "cafe"
        err = StringIO()
        with pytest.raises(CommandError) as caught:
            call_command("import_venues", venues_file(doc), stdout=StringIO(), stderr=err)
        assert str(caught.value) == "导入失败：发现 2 处错误，没有写入任何数据。"
        assert caught.value.returncode == 1
        lines = err.getvalue().splitlines()
        assert len(lines) == 2
        assert f"{TEAHOUSE} rooms[0] (议事茶亭) capacity: 必须是正整数。" in lines
        assert Venue.objects.count() == 0

    def test_dry_run_writes_nothing(self, venues_file):
        out, _err = run(venues_file(document()), "--dry-run")
        assert out.startswith("试运行（没有写入数据库）：创建 2 个社区、2 个场馆")
        assert snapshot() == {model.__name__: [] for model in MODELS}

    def test_it_reports_broken_json_with_its_position(self, tmp_path):
        path = tmp_path / "broken.json"
        path.write_text('{"communities": [\n  {"name": }\n]}', encoding="utf-8")
        with pytest.raises(CommandError, match=r"不是有效的 JSON：第 2 行第 12 列"):
            run(str(path))

    def test_it_reports_a_missing_file(self, tmp_path):
        with pytest.raises(CommandError, match="无法读取文件"):
            run(str(tmp_path / "nope.json"))

    def test_the_documented_example_imports(self):
        from pathlib import Path

        text = (Path(__file__).parents[2] / "docs" / "import-format.md").read_text("utf-8")
        example = text.split("```json\n", 1)[1].split("```", 1)[0]
        assert venues_import(data=json.loads(example)).summary() == (
            "创建 2 个社区、3 个场馆、8 个功能室；更新 0；未变 0"
        )
        assert not venues_import(data=json.loads(example)).changed
