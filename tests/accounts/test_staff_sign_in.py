"""The brute-force limit on staff password sign-in: the staff page and the Django admin."""

import datetime as dt
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import forms as auth_forms
from django.core.management import call_command
from django.test import Client

from accounts import staff_login
from accounts.models import StaffLoginFailure
from tests.factories import UserFactory

T0 = dt.datetime(2026, 9, 30, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
STAFF = "/accounts/staff/sign-in/"
ADMIN = "/admin/login/"
PASSWORD = "correct horse battery staple"
LOCKED = "登录失败次数过多，请 15 分钟后再试。"
WRONG_STAFF = "用户名或密码不对。请检查后再试（区分大小写）；忘记密码请联系管理员。"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    # Dozens of password checks per test; the real hasher would take seconds each time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def now(time_machine):
    time_machine.move_to(T0, tick=False)
    return time_machine


@pytest.fixture
def staff(db):
    return UserFactory(username="wufu-operator", is_staff=True)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def password_checks(monkeypatch):
    """How many times a sign-in form asked the backends to check a password."""
    calls = []
    real = auth_forms.authenticate

    def counting(request=None, **credentials):
        calls.append(credentials.get("username"))
        return real(request, **credentials)

    monkeypatch.setattr(auth_forms, "authenticate", counting)
    return calls


def sign_in(client, username, password="wrong", *, url=STAFF, ip="203.0.113.7", **extra):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def fail(client, username, times, **kwargs):
    for _ in range(times):
        response = sign_in(client, username, **kwargs)
        assert response.status_code == 200, "refused before the limit was reached"


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def text(response) -> str:
    return response.content.decode()


# --- the staff page ---------------------------------------------------------------------------


def test_the_sixth_try_within_15_minutes_is_refused_even_with_the_right_password(
    now, anonymous, staff
):
    fail(anonymous, "wufu-operator", 5)
    assert StaffLoginFailure.objects.filter(username="wufu-operator").count() == 5

    response = sign_in(anonymous, "wufu-operator", PASSWORD)

    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert LOCKED in text(response)
    assert 'value="wufu-operator"' in text(response)  # what was typed is kept
    assert not signed_in(anonymous)
    # A refused attempt is not counted, or hammering would keep the owner out for ever.
    assert StaffLoginFailure.objects.count() == 5


def test_every_failure_is_recorded_with_the_lower_cased_username_ip_and_time(now, anonymous):
    sign_in(anonymous, "  Wufu-Operator ", ip="203.0.113.7")

    row = StaffLoginFailure.objects.get()
    assert (row.username, row.ip, row.created_at) == ("wufu-operator", "203.0.113.7", T0)


def test_the_wait_shrinks_as_the_oldest_failure_ages(now, anonymous, staff):
    fail(anonymous, "wufu-operator", 5)

    now.move_to(T0 + dt.timedelta(minutes=14))
    response = sign_in(anonymous, "wufu-operator", PASSWORD)
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "登录失败次数过多，请 1 分钟后再试。" in text(response)

    now.move_to(T0 + dt.timedelta(minutes=14, seconds=50))
    response = sign_in(anonymous, "wufu-operator", PASSWORD)
    assert response["Retry-After"] == "10"
    assert "登录失败次数过多，请 10 秒后再试。" in text(response)


def test_the_lock_lifts_when_the_window_has_passed(now, anonymous, staff):
    fail(anonymous, "wufu-operator", 5)
    now.move_to(T0 + dt.timedelta(minutes=15))

    response = sign_in(anonymous, "wufu-operator", PASSWORD)

    assert response.status_code == 302
    assert signed_in(anonymous)


def test_failures_spread_over_time_count_only_inside_the_window(now, anonymous, staff):
    for minute in (0, 5, 10, 12, 14):
        now.move_to(T0 + dt.timedelta(minutes=minute))
        fail(anonymous, "wufu-operator", 1)
    assert sign_in(anonymous, "wufu-operator", PASSWORD).status_code == 429

    # The failure at 10:00 leaves the window at 10:15; one more try, then locked again
    # until 10:20, when the failure at 10:05 leaves.
    now.move_to(T0 + dt.timedelta(minutes=15))
    fail(anonymous, "wufu-operator", 1)
    response = sign_in(anonymous, "wufu-operator", PASSWORD)
    assert response.status_code == 429
    assert response["Retry-After"] == "300"


def test_a_successful_sign_in_clears_the_usernames_failures(now, anonymous, staff):
    fail(anonymous, "WUFU-Operator", 4)

    assert sign_in(anonymous, "wufu-operator", PASSWORD).status_code == 302

    assert not StaffLoginFailure.objects.filter(username="wufu-operator").exists()
    other = Client()
    fail(other, "wufu-operator", 4)  # a fresh count, not 8 of 5
    assert sign_in(other, "wufu-operator", PASSWORD).status_code == 302


def test_a_success_does_not_clear_the_ips_failures_at_other_names(now, anonymous, staff):
    fail(anonymous, "someone-else", 3)

    assert sign_in(anonymous, "wufu-operator", PASSWORD).status_code == 302

    assert StaffLoginFailure.objects.filter(ip="203.0.113.7").count() == 3


def test_upper_and_lower_case_share_one_limit(now, anonymous, staff):
    for typed in (
        "WUFU-OPERATOR",
        "Wufu-Operator",
        "wufu-OPERATOR",
        "wUfU-oPeRaToR",
        "wufu-operator",
    ):
        fail(anonymous, typed, 1)

    assert sign_in(anonymous, "wufu-operator", PASSWORD).status_code == 429


def test_the_limit_follows_the_username_across_addresses(now, staff):
    for i in range(5):
        fail(Client(), "wufu-operator", 1, ip=f"198.51.100.{i + 1}")

    response = sign_in(Client(), "wufu-operator", PASSWORD, ip="192.0.2.99")

    assert response.status_code == 429
    assert LOCKED in text(response)


def test_other_usernames_are_not_locked_by_one_names_failures(now, anonymous, staff):
    UserFactory(username="teahouse-clerk", is_staff=True)
    fail(anonymous, "wufu-operator", 5)

    assert sign_in(anonymous, "teahouse-clerk", PASSWORD).status_code == 302


def test_a_missing_password_is_not_an_attempt(now, anonymous, staff):
    for _ in range(8):
        response = sign_in(anonymous, "wufu-operator", "")
        assert response.status_code == 200

    assert StaffLoginFailure.objects.count() == 0


# --- unknown usernames ----------------------------------------------------------------------


def test_unknown_usernames_are_counted_and_locked_exactly_like_real_ones(
    now, staff, password_checks
):
    real, unknown = Client(), Client()
    for _ in range(5):
        known_page = sign_in(real, "wufu-operator")
        unknown_page = sign_in(unknown, "nobody-here")
        assert known_page.status_code == unknown_page.status_code == 200
        assert WRONG_STAFF in text(known_page) and WRONG_STAFF in text(unknown_page)
    assert password_checks == ["wufu-operator", "nobody-here"] * 5

    locked_real = sign_in(real, "wufu-operator", PASSWORD)
    locked_unknown = sign_in(unknown, "nobody-here", PASSWORD)

    assert locked_real.status_code == locked_unknown.status_code == 429
    assert locked_real["Retry-After"] == locked_unknown["Retry-After"] == "900"
    assert LOCKED in text(locked_real) and LOCKED in text(locked_unknown)
    # Neither locked answer checks a password, so neither takes a hasher's time.
    assert len(password_checks) == 10
    assert StaffLoginFailure.objects.filter(username="nobody-here").count() == 5


# --- per IP -----------------------------------------------------------------------------------


def test_one_address_trying_many_names_is_refused_after_20_failures(now, anonymous, staff):
    for i in range(20):
        fail(anonymous, f"guess-{i}", 1)

    response = sign_in(anonymous, "wufu-operator", PASSWORD)

    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert LOCKED in text(response)
    assert not signed_in(anonymous)
    # Another address may still sign in with that username.
    assert sign_in(Client(), "wufu-operator", PASSWORD, ip="192.0.2.1").status_code == 302


def test_the_limits_and_window_come_from_settings(now, anonymous, staff, settings):
    settings.STAFF_LOGIN_MAX_FAILURES = 2
    settings.STAFF_LOGIN_IP_MAX_FAILURES = 3
    settings.STAFF_LOGIN_WINDOW_SECONDS = 60

    fail(anonymous, "wufu-operator", 2)
    response = sign_in(anonymous, "wufu-operator", PASSWORD)
    assert response.status_code == 429
    assert response["Retry-After"] == "60"

    fail(anonymous, "someone-else", 1)  # the third failure from this address
    assert sign_in(anonymous, "a-third-name").status_code == 429

    now.move_to(T0 + dt.timedelta(seconds=60))
    assert sign_in(anonymous, "wufu-operator", PASSWORD).status_code == 302


def test_behind_a_proxy_the_forwarded_address_is_counted(now, staff, settings):
    settings.NUM_PROXIES = 1
    settings.STAFF_LOGIN_IP_MAX_FAILURES = 2
    for name in ("a", "b"):
        fail(Client(), name, 1, ip="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.50")

    locked = sign_in(
        Client(), "wufu-operator", PASSWORD, ip="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.50"
    )
    other = sign_in(
        Client(), "wufu-operator", PASSWORD, ip="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.51"
    )

    assert locked.status_code == 429
    assert other.status_code == 302
    assert set(StaffLoginFailure.objects.values_list("ip", flat=True)) == {"203.0.113.50"}


# --- the Django admin -------------------------------------------------------------------------


def test_the_admin_login_locks_after_five_failures(now, anonymous, admin_user):
    for _ in range(5):
        response = sign_in(anonymous, "admin", url=ADMIN)
        assert response.status_code == 200
        assert "请输入一个正确的" in text(response)  # the admin's own wrong-password text

    response = sign_in(anonymous, "admin", PASSWORD, url=ADMIN)

    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert LOCKED in text(response)
    assert not signed_in(anonymous)
    assert anonymous.get("/admin/").status_code == 302  # still sent to the login page


def test_the_admin_and_the_staff_page_share_one_count(now, anonymous, admin_user):
    fail(anonymous, "admin", 3, url=STAFF)
    fail(anonymous, "admin", 2, url=ADMIN)

    assert sign_in(anonymous, "admin", PASSWORD, url=ADMIN).status_code == 429
    assert sign_in(anonymous, "admin", PASSWORD, url=STAFF).status_code == 429


def test_the_admin_locks_unknown_usernames_the_same_way(now, anonymous, admin_user):
    fail(anonymous, "no-such-admin", 5, url=ADMIN)

    response = sign_in(anonymous, "no-such-admin", PASSWORD, url=ADMIN)

    assert response.status_code == 429
    assert LOCKED in text(response)


def test_a_successful_admin_login_clears_the_failures_and_lets_them_in(now, anonymous, admin_user):
    fail(anonymous, "admin", 4, url=ADMIN)

    response = sign_in(anonymous, "admin", PASSWORD, url=ADMIN)

    assert response.status_code == 302
    assert anonymous.get("/admin/").status_code == 200
    assert not StaffLoginFailure.objects.filter(username="admin").exists()


def test_a_non_staff_account_failing_the_admin_counts_as_a_failure(now, anonymous):
    UserFactory(username="volunteer", is_staff=False)

    fail(anonymous, "volunteer", 5, url=ADMIN, password=PASSWORD)

    assert sign_in(anonymous, "volunteer", PASSWORD, url=ADMIN).status_code == 429


def test_the_admin_login_page_still_shows_and_redirects_signed_in_staff(anonymous, admin_user):
    assert anonymous.get(ADMIN).status_code == 200
    anonymous.force_login(admin_user)
    assert anonymous.get(ADMIN)["Location"] == "/admin/"


# --- English, purge ---------------------------------------------------------------------------


def test_the_lock_message_is_translated(now, anonymous, staff):
    mo = Path(django_settings.BASE_DIR, "locale/en/LC_MESSAGES/django.mo")
    if not mo.exists():
        pytest.fail("locale/en/LC_MESSAGES/django.mo is missing: run `make messages`")
    anonymous.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    fail(anonymous, "wufu-operator", 5)

    response = sign_in(anonymous, "wufu-operator", PASSWORD)

    assert response.status_code == 429
    assert "Too many failed sign-in attempts. Please try again in 15 minutes." in text(response)


def test_old_failures_are_purged_but_counted_ones_kept(now):
    StaffLoginFailure.objects.create(username="old", created_at=T0 - dt.timedelta(days=8))
    StaffLoginFailure.objects.create(username="recent", created_at=T0 - dt.timedelta(minutes=1))

    assert staff_login.staff_login_failures_purge() == 1
    assert list(StaffLoginFailure.objects.values_list("username", flat=True)) == ["recent"]


def test_the_purge_command_also_purges_staff_failures(now):
    StaffLoginFailure.objects.create(username="old", created_at=T0 - dt.timedelta(days=8))
    out = StringIO()

    call_command("purge_login_codes", stdout=out)

    assert out.getvalue().splitlines() == [
        "Deleted 0 sign-in code record(s).",
        "Deleted 1 failed staff sign-in record(s).",
    ]
    assert not StaffLoginFailure.objects.exists()


def test_a_sign_in_attempt_purges_records_past_retention(now, anonymous):
    StaffLoginFailure.objects.create(username="old", created_at=T0 - dt.timedelta(days=8))

    sign_in(anonymous, "wufu-operator")

    assert list(StaffLoginFailure.objects.values_list("username", flat=True)) == ["wufu-operator"]


def test_an_administrator_sees_and_can_lift_a_lock_in_the_admin(now, anonymous, admin_user, staff):
    fail(Client(), "wufu-operator", 5)
    anonymous.force_login(admin_user)

    page = anonymous.get("/admin/accounts/staffloginfailure/?q=wufu")
    assert page.status_code == 200
    assert text(page).count("wufu-operator") >= 5
    ids = list(StaffLoginFailure.objects.values_list("pk", flat=True))
    response = anonymous.post(
        "/admin/accounts/staffloginfailure/",
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )

    assert response.status_code == 302
    assert sign_in(Client(), "wufu-operator", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("typed", "stored"), [("ÉLISE", "élise"), ("张阿姨", "张阿姨"), ("İSTANBUL", "i̇stanbul")]
)
def test_names_beyond_ascii_are_lower_cased_and_stored(now, anonymous, typed, stored):
    assert sign_in(anonymous, typed).status_code == 200

    assert list(StaffLoginFailure.objects.values_list("username", flat=True)) == [stored]
