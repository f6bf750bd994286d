import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client

from accounts import personal_data
from accounts.models import LoginCode, User
from accounts.privacy import PRIVACY_POLICY_VERSION
from accounts.tokens import api_token_create
from tests.factories import ResidentFactory, UserFactory

T0 = dt.datetime(2026, 9, 30, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
PHONE = "13800000009"
JSON = "application/json"

pytestmark = pytest.mark.django_db


@pytest.fixture
def now(time_machine):
    time_machine.move_to(T0, tick=False)
    return time_machine


@pytest.fixture
def api():
    return Client()


def post(client, path, body=None, **extra):
    return client.post(f"/api/accounts{path}", json.dumps(body or {}), content_type=JSON, **extra)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


# --- requesting and verifying codes ------------------------------------------------------


def test_requesting_a_code_answers_202(api, now, sms_outbox):
    response = post(api, "/otp/request", {"phone": "+86 138 0000 0009"})
    assert response.status_code == 202
    assert response.json() == {"resend_after": 60, "expires_in": 300}
    assert [m.phone for m in sms_outbox] == [PHONE]


def test_an_invalid_number_is_422_invalid_phone(api, now, sms_outbox):
    response = post(api, "/otp/request", {"phone": "12345"})
    assert response.status_code == 422
    assert response.json() == {
        "code": "invalid_phone",
        "message": "请输入正确的11位手机号。",
        "fields": {"phone": ["请输入正确的11位手机号。"]},
    }
    assert LoginCode.objects.count() == 0
    assert sms_outbox == []


def test_a_missing_number_is_422_with_a_chinese_field_error(api):
    response = post(api, "/otp/request", {})
    assert response.status_code == 422
    assert response.json()["fields"] == {"phone": ["此项为必填。"]}


def test_a_second_request_within_a_minute_is_429_cooldown(api, now):
    post(api, "/otp/request", {"phone": PHONE})
    now.shift(dt.timedelta(seconds=15))
    response = post(api, "/otp/request", {"phone": PHONE})
    assert response.status_code == 429
    assert response["Retry-After"] == "45"
    assert response.json() == {
        "code": "cooldown",
        "message": "验证码已发送，请 45 秒后再重新获取。",
        "retry_after": 45,
        "fields": {},
    }


def test_too_many_codes_is_429_rate_limited_for_a_few_minutes(api, now):
    for _ in range(3):
        assert post(api, "/otp/request", {"phone": PHONE}).status_code == 202
        now.shift(dt.timedelta(minutes=1))
    response = post(api, "/otp/request", {"phone": PHONE})
    assert response.status_code == 429
    assert response["Retry-After"] == str(2 * 60)
    body = response.json()
    assert (body["code"], body["retry_after"]) == ("rate_limited", 120)
    assert body["message"] == "获取验证码过于频繁，请 2 分钟后再试。"
    now.shift(dt.timedelta(minutes=2))
    assert post(api, "/otp/request", {"phone": PHONE}).status_code == 202


def test_the_ip_limit_uses_the_address_behind_the_proxy(api, now, settings):
    settings.NUM_PROXIES = 1
    for n in range(20):
        response = post(
            api,
            "/otp/request",
            {"phone": f"139000000{n:02d}"},
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 198.51.100.7",
        )
        assert response.status_code == 202
    blocked = post(
        api, "/otp/request", {"phone": "13900000099"}, HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert blocked.json()["code"] == "rate_limited"
    other = post(api, "/otp/request", {"phone": "13900000099"}, HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert other.status_code == 202
    assert LoginCode.objects.filter(ip="198.51.100.7").count() == 20


def test_verifying_signs_the_session_in_and_asks_for_consent(api, now, sms_code):
    post(api, "/otp/request", {"phone": PHONE})
    response = post(api, "/otp/verify", {"phone": "138-0000-0009", "code": sms_code()})

    assert response.status_code == 200
    body = response.json()
    user = User.objects.get()
    assert body["created"] is True
    assert body["consent_required"] is True
    assert body["csrf_token"]
    assert body["user"] == {
        "id": user.pk,
        "username": PHONE,
        "phone": PHONE,
        "phone_masked": "138****0009",
        "display_name": "",
        "is_staff": False,
        "consent_required": True,
        "privacy_consent_at": None,
        "privacy_consent_version": "",
        "privacy_policy_version": PRIVACY_POLICY_VERSION,
    }
    assert int(api.session["_auth_user_id"]) == user.pk
    assert api.get("/api/accounts/me").json()["id"] == user.pk


def test_a_returning_resident_needs_no_consent(api, now, sms_code):
    ResidentFactory(phone=PHONE)
    post(api, "/otp/request", {"phone": PHONE})
    body = post(api, "/otp/verify", {"phone": PHONE, "code": sms_code()}).json()
    assert (body["created"], body["consent_required"]) == (False, False)


def test_a_wrong_code_is_422_invalid_code_and_signs_nobody_in(api, now, sms_code):
    post(api, "/otp/request", {"phone": PHONE})
    response = post(api, "/otp/verify", {"phone": PHONE, "code": wrong(sms_code())})
    assert response.status_code == 422
    assert response.json() == {
        "code": "invalid_code",
        "message": "验证码不正确，还可以再试 4 次。",
        "fields": {"code": ["验证码不正确，还可以再试 4 次。"]},
    }
    assert "_auth_user_id" not in api.session
    assert User.objects.count() == 0
    assert LoginCode.objects.get().attempts == 1


def test_a_wrong_code_reads_the_same_with_or_without_an_account(api, now, sms_code):
    ResidentFactory(phone="13800000001")
    bodies = []
    for phone in ("13800000001", "13800000002"):
        post(api, "/otp/request", {"phone": phone})
        response = post(api, "/otp/verify", {"phone": phone, "code": wrong(sms_code())})
        bodies.append((response.status_code, response.json()))
    assert bodies[0] == bodies[1]


def test_an_expired_code_is_422_code_expired(api, now, sms_code):
    post(api, "/otp/request", {"phone": PHONE})
    now.shift(dt.timedelta(minutes=5, seconds=1))
    response = post(api, "/otp/verify", {"phone": PHONE, "code": sms_code()})
    assert (response.status_code, response.json()["code"]) == (422, "code_expired")


def test_a_used_code_is_422_code_used(api, now, sms_code):
    post(api, "/otp/request", {"phone": PHONE})
    code = sms_code()
    assert post(api, "/otp/verify", {"phone": PHONE, "code": code}).status_code == 200
    response = post(Client(), "/otp/verify", {"phone": PHONE, "code": code})
    assert (response.status_code, response.json()["code"]) == (422, "code_used")


def test_the_fifth_wrong_code_is_429_too_many_attempts(api, now, sms_code):
    post(api, "/otp/request", {"phone": PHONE})
    code = sms_code()
    statuses = [
        post(api, "/otp/verify", {"phone": PHONE, "code": wrong(code)}).status_code
        for _ in range(5)
    ]
    assert statuses == [422, 422, 422, 422, 429]
    response = post(api, "/otp/verify", {"phone": PHONE, "code": code})
    assert response.status_code == 429
    assert response.json()["code"] == "too_many_attempts"
    assert "Retry-After" not in response  # a new code can be asked for right away


def test_verifying_an_invalid_number_is_invalid_phone(api):
    response = post(api, "/otp/verify", {"phone": "1", "code": "123456"})
    assert (response.status_code, response.json()["code"]) == (422, "invalid_phone")


# --- CSRF ----------------------------------------------------------------------------------


@pytest.fixture
def browser():
    """A client that, like a browser, is held to Django's CSRF rules."""
    return Client(enforce_csrf_checks=True)


def csrf_token(client) -> str:
    response = client.get("/api/accounts/csrf")
    assert response.status_code == 200
    assert settings.CSRF_COOKIE_NAME in response.cookies
    return response.json()["csrf_token"]


def test_a_browser_without_the_csrf_header_is_403(browser, now, sms_outbox):
    csrf_token(browser)
    response = post(browser, "/otp/request", {"phone": PHONE})
    assert response.status_code == 403
    assert response.json() == {
        "code": "csrf_failed",
        "message": "安全校验未通过（CSRF），请刷新页面后重试。",
        "fields": {},
    }
    assert LoginCode.objects.count() == 0
    assert sms_outbox == []


def test_a_browser_with_the_csrf_header_gets_through(browser, now, sms_code):
    token = csrf_token(browser)
    response = post(browser, "/otp/request", {"phone": PHONE}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 202
    response = post(
        browser, "/otp/verify", {"phone": PHONE, "code": sms_code()}, HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 200
    # Signing in rotates the token; the new one is in the body and the cookie.
    new_token = response.json()["csrf_token"]
    response = post(
        browser, "/consent", {"version": PRIVACY_POLICY_VERSION}, HTTP_X_CSRFTOKEN=new_token
    )
    assert response.status_code == 200
    assert response.json()["consent_required"] is False


def test_login_csrf_from_another_site_is_refused(browser, now, sms_code):
    """An attacker's page must not sign the visitor into the attacker's account."""
    Client().post("/api/accounts/otp/request", json.dumps({"phone": PHONE}), content_type=JSON)
    # The browser withholds our SameSite cookies on a cross-site POST but says where from.
    response = post(
        browser,
        "/otp/verify",
        {"phone": PHONE, "code": sms_code()},
        HTTP_ORIGIN="https://evil.example",
        HTTP_SEC_FETCH_SITE="cross-site",
    )
    assert (response.status_code, response.json()["code"]) == (403, "csrf_failed")
    assert "_auth_user_id" not in browser.session
    assert LoginCode.objects.get().used_at is None


def test_a_cross_site_form_cannot_pass_as_json(browser, now):
    response = browser.post(
        "/api/accounts/otp/request", '{"phone": "13800000009"}', content_type="text/plain"
    )
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_a_cookieless_json_client_needs_no_csrf_token(browser, now):
    response = post(browser, "/otp/request", {"phone": PHONE})
    assert response.status_code == 202


def test_a_signed_in_session_needs_the_csrf_header_to_write(browser, owner):
    browser.force_login(owner)
    token = csrf_token(browser)
    response = browser.patch(
        "/api/accounts/me", json.dumps({"display_name": "张阿姨"}), content_type=JSON
    )
    assert (response.status_code, response.json()["code"]) == (403, "csrf_failed")
    response = browser.patch(
        "/api/accounts/me",
        json.dumps({"display_name": "张阿姨"}),
        content_type=JSON,
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200
    # Reading needs no token.
    assert browser.get("/api/accounts/me").status_code == 200


def test_a_display_name_of_only_spaces_is_a_422_with_its_code(browser, owner):
    browser.force_login(owner)
    response = browser.patch(
        "/api/accounts/me",
        json.dumps({"display_name": "   "}),
        content_type=JSON,
        HTTP_X_CSRFTOKEN=csrf_token(browser),
    )
    assert response.status_code == 422
    assert response.json() == {
        "code": "display_name_blank",
        "message": "称呼不能只有空格。请填写一个称呼，或者清空后保存。",
        "fields": {"display_name": ["称呼不能只有空格。请填写一个称呼，或者清空后保存。"]},
    }
    owner.refresh_from_db()
    assert owner.display_name == "张阿姨"


# --- tokens ----------------------------------------------------------------------------------


def test_a_bad_token_is_401_json(browser):
    for response in (
        browser.get("/api/accounts/me", HTTP_AUTHORIZATION="Bearer ll_nope"),
        post(browser, "/consent", {}, HTTP_AUTHORIZATION="Bearer ll_nope"),
        browser.get("/api/accounts/me"),
    ):
        assert response.status_code == 401
        assert response.json() == {
            "code": "unauthenticated",
            "message": "请登录或提供有效的 API 令牌。",
            "fields": {},
        }


def test_a_bad_token_is_not_rescued_by_a_session(browser, owner):
    browser.force_login(owner)
    response = browser.get("/api/accounts/me", HTTP_AUTHORIZATION="Bearer ll_nope")
    assert response.status_code == 401


def test_a_token_works_without_csrf(browser, owner):
    _token, plain = api_token_create(user=owner)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {plain}"}
    assert browser.get("/api/accounts/me", **auth).json()["id"] == owner.pk
    response = browser.patch(
        "/api/accounts/me", json.dumps({"display_name": "张阿姨"}), content_type=JSON, **auth
    )
    assert response.status_code == 200


# --- consent, me ---------------------------------------------------------------------------


@pytest.fixture
def newcomer():
    return ResidentFactory(phone=PHONE, privacy_consent_at=None, privacy_consent_version="")


@pytest.fixture
def newcomer_client(newcomer):
    client = Client()
    client.force_login(newcomer)
    return client


def test_consent_is_recorded(newcomer_client, newcomer, now):
    response = post(newcomer_client, "/consent", {})
    assert response.status_code == 200
    assert response.json()["privacy_consent_at"] == "2026-09-30T02:00:00Z"
    newcomer.refresh_from_db()
    assert (newcomer.privacy_consent_at, newcomer.privacy_consent_version) == (
        T0,
        PRIVACY_POLICY_VERSION,
    )


def test_consent_to_an_old_version_is_409(newcomer_client, newcomer):
    response = post(newcomer_client, "/consent", {"version": "2020-01"})
    assert (response.status_code, response.json()["code"]) == (409, "policy_version_mismatch")
    newcomer.refresh_from_db()
    assert newcomer.privacy_consent_at is None


def test_resident_endpoints_refuse_until_consent(newcomer_client, newcomer):
    response = newcomer_client.patch(
        "/api/accounts/me", json.dumps({"display_name": "小王"}), content_type=JSON
    )
    assert response.status_code == 403
    assert response.json() == {
        "code": "consent_required",
        "message": "请先阅读并同意隐私说明。",
        "fields": {},
    }
    newcomer.refresh_from_db()
    assert newcomer.display_name == ""
    # Reading one's own status is always allowed.
    assert newcomer_client.get("/api/accounts/me").json()["consent_required"] is True


def test_declining_signs_out_and_deletes_an_empty_account(newcomer_client, newcomer):
    response = post(newcomer_client, "/consent/decline")
    assert response.json() == {"account_deleted": True}
    assert not User.objects.filter(pk=newcomer.pk).exists()
    assert newcomer_client.get("/api/accounts/me").status_code == 401


def test_the_export_is_a_json_download(owner_client, owner):
    response = owner_client.get("/api/accounts/me/export")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="linli-')
    data = json.loads(response.content)
    assert data["sections"]["account"]["phone"] == owner.phone
    assert "张阿姨" in response.content.decode()  # readable Chinese, not \u escapes


def test_the_export_includes_other_apps_sections(owner_client, owner):
    personal_data.register("ratings", export=lambda user: [{"score": 5}])
    try:
        data = owner_client.get("/api/accounts/me/export").json()
    finally:
        personal_data.unregister("ratings")
    assert data["sections"]["ratings"] == [{"score": 5}]


def test_deleting_me_erases_the_account_and_signs_out(owner_client, owner):
    response = owner_client.delete("/api/accounts/me")
    assert response.status_code == 204
    assert not User.objects.filter(pk=owner.pk).exists()
    assert owner_client.get("/api/accounts/me").status_code == 401


def test_staff_cannot_delete_themselves_through_the_api(operator_client, operator):
    response = operator_client.delete("/api/accounts/me")
    assert (response.status_code, response.json()["code"]) == (403, "staff_account")
    assert User.objects.filter(pk=operator.pk).exists()


def test_signing_out(owner_client):
    assert post(owner_client, "/sign-out").status_code == 204
    assert owner_client.get("/api/accounts/me").status_code == 401


def test_signing_out_needs_csrf_in_a_browser(browser, owner):
    browser.force_login(owner)
    assert post(browser, "/sign-out").status_code == 403
    assert browser.get("/api/accounts/me").status_code == 200


def test_the_me_payload_for_staff(operator_client, operator):
    body = operator_client.get("/api/accounts/me").json()
    assert (body["username"], body["phone"], body["is_staff"]) == ("wufu-operator", None, True)


def test_an_unknown_user_token_owner_cannot_sign_in_through_otp_when_disabled(api, now, sms_code):
    UserFactory(username="someone", phone=PHONE, is_active=False)
    post(api, "/otp/request", {"phone": PHONE})
    response = post(api, "/otp/verify", {"phone": PHONE, "code": sms_code()})
    assert (response.status_code, response.json()["code"]) == (403, "account_disabled")
    assert "_auth_user_id" not in api.session
