"""The site works in a real browser on a small phone and loads nothing from other hosts."""

import pytest

from accounts.models import User

pytestmark = pytest.mark.browser


def test_home_page_is_chinese_and_fits_a_small_phone(page, live_server):
    response = page.goto(live_server.url + "/")

    assert response.status == 200
    assert page.get_by_role("heading", name="身边的社区空间").is_visible()
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.foreign_requests == []


def test_home_page_styles_load_from_this_server(page, live_server):
    stylesheets = []
    page.on("response", lambda r: stylesheets.append(r) if r.url.endswith(".css") else None)

    page.goto(live_server.url + "/")

    assert [r.status for r in stylesheets] == [200]
    assert stylesheets[0].url.startswith(live_server.url + "/static/")


def test_api_docs_render_swagger_ui_from_local_static_files(page, live_server):
    scripts = []
    page.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)

    page.goto(live_server.url + "/api/docs")

    page.locator(".swagger-ui .info .title").wait_for()
    assert "Linli API" in page.locator(".swagger-ui .info .title").inner_text()
    page.locator(".opblock").first.wait_for()  # the operations rendered from openapi.json
    assert any(url.endswith("/static/ninja/swagger-ui-bundle.js") for url in scripts)
    assert all(url.startswith(live_server.url) for url in scripts)
    assert page.foreign_requests == []


def test_a_superuser_signs_in_to_the_admin(page, live_server):
    User.objects.create_superuser(username="admin", password="a-long-demo-password")

    page.goto(live_server.url + "/admin/")
    assert "/admin/login/" in page.url
    page.locator("#id_username").fill("admin")
    page.locator("#id_password").fill("a-long-demo-password")
    page.locator("input[type=submit]").click()

    page.wait_for_url(live_server.url + "/admin/")
    assert page.locator("#user-tools").is_visible()
    assert page.locator("#logout-form").count() == 1
    assert page.foreign_requests == []


def test_admin_rejects_a_wrong_password(page, live_server):
    User.objects.create_superuser(username="admin", password="a-long-demo-password")

    page.goto(live_server.url + "/admin/login/")
    page.locator("#id_username").fill("admin")
    page.locator("#id_password").fill("not-the-password")
    page.locator("input[type=submit]").click()

    assert page.locator(".errornote").is_visible()
    assert "/admin/login/" in page.url
