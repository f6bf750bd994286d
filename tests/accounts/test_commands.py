import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import ApiToken, LoginCode
from accounts.tokens import api_token_authenticate, api_token_create, token_digest
from tests.factories import ResidentFactory, UserFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_create_api_token_prints_the_token_last(operator):
    output = run("create_api_token", "wufu-operator", "--name", "front desk")
    plain = output.split()[-1]
    assert plain.startswith("ll_")
    assert api_token_authenticate(plain=plain) == operator
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.token_hash) == (
        operator,
        "front desk",
        token_digest(plain),
    )
    assert token.token_hash not in output


def test_create_api_token_finds_a_resident_by_phone(owner):
    output = run("create_api_token", "+86 138-0000-0001")
    assert api_token_authenticate(plain=output.split()[-1]) == owner


def test_create_api_token_refuses_unknown_and_inactive_users():
    with pytest.raises(CommandError, match="No user"):
        run("create_api_token", "nobody")
    UserFactory(username="gone", is_active=False)
    with pytest.raises(CommandError, match="inactive"):
        run("create_api_token", "gone")
    assert ApiToken.objects.count() == 0


@pytest.fixture
def token_pair(owner):
    return api_token_create(user=owner, name="门禁")


def test_revoke_by_id(token_pair):
    token, plain = token_pair
    output = run("revoke_api_token", str(token.pk))
    assert f"Revoked token #{token.pk}" in output
    assert api_token_authenticate(plain=plain) is None


@pytest.mark.parametrize("how", ["prefix", "prefix…", "start", "whole"])
def test_revoke_by_prefix_or_token(token_pair, how):
    token, plain = token_pair
    key = {
        "prefix": token.prefix,
        "prefix…": token.prefix + "…",
        "start": token.prefix[:6],
        "whole": plain,
    }[how]
    run("revoke_api_token", key)
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_revoking_twice_says_so(token_pair):
    token, _plain = token_pair
    run("revoke_api_token", str(token.pk))
    assert "already revoked" in run("revoke_api_token", str(token.pk))


def test_revoke_refuses_unknown_and_ambiguous_keys(owner):
    with pytest.raises(CommandError, match="No API token"):
        run("revoke_api_token", "ll_nothing")
    with pytest.raises(CommandError, match="No API token"):
        run("revoke_api_token", "999")
    ApiToken.objects.create(user=owner, prefix="ll_abcdefg", token_hash="a" * 64)
    ApiToken.objects.create(user=owner, prefix="ll_abcdxyz", token_hash="b" * 64)
    with pytest.raises(CommandError, match="several tokens"):
        run("revoke_api_token", "ll_abcd")
    assert ApiToken.objects.filter(revoked_at__isnull=False).count() == 0


def test_a_wrong_whole_token_revokes_nothing(token_pair):
    token, plain = token_pair
    with pytest.raises(CommandError):
        run("revoke_api_token", plain[:-1] + ("A" if plain[-1] != "A" else "B"))
    token.refresh_from_db()
    assert token.revoked_at is None


def test_purge_login_codes():
    ResidentFactory(phone="13800000001")
    old = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    LoginCode.objects.create(
        phone="13800000001", code_hash="x", created_at=old, expires_at=old + dt.timedelta(minutes=5)
    )
    assert run("purge_login_codes") == (
        "Deleted 1 sign-in code record(s).\nDeleted 0 failed staff sign-in record(s).\n"
    )
    assert LoginCode.objects.count() == 0
