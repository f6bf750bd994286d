import datetime as dt
import hashlib
import logging
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.test import override_settings

from accounts import otp, personal_data, services, sms
from accounts.apps import AccountsConfig
from accounts.demo import load as load_demo
from accounts.errors import (
    AccountDisabled,
    CodeExpired,
    CodeUsed,
    Cooldown,
    InvalidCode,
    InvalidPhone,
    SmsFailed,
    TooManyAttempts,
)
from accounts.models import ApiToken, LoginCode, User
from accounts.phone import mask_phone, normalise_phone
from accounts.privacy import PRIVACY_POLICY_VERSION, consent_needed
from accounts.tokens import (
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
    token_digest,
)
from linli.errors import Conflict, DomainError, PermissionDenied, RateLimited
from tests.factories import ResidentFactory, UserFactory

T0 = dt.datetime(2026, 9, 30, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
PHONE = "13800000009"

pytestmark = pytest.mark.django_db


@pytest.fixture
def now(time_machine):
    time_machine.move_to(T0, tick=False)
    return time_machine


def request_code(phone=PHONE, ip="203.0.113.5"):
    return otp.login_code_request(phone=phone, ip=ip)


# --- phone numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "13800000001",
        "138 0000 0001",
        "138-0000-0001",
        "+86 138 0000 0001",
        "+8613800000001",
        "0086 13800000001",
        "8613800000001",
        "(+86) 138-0000-0001",
        "１３８００００００01",  # full-width digits from a Chinese IME
        " 13800000001 ",
    ],
)
def test_it_normalises_the_forms_people_type(typed):
    assert normalise_phone(typed) == "13800000001"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        None,
        "1380000000",
        "138000000011",
        "12800000001",
        "23800000001",
        "+1 13800000001",
        "1380000000a",
        "٣13800000001",
        "电话13800000001",
    ],
)
def test_it_rejects_what_is_not_a_mainland_mobile(typed):
    assert normalise_phone(typed) is None


def test_it_masks_the_middle_of_the_number():
    assert mask_phone("13800000001") == "138****0001"
    assert mask_phone(None) == ""


# --- requesting a code -----------------------------------------------------------------------


def test_it_sends_a_six_digit_code_and_stores_only_its_hmac(now, sms_outbox, sms_code, settings):
    sent = otp.login_code_request(phone="+86 138-0000-0009", ip="203.0.113.5")

    assert (sent.phone, sent.resend_after, sent.expires_in) == (PHONE, 60, 300)
    assert [m.phone for m in sms_outbox] == [PHONE]
    code = sms_code()
    assert sms_outbox[-1].message == f"【邻里】验证码 {code}，5分钟内有效。请勿告诉他人。"
    row = LoginCode.objects.get()
    assert row.phone == PHONE
    assert row.ip == "203.0.113.5"
    assert row.created_at == T0
    assert row.expires_at == T0 + dt.timedelta(minutes=5)
    assert (row.attempts, row.used_at) == (0, None)
    assert code not in row.code_hash
    assert row.code_hash != hashlib.sha256(code.encode()).hexdigest()
    assert row.code_hash == otp.code_hash(phone=PHONE, code=code)
    # Keyed with SECRET_KEY: someone with the database alone cannot test guesses.
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    assert otp.code_hash(phone=PHONE, code=code) != row.code_hash


def test_it_rejects_an_invalid_number_without_writing_or_sending(now, sms_outbox):
    with pytest.raises(InvalidPhone) as caught:
        otp.login_code_request(phone="1234", ip="203.0.113.5")
    assert caught.value.code == "invalid_phone"
    assert caught.value.fields == {"phone": ["请输入正确的11位手机号。"]}
    assert LoginCode.objects.count() == 0
    assert sms_outbox == []


def test_it_makes_people_wait_60_seconds_before_another_code(now, sms_outbox):
    request_code()
    now.shift(dt.timedelta(seconds=20.5))
    with pytest.raises(Cooldown) as caught:
        request_code()
    assert caught.value.code == "cooldown"
    assert caught.value.status == 429
    assert caught.value.retry_after == 40
    assert str(caught.value.message) == "验证码已发送，请 40 秒后再重新获取。"
    assert LoginCode.objects.count() == 1
    assert len(sms_outbox) == 1

    now.shift(dt.timedelta(seconds=39.5))
    request_code()
    assert LoginCode.objects.count() == 2


def test_the_cooldown_is_per_number(now):
    request_code(phone="13800000009")
    request_code(phone="13800000008")
    assert LoginCode.objects.count() == 2


def test_it_allows_three_codes_per_number_in_five_minutes(now, sms_outbox):
    for _ in range(3):
        request_code()
        now.shift(dt.timedelta(minutes=1))
    # 3 minutes after the first code: it leaves the window 2 minutes from now.
    with pytest.raises(RateLimited) as caught:
        request_code()
    assert caught.value.code == "rate_limited"
    assert caught.value.retry_after == 2 * 60
    assert str(caught.value.message) == "获取验证码过于频繁，请 2 分钟后再试。"
    assert LoginCode.objects.count() == 3
    assert len(sms_outbox) == 3

    now.shift(dt.timedelta(minutes=2))
    request_code()
    assert LoginCode.objects.count() == 4


def test_flooding_a_number_delays_its_owner_a_few_minutes_at_most(now, sms_outbox, sms_code):
    """Strangers on many addresses ask for the owner's number every minute for a day."""
    waits = []
    for minute in range(24 * 60):
        try:
            request_code(ip=f"198.51.{minute // 250}.{minute % 250}")
        except RateLimited as exc:
            waits.append(exc.retry_after)
        except Cooldown as exc:
            waits.append(exc.retry_after)
        now.shift(dt.timedelta(minutes=1))
    assert waits, "the flood was never slowed down"
    assert max(waits) <= 5 * 60
    # The owner, whenever they try, gets a code within five minutes.
    owner_wait = otp.login_code_resend_wait(phone=PHONE)
    try:
        request_code(ip="203.0.113.77")
    except (RateLimited, Cooldown) as exc:
        owner_wait = exc.retry_after
        assert owner_wait <= 5 * 60
        now.shift(dt.timedelta(seconds=owner_wait))
        request_code(ip="203.0.113.77")
    otp.login_code_verify(phone=PHONE, code=sms_code())


def test_a_successful_sign_in_clears_the_numbers_counters(now, sms_code):
    for _ in range(3):
        request_code()
        now.shift(dt.timedelta(seconds=61))
    otp.login_code_verify(phone=PHONE, code=sms_code())
    assert otp.login_code_resend_wait(phone=PHONE) == 0
    # Without the sign-in the fourth code would wait for the first to leave the window.
    request_code()
    assert LoginCode.objects.filter(phone=PHONE).count() == 4


def test_a_sign_in_does_not_clear_the_ip_counters(now, sms_code):
    for n in range(19):
        request_code(phone=f"139000000{n:02d}", ip="198.51.100.7")
    request_code(ip="198.51.100.7")
    otp.login_code_verify(phone=PHONE, code=sms_code())
    with pytest.raises(RateLimited):
        request_code(phone="13900000099", ip="198.51.100.7")


def test_the_whole_site_sends_at_most_the_global_limit_per_hour(now, settings):
    settings.OTP_GLOBAL_HOURLY_LIMIT = 4
    for n in range(4):
        request_code(phone=f"139000000{n:02d}", ip=f"198.51.100.{n}")
    now.shift(dt.timedelta(minutes=10))
    with pytest.raises(RateLimited) as caught:
        request_code(phone="13900000099", ip="198.51.100.99")
    assert caught.value.retry_after == 50 * 60
    now.shift(dt.timedelta(minutes=50))
    request_code(phone="13900000099", ip="198.51.100.99")


def test_it_allows_twenty_codes_per_ip_per_hour(now):
    for n in range(20):
        request_code(phone=f"139000000{n:02d}", ip="198.51.100.7")
    with pytest.raises(RateLimited) as caught:
        request_code(phone="13900000099", ip="198.51.100.7")
    assert caught.value.code == "rate_limited"
    assert caught.value.retry_after == 3600
    # Someone else, elsewhere, is not affected.
    request_code(phone="13900000099", ip="198.51.100.8")
    assert LoginCode.objects.count() == 21


def test_the_ip_limit_can_be_raised_for_a_shared_address(now, settings):
    settings.OTP_IP_HOURLY_LIMIT = 30
    for n in range(30):
        request_code(phone=f"139000000{n:02d}", ip="198.51.100.7")
    with pytest.raises(RateLimited):
        request_code(phone="13900000099", ip="198.51.100.7")


def test_a_failed_sms_leaves_nothing_behind(now, settings):
    settings.SMS_BACKEND = "tests.accounts.test_services.BrokenSender"
    with pytest.raises(SmsFailed) as caught:
        request_code()
    assert (caught.value.code, caught.value.status) == ("sms_failed", 503)
    assert LoginCode.objects.count() == 0

    # The resident never got a code, so no cooldown holds them back.
    settings.SMS_BACKEND = "locmem"
    request_code()
    assert LoginCode.objects.count() == 1


def test_requesting_a_code_purges_records_past_retention(now):
    request_code(phone="13800000001")
    now.shift(otp.LEDGER_RETENTION + dt.timedelta(seconds=1))
    request_code(phone="13800000002")
    assert list(LoginCode.objects.values_list("phone", flat=True)) == ["13800000002"]


def test_login_codes_purge_returns_how_many_went(now):
    request_code()
    assert otp.login_codes_purge(now=T0 + otp.LEDGER_RETENTION) == 0
    assert otp.login_codes_purge(now=T0 + otp.LEDGER_RETENTION + dt.timedelta(seconds=1)) == 1


def test_resend_wait_counts_down(now):
    assert otp.login_code_resend_wait(phone=PHONE) == 0
    request_code()
    now.shift(dt.timedelta(seconds=15))
    assert otp.login_code_resend_wait(phone=PHONE) == 45
    now.shift(dt.timedelta(seconds=45))
    assert otp.login_code_resend_wait(phone=PHONE) == 0


# --- verifying a code ------------------------------------------------------------------------


def test_the_first_sign_in_creates_a_resident_who_must_consent(now, sms_code):
    request_code()
    now.shift(dt.timedelta(minutes=2))

    result = otp.login_code_verify(phone="138 0000 0009", code=sms_code())

    assert result.created is True
    assert result.consent_required is True
    user = User.objects.get()
    assert result.user == user
    assert (user.username, user.phone) == (PHONE, PHONE)
    assert not user.has_usable_password()
    assert (user.privacy_consent_at, user.privacy_consent_version) == (None, "")
    row = LoginCode.objects.get()
    assert (row.used_at, row.attempts) == (T0 + dt.timedelta(minutes=2), 1)


def test_a_returning_resident_gets_their_account(now, sms_code):
    resident = ResidentFactory(phone=PHONE)
    request_code()
    result = otp.login_code_verify(phone=PHONE, code=sms_code())
    assert (result.user, result.created, result.consent_required) == (resident, False, False)
    assert User.objects.count() == 1


def test_it_accepts_full_width_digits_and_spaces_in_the_code(now, sms_code):
    request_code()
    code = sms_code()
    typed = " ".join(chr(ord(c) + 0xFEE0) for c in code)  # "１ ２ ３ ..."
    assert otp.login_code_verify(phone=PHONE, code=typed).created


def test_a_wrong_code_is_counted_and_creates_nothing(now, sms_code):
    request_code()
    wrong = f"{(int(sms_code()) + 1) % 10**6:06d}"
    with pytest.raises(InvalidCode) as caught:
        otp.login_code_verify(phone=PHONE, code=wrong)
    assert caught.value.code == "invalid_code"
    assert caught.value.status == 422
    assert caught.value.fields == {"code": ["验证码不正确，还可以再试 4 次。"]}
    # The attempt survives the error (it is committed before raising).
    assert LoginCode.objects.get().attempts == 1
    assert User.objects.count() == 0


def test_a_code_dies_after_five_attempts(now, sms_code):
    request_code()
    right = sms_code()
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    for left in (4, 3, 2, 1):
        with pytest.raises(InvalidCode, match=f"还可以再试 {left} 次"):
            otp.login_code_verify(phone=PHONE, code=wrong)
    with pytest.raises(TooManyAttempts) as caught:
        otp.login_code_verify(phone=PHONE, code=wrong)
    assert (caught.value.code, caught.value.status) == ("too_many_attempts", 429)
    assert LoginCode.objects.get().attempts == 5
    # Even the right code is refused now, and the counter never passes the maximum.
    with pytest.raises(TooManyAttempts):
        otp.login_code_verify(phone=PHONE, code=right)
    assert LoginCode.objects.get().attempts == 5
    assert User.objects.count() == 0


def test_a_code_expires_after_five_minutes(now, sms_code):
    request_code()
    code = sms_code()
    now.shift(dt.timedelta(minutes=5))
    with pytest.raises(CodeExpired) as caught:
        otp.login_code_verify(phone=PHONE, code=code)
    assert caught.value.code == "code_expired"
    assert caught.value.fields == {"code": ["验证码已过期，请重新获取。"]}
    assert User.objects.count() == 0


def test_a_code_works_until_just_before_it_expires(now, sms_code):
    request_code()
    now.shift(dt.timedelta(minutes=4, seconds=59))
    assert otp.login_code_verify(phone=PHONE, code=sms_code()).created


def test_a_code_signs_in_once(now, sms_code):
    request_code()
    code = sms_code()
    otp.login_code_verify(phone=PHONE, code=code)
    with pytest.raises(CodeUsed) as caught:
        otp.login_code_verify(phone=PHONE, code=code)
    assert caught.value.code == "code_used"
    assert User.objects.count() == 1


def test_only_the_newest_code_counts(now, sms_code):
    request_code()
    first = sms_code()
    now.shift(dt.timedelta(seconds=61))
    request_code()
    second = sms_code()
    if first == second:  # one in a million: nothing to show
        return
    with pytest.raises(InvalidCode):
        otp.login_code_verify(phone=PHONE, code=first)
    assert otp.login_code_verify(phone=PHONE, code=second).created


def test_no_code_requested_is_an_invalid_code(now):
    with pytest.raises(InvalidCode) as caught:
        otp.login_code_verify(phone=PHONE, code="123456")
    assert caught.value.code == "invalid_code"


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "12a456", "１２３４５"])
def test_a_malformed_code_is_refused_without_counting(now, typed):
    request_code()
    with pytest.raises(InvalidCode) as caught:
        otp.login_code_verify(phone=PHONE, code=typed)
    assert caught.value.fields == {"code": ["请输入短信中的6位数字验证码。"]}
    assert LoginCode.objects.get().attempts == 0


def test_an_invalid_number_is_refused_at_verification(now):
    with pytest.raises(InvalidPhone):
        otp.login_code_verify(phone="12345", code="123456")


def test_a_wrong_code_does_not_reveal_whether_the_number_has_an_account(now, sms_code):
    ResidentFactory(phone="13800000001")
    outcomes = []
    for phone in ("13800000001", "13800000002"):
        otp.login_code_request(phone=phone, ip=None)
        wrong = f"{(int(sms_code()) + 1) % 10**6:06d}"
        with pytest.raises(InvalidCode) as caught:
            otp.login_code_verify(phone=phone, code=wrong)
        outcomes.append((type(caught.value), caught.value.as_dict()))
    assert outcomes[0] == outcomes[1]


def test_it_compares_codes_in_constant_time(now, sms_code, monkeypatch):
    calls = []
    real = otp.constant_time_compare
    monkeypatch.setattr(otp, "constant_time_compare", lambda a, b: calls.append(1) or real(a, b))
    request_code()
    otp.login_code_verify(phone=PHONE, code=sms_code())
    assert calls == [1]


def test_a_deactivated_account_cannot_sign_in(now, sms_code):
    ResidentFactory(phone=PHONE, is_active=False)
    request_code()
    with pytest.raises(AccountDisabled) as caught:
        otp.login_code_verify(phone=PHONE, code=sms_code())
    assert (caught.value.code, caught.value.status) == ("account_disabled", 403)


def test_a_staff_username_equal_to_the_number_is_not_taken_over(now, sms_code):
    staff = UserFactory(username=PHONE, is_staff=True)
    request_code()
    result = otp.login_code_verify(phone=PHONE, code=sms_code())
    assert result.user != staff
    assert (result.user.username, result.user.phone) == (f"r-{PHONE}", PHONE)
    staff.refresh_from_db()
    assert staff.phone is None


def test_the_database_refuses_more_than_five_attempts(now):
    request_code()
    with pytest.raises(IntegrityError), transaction.atomic():
        LoginCode.objects.update(attempts=6)


def test_the_database_refuses_a_malformed_number(now):
    with pytest.raises(IntegrityError), transaction.atomic():
        LoginCode.objects.create(
            phone="12345678901", code_hash="x", expires_at=T0 + dt.timedelta(minutes=5)
        )


# --- consent ---------------------------------------------------------------------------------


def test_giving_consent_records_when_and_which_version(now):
    user = ResidentFactory(privacy_consent_at=None, privacy_consent_version="")
    assert consent_needed(user)
    services.privacy_consent_give(user=user)
    user.refresh_from_db()
    assert (user.privacy_consent_at, user.privacy_consent_version) == (T0, PRIVACY_POLICY_VERSION)
    assert not consent_needed(user)


def test_consent_to_another_version_is_refused(now):
    user = ResidentFactory(privacy_consent_at=None, privacy_consent_version="")
    with pytest.raises(Conflict) as caught:
        services.privacy_consent_give(user=user, version="2020-01")
    assert caught.value.code == "policy_version_mismatch"
    user.refresh_from_db()
    assert user.privacy_consent_at is None


def test_a_new_statement_version_asks_everyone_again(monkeypatch):
    user = ResidentFactory()
    assert not consent_needed(user)
    monkeypatch.setattr("accounts.privacy.PRIVACY_POLICY_VERSION", "2027-05")
    assert consent_needed(user)


def test_declining_deletes_a_new_account_that_holds_nothing(now, sms_code):
    request_code()
    user = otp.login_code_verify(phone=PHONE, code=sms_code()).user
    assert services.privacy_consent_decline(user=user).account_deleted is True
    assert not User.objects.filter(pk=user.pk).exists()
    assert LoginCode.objects.count() == 0


def test_declining_keeps_an_account_that_holds_data(now, holds_bookings):
    user = ResidentFactory(phone=PHONE, privacy_consent_at=None, privacy_consent_version="")
    holds_bookings[user.pk] = [{"room": "议事茶亭"}]
    assert services.privacy_consent_decline(user=user).account_deleted is False
    assert User.objects.filter(pk=user.pk).exists()


def test_a_section_of_things_sent_to_the_person_does_not_keep_the_account(now):
    user = ResidentFactory(phone=PHONE, privacy_consent_at=None, privacy_consent_version="")
    erased = []
    personal_data.register(
        "messages_received",
        export=lambda u: [{"from": "邻居"}],
        erase=lambda u: erased.append(u.pk),
        keeps_account=False,
    )
    try:
        assert personal_data.holds_data(user=user) is False
        assert services.privacy_consent_decline(user=user).account_deleted is True
    finally:
        personal_data.unregister("messages_received")
    assert erased == [user.pk]
    assert not User.objects.filter(pk=user.pk).exists()


def test_declining_keeps_a_staff_account():
    staff = UserFactory(is_staff=True, phone=PHONE)
    assert services.privacy_consent_decline(user=staff).account_deleted is False
    assert User.objects.filter(pk=staff.pk).exists()


# --- personal data ---------------------------------------------------------------------------


@pytest.fixture
def holds_bookings():
    """A stand-in for the bookings app: user pk -> rows, with an exporter and an eraser."""
    rows: dict[int, list] = {}
    personal_data.register(
        "bookings",
        export=lambda user: rows.get(user.pk, []),
        erase=lambda user: rows.pop(user.pk, None),
    )
    yield rows
    personal_data.unregister("bookings")


def test_the_export_collects_every_registered_section(now, holds_bookings, sms_code):
    user = ResidentFactory(phone=PHONE, display_name="张阿姨")
    request_code()
    holds_bookings[user.pk] = [{"room": "议事茶亭", "starts_at": T0}]
    api_token_create(user=user, name="门禁")

    data = personal_data.export_all(user=user)

    assert data["format"] == "linli-personal-data"
    assert data["exported_at"] == T0
    assert data["privacy_policy_version"] == PRIVACY_POLICY_VERSION
    # accounts first, then every app in the order it registered (scenes, then bookings:
    # this stand-in in the real section's place, check-ins and ratings).
    assert list(data["sections"]) == [
        "account",
        "event_registrations",
        "group_memberships",
        "groups_created",
        "group_invitations_sent",
        "group_invitations_received",
        "bookings",
        "check_ins",
        "ratings",
        "calendar_feeds",
    ]
    account = data["sections"]["account"]
    assert (account["phone"], account["display_name"]) == (PHONE, "张阿姨")
    assert account["sign_in_codes"] == [{"requested_at": T0, "ip": "203.0.113.5", "used_at": None}]
    assert [t["name"] for t in account["api_tokens"]] == ["门禁"]
    assert "token_hash" not in account["api_tokens"][0]
    assert all("code_hash" not in c for c in account["sign_in_codes"])
    assert data["sections"]["bookings"] == [{"room": "议事茶亭", "starts_at": T0}]


def test_registering_a_section_twice_replaces_it(holds_bookings):
    personal_data.register("bookings", export=lambda user: ["again"])
    assert [s.name for s in personal_data.sections()].count("bookings") == 1


def test_deleting_an_account_erases_every_section_then_the_user(now, holds_bookings):
    user = ResidentFactory(phone=PHONE)
    request_code()
    ResidentFactory(phone="13800000001")
    request_code(phone="13800000001")
    api_token_create(user=user)
    holds_bookings[user.pk] = [{"room": "议事茶亭"}]

    services.account_delete(user=user)

    assert not User.objects.filter(pk=user.pk).exists()
    assert user.pk not in holds_bookings
    assert list(LoginCode.objects.values_list("phone", flat=True)) == ["13800000001"]
    assert ApiToken.objects.count() == 0


def test_deleting_is_all_or_nothing(now, holds_bookings):
    user = ResidentFactory(phone=PHONE)
    request_code()

    def broken(user):
        raise RuntimeError("disk full")

    personal_data.register("ratings", export=lambda user: [], erase=broken)
    try:
        with pytest.raises(RuntimeError):
            services.account_delete(user=user)
    finally:
        personal_data.unregister("ratings")
    assert User.objects.filter(pk=user.pk).exists()
    assert LoginCode.objects.count() == 1


def test_a_user_row_still_referenced_is_anonymised_instead(now, monkeypatch):
    user = ResidentFactory(phone=PHONE, display_name="张阿姨")
    request_code()

    def protected(user):
        raise ProtectedError("still referenced", set())

    monkeypatch.setattr(services, "_delete_row", protected)
    services.account_delete(user=user)

    user.refresh_from_db()
    assert (user.username, user.phone, user.display_name) == (f"deleted-{user.pk}", None, "")
    assert (user.is_active, user.has_usable_password()) == (False, False)
    assert user.privacy_consent_at is None
    assert LoginCode.objects.count() == 0


def test_staff_accounts_are_not_deleted_this_way():
    staff = UserFactory(is_staff=True)
    with pytest.raises(PermissionDenied) as caught:
        services.account_delete(user=staff)
    assert caught.value.code == "staff_account"
    assert User.objects.filter(pk=staff.pk).exists()


def test_profile_update_tidies_the_name():
    user = ResidentFactory()
    services.user_update_profile(user=user, display_name="  张  阿姨 ")
    user.refresh_from_db()
    assert user.display_name == "张 阿姨"


# --- SMS backends ----------------------------------------------------------------------------


class RecordingSender:
    sent: list = []

    def send(self, phone, message):
        RecordingSender.sent.append((phone, message))


class BrokenSender:
    def send(self, phone, message):
        raise sms.SmsError("gateway timeout")


def test_the_locmem_backend_keeps_messages_in_the_outbox(sms_outbox):
    sms.send("13800000001", "你好")
    assert [(m.phone, m.message) for m in sms_outbox] == [("13800000001", "你好")]


def test_the_console_backend_logs(settings, caplog):
    settings.SMS_BACKEND = "console"
    with caplog.at_level(logging.INFO, logger="accounts.sms"):
        sms.send("13800000001", "验证码 123456")
    assert "13800000001" in caplog.text
    assert "验证码 123456" in caplog.text


def test_the_file_backend_appends_lines(settings, tmp_path, now):
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = tmp_path / "sub" / "sms.log"
    sms.send("13800000001", "第一条")
    sms.send("13800000002", "第二条")
    lines = settings.SMS_FILE_PATH.read_text(encoding="utf-8").splitlines()
    assert lines == [
        "2026-09-30T02:00:00+00:00\t13800000001\t第一条",
        "2026-09-30T02:00:00+00:00\t13800000002\t第二条",
    ]


def test_the_file_backend_creates_the_log_readable_by_its_owner_only(settings, tmp_path):
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = tmp_path / "sms.log"
    sms.send("13800000001", "验证码 123456")
    assert settings.SMS_FILE_PATH.stat().st_mode & 0o777 == 0o600


def test_a_dotted_path_names_a_sender_class(settings):
    settings.SMS_BACKEND = "tests.accounts.test_services.RecordingSender"
    RecordingSender.sent = []
    sms.send("13800000001", "你好")
    assert RecordingSender.sent == [("13800000001", "你好")]


@pytest.mark.parametrize("name", ["no.such.Backend", "accounts.sms.SmsMessage"])
def test_an_unusable_backend_is_a_configuration_error(settings, name):
    settings.SMS_BACKEND = name
    with pytest.raises(ImproperlyConfigured):
        sms.send("13800000001", "你好")


def test_production_without_an_sms_backend_refuses_to_start():
    config = AccountsConfig.create("accounts")
    with (
        override_settings(DEBUG=False, SMS_BACKEND=""),
        pytest.raises(ImproperlyConfigured, match="SMS_BACKEND is empty"),
    ):
        config.ready()


def test_production_with_an_sms_backend_starts():
    with override_settings(DEBUG=False, SMS_BACKEND="file"):
        sms.check_settings()
    with override_settings(DEBUG=True, SMS_BACKEND=""):
        sms.check_settings()


# --- API tokens ------------------------------------------------------------------------------


def test_tokens_are_stored_hashed_and_authenticate(now):
    user = UserFactory()
    token, plain = api_token_create(user=user, name="front desk")
    assert plain.startswith("ll_") and len(plain) > 40
    assert token.token_hash == token_digest(plain) != plain
    assert token.prefix == plain[:10]
    assert api_token_authenticate(plain=plain) == user
    token.refresh_from_db()
    assert token.last_used_at == T0


def test_revoked_tokens_and_inactive_users_do_not_authenticate():
    user = UserFactory()
    token, plain = api_token_create(user=user)
    assert api_token_revoke(token=token) is True
    assert api_token_revoke(token=token) is False
    assert api_token_authenticate(plain=plain) is None

    other, other_plain = api_token_create(user=UserFactory(is_active=False))
    assert api_token_authenticate(plain=other_plain) is None
    assert api_token_authenticate(plain="ll_" + "x" * 200) is None
    assert api_token_authenticate(plain="") is None


# --- demo ------------------------------------------------------------------------------------


def test_the_demo_accounts_load_idempotently(capsys):
    class Out:
        text = ""

        def write(self, s):
            Out.text += s

    lines = load_demo(stdout=Out())
    load_demo(stdout=Out())

    assert User.objects.count() == 7
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.check_password("linli-admin")
    operator = User.objects.get(username="wufu-operator")
    assert operator.is_staff and not operator.is_superuser
    assert operator.check_password("linli-operator")
    residents = User.objects.filter(phone__isnull=False).order_by("phone")
    assert [r.phone for r in residents] == [f"1380000000{n}" for n in range(1, 6)]
    assert residents[0].display_name == "张阿姨"
    assert all(not consent_needed(r) and not r.has_usable_password() for r in residents)
    text = "\n".join(lines)
    assert "admin / linli-admin" in text
    assert "wufu-operator / linli-operator" in text
    assert "13800000001" in text
    assert "var/sms.log" in text


@pytest.mark.django_db
def test_a_display_name_is_stripped_then_checked():
    user = ResidentFactory(display_name="张阿姨")
    with pytest.raises(DomainError) as exc:
        services.user_update_profile(user=user, display_name="\t \u3000")
    assert (exc.value.code, list(exc.value.fields)) == ("display_name_blank", ["display_name"])
    user.refresh_from_db()
    assert user.display_name == "张阿姨"
    assert services.user_update_profile(user=user, display_name=" 张  阿姨 ").display_name == (
        "张 阿姨"
    )
