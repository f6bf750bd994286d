"""Staff sessions end after a working day; TLS-proxy settings come from the environment."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from accounts import otp
from tests.factories import UserFactory
from tests.test_settings import run_python

T0 = dt.datetime(2026, 9, 30, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
PASSWORD = "correct horse battery staple"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def now(time_machine):
    time_machine.move_to(T0, tick=False)
    return time_machine


def staff_client(url: str) -> Client:
    UserFactory(username="wufu-operator", is_staff=True, password=PASSWORD)
    client = Client()
    response = client.post(url, {"username": "wufu-operator", "password": PASSWORD})
    assert response.status_code == 302
    return client


def signed_in(client) -> bool:
    return client.get("/api/accounts/me").status_code == 200


@pytest.mark.parametrize("url", ["/accounts/staff/sign-in/", "/admin/login/"])
def test_a_staff_session_ends_after_a_working_day(now, url):
    client = staff_client(url)
    assert client.session.get_expiry_age() == 10 * 3600

    now.shift(dt.timedelta(hours=9, minutes=59))
    assert signed_in(client)
    now.shift(dt.timedelta(minutes=2))
    assert not signed_in(client)


def test_the_staff_session_length_is_a_setting(now, settings):
    settings.STAFF_SESSION_AGE = 2 * 3600
    client = staff_client("/accounts/staff/sign-in/")
    assert client.session.get_expiry_age() == 2 * 3600


def test_a_resident_stays_signed_in_for_a_month(now, sms_outbox, settings):
    client = Client()
    otp.login_code_request(phone="13800000009")
    code = sms_outbox[-1].message.split("验证码 ")[1][:6]
    response = client.post(
        "/api/accounts/otp/verify",
        {"phone": "13800000009", "code": code},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE == 30 * 86400
    now.shift(dt.timedelta(days=29))
    assert signed_in(client)


SHOW_TLS = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({
    "header": list(getattr(settings, "SECURE_PROXY_SSL_HEADER", None) or []),
    "redirect": settings.SECURE_SSL_REDIRECT,
    "hsts": settings.SECURE_HSTS_SECONDS,
    "subdomains": settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "preload": settings.SECURE_HSTS_PRELOAD,
    "staff": settings.STAFF_SESSION_AGE,
}))
"""


def test_tls_proxy_settings_are_off_by_default(tmp_path):
    result = run_python(SHOW_TLS, tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "header": [],
        "redirect": False,
        "hsts": 0,
        "subdomains": False,
        "preload": False,
        "staff": 36000,
    }


def test_tls_proxy_settings_come_from_the_environment(tmp_path):
    result = run_python(
        SHOW_TLS,
        tmp_path,
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
        SECURE_SSL_REDIRECT="1",
        SECURE_HSTS_SECONDS="31536000",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="1",
        SECURE_HSTS_PRELOAD="1",
        STAFF_SESSION_HOURS="8",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "header": ["HTTP_X_FORWARDED_PROTO", "https"],
        "redirect": True,
        "hsts": 31536000,
        "subdomains": True,
        "preload": True,
        "staff": 8 * 3600,
    }
