"""The operator's ledger upload page (bookings.ledger_views): who may use it, a wrong file
shows every error by row and column and keeps the form, a right file is previewed (a dry
run) and then imported. Clock: 2026-12-01 08:00 Shanghai; history in November."""

import base64
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from bookings.models import Booking, CheckIn, Rating
from tests.bookings.desk_helpers import HTMX, text
from tests.bookings.ledger_helpers import booking, headcount, ledger, rating
from tests.factories import RoomFactory, UserFactory, VenueFactory, VenueRoleFactory

pytestmark = pytest.mark.django_db


def url(venue):
    return reverse("bookings:ledger", args=[venue.pk])


def upload(data, name="台账.csv"):
    return SimpleUploadedFile(name, data, content_type="text/csv")


def written():
    return Booking.objects.count(), CheckIn.objects.count(), Rating.objects.count()


@pytest.fixture
def other_operator_client(db):
    elsewhere = VenueFactory(name="别处书屋")
    RoomFactory(venue=elsewhere, name="议事茶亭")
    user = UserFactory(username="elsewhere-operator", is_staff=True)
    VenueRoleFactory(user=user, venue=elsewhere, role="operator")
    client = Client()
    client.force_login(user)
    return client


def test_only_the_venues_operators_may_use_it(
    frozen, scenes, venue, operator_client, other_operator_client, owner_client, anonymous
):
    data = {"file": upload(ledger(booking())), "action": "import"}
    assert other_operator_client.get(url(venue)).status_code == 403
    assert other_operator_client.post(url(venue), data).status_code == 403
    assert owner_client.get(url(venue)).status_code == 403
    response = anonymous.post(url(venue), {"file": upload(ledger(booking()))})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:staff-sign-in"))
    template = reverse("bookings:ledger-template", args=[venue.pk])
    assert other_operator_client.get(template).status_code == 403
    assert written() == (0, 0, 0)
    page = operator_client.get(url(venue))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'enctype="multipart/form-data"' in html and 'name="file"' in html
    assert f'href="{url(venue)}" aria-current="page"' in html  # a tab of the venue's pages


def test_another_operators_venue_named_in_the_file_is_an_error(
    frozen, scenes, venue, operator_client, other_operator_client
):
    response = operator_client.post(url(venue), {"file": upload(ledger(booking(场馆="别处书屋")))})
    assert "第 2 行 B 列“场馆”：找不到您可管理的场馆“别处书屋”。" in text(response)


def test_a_wrong_file_shows_every_error_and_keeps_the_form(
    frozen, scenes, room, venue, operator_client
):
    data = ledger(booking(结束时间="09:00"), rating(评分="7"))
    response = operator_client.post(url(venue), {"file": upload(data), "action": "preview"})
    assert response.status_code == 200
    page = text(response)
    assert "台账.csv：导入失败：发现 2 处错误，没有写入任何数据。" in page
    assert "第 2 行 G 列“结束时间”：结束时间须晚于开始时间" in page
    assert "第 3 行 M 列“评分”：须是 1 到 5 之间的整数。" in page
    html = response.content.decode()
    assert 'role="alert"' in html and 'name="file"' in html  # the form, to choose again
    assert written() == (0, 0, 0)
    # The same under htmx: only the region, still 200 so htmx swaps it.
    response = operator_client.post(url(venue), {"file": upload(data)}, **HTMX)
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith('<div id="operate-region">')
    assert "第 3 行 M 列“评分”" in text(response)
    # No file at all.
    response = operator_client.post(url(venue), {"action": "preview"})
    assert "请选择台账文件（CSV）。" in text(response)


def test_a_right_file_is_previewed_then_imported(frozen, scenes, room, venue, operator_client):
    data = ledger(booking(场馆="", 开始时间="07:00", 结束时间="08:00"), headcount(),
                  encoding="gbk")  # fmt: skip
    response = operator_client.post(url(venue), {"file": upload(data), "action": "preview"})
    page = text(response)
    assert "检查通过，确认导入？" in page
    assert "台账.csv：试运行（没有写入数据库）：将新增 2 条（预约 1、到场人数 1）" in page
    assert "第 2 行 F 列“开始时间”：按现行开放时间，这个时间不开放；已按台账原样导入。" in page
    assert written() == (0, 0, 0)
    content = re.search(r'name="content" value="([^"]+)"', response.content.decode()).group(1)
    assert base64.b64decode(content) == data
    response = operator_client.post(
        url(venue), {"content": content, "name": "台账.csv", "action": "import"}
    )
    assert response.status_code == 302 and response["Location"] == url(venue)
    assert written() == (1, 2, 0)
    follow = text(operator_client.get(url(venue)))
    assert "台账已导入：新增 2 条（预约 1、到场人数 1）；已导入过 0 条；提醒 1 条" in follow
    # Again, under htmx: nothing new, said in the region.
    response = operator_client.post(
        url(venue), {"content": content, "name": "台账.csv", "action": "import"}, **HTMX
    )
    assert "台账已导入：新增 0 条；已导入过 2 条（预约 1、到场人数 1）" in text(response)
    assert written() == (1, 2, 0)


def test_the_template_is_a_file_the_page_accepts(frozen, scenes, room, venue, operator_client):
    response = operator_client.get(reverse("bookings:ledger-template", args=[venue.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf") and "五福茶馆".encode() in body
    # Its example rows are in March 2026: a valid ledger as it stands.
    response = operator_client.post(url(venue), {"file": upload(body), "action": "preview"})
    assert "将新增 4 条（预约 1、签到 1、到场人数 1、评价 1）" in text(response)
