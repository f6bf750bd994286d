"""The ledger upload at 360x640 with htmx: a wrong file shows every error by row and
column in place and keeps the form; a right file is checked, previewed and imported, the
confirmation where the operator is looking, without a page load."""

import datetime as dt

import pytest

from bookings.models import Booking, CheckIn
from tests.bookings.ledger_helpers import booking, headcount, ledger, rating

pytestmark = pytest.mark.browser


def test_upload_a_ledger_wrong_then_right(signed_in_page, live_server, room, venue, operator,
                                          tmp_path):  # fmt: skip
    day = (dt.date.today() - dt.timedelta(days=7)).isoformat()
    page = signed_in_page(operator)
    page.goto(f"{live_server.url}/operate/venues/{venue.pk}/ledger/")
    page.evaluate("window.linliMark = 'same page'")
    region = page.locator("#operate-region")

    wrong = tmp_path / "台账.csv"
    wrong.write_bytes(ledger(booking(日期=day), rating(日期=day, 评分="9"), encoding="gbk"))
    page.set_input_files("#id_file", str(wrong))
    page.get_by_role("button", name="检查文件").click()
    alert = region.get_by_role("alert")
    alert.wait_for()
    assert "第 3 行 M 列“评分”：须是 1 到 5 之间的整数。" in alert.inner_text()
    assert page.locator("#id_file").is_visible()  # the form stays, to choose the file again
    assert not Booking.objects.exists()

    right = tmp_path / "台账-改.csv"
    right.write_bytes(ledger(booking(日期=day), headcount(日期=day), encoding="gbk"))
    page.set_input_files("#id_file", str(right))
    page.get_by_role("button", name="检查文件").click()
    region.get_by_text("检查通过，确认导入？").wait_for()
    assert "将新增 2 条（预约 1、到场人数 1）" in region.inner_text()
    assert not Booking.objects.exists()
    page.get_by_role("button", name="导入 2 条记录").click()
    region.get_by_text("台账已导入：新增 2 条").wait_for()
    assert page.evaluate("window.linliMark") == "same page"
    assert Booking.objects.get().local_date.isoformat() == day
    assert CheckIn.objects.filter(visitor__isnull=True).get().headcount == 25
