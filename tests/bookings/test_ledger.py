"""The ledger import (bookings.ledger, docs/ledger-format.md) and manage.py import_ledger.

The model case (tests/bookings/conftest.py): 五福茶馆 open 09:00-21:00, a public-benefit
scene 09:00-18:00 and a commercial one 18:00-21:00; the clock on 2026-12-01 08:00.
History is in November 2026.
"""

import datetime as dt

import pytest

from bookings.ledger import LedgerImportError, ledger_import
from bookings.ledger.identity import phone_pseudonym
from bookings.models import Booking, CheckIn, Rating, Status
from bookings.visitors import visitor_key
from tests.bookings.conftest import at
from tests.bookings.ledger_helpers import booking, checkin, headcount, ledger, rating

pytestmark = pytest.mark.django_db
NEW_PHONE = "13900000001"


def run(data, **kw):
    return ledger_import(user=kw.pop("user", None), file=data, **kw)


def errors(data, **kw) -> list[tuple[str, str, str]]:
    with pytest.raises(LedgerImportError) as exc:
        run(data, **kw)
    assert exc.value.code == "ledger_invalid"
    return [(p.label, p.code, p.message) for p in exc.value.problems]


def state():
    """Everything the import writes, to compare before and after."""
    return (
        sorted(Booking.objects.values_list("pk", "status", "code", "ledger_key")),
        sorted(CheckIn.objects.values_list("pk", "kind", "headcount", "at", "ledger_key")),
        sorted(Rating.objects.values_list("pk", "score", "ledger_key")),
    )


def test_every_kind_is_written_as_the_app_writes_it(frozen, scenes, room, venue):
    public, commercial = scenes
    report = run(
        ledger(
            booking(签到时间="09:55"),
            booking(
                日期="2026-11-12",
                开始时间="18:00",
                结束时间="19:30",
                状态="已取消",
                金额="30",
                用途="",
            ),  # fmt: skip
            checkin(),
            headcount(),
            rating(),
        )
    )
    assert dict(report.new) == {"booking": 2, "checkin": 1, "headcount": 1, "rating": 1}
    assert report.existing_total == 0
    visitor = phone_pseudonym(NEW_PHONE)
    done, cancelled = Booking.objects.order_by("starts_at")
    assert (done.venue, done.room, done.scene, done.scene_kind) == (venue, room, public, "public")
    assert (done.starts_at, done.ends_at, done.local_date) == (
        at(10, 10, month=11), at(10, 11, month=11), dt.date(2026, 11, 10)
    )  # fmt: skip
    assert (done.status, done.people, done.purpose, done.price_fen) == (
        Status.COMPLETED, 3, "品茶议事", 0
    )  # fmt: skip
    # The public-benefit scene's windows: check in 15 minutes either side, cancel 1 h before.
    assert done.checkin_opens_at == at(10, 9, 45, month=11)
    assert done.checkin_closes_at == at(10, 10, 15, month=11)
    assert done.cancel_deadline == at(10, 9, month=11)
    assert done.code.isdigit() and len(done.code) == 6
    assert (done.resident, done.visitor) == (None, visitor)
    assert len(done.ledger_key) == 40
    assert (cancelled.status, cancelled.scene, cancelled.scene_kind) == (
        Status.CANCELLED, commercial, "commercial"
    )  # fmt: skip
    assert (cancelled.price_fen, cancelled.purpose) == (3000, "台账记录")
    assert not CheckIn.objects.filter(booking=cancelled).exists()
    arrival = CheckIn.objects.get(booking=done)
    assert (arrival.kind, arrival.at, arrival.local_date, arrival.visitor, arrival.room) == (
        "booking", at(10, 9, 55, month=11), dt.date(2026, 11, 10), visitor, room
    )  # fmt: skip
    walk_in = CheckIn.objects.get(kind="walk_in", visitor=visitor)
    assert (walk_in.at, walk_in.local_date, walk_in.room, walk_in.headcount) == (
        at(11, 15, 20, month=11), dt.date(2026, 11, 11), None, 1
    )  # fmt: skip
    count = CheckIn.objects.get(visitor__isnull=True)
    assert (count.kind, count.headcount, count.resident, count.at) == (
        "walk_in", 25, None, at(11, 16, month=11)
    )  # fmt: skip
    score = Rating.objects.get()
    assert (score.visitor, score.venue, score.local_date, score.score, score.comment) == (
        visitor, venue, dt.date(2026, 11, 10), 5, "茶很好"
    )  # fmt: skip


def test_a_phone_with_an_account_links_the_rows_to_it(frozen, scenes, room, owner):
    run(ledger(booking(电话="138 0000 0001", 签到时间="10:05"), rating(电话="13800000001")))
    key = visitor_key(owner)
    b = Booking.objects.get()
    assert (b.resident, b.visitor) == (owner, key)
    assert CheckIn.objects.get().resident == owner
    assert Rating.objects.get().visitor == key


def test_the_same_phone_without_an_account_is_one_visitor_across_imports(frozen, scenes, room):
    run(ledger(checkin(日期="2026-11-11")))
    run(ledger(checkin(日期="2026-11-18", 电话="+86 139-0000-0001")))
    assert set(CheckIn.objects.values_list("visitor", flat=True)) == {phone_pseudonym(NEW_PHONE)}
    assert phone_pseudonym(NEW_PHONE) != phone_pseudonym("13900000002")


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_excel_encodings_are_detected(frozen, scenes, room, encoding):
    report = run(ledger(booking(), rating(留言="环境好，下次还来"), encoding=encoding))
    assert report.new_total == 2
    assert Rating.objects.get().comment == "环境好，下次还来"
    assert Booking.objects.get().room == room


def test_english_headers_and_excel_dates_are_accepted(frozen, scenes, room):
    header = ("type", "venue", "room", "phone", "date", "start", "end", "status")
    row = {"type": "booking", "venue": "五福茶馆", "room": "议事茶亭", "phone": NEW_PHONE,
           "date": "2026/11/9", "start": "14:00", "end": "15:00", "status": "completed"}  # fmt: skip
    run(ledger(row, header=header))
    assert Booking.objects.get().starts_at == at(9, 14, month=11)


def test_reimporting_the_same_file_changes_nothing(frozen, scenes, room):
    data = ledger(booking(签到时间="09:55"), checkin(), headcount(), rating())
    first = run(data)
    before = state()
    again = run(data)
    assert (first.new_total, first.existing_total) == (4, 0)
    assert (again.new_total, again.existing_total) == (0, 4)
    assert dict(again.existing) == {"booking": 1, "checkin": 1, "headcount": 1, "rating": 1}
    assert "新增 0 条" in again.summary() and "已导入过 4 条（" in again.summary()
    assert state() == before
    assert (Booking.objects.count(), CheckIn.objects.count(), Rating.objects.count()) == (1, 3, 1)


def test_a_reimport_after_the_resident_signed_up_still_matches(frozen, scenes, room):
    from tests.factories import ResidentFactory

    data = ledger(booking(), rating())
    run(data)
    ResidentFactory(phone=NEW_PHONE)
    assert run(data).new_total == 0


def test_one_bad_row_writes_nothing(frozen, scenes, room):
    data = ledger(booking(), checkin(), headcount(), rating(评分="6"))
    assert [code for _l, code, _m in errors(data)] == ["invalid_number"]
    assert state() == ([], [], [])


def test_dry_run_counts_and_writes_nothing(frozen, scenes, room):
    report = run(ledger(booking(), headcount()), dry_run=True)
    assert (report.dry_run, report.new_total) == (True, 2)
    assert report.summary().startswith("试运行")
    assert state() == ([], [], [])


def test_every_error_names_its_row_and_column(frozen, scenes, room, venue):
    data = ledger(
        booking(日期="2026-13-45"),  # row 2
        booking(功能室="大会议室"),  # row 3
        booking(开始时间="11:00", 结束时间="10:00"),  # row 4
        booking(状态="已取消", 签到时间="10:00"),  # row 5
        rating(评分="0"),  # row 6
        booking(电话="12345"),  # row 7
        booking(类型="会议"),  # row 8
        booking(场馆="别的茶馆"),  # row 9
        headcount(人数=""),  # row 10
        booking(开始时间="十点"),  # row 11
        booking(状态="已签到", 日期="2026-12-05"),  # row 12
        checkin(签到时间="09:00", 日期="2026-12-02"),  # row 13
    )
    assert errors(data) == [
        ("第 2 行 E 列“日期”", "invalid_date",
         "无法识别日期“2026-13-45”；请写成 2026-03-05 或 2026/3/5。"),
        ("第 3 行 C 列“功能室”", "unknown_room", "五福茶馆没有名为“大会议室”的功能室。"),
        ("第 4 行 G 列“结束时间”", "end_before_start",
         "结束时间须晚于开始时间（跨夜请写“次日02:00”）。"),
        ("第 5 行 I 列“签到时间”", "checkin_contradicts_status",
         "状态为“已取消”的预约不能有签到时间。"),
        ("第 6 行 M 列“评分”", "invalid_number", "须是 1 到 5 之间的整数。"),
        ("第 7 行 D 列“电话”", "invalid_phone", "“12345”不是有效的手机号（11 位）。"),
        ("第 8 行 A 列“类型”", "invalid_choice",
         "未知类型“会议”；可填：预约、签到、到场人数、评价。"),
        ("第 9 行 B 列“场馆”", "unknown_venue", "找不到您可管理的场馆“别的茶馆”。"),
        ("第 10 行 J 列“人数”", "invalid_number", "须是 1 到 500 之间的整数。"),
        ("第 11 行 F 列“开始时间”", "invalid_time",
         "无法识别时间“十点”；请写成 14:00，跨夜写“次日02:00”。"),
        ("第 12 行 H 列“状态”", "future", "预约还没开始，状态不能是“已签到”。"),
        ("第 13 行 I 列“签到时间”", "future", "签到时间在将来，台账只记已发生的事。"),
    ]  # fmt: skip


def test_overlapping_holding_bookings_are_refused(frozen, scenes, room):
    # Two residents checked in to the same room at the same time cannot both be true.
    data = ledger(
        booking(状态="已签到", 签到时间="10:00"),
        booking(
            电话="13900000002", 开始时间="10:30", 结束时间="11:30", 状态="已签到", 签到时间="10:30"
        ),  # fmt: skip
        booking(电话="13900000003", 开始时间="10:30", 结束时间="11:30", 状态="已取消"),
        booking(电话="13900000004", 开始时间="11:00", 结束时间="12:00", 状态="已完成"),
    )
    assert errors(data) == [
        ("第 3 行 F 列“开始时间”", "overlap",
         "与第 2 行的预约时间重叠：同一功能室同一时间只能有一个有效预约。"),
    ]  # fmt: skip


def test_a_future_booking_over_one_in_the_database_is_refused(frozen, scenes, room):
    from tests.factories import make_booking

    make_booking(room, at(3, 10), hours=2)
    data = ledger(booking(日期="2026-12-03", 开始时间="11:00", 结束时间="12:00", 状态="已确认"))
    assert errors(data) == [
        ("第 2 行 F 列“开始时间”", "overlap",
         "与系统中已有的预约（2026-12-03 10:00-12:00）时间重叠。"),
    ]  # fmt: skip


def test_duplicate_rows_that_contradict_are_errors_identical_ones_warnings(frozen, scenes, room):
    assert errors(ledger(rating(), rating(评分="2"))) == [
        ("第 3 行", "duplicate_contradicts", "与第 2 行是同一条记录，但内容不同，请核对保留哪一行。")
    ]  # fmt: skip
    report = run(ledger(booking(), booking(), rating(), rating()))
    assert report.new_total == 2
    assert [(w.label, w.code) for w in report.warnings] == [
        ("第 3 行", "duplicate"), ("第 5 行", "duplicate")
    ]  # fmt: skip


def test_history_outside_todays_hours_and_scenes_is_imported_with_warnings(frozen, scenes, room):
    report = run(
        ledger(
            booking(开始时间="07:00", 结束时间="08:00"),  # before today's opening
            booking(开始时间="17:00", 结束时间="19:00"),  # across today's two scenes
            booking(开始时间="10:10", 结束时间="11:10", 人数="30"),  # off grid, over capacity
            checkin(签到时间="22:30"),
            headcount(签到时间="06:00"),
        )
    )
    assert report.new_total == 5
    assert [(w.label, w.code) for w in report.warnings] == [
        ("第 2 行 F 列“开始时间”", "outside_opening_hours"),
        ("第 3 行 F 列“开始时间”", "spans_scenes"),
        ("第 4 行 F 列“开始时间”", "off_grid"),
        ("第 4 行 J 列“人数”", "over_capacity"),
        ("第 5 行 I 列“签到时间”", "outside_opening_hours"),
        ("第 6 行 I 列“签到时间”", "outside_opening_hours"),
    ]
    assert report.warnings[0].message == "按现行开放时间，这个时间不开放；已按台账原样导入。"
    early = Booking.objects.get(starts_at=at(10, 7, month=11))
    # No scene covers it: the windows follow the public-benefit defaults.
    assert (early.scene, early.scene_kind, early.checkin_closes_at) == (
        None, "", at(10, 7, 15, month=11)
    )  # fmt: skip


def test_a_confirmed_booking_never_checked_in_is_recorded_as_a_no_show(frozen, scenes, room):
    report = run(ledger(booking(状态="已确认"), booking(开始时间="14:00", 结束时间="15:00",
                                                     状态="待审核")))  # fmt: skip
    no_show, lapsed = Booking.objects.order_by("starts_at")
    assert (no_show.status, lapsed.status) == (Status.NO_SHOW, Status.REJECTED)
    assert [w.code for w in report.warnings] == ["recorded_no_show", "recorded_lapsed"]


def test_overnight_bookings_use_next_day(frozen, scenes, room):
    run(ledger(booking(开始时间="20:00", 结束时间="次日01:00")))
    b = Booking.objects.get()
    assert (b.ends_at, b.local_date) == (at(11, 1, month=11), dt.date(2026, 11, 10))


def test_a_rating_without_a_recorded_visit_is_a_warning(frozen, scenes, room):
    report = run(ledger(rating()))
    assert [w.code for w in report.warnings] == ["rating_without_visit"]
    assert Rating.objects.count() == 1


def test_file_level_problems(frozen, scenes, room):
    assert errors(b"") == [("第 1 行", "empty", "文件是空的，第 1 行应是列名。")]
    assert [c for _l, c, _m in errors("类型,日子\n".encode())] == [
        "unknown_column", "missing_column"
    ]  # fmt: skip
    assert [c for _l, c, _m in errors(b"\xff\xfe\x00\x00")] == ["encoding"]


def test_errors_are_capped_and_counted(frozen, scenes, room):
    data = ledger(*[rating(评分="9", 日期=f"2026-11-{d:02d}") for d in range(1, 31)] * 4)
    with pytest.raises(LedgerImportError) as exc:
        run(data)
    assert (len(exc.value.problems), exc.value.count, exc.value.unlisted) == (100, 120, 20)


def test_a_person_may_only_import_into_venues_they_operate(frozen, scenes, room, operator):
    from linli.errors import PermissionDenied
    from tests.factories import RoomFactory, UserFactory, VenueFactory

    elsewhere = VenueFactory(name="别的茶馆")
    RoomFactory(venue=elsewhere, name="议事茶亭")
    data = ledger(booking(场馆="别的茶馆"))
    assert [c for _l, c, _m in errors(data, user=operator)] == ["unknown_venue"]
    assert run(data).new_total == 1  # the command line may
    stranger = UserFactory(username="stranger", is_staff=True)
    with pytest.raises(PermissionDenied):
        run(ledger(booking()), user=stranger)
    with pytest.raises(PermissionDenied):
        run(ledger(booking()), user=operator, venue=elsewhere)


def test_an_empty_venue_cell_means_the_given_venue(frozen, scenes, room, venue, operator):
    report = run(ledger(booking(场馆="")), user=operator, venue=venue)
    assert report.venue_ids == [venue.pk]
    assert Booking.objects.get().venue == venue


def test_ambiguous_venue_names_are_errors(frozen, scenes, room):
    from tests.factories import CommunityFactory, VenueFactory

    VenueFactory(name="五福茶馆", community=CommunityFactory(name="别的社区"))
    assert [c for _l, c, _m in errors(ledger(booking()))] == ["ambiguous_venue"]
    assert run(ledger(booking()), community=room.venue.community).new_total == 1


# --- manage.py import_ledger --------------------------------------------------------------


def command(path, *args):
    from io import StringIO

    from django.core.management import call_command

    out, err = StringIO(), StringIO()
    call_command("import_ledger", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_imports_and_prints_the_report(frozen, scenes, room, venue, tmp_path):
    path = tmp_path / "台账.csv"
    path.write_bytes(ledger(booking(场馆="", 开始时间="07:00", 结束时间="08:00"),
                            encoding="gbk"))  # fmt: skip
    out, _err = command(path, "--venue", str(venue.pk), "--dry-run")
    assert "试运行" in out and not Booking.objects.exists()
    out, _err = command(path, "--venue", str(venue.pk))
    assert "提醒：第 2 行 F 列“开始时间”: 按现行开放时间，这个时间不开放" in out
    assert "新增 1 条（预约 1）；已导入过 0 条；提醒 1 条" in out
    out, _err = command(path, "--venue", str(venue.pk))
    assert "新增 0 条；已导入过 1 条（预约 1）" in out
    assert Booking.objects.count() == 1


def test_the_command_fails_with_every_error_and_writes_nothing(frozen, scenes, room, tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "ledger.csv"
    path.write_bytes(ledger(booking(), rating(评分="9"), booking(日期="昨天")))
    with pytest.raises(CommandError, match="发现 2 处错误，没有写入任何数据"):
        command(path)
    assert not Booking.objects.exists()
    with pytest.raises(CommandError, match="无法读取文件"):
        command(tmp_path / "missing.csv")
    with pytest.raises(CommandError, match="找不到 ID 为 999 的场馆"):
        command(path, "--venue", "999")


def test_the_command_lists_errors_on_stderr(frozen, scenes, room, tmp_path, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    path = tmp_path / "ledger.csv"
    path.write_bytes(ledger(rating(评分="9")))
    from io import StringIO

    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_ledger", str(path), stderr=err)
    assert err.getvalue() == "第 2 行 M 列“评分”: 须是 1 到 5 之间的整数。\n"


def test_the_documented_example_imports(frozen, scenes, room, venue):
    from pathlib import Path

    from tests.factories import RoomFactory

    RoomFactory(venue=venue, name="长者空间")
    RoomFactory(venue=venue, name="社区书屋")
    doc = (Path(__file__).parents[2] / "docs" / "ledger-format.md").read_text()
    example = doc.split("```csv\n", 1)[1].split("```", 1)[0]
    report = run(example.encode("gbk"))
    assert dict(report.new) == {"booking": 3, "checkin": 1, "headcount": 1, "rating": 1}
    assert Booking.objects.get(status=Status.NO_SHOW).ends_at == at(14, 1, month=11)


def test_a_residents_walk_in_counts_once_a_day(frozen, scenes, room):
    report = run(ledger(checkin(签到时间="09:30"), checkin(签到时间="15:00")))
    assert [(w.label, w.code) for w in report.warnings] == [("第 3 行", "walk_in_once_a_day")]
    assert CheckIn.objects.get().at == at(11, 9, 30, month=11)


def test_event_checkins_match_the_event_by_title(frozen, scenes, room, venue):
    from scenes.models import Event

    header = ("类型", "场馆", "功能室", "电话", "日期", "签到时间", "活动")
    event = Event.objects.create(
        venue=venue, room=room, title="品茶议事会", starts_at=at(11, 15, month=11),
        ends_at=at(11, 17, month=11), status=Event.Status.PUBLISHED, capacity=20,
    )  # fmt: skip
    rows = [
        {"类型": "签到", "场馆": "五福茶馆", "电话": NEW_PHONE, "日期": "2026-11-11",
         "签到时间": "14:50", "活动": "品茶议事会"},
        {"类型": "签到", "场馆": "五福茶馆", "电话": NEW_PHONE, "日期": "2026-11-12",
         "签到时间": "14:50", "活动": "手工课"},
    ]  # fmt: skip
    report = run(ledger(*rows, header=header))
    assert [w.code for w in report.warnings] == ["unknown_event"]
    found, unknown = CheckIn.objects.order_by("at")
    assert (found.kind, found.event, unknown.kind, unknown.event) == ("event", event, "event", None)
    assert run(ledger(*rows, header=header)).existing_total == 2


def test_a_database_refusal_is_a_file_error_and_writes_nothing(frozen, scenes, room, monkeypatch):
    from django.db import IntegrityError

    from bookings.ledger import apply

    def refuse(self, ratings):
        raise IntegrityError("bookings_rating_once_per_visit")

    monkeypatch.setattr(apply.Writer, "_ratings", refuse)
    assert errors(ledger(booking(), rating())) == [
        ("第 1 行", "conflict", "与数据库中的现有记录冲突，请重新导入。")
    ]
    assert state() == ([], [], [])


@pytest.mark.parametrize(
    ("date", "start", "end", "starts_at", "ends_at"),
    [
        ("2026/11/9 0:00", "下午2:00", "下午3:30", at(9, 14, month=11), at(9, 15, 30, month=11)),
        ("2026年11月9日", "上午9:00", "下午12:00", at(9, 9, month=11), at(9, 12, month=11)),
        ("2026.11.9", "14:00:00", "15：00", at(9, 14, month=11), at(9, 15, month=11)),
        ("2026-11-09", "22:00", "24:00", at(9, 22, month=11), at(10, 0, month=11)),
    ],
)
def test_dates_and_times_as_excel_writes_them(frozen, scenes, room, date, start, end,
                                              starts_at, ends_at):  # fmt: skip
    run(ledger(booking(日期=date, 开始时间=start, 结束时间=end)))
    assert Booking.objects.values_list("starts_at", "ends_at").get() == (starts_at, ends_at)


def test_a_twelve_hour_time_over_twelve_is_an_error(frozen, scenes, room):
    assert [c for _l, c, _m in errors(ledger(booking(开始时间="下午14:00")))] == ["invalid_time"]
