"""Feed tokens: only a hash is stored, one live token per feed, found only while valid."""

import pytest

from accounts.tokens import token_digest
from calendars.models import FeedToken
from calendars.services import feed_token_find, feed_token_issue, feed_token_revoke, feed_tokens_of
from linli.errors import NotFound
from scenes.models import GroupMembership
from tests.concurrency import run_together, writers_queue_db  # noqa: F401 - a fixture
from tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db


def test_only_the_hash_is_stored(owner):
    plain = feed_token_issue(user=owner)
    [row] = FeedToken.objects.all()
    assert row.digest == token_digest(plain) and plain not in row.digest
    assert len(plain) == 43
    assert feed_token_find(token=plain) == row


def test_issuing_again_replaces_the_token_in_place(owner):
    first = feed_token_issue(user=owner)
    row = FeedToken.objects.get()
    second = feed_token_issue(user=owner)
    assert FeedToken.objects.get().pk == row.pk
    assert feed_token_find(token=first) is None
    assert feed_token_find(token=second).user == owner


def test_personal_and_group_feeds_have_a_token_each(owner, choir):
    feed_token_issue(user=owner)
    feed_token_issue(user=owner, group=choir)
    assert set(feed_tokens_of(user=owner)) == {None, choir.pk}
    assert feed_token_revoke(user=owner) is True
    assert feed_token_revoke(user=owner) is False
    assert set(feed_tokens_of(user=owner)) == {choir.pk}


def test_only_members_get_a_group_feed(other_resident, choir):
    with pytest.raises(NotFound):
        feed_token_issue(user=other_resident, group=choir)
    assert not FeedToken.objects.exists()


def test_a_token_stops_when_its_member_leaves_or_its_account_is_disabled(
    owner, other_resident, choir
):
    GroupMembership.objects.create(group=choir, user=other_resident)
    group_token = feed_token_issue(user=other_resident, group=choir)
    personal = feed_token_issue(user=other_resident)
    GroupMembership.objects.filter(user=other_resident).delete()
    assert feed_token_find(token=group_token) is None
    assert feed_token_find(token=personal) is not None
    other_resident.is_active = False
    other_resident.save()
    assert feed_token_find(token=personal) is None


@pytest.mark.parametrize("token", ["", "short", "A" * 42 + "!", "A" * 44, None, 42, "\x00" * 43])
def test_malformed_tokens_are_not_looked_up(db, token, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert feed_token_find(token=token) is None


def test_a_double_tap_keeps_one_token(writers_queue_db):  # noqa: F811
    user = ResidentFactory()
    made: list[str] = []
    errors = run_together(*[lambda: made.append(feed_token_issue(user=user)) for _ in range(4)])
    assert errors == [None] * 4
    assert FeedToken.objects.filter(user=user).count() == 1
    live = [t for t in made if feed_token_find(token=t) is not None]
    assert len(made) == 4 and len(live) == 1
