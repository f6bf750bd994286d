import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts import personal_data
from accounts.admin import ApiTokenAdmin
from accounts.decorators import resident_required
from accounts.http import client_ip
from accounts.models import ApiToken, LoginCode, User
from accounts.privacy import PRIVACY_POLICY_VERSION
from accounts.tokens import api_token_create
from tests.factories import ResidentFactory, UserFactory

T0 = dt.datetime(2026, 9, 30, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
PHONE = "13800000009"
SIGN_IN = "/accounts/sign-in/"
HTMX = {"HX-Request": "true"}

pytestmark = pytest.mark.django_db


@pytest.fixture
def now(time_machine):
    time_machine.move_to(T0, tick=False)
    return time_machine


def text(response) -> str:
    return response.content.decode()


def ask_code(client, phone=PHONE, headers=None, **fields):
    return client.post(SIGN_IN, {"step": "request", "phone": phone, **fields}, headers=headers)


def enter_code(client, code, phone=PHONE, headers=None, **fields):
    data = {"step": "verify", "phone": phone, "code": code, **fields}
    return client.post(SIGN_IN, data, headers=headers)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


# --- sign-in page ----------------------------------------------------------------------------


def test_the_sign_in_page_asks_for_a_phone_number(anonymous):
    response = anonymous.get(SIGN_IN)
    assert response.status_code == 200
    page = text(response)
    assert "手机号登录" in page
    assert 'type="tel"' in page
    assert 'name="phone"' in page
    assert "获取验证码" in page
    assert 'hx-post="/accounts/sign-in/"' in page
    assert 'href="/accounts/staff/sign-in/"' in page
    assert "/static/js/accounts.js" in page


def test_asking_for_a_code_shows_the_code_step(anonymous, now, sms_outbox):
    response = ask_code(anonymous, phone="138 0000 0009")
    assert response.status_code == 200
    page = text(response)
    assert 'data-step="code"' in page
    assert 'inputmode="numeric"' in page
    assert 'autocomplete="one-time-code"' in page
    assert "短信已发送至 138****0009" in page
    assert 'data-cooldown="60"' in page
    assert "60秒后可重新获取" in page
    assert f'name="phone" value="{PHONE}"' in page
    assert [m.phone for m in sms_outbox] == [PHONE]


def test_an_invalid_number_re_renders_with_the_typed_value(anonymous, now, sms_outbox):
    response = ask_code(anonymous, phone="138 0000")
    assert response.status_code == 422
    page = text(response)
    assert 'data-step="phone"' in page
    assert "请输入正确的11位手机号。" in page
    assert 'value="138 0000"' in page
    assert 'aria-invalid="true"' in page
    assert sms_outbox == []


def test_an_empty_number_says_so_in_chinese(anonymous):
    response = ask_code(anonymous, phone="")
    assert response.status_code == 422
    assert "请输入手机号。" in text(response)


def test_htmx_gets_only_the_fragment_and_a_swappable_status(anonymous, now):
    response = ask_code(anonymous, phone="138", headers=HTMX)
    assert response.status_code == 200
    page = text(response)
    assert page.lstrip().startswith('<section id="sign-in"')
    assert "<html" not in page
    assert "请输入正确的11位手机号。" in page

    response = ask_code(anonymous, headers=HTMX)
    assert response.status_code == 200
    assert (
        text(response)
        .lstrip()
        .startswith('<section id="sign-in" class="sign-in" data-step="code">')
    )


def test_asking_again_during_the_cooldown_goes_to_the_code_step(anonymous, now, sms_outbox):
    ask_code(anonymous)
    now.shift(dt.timedelta(seconds=10))
    response = ask_code(anonymous)
    assert response.status_code == 200
    page = text(response)
    assert 'data-step="code"' in page
    assert "验证码已发送，请查看短信。" in page
    assert 'data-cooldown="50"' in page
    assert len(sms_outbox) == 1


def test_resending_too_early_says_how_long_to_wait(anonymous, now, sms_outbox):
    ask_code(anonymous)
    now.shift(dt.timedelta(seconds=25))
    response = ask_code(anonymous, **{"from": "code"})
    assert response.status_code == 429
    assert response["Retry-After"] == "35"
    page = text(response)
    assert 'data-step="code"' in page
    assert "验证码已发送，请 35 秒后再重新获取。" in page
    assert len(sms_outbox) == 1


def test_resending_after_the_cooldown_sends_a_new_code(anonymous, now, sms_outbox):
    ask_code(anonymous)
    now.shift(dt.timedelta(seconds=60))
    response = ask_code(anonymous, **{"from": "code"})
    assert response.status_code == 200
    assert len(sms_outbox) == 2


def test_rate_limited_requests_are_429_with_the_wait(anonymous, now):
    for _ in range(3):
        ask_code(anonymous)
        now.shift(dt.timedelta(minutes=1, seconds=1))
    response = ask_code(anonymous)
    assert response.status_code == 429
    assert "获取验证码过于频繁，请 2 分钟后再试。" in text(response)
    assert 'data-step="phone"' in text(response)


def test_a_wrong_code_keeps_what_was_typed(anonymous, now, sms_code):
    ask_code(anonymous)
    typed = wrong(sms_code())
    response = enter_code(anonymous, typed)
    assert response.status_code == 422
    page = text(response)
    assert 'data-step="code"' in page
    assert "验证码不正确，还可以再试 4 次。" in page
    assert f'value="{typed}"' in page
    assert "_auth_user_id" not in anonymous.session


def test_a_missing_code_says_so(anonymous, now):
    ask_code(anonymous)
    response = enter_code(anonymous, "")
    assert response.status_code == 422
    assert "请输入短信中的6位数字验证码。" in text(response)


def test_an_expired_code_says_to_ask_again(anonymous, now, sms_code):
    ask_code(anonymous)
    now.shift(dt.timedelta(minutes=6))
    response = enter_code(anonymous, sms_code())
    assert "验证码已过期，请重新获取。" in text(response)
    # The resend button is ready again.
    assert 'data-cooldown="0"' in text(response)


def test_the_first_sign_in_goes_to_consent_then_back(anonymous, now, sms_code):
    ask_code(anonymous, next="/venues/")
    response = enter_code(anonymous, sms_code(), next="/venues/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/consent/?next=%2Fvenues%2F"
    user = User.objects.get(phone=PHONE)
    assert int(anonymous.session["_auth_user_id"]) == user.pk

    response = anonymous.get(response["Location"])
    assert response.status_code == 200
    assert "使用前请阅读隐私说明" in text(response)
    response = anonymous.post("/accounts/consent/", {"decision": "accept", "next": "/venues/"})
    assert response["Location"] == "/venues/"
    user.refresh_from_db()
    assert (user.privacy_consent_at, user.privacy_consent_version) == (T0, PRIVACY_POLICY_VERSION)


def test_a_returning_resident_goes_straight_to_next(anonymous, now, sms_code):
    ResidentFactory(phone=PHONE)
    ask_code(anonymous)
    response = enter_code(anonymous, sms_code(), next="/venues/3/")
    assert response["Location"] == "/venues/3/"


def test_next_may_not_leave_the_site(anonymous, now, sms_code):
    ResidentFactory(phone=PHONE)
    ask_code(anonymous)
    response = enter_code(anonymous, sms_code(), next="https://evil.example/")
    assert response["Location"] == "/"


def test_htmx_sign_in_redirects_the_whole_page(anonymous, now, sms_code):
    ResidentFactory(phone=PHONE)
    ask_code(anonymous)
    response = enter_code(anonymous, sms_code(), headers=HTMX)
    assert response["HX-Redirect"] == "/"


def test_a_signed_in_visitor_is_sent_on(owner_client):
    response = owner_client.get(SIGN_IN + "?next=/venues/")
    assert response["Location"] == "/venues/"


def test_the_sign_in_form_needs_csrf(now, sms_outbox):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(SIGN_IN, {"step": "request", "phone": PHONE})
    assert response.status_code == 403
    assert sms_outbox == []


# --- resident_required -----------------------------------------------------------------------


@resident_required
def resident_page(request):
    return HttpResponse("ok")


def test_resident_pages_send_anonymous_visitors_to_sign_in(anonymous):
    response = anonymous.get("/accounts/me/")
    assert response["Location"] == "/accounts/sign-in/?next=%2Faccounts%2Fme%2F"


def test_resident_pages_send_people_without_consent_to_the_consent_page():
    newcomer = ResidentFactory(privacy_consent_at=None, privacy_consent_version="")
    client = Client()
    client.force_login(newcomer)
    response = client.get("/accounts/me/")
    assert response["Location"] == "/accounts/consent/?next=%2Faccounts%2Fme%2F"


def test_resident_pages_ask_again_when_the_statement_changes(owner_client, monkeypatch):
    monkeypatch.setattr("accounts.privacy.PRIVACY_POLICY_VERSION", "2027-05")
    response = owner_client.get("/accounts/me/")
    assert response["Location"].startswith("/accounts/consent/")


def test_resident_required_lets_consented_residents_through(owner):
    request = RequestFactory().get("/bookings/")
    request.user = owner
    assert resident_page(request).content == b"ok"


def test_resident_required_redirects_htmx_with_hx_redirect():
    newcomer = ResidentFactory(privacy_consent_at=None, privacy_consent_version="")
    client = Client()
    client.force_login(newcomer)
    response = client.get(
        "/accounts/me/", HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/venues/2/"
    )
    assert response["HX-Redirect"] == "/accounts/consent/?next=%2Fvenues%2F2%2F"


# --- consent page ----------------------------------------------------------------------------


@pytest.fixture
def newcomer_client():
    newcomer = ResidentFactory(phone=PHONE, privacy_consent_at=None, privacy_consent_version="")
    client = Client()
    client.force_login(newcomer)
    client.user = newcomer
    return client


def test_the_consent_page_states_what_is_stored(newcomer_client):
    page = text(newcomer_client.get("/accounts/consent/"))
    for words in ("手机号", "预约记录", "签到记录", "评价", "7天后自动删除", "下载", "注销账户"):
        assert words in page
    assert f"版本 {PRIVACY_POLICY_VERSION}" in page
    assert 'value="accept"' in page and 'value="decline"' in page


def test_the_consent_page_needs_sign_in(anonymous):
    response = anonymous.get("/accounts/consent/")
    assert response["Location"].startswith("/accounts/sign-in/")


def test_declining_signs_out_and_deletes_the_empty_account(newcomer_client):
    response = newcomer_client.post("/accounts/consent/", {"decision": "decline"}, follow=True)
    assert not User.objects.filter(pk=newcomer_client.user.pk).exists()
    assert "_auth_user_id" not in newcomer_client.session
    assert "刚创建的账户已删除" in text(response)


def test_declining_keeps_an_account_with_data(newcomer_client):
    personal_data.register("bookings", export=lambda user: [{"room": "议事茶亭"}])
    try:
        response = newcomer_client.post("/accounts/consent/", {"decision": "decline"}, follow=True)
    finally:
        personal_data.unregister("bookings")
    assert User.objects.filter(pk=newcomer_client.user.pk).exists()
    assert "_auth_user_id" not in newcomer_client.session
    assert "账户和记录仍然保留" in text(response)


def test_a_consented_visitor_skips_the_consent_page(owner_client):
    response = owner_client.get("/accounts/consent/?next=/venues/")
    assert response["Location"] == "/venues/"


# --- me, export, delete, sign out --------------------------------------------------------


def test_the_me_page_shows_the_masked_number_and_consent(owner_client, owner):
    page = text(owner_client.get("/accounts/me/"))
    assert "138****0001" in page
    assert owner.phone not in page
    assert f"2026年1月1日 同意（版本 {PRIVACY_POLICY_VERSION}）" in page
    assert 'href="/accounts/me/export/"' in page
    assert 'href="/accounts/me/delete/"' in page
    assert 'action="/accounts/sign-out/"' in page


def test_the_me_page_saves_the_display_name(owner_client, owner):
    response = owner_client.post("/accounts/me/", {"display_name": "张阿姨（三楼）"})
    assert response["Location"] == "/accounts/me/"
    owner.refresh_from_db()
    assert owner.display_name == "张阿姨（三楼）"


def test_a_too_long_display_name_is_refused_and_kept(owner_client, owner):
    response = owner_client.post("/accounts/me/", {"display_name": "长" * 41})
    assert response.status_code == 422
    assert "称呼最多40个字。" in text(response)
    assert "长" * 41 in text(response)


def test_a_display_name_of_only_spaces_is_refused_not_saved_as_empty(owner_client, owner):
    response = owner_client.post("/accounts/me/", {"display_name": " 　 "})
    assert response.status_code == 422
    assert "称呼不能只有空格。请填写一个称呼，或者清空后保存。" in text(response)
    owner.refresh_from_db()
    assert owner.display_name == "张阿姨"
    # Emptying the field on purpose still clears it; spaces around a name are trimmed.
    owner_client.post("/accounts/me/", {"display_name": "  李叔 "})
    owner.refresh_from_db()
    assert owner.display_name == "李叔"
    owner_client.post("/accounts/me/", {"display_name": ""})
    owner.refresh_from_db()
    assert owner.display_name == ""


def test_downloading_my_data(owner_client, owner):
    response = owner_client.get("/accounts/me/export/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="linli-personal-data-')
    assert "no-store" in response["Cache-Control"]
    assert json.loads(response.content)["sections"]["account"]["phone"] == owner.phone


def test_downloading_needs_sign_in_but_not_consent(anonymous, newcomer_client):
    assert anonymous.get("/accounts/me/export/")["Location"].startswith("/accounts/sign-in/")
    assert newcomer_client.get("/accounts/me/export/").status_code == 200


def test_deleting_asks_for_confirmation(owner_client, owner):
    page = text(owner_client.get("/accounts/me/delete/"))
    assert "注销账户" in page and 'name="confirm"' in page
    response = owner_client.post("/accounts/me/delete/", {})
    assert response.status_code == 422
    assert "请勾选确认后再注销。" in text(response)
    assert User.objects.filter(pk=owner.pk).exists()


def test_deleting_my_account(owner_client, owner):
    LoginCode.objects.create(
        phone=owner.phone, code_hash="x", expires_at=dt.datetime(2099, 1, 1, tzinfo=dt.UTC)
    )
    response = owner_client.post("/accounts/me/delete/", {"confirm": "on"}, follow=True)
    assert "账户已注销" in text(response)
    assert not User.objects.filter(pk=owner.pk).exists()
    assert LoginCode.objects.count() == 0
    assert "_auth_user_id" not in owner_client.session


def test_staff_cannot_delete_their_account_here(operator_client, operator):
    response = operator_client.post("/accounts/me/delete/", {"confirm": "on"})
    assert "工作人员账户不能在这里注销" in text(response)
    assert User.objects.filter(pk=operator.pk).exists()


def test_signing_out(owner_client):
    assert "退出登录" in text(owner_client.get("/accounts/sign-out/"))
    response = owner_client.post("/accounts/sign-out/")
    assert response["Location"] == "/"
    assert "_auth_user_id" not in owner_client.session


def test_the_privacy_page_is_public(anonymous):
    response = anonymous.get("/accounts/privacy/")
    assert response.status_code == 200
    page = text(response)
    assert "隐私说明" in page and "我们保存什么" in page and "您的权利" in page
    assert f"版本 {PRIVACY_POLICY_VERSION}" in page


def test_url_names_used_by_the_base_template():
    assert reverse("accounts:sign-in") == SIGN_IN
    assert reverse("accounts:me") == "/accounts/me/"
    assert reverse("accounts:privacy") == "/accounts/privacy/"


# --- staff -----------------------------------------------------------------------------------


def test_staff_sign_in_with_username_and_password(anonymous):
    UserFactory(username="wufu-operator", is_staff=True)
    page = text(anonymous.get("/accounts/staff/sign-in/"))
    assert "工作人员登录" in page and 'name="password"' in page
    response = anonymous.post(
        "/accounts/staff/sign-in/",
        {"username": "wufu-operator", "password": "correct horse battery staple", "next": "/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert anonymous.session["_auth_user_id"]


def test_a_wrong_password_is_explained_in_chinese(anonymous):
    UserFactory(username="wufu-operator", is_staff=True)
    response = anonymous.post(
        "/accounts/staff/sign-in/", {"username": "wufu-operator", "password": "nope"}
    )
    assert response.status_code == 200
    assert "用户名或密码不对。请检查后再试（区分大小写）；忘记密码请联系管理员。" in text(response)
    assert 'value="wufu-operator"' in text(response)


def test_staff_see_an_operate_link_and_their_own_me_page(operator_client, operator):
    home = text(operator_client.get("/"))
    assert '<a href="/operate/">运营</a>' in home
    assert '<a href="/accounts/staff/">我的</a>' in home
    # "我的" never sends staff to the residents' consent page.
    response = operator_client.get("/accounts/me/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/staff/"
    page = operator_client.get("/accounts/staff/")
    assert page.status_code == 200
    assert "wufu-operator" in text(page) and "工作人员" in text(page)
    assert 'href="/operate/"' in text(page)
    assert "管理后台" not in text(page)


def test_residents_never_see_the_staff_page_or_the_operate_link(owner_client):
    assert owner_client.get("/accounts/staff/").status_code == 403
    assert owner_client.get("/operate/").status_code == 403
    home = text(owner_client.get("/"))
    assert "运营" not in home
    assert '<a href="/accounts/me/">我的</a>' in home


def test_the_staff_page_asks_a_visitor_to_sign_in(anonymous):
    response = anonymous.get("/accounts/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


def test_residents_have_no_password_to_sign_in_with(anonymous, owner):
    response = anonymous.post(
        "/accounts/staff/sign-in/", {"username": owner.username, "password": ""}
    )
    assert "_auth_user_id" not in anonymous.session
    assert response.status_code == 200
    assert "请填写密码。" in text(response)


# --- admin -----------------------------------------------------------------------------------


@pytest.fixture
def admin_client():
    client = Client()
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    return client


def test_the_user_admin_shows_residents(admin_client, owner):
    page = text(admin_client.get("/admin/accounts/user/?q=13800000001"))
    assert "138****0001" in page
    change = text(admin_client.get(f"/admin/accounts/user/{owner.pk}/change/"))
    assert 'name="phone"' in change and 'name="display_name"' in change
    assert "同意隐私说明的时间" in change


def test_the_user_admin_normalises_and_checks_phone_numbers(admin_client):
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "li",
            "phone": "+86 139-0000-0001",
            "display_name": "李",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, text(response)
    assert User.objects.get(username="li").phone == "13900000001"
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "wang",
            "phone": "12345",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
            "usable_password": "true",
        },
    )
    assert response.status_code == 200
    assert "请输入正确的11位手机号。" in text(response)


def test_the_token_admin_never_shows_hashes_and_can_revoke(admin_client, owner):
    token, plain = api_token_create(user=owner, name="门禁")
    listing = text(admin_client.get("/admin/accounts/apitoken/"))
    assert token.prefix in listing
    assert token.token_hash not in listing and plain not in listing
    detail = text(admin_client.get(f"/admin/accounts/apitoken/{token.pk}/change/"))
    assert token.token_hash not in detail
    assert admin_client.get("/admin/accounts/apitoken/add/").status_code == 403

    response = admin_client.post(
        "/admin/accounts/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
        follow=True,
    )
    assert "已撤销 1 个令牌。" in text(response)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "token_hash" not in ApiTokenAdmin.fields


# --- helpers ---------------------------------------------------------------------------------


def test_client_ip_trusts_only_the_configured_proxies(settings):
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 1.2.3.4")
    settings.NUM_PROXIES = 0
    assert client_ip(request) == "127.0.0.1"
    settings.NUM_PROXIES = 1
    assert client_ip(request) == "1.2.3.4"
    settings.NUM_PROXIES = 2
    assert client_ip(request) == "6.6.6.6"
    bad = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="not-an-ip")
    settings.NUM_PROXIES = 1
    assert client_ip(bad) is None
    assert ApiToken.objects.count() == 0


def test_next_is_carried_through_the_sign_in_page(anonymous):
    page = text(anonymous.get(SIGN_IN + "?next=/venues/2/"))
    assert 'name="next" value="/venues/2/"' in page
    assert 'href="/accounts/staff/sign-in/?next=/venues/2/"' in page
    plain = text(anonymous.get(SIGN_IN))
    assert 'name="next" value=""' in plain
    assert 'href="/accounts/staff/sign-in/"' in plain
    unsafe = text(anonymous.get(SIGN_IN + "?next=https://evil.example/"))
    assert 'name="next" value=""' in unsafe
    assert 'href="/accounts/staff/sign-in/"' in unsafe


# --- resuming what the resident started (accounts.resume) ------------------------------------


@pytest.fixture
def teahouse_event(db):
    from scenes.models import Event
    from tests.factories import RoomFactory, VenueFactory

    room = RoomFactory(venue=VenueFactory(name="五福茶馆"), name="议事茶亭")
    starts_at = T0 + dt.timedelta(days=2)
    return Event.objects.create(
        venue=room.venue,
        room=room,
        title="品茶议事",
        capacity=2,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=1),
    )


def registrations(event):
    return list(event.registrations.values_list("resident__phone", "status"))


def test_tapping_register_signed_out_asks_to_sign_in_and_remembers_the_tap(
    anonymous, now, teahouse_event
):
    event = teahouse_event
    response = anonymous.post(f"/events/{event.pk}/register/", {"next": "/events/"})

    assert response.status_code == 302
    assert response["Location"] == f"{SIGN_IN}?next=%2Fevents%2F{event.pk}%2F"
    assert registrations(event) == []
    page = text(anonymous.get(response["Location"]))
    assert "登录后将为您报名“品茶议事”，不用再点一次。" in page
    assert f'name="next" value="/events/{event.pk}/"' in page


def test_the_remembered_tap_is_said_in_the_language_chosen_on_the_sign_in_page(
    anonymous, now, teahouse_event
):
    response = anonymous.post(f"/events/{teahouse_event.pk}/register/")
    anonymous.post("/i18n/setlang/", {"language": "en", "next": "/"})

    page = text(anonymous.get(response["Location"]))

    assert "we will register for “品茶议事” for you; no need to tap again." in page


def test_a_new_resident_is_registered_after_code_and_consent(
    anonymous, now, sms_code, teahouse_event
):
    event = teahouse_event
    detail = f"/events/{event.pk}/"
    anonymous.post(f"/events/{event.pk}/register/")
    ask_code(anonymous, next=detail)

    response = enter_code(anonymous, sms_code(), next=detail)

    # Not before consent: the resident has not agreed to anything yet.
    assert response["Location"] == f"/accounts/consent/?next=%2Fevents%2F{event.pk}%2F"
    assert registrations(event) == []
    consent_page = text(anonymous.get(response["Location"]))
    assert "同意后将为您报名“品茶议事”。" in consent_page

    response = anonymous.post(
        "/accounts/consent/", {"decision": "accept", "next": detail}, follow=True
    )

    assert response.redirect_chain == [(detail, 302)]
    assert registrations(event) == [(PHONE, "registered")]
    page = text(response)
    assert "报名成功。" in page
    assert "已报名" in page
    assert "取消报名" in page


def test_a_returning_resident_is_registered_by_the_code_step(
    anonymous, now, sms_code, teahouse_event
):
    ResidentFactory(phone=PHONE)
    event = teahouse_event
    anonymous.post(f"/events/{event.pk}/register/", headers=HTMX)
    ask_code(anonymous)

    response = enter_code(anonymous, sms_code(), next=f"/events/{event.pk}/", headers=HTMX)

    assert response["HX-Redirect"] == f"/events/{event.pk}/"
    assert registrations(event) == [(PHONE, "registered")]
    assert "报名成功。" in text(anonymous.get(f"/events/{event.pk}/"))


def test_a_full_event_puts_the_resumed_resident_on_the_waitlist(
    anonymous, now, sms_code, teahouse_event
):
    from scenes.services.registrations import event_register

    event = teahouse_event
    for phone in ("13800000101", "13800000102"):
        event_register(user=ResidentFactory(phone=phone), event=event)
    ResidentFactory(phone=PHONE)
    anonymous.post(f"/events/{event.pk}/register/")
    ask_code(anonymous)

    response = enter_code(anonymous, sms_code())

    assert response["Location"] == f"/events/{event.pk}/"
    assert (PHONE, "waitlisted") in registrations(event)
    assert "你已加入候补（第 1 位）" in text(anonymous.get(response["Location"]))


def test_a_resumed_registration_that_fails_says_why_on_the_event(
    anonymous, now, sms_code, teahouse_event
):
    event = teahouse_event
    ResidentFactory(phone=PHONE)
    anonymous.post(f"/events/{event.pk}/register/")
    type(event).objects.filter(pk=event.pk).update(status="cancelled")
    ask_code(anonymous)

    response = enter_code(anonymous, sms_code())

    assert response["Location"] == f"/events/{event.pk}/"
    assert registrations(event) == []
    assert "该活动已取消，不能报名。" in text(anonymous.get(response["Location"]))


def test_the_intent_runs_once_and_never_from_a_get(anonymous, now, sms_code, teahouse_event):
    event = teahouse_event
    anonymous.post(f"/events/{event.pk}/register/")
    ask_code(anonymous)
    enter_code(anonymous, sms_code())
    # Signed in, consent pending: GETs of the sign-in and consent pages do nothing.
    anonymous.get(SIGN_IN)
    anonymous.get(f"/accounts/consent/?next=/events/{event.pk}/")
    assert registrations(event) == []

    anonymous.post("/accounts/consent/", {"decision": "accept"})
    event.registrations.update(status="cancelled")
    anonymous.post("/accounts/consent/", {"decision": "accept"})

    assert registrations(event) == [(PHONE, "cancelled")]


def test_an_old_intent_is_dropped(anonymous, now, sms_code, teahouse_event):
    ResidentFactory(phone=PHONE)
    anonymous.post(f"/events/{teahouse_event.pk}/register/")
    now.shift(dt.timedelta(minutes=31))
    ask_code(anonymous)

    response = enter_code(anonymous, sms_code())

    assert response["Location"] == "/"
    assert registrations(teahouse_event) == []


def test_declining_consent_forgets_the_intent(anonymous, now, sms_code, teahouse_event):
    anonymous.post(f"/events/{teahouse_event.pk}/register/")
    ask_code(anonymous)
    enter_code(anonymous, sms_code())

    anonymous.post("/accounts/consent/", {"decision": "decline"})

    assert "linli_resume" not in anonymous.session
    assert registrations(teahouse_event) == []


def test_the_tap_needs_a_csrf_token(now, teahouse_event):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(f"/events/{teahouse_event.pk}/register/")
    assert response.status_code == 403
    assert "linli_resume" not in browser.session


def test_an_unknown_event_is_not_remembered(anonymous, db):
    response = anonymous.post("/events/999/register/")
    assert response.status_code == 404
    assert "linli_resume" not in anonymous.session


def test_the_consent_page_is_short(owner, now):
    owner.privacy_consent_at = None
    owner.privacy_consent_version = ""
    owner.save()
    client = Client()
    client.force_login(owner)
    page = text(client.get("/accounts/consent/"))
    # The accept button comes before the full statement, which is folded away.
    assert page.index("同意并继续") < page.index("<details")
    assert page.index("<details") < page.index("我们保存什么")
