"""A resident's registrations, groups and invitations: in their data download, gone with their
account (seats freed and the waitlist promoted, groups handed over), and a declined privacy
statement deletes only an account that holds nothing."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.utils import timezone

from accounts import personal_data
from accounts.models import User
from accounts.services import account_delete, privacy_consent_decline
from scenes.models import Event, EventRegistration, Group, GroupInvitation, GroupMembership
from scenes.selectors.events import event_get
from scenes.services.group_invitations import group_invite, group_join, invite_phone_hash
from scenes.services.groups import group_create
from scenes.services.registrations import event_register, event_unregister
from tests.factories import ResidentFactory

SH = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 9, 30, 10, 0, tzinfo=SH)
PHONE = "13812345678"
NAME = "周伯伯"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


def make_event(room, *, capacity, title, starts_at=None):
    starts_at = starts_at or dt.datetime(2026, 10, 14, 14, 30, tzinfo=SH)
    return Event.objects.create(
        venue=room.venue,
        room=room,
        title=title,
        capacity=capacity,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=1),
    )


def counts(event: Event) -> tuple[int, int, int]:
    event = event_get(event_id=event.pk)
    return event.registered, event.waitlisted, event.seats_left


def statuses(event: Event) -> list[tuple[str, str]]:
    return list(
        EventRegistration.objects.filter(event=event)
        .order_by("created_at", "pk")
        .values_list("resident__phone", "status")
    )


@pytest.fixture
def world(room, frozen):
    """周伯伯 with two seats' worth of registrations, three groups and two invitations."""
    resident = ResidentFactory(phone=PHONE, display_name=NAME)
    a, b, w1, w2, w3, m1, m2 = (ResidentFactory(phone=f"1390000000{k}") for k in range(1, 8))

    def register(person, event):
        event_register(user=person, event=event)
        frozen.shift(dt.timedelta(seconds=1))  # first come, first served

    full = make_event(room, capacity=3, title="品茶议事")
    for person in (resident, a, b, w1, w2):
        register(person, full)
    tiny = make_event(room, capacity=1, title="书法课")
    for person in (a, resident, w3):
        register(person, tiny)
    given_up = make_event(room, capacity=5, title="太极")
    register(resident, given_up)
    event_unregister(user=resident, event=given_up)

    handed_over = group_create(user=resident, name="五福合唱团", description="每周三排练")
    for person in (m1, m2):
        frozen.shift(dt.timedelta(seconds=1))
        group_join(user=person, code=handed_over.invite_code)
    group_invite(user=resident, group=handed_over, phones=["13966667777"])
    alone = group_create(user=resident, name="一个人的书法社")
    elsewhere = group_create(user=a, name="太极队")
    group_join(user=resident, code=elsewhere.invite_code)
    invited_to = group_create(user=b, name="象棋队", member_phones=[PHONE])
    return {
        "resident": resident,
        "full": full,
        "tiny": tiny,
        "given_up": given_up,
        "handed_over": handed_over,
        "alone": alone,
        "elsewhere": elsewhere,
        "invited_to": invited_to,
        "people": {"a": a, "b": b, "w1": w1, "w2": w2, "w3": w3, "m1": m1, "m2": m2},
    }


def test_the_export_holds_registrations_groups_and_invitations(world):
    resident = world["resident"]
    client = Client()
    client.force_login(resident)

    sections = json.loads(client.get("/api/accounts/me/export").content)["sections"]

    assert [(r["event"], r["status"]) for r in sections["event_registrations"]] == [
        ("品茶议事", "registered"),
        ("书法课", "waitlisted"),
        ("太极", "cancelled"),
    ]
    assert sections["event_registrations"][0]["venue"] == "五福茶馆"
    assert [(m["group"], m["role"]) for m in sections["group_memberships"]] == [
        ("五福合唱团", "leader"),
        ("一个人的书法社", "leader"),
        ("太极队", "member"),
    ]
    assert [g["name"] for g in sections["groups_created"]] == ["五福合唱团", "一个人的书法社"]
    assert sections["groups_created"][0]["description"] == "每周三排练"
    assert [(i["group"], i["phone"]) for i in sections["group_invitations_sent"]] == [
        ("五福合唱团", "139****7777")
    ]
    assert [(i["group"], i["status"]) for i in sections["group_invitations_received"]] == [
        ("象棋队", "pending")
    ]


def test_deleting_the_account_frees_seats_and_promotes_the_waitlist(world):
    p = world["people"]
    assert counts(world["full"]) == (3, 2, 0)
    assert counts(world["tiny"]) == (1, 2, 0)
    deleted_at = timezone.now()

    account_delete(user=world["resident"])

    assert counts(world["full"]) == (3, 1, 0)
    assert statuses(world["full"]) == [
        (p["a"].phone, "registered"),
        (p["b"].phone, "registered"),
        (p["w1"].phone, "registered"),
        (p["w2"].phone, "waitlisted"),
    ]
    assert (
        EventRegistration.objects.get(event=world["full"], resident=p["w1"]).promoted_at
        == deleted_at
    )
    # The one waiting behind them on the other event moved up too; its seat is still taken.
    assert counts(world["tiny"]) == (1, 1, 0)
    assert statuses(world["tiny"]) == [(p["a"].phone, "registered"), (p["w3"].phone, "waitlisted")]


def test_deleting_the_account_hands_groups_over_or_dissolves_them(world):
    p = world["people"]

    account_delete(user=world["resident"])

    handed_over = Group.objects.get(pk=world["handed_over"].pk)
    assert handed_over.created_by is None
    assert set(handed_over.memberships.values_list("user__phone", "role")) == {
        (p["m1"].phone, "leader"),  # the longest-standing member
        (p["m2"].phone, "member"),
    }
    assert not Group.objects.filter(pk=world["alone"].pk).exists()
    assert set(world["elsewhere"].memberships.values_list("user__phone", flat=True)) == {
        p["a"].phone
    }
    # The invitation they sent stays with the group, without them.
    assert list(GroupInvitation.objects.filter(group=handed_over).values_list("invited_by")) == [
        (None,)
    ]


def test_deleting_the_account_leaves_no_personal_data(world):
    resident = world["resident"]
    user_id, phone_hash = resident.pk, invite_phone_hash(PHONE)

    account_delete(user=resident)

    assert not User.objects.filter(pk=user_id).exists()
    found = []
    for model in apps.get_models():
        user_fks = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.ForeignKey) and f.related_model is User
        ]
        for row in model.objects.all().values():
            text = " ".join(str(v) for v in row.values())
            if PHONE in text or NAME in text or phone_hash in text:
                found.append((model.__name__, row))
            if model is User and row["id"] == user_id:
                found.append((model.__name__, row))
            found += [(model.__name__, row) for fk in user_fks if row[fk] == user_id]
    assert found == []


def test_declining_the_statement_keeps_an_account_holding_a_seat(room):
    resident = ResidentFactory(phone=PHONE)
    event = make_event(room, capacity=3, title="品茶议事")
    event_register(user=resident, event=event)
    client = Client()
    client.force_login(resident)

    response = client.post("/api/accounts/consent/decline", content_type="application/json")

    assert response.json() == {"account_deleted": False}
    assert User.objects.filter(pk=resident.pk).exists()
    assert counts(event) == (1, 0, 2)


def test_declining_on_the_page_keeps_a_group_member(owner):
    resident = ResidentFactory(phone=PHONE)
    group = group_create(user=owner, name="五福合唱团")
    group_join(user=resident, code=group.invite_code)
    client = Client()
    client.force_login(resident)

    client.post("/accounts/consent/", {"decision": "decline"})

    assert User.objects.filter(pk=resident.pk).exists()
    assert group.memberships.filter(user=resident).exists()


def test_an_invitation_received_does_not_keep_a_declining_newcomer(owner):
    group = group_create(user=owner, name="五福合唱团", member_phones=[PHONE])
    newcomer = ResidentFactory(phone=PHONE)
    assert personal_data.export_all(user=newcomer)["sections"]["group_invitations_received"]

    assert privacy_consent_decline(user=newcomer).account_deleted is True

    assert not User.objects.filter(pk=newcomer.pk).exists()
    assert not GroupInvitation.objects.filter(group=group).exists()
    assert GroupMembership.objects.filter(group=group).count() == 1
