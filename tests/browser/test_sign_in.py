"""A resident on a small phone signs in with a text-message code and agrees to the statement."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from accounts.privacy import PRIVACY_POLICY_VERSION

pytestmark = pytest.mark.browser

PHONE = "13800000009"


def newest_code(outbox) -> str:
    assert outbox, "no text message was sent"
    return re.search(r"(?<!\d)\d{6}(?!\d)", outbox[-1].message).group()


def test_a_resident_signs_in_with_a_code_and_consents(page, live_server, sms_outbox):
    page.goto(f"{live_server.url}/accounts/sign-in/")
    expect(page.get_by_role("heading", name="手机号登录")).to_be_visible()

    page.get_by_label("手机号").fill("138 0000 0009")
    page.get_by_role("button", name="获取验证码").click()

    code_input = page.get_by_label("验证码")
    expect(code_input).to_be_visible()
    expect(code_input).to_be_focused()
    expect(code_input).to_have_attribute("inputmode", "numeric")
    expect(code_input).to_have_attribute("autocomplete", "one-time-code")
    expect(page.get_by_text("短信已发送至 138****0009")).to_be_visible()
    resend = page.get_by_role("button", name=re.compile(r"\d+秒后可重新获取"))
    expect(resend).to_be_disabled()
    assert [m.phone for m in sms_outbox] == [PHONE]

    code_input.fill(newest_code(sms_outbox))
    page.get_by_role("button", name="登录", exact=True).click()

    page.wait_for_url(re.compile(r"/accounts/consent/"))
    expect(page.get_by_role("heading", name="使用前请阅读隐私说明")).to_be_visible()
    page.get_by_role("button", name="同意并继续").click()

    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("link", name="我的")).to_be_visible()
    user = User.objects.get(phone=PHONE)
    assert user.privacy_consent_version == PRIVACY_POLICY_VERSION
    assert user.privacy_consent_at is not None
    # One column that fits the screen: nothing to scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.get_by_role("link", name="我的").click()
    expect(page.get_by_text("138****0009")).to_be_visible()


def test_a_wrong_code_is_explained_and_kept(page, live_server, sms_outbox):
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.get_by_label("手机号").fill(PHONE)
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_label("验证码")).to_be_visible()
    code = newest_code(sms_outbox)
    wrong = f"{(int(code) + 1) % 10**6:06d}"

    page.get_by_label("验证码").fill(wrong)
    page.get_by_role("button", name="登录", exact=True).click()

    expect(page.get_by_text("验证码不正确，还可以再试 4 次。")).to_be_visible()
    expect(page.get_by_label("验证码")).to_have_value(wrong)
    assert not User.objects.filter(phone=PHONE).exists()


def test_signing_in_works_without_javascript(browser, live_server, transactional_db, sms_outbox):
    context = browser.new_context(
        viewport={"width": 360, "height": 640}, locale="zh-CN", java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/sign-in/?next=/accounts/me/")
        page.get_by_label("手机号").fill(PHONE)
        page.get_by_role("button", name="获取验证码").click()
        expect(page.get_by_label("验证码")).to_be_visible()
        page.get_by_label("验证码").fill(newest_code(sms_outbox))
        page.get_by_role("button", name="登录", exact=True).click()
        page.get_by_role("button", name="同意并继续").click()
        page.wait_for_url(f"{live_server.url}/accounts/me/")
        expect(page.get_by_text("138****0009")).to_be_visible()
    finally:
        context.close()
