"""Events: publishing (weekly series, all or nothing), registration, waitlist and its
promotion, cancellation, and promotion under concurrent cancellations."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from linli.errors import Conflict, DomainError, NotFound, PermissionDenied
from scenes.models import Event, EventRegistration, EventSeries
from scenes.selectors.events import event_get, events_upcoming, registrations_for_resident
from scenes.services.events import event_cancel, event_publish
from scenes.services.groups import group_approval_decide, group_create, group_request_approval
from scenes.services.registrations import event_register, event_unregister, waitlist_position
from tests.concurrency import run_together, writers_queue_db  # noqa: F401 - a fixture
from tests.factories import (
    ResidentFactory,
    RoomFactory,
    UserFactory,
    VenueFactory,
    VenueRoleFactory,
    weekly_hours,
)

SH = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 9, 30, 10, 0, tzinfo=SH)  # a Wednesday, the day before 国庆


def at(month, day, hour, minute=0):
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SH)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def hours(venue):
    return weekly_hours(venue, opens=dt.time(9, 0), closes=dt.time(21, 0))


def publish(operator, venue, room, **kwargs):
    data = {
        "title": "品茶议事",
        "capacity": 12,
        "starts_at": at(10, 14, 14, 30),
        "ends_at": at(10, 14, 16, 0),
    }
    data.update(kwargs)
    return event_publish(user=operator, venue=venue, room=room, **data)


def make_event(room, *, capacity=2, starts_at=None, title="品茶议事"):
    starts_at = starts_at or at(10, 14, 14, 30)
    return Event.objects.create(
        venue=room.venue,
        room=room,
        title=title,
        capacity=capacity,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=1, minutes=30),
    )


def residents(n, start=3):
    return [ResidentFactory(phone=f"138000{k:05d}") for k in range(start, start + n)]


# --- publishing ---------------------------------------------------------------------------


@pytest.mark.django_db
class TestPublish:
    def test_it_publishes_one_event(self, operator, venue, room, hours):
        [event] = publish(operator, venue, room, description="社区工作人员参加")

        event.refresh_from_db()
        assert event.starts_at == dt.datetime(2026, 10, 14, 6, 30, tzinfo=dt.UTC)
        assert event.ends_at == dt.datetime(2026, 10, 14, 8, 0, tzinfo=dt.UTC)
        assert (event.title, event.description, event.capacity) == (
            "品茶议事",
            "社区工作人员参加",
            12,
        )
        assert (event.status, event.series, event.organiser_group) == ("published", None, None)
        assert event.created_by == operator
        assert event.organiser_name == "五福茶馆"

    def test_it_publishes_weekly_for_n_weeks_at_the_same_local_time(
        self, operator, venue, room, hours
    ):
        events = publish(operator, venue, room, weeks=4)

        stored = list(Event.objects.order_by("starts_at"))
        assert [e.starts_at.astimezone(SH) for e in stored] == [
            at(10, 14, 14, 30),
            at(10, 21, 14, 30),
            at(10, 28, 14, 30),
            at(11, 4, 14, 30),
        ]
        assert {e.ends_at.astimezone(SH).time() for e in stored} == {dt.time(16, 0)}
        series = EventSeries.objects.get()
        assert series.weeks == 4
        assert {e.series_id for e in stored} == {series.pk}
        assert [e.pk for e in events] == [e.pk for e in stored]

    def test_one_bad_week_saves_nothing_and_names_the_week(self, operator, venue, room, hours):
        # 10月7日 is in the National Day break; the venue closes on public holidays.
        with pytest.raises(DomainError) as exc:
            publish(
                operator,
                venue,
                room,
                starts_at=at(9, 30, 14, 30),
                ends_at=at(9, 30, 16, 0),
                weeks=3,
            )

        assert exc.value.code == "outside_opening_hours"
        assert exc.value.status == 422
        assert str(exc.value.message) == (
            "无法发布，以下各周有问题，所有活动均未保存：第 2 周（10月7日 14:30）"
            "不在该功能室的开放时间内：10月7日该功能室不开放，请换一天。"
        )
        assert Event.objects.count() == 0
        assert EventSeries.objects.count() == 0

    def test_it_refuses_an_event_running_past_closing_time(self, operator, venue, room, hours):
        with pytest.raises(DomainError) as exc:
            publish(operator, venue, room, starts_at=at(10, 14, 20, 30), ends_at=at(10, 14, 21, 30))

        assert exc.value.code == "outside_opening_hours"
        assert exc.value.fields == {
            "starts_at": [
                "无法发布：不在该功能室的开放时间内："
                "该功能室10月14日的开放时间是 09:00-21:00，请在这段时间内安排。"
            ]
        }
        assert not Event.objects.exists()

    def test_outside_hours_says_the_days_hours_split_and_overnight(self, operator, venue, room):
        from spaces.models import OpeningHours

        # 10月14日 is a Wednesday (day 2): a morning and an evening running past midnight.
        OpeningHours.objects.create(venue=venue, day=2, opens=dt.time(9), closes=dt.time(12))
        OpeningHours.objects.create(
            venue=venue, day=2, opens=dt.time(18), closes=dt.time(1), overnight=True
        )
        with pytest.raises(DomainError) as exc:
            publish(operator, venue, room, starts_at=at(10, 14, 14), ends_at=at(10, 14, 15))
        assert exc.value.message == (
            "无法发布：不在该功能室的开放时间内："
            "该功能室10月14日的开放时间是 09:00-12:00、18:00-次日01:00，请在这段时间内安排。"
        )

    def test_it_refuses_more_seats_than_the_room_has(self, operator, venue, room, hours):
        with pytest.raises(DomainError) as exc:
            publish(operator, venue, room, capacity=13)

        assert exc.value.code == "capacity_exceeds_room"
        assert exc.value.fields == {"capacity": ["名额不能超过功能室容量（12 人）。"]}

    def test_it_refuses_an_end_before_the_start(self, operator, venue, room, hours):
        with pytest.raises(DomainError) as exc:
            publish(operator, venue, room, ends_at=at(10, 14, 14, 0))

        assert exc.value.code == "event_end_before_start"
        assert list(exc.value.fields) == ["ends_at"]

    def test_it_refuses_a_start_in_the_past(self, operator, venue, room, hours):
        with pytest.raises(DomainError) as exc:
            publish(operator, venue, room, starts_at=at(9, 30, 9, 30), ends_at=at(9, 30, 10, 30))

        assert exc.value.code == "event_in_past"

    def test_it_refuses_an_overlap_with_another_event_in_the_room(
        self, operator, venue, room, hours
    ):
        publish(operator, venue, room)

        with pytest.raises(Conflict) as exc:
            publish(
                operator,
                venue,
                room,
                title="书法课",
                starts_at=at(10, 14, 15, 30),
                ends_at=at(10, 14, 17, 0),
            )

        assert exc.value.code == "event_overlap"
        assert exc.value.status == 409
        assert Event.objects.count() == 1

    def test_it_refuses_a_room_of_another_venue(self, operator, venue, hours):
        foreign_room = RoomFactory(venue=VenueFactory(name="别处"))

        with pytest.raises(DomainError) as exc:
            publish(operator, venue, foreign_room)

        assert exc.value.code == "room_not_in_venue"

    def test_an_operator_of_another_venue_cannot_publish(self, venue, room, hours):
        stranger = UserFactory(username="other-operator")
        VenueRoleFactory(user=stranger, venue=VenueFactory(name="别处"), role="operator")

        with pytest.raises(PermissionDenied) as exc:
            publish(stranger, venue, room)

        assert exc.value.code == "not_venue_operator"

    @pytest.mark.parametrize("weeks", [0, 53])
    def test_it_refuses_weeks_out_of_range(self, operator, venue, room, hours, weeks):
        with pytest.raises(DomainError) as exc:
            publish(operator, venue, room, weeks=weeks)

        assert exc.value.code == "invalid_weeks"

    def test_a_group_organises_only_once_approved_at_the_venue(
        self, operator, owner, venue, room, hours
    ):
        choir = group_create(user=owner, name="五福合唱团")
        approval = group_request_approval(user=owner, group=choir, venue=venue)

        with pytest.raises(DomainError) as exc:
            publish(operator, venue, room, organiser_group=choir)
        assert exc.value.code == "organiser_not_approved"

        group_approval_decide(user=operator, approval=approval, approve=True)
        [event] = publish(operator, venue, room, organiser_group=choir, title="合唱排练")
        assert event.organiser_group == choir
        assert event.organiser_name == "五福合唱团"

    def test_it_refuses_a_closed_scene(self, operator, venue, room, hours):
        from scenes.models import Scene

        Scene.objects.create(
            venue=venue,
            kind="closed",
            name="设备检修",
            starts=dt.time(14, 0),
            ends=dt.time(17, 0),
            valid_from=dt.date(2026, 10, 14),
            one_off_date=dt.date(2026, 10, 14),
            who_may_book="staff",
        )

        with pytest.raises(DomainError) as exc:
            publish(operator, venue, room)

        assert exc.value.code == "closed_scene"
        assert "设备检修" in str(exc.value.message)
        assert not Event.objects.exists()


# --- registration and the waitlist --------------------------------------------------------


@pytest.mark.django_db
class TestRegistration:
    def test_it_registers_until_full_then_waitlists_in_order(self, room):
        event = make_event(room, capacity=2)
        a, b, c, d = residents(4)

        results = [event_register(user=u, event=event) for u in (a, b, c, d)]

        assert [r.status for r in results] == [
            "registered",
            "registered",
            "waitlisted",
            "waitlisted",
        ]
        assert [waitlist_position(r) for r in results] == [None, None, 1, 2]
        fresh = event_get(event_id=event.pk)
        assert (fresh.registered, fresh.waitlisted, fresh.seats_left) == (2, 2, 0)

    def test_a_cancellation_promotes_the_first_in_line(self, room):
        event = make_event(room, capacity=2)
        a, b, c, d = residents(4)
        for u in (a, b, c, d):
            event_register(user=u, event=event)

        result = event_unregister(user=a, event=event)

        assert result.registration.status == "cancelled"
        assert [r.resident for r in result.promoted] == [c]
        assert [n.message for n in result.notices] == [
            "有人取消了报名，你已从候补转为报名成功：品茶议事（10月14日 14:30）。"
        ]
        statuses = dict(
            EventRegistration.objects.filter(event=event).values_list("resident__phone", "status")
        )
        assert statuses == {
            a.phone: "cancelled",
            b.phone: "registered",
            c.phone: "registered",
            d.phone: "waitlisted",
        }
        promoted = EventRegistration.objects.get(event=event, resident=c)
        assert promoted.promoted_at == NOW
        assert waitlist_position(EventRegistration.objects.get(event=event, resident=d)) == 1

    def test_a_waitlisted_resident_leaving_promotes_nobody(self, room):
        event = make_event(room, capacity=1)
        a, b, c = residents(3)
        for u in (a, b, c):
            event_register(user=u, event=event)

        result = event_unregister(user=b, event=event)

        assert result.promoted == []
        assert waitlist_position(EventRegistration.objects.get(event=event, resident=c)) == 1
        assert EventRegistration.objects.get(event=event, resident=a).status == "registered"

    def test_registering_twice_is_refused_but_allowed_after_cancelling(self, room, owner):
        event = make_event(room)
        event_register(user=owner, event=event)

        with pytest.raises(Conflict) as exc:
            event_register(user=owner, event=event)
        assert exc.value.code == "already_registered"

        event_unregister(user=owner, event=event)
        again = event_register(user=owner, event=event)
        assert again.status == "registered"
        assert EventRegistration.objects.filter(event=event, resident=owner).count() == 2

    def test_a_full_event_waitlists_rather_than_refuses(self, room, owner, other_resident):
        event = make_event(room, capacity=1)
        event_register(user=other_resident, event=event)

        registration = event_register(user=owner, event=event)

        assert registration.status == "waitlisted"
        assert waitlist_position(registration) == 1

    def test_registration_for_a_started_event_is_refused(self, room, owner):
        event = make_event(room, starts_at=at(9, 30, 9, 30))

        with pytest.raises(Conflict) as exc:
            event_register(user=owner, event=event)

        assert (exc.value.code, exc.value.status) == ("event_past", 409)
        assert not EventRegistration.objects.exists()

    def test_registration_for_a_cancelled_event_is_refused(self, room, owner, operator):
        event = make_event(room)
        event_cancel(user=operator, event=event)

        with pytest.raises(Conflict) as exc:
            event_register(user=owner, event=event)

        assert exc.value.code == "event_cancelled"

    def test_cancelling_without_a_registration_is_not_found(self, room, owner):
        event = make_event(room)

        with pytest.raises(NotFound) as exc:
            event_unregister(user=owner, event=event)

        assert exc.value.code == "not_registered"

    def test_staff_without_a_phone_cannot_register(self, room, operator):
        with pytest.raises(PermissionDenied) as exc:
            event_register(user=operator, event=make_event(room))

        assert exc.value.code == "not_resident"

    def test_my_registrations_list_upcoming_active_ones(self, room, owner):
        first = make_event(room, starts_at=at(10, 14, 14, 30))
        second = make_event(room, starts_at=at(10, 21, 14, 30))
        left = make_event(room, starts_at=at(10, 28, 14, 30))
        for e in (second, first, left):
            event_register(user=owner, event=e)
        event_unregister(user=owner, event=left)

        mine = registrations_for_resident(user=owner)

        assert [r.event for r in mine] == [first, second]


@pytest.mark.django_db
class TestCancelEvent:
    def test_it_cancels_the_event_and_tells_everyone_registered_or_waiting(self, room, operator):
        event = make_event(room, capacity=1)
        a, b = residents(2)
        event_register(user=a, event=event)
        event_register(user=b, event=event)

        result = event_cancel(user=operator, event=event, reason="茶亭漏水维修")

        event.refresh_from_db()
        assert (event.status, event.cancel_reason, event.cancelled_at) == (
            "cancelled",
            "茶亭漏水维修",
            NOW,
        )
        assert set(EventRegistration.objects.values_list("status", flat=True)) == {"cancelled"}
        assert [(n.phone_masked, n.message) for n in result.notices] == [
            ("138****0003", "活动“品茶议事”（10月14日 14:30）已取消，原因：茶亭漏水维修。"),
            ("138****0004", "活动“品茶议事”（10月14日 14:30）已取消，原因：茶亭漏水维修。"),
        ]
        assert list(events_upcoming(venue=room.venue)) == []

    def test_it_cancels_the_rest_of_a_series(self, operator, venue, room, hours):
        events = publish(operator, venue, room, weeks=3)

        result = event_cancel(user=operator, event=events[1], whole_series=True)

        assert [e.pk for e in result.events] == [events[1].pk, events[2].pk]
        assert list(Event.objects.order_by("starts_at").values_list("status", flat=True)) == [
            "published",
            "cancelled",
            "cancelled",
        ]

    def test_cancelling_twice_is_refused(self, room, operator):
        event = make_event(room)
        event_cancel(user=operator, event=event)

        with pytest.raises(Conflict) as exc:
            event_cancel(user=operator, event=event)

        assert exc.value.code == "event_cancelled"

    def test_an_operator_of_another_venue_cannot_cancel(self, room):
        stranger = UserFactory(username="other-operator")
        VenueRoleFactory(user=stranger, venue=VenueFactory(name="别处"), role="operator")
        event = make_event(room)

        with pytest.raises(PermissionDenied):
            event_cancel(user=stranger, event=event)

        event.refresh_from_db()
        assert event.status == "published"


# --- concurrency --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("writers_queue_db")
def test_concurrent_cancellations_promote_exactly_two_in_order():
    venue = VenueFactory(name="五福茶馆")
    room = RoomFactory(venue=venue, name="议事茶亭", capacity=12)
    for round_ in range(3):
        event = make_event(room, capacity=2, starts_at=at(10, 14 + round_, 14, 30))
        a, b, c, d, e, f = residents(6, start=10 * round_ + 10)
        for u in (a, b, c, d, e):
            event_register(user=u, event=event)

        errors = run_together(
            lambda a=a, event=event: event_unregister(user=a, event=event),
            lambda b=b, event=event: event_unregister(user=b, event=event),
            lambda f=f, event=event: event_register(user=f, event=event),
        )

        assert errors == [None, None, None]
        by_status = {
            status: [
                r.resident
                for r in EventRegistration.objects.filter(event=event, status=status).order_by(
                    "created_at", "pk"
                )
            ]
            for status in ("registered", "waitlisted", "cancelled")
        }
        assert by_status["registered"] == [c, d]
        assert by_status["waitlisted"] == [e, f]
        assert set(by_status["cancelled"]) == {a, b}
        promoted = EventRegistration.objects.filter(event=event, promoted_at__isnull=False)
        assert sorted(r.resident.phone for r in promoted) == [c.phone, d.phone]


# --- demo ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_demo_publishes_weekly_events_and_a_full_class_with_a_waitlist():
    import io

    from scenes import demo_events
    from spaces import demo as spaces_demo

    spaces_demo.load(stdout=io.StringIO())
    lines = demo_events.load(stdout=io.StringIO())

    tea = Event.objects.filter(title="品茶议事").order_by("starts_at")
    assert [e.starts_at.astimezone(SH) for e in tea][:2] == [at(10, 7, 14, 30), at(10, 14, 14, 30)]
    assert tea.count() == 8
    assert Event.objects.filter(title="合唱排练", organiser_group__name="五福合唱团").count() == 8
    knitting = event_get(event_id=Event.objects.get(title="手工编织体验课").pk)
    assert (knitting.registered, knitting.waitlisted, knitting.seats_left) == (3, 2, 0)
    zhang = EventRegistration.objects.get(event=knitting, resident__phone="13800000001")
    assert waitlist_position(zhang) == 2
    assert len(lines) == 2
    assert demo_events.load(stdout=io.StringIO()) == ["活动：演示活动已存在，未重复创建"]
