"""Bookings, series, check-ins, ratings and idempotent requests.

States follow ../shared/DOMAIN.md: pending -> confirmed | rejected; confirmed -> cancelled,
checked_in (-> completed once it has ended) or no_show. ``status`` is what has been
recorded; ``bookings.states.effective_status`` is what is true now (a confirmed booking
whose check-in window has closed is a no-show from that instant, whether or not the
periodic ``record_no_shows`` command has written it yet).

No double booking: the bookings that hold their slot (``HOLDING``) never overlap in a
room. Services check it under the venue lock; the database refuses it as well, with an
exclusion constraint on PostgreSQL and triggers on SQLite (migration 0002).
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    PENDING = "pending", _("待审核")
    CONFIRMED = "confirmed", _("已确认")
    REJECTED = "rejected", _("未通过")
    CANCELLED = "cancelled", _("已取消")
    CHECKED_IN = "checked_in", _("已签到")
    COMPLETED = "completed", _("已完成")
    NO_SHOW = "no_show", _("未到场")


# The recorded states whose booking occupies its room. Checked-in bookings keep the room
# until they end (the resident is in it); the domain's "pending and confirmed hold their
# slot" reads confirmed as including its checked-in continuation.
HOLDING = (Status.PENDING, Status.CONFIRMED, Status.CHECKED_IN)


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("现金")
    WECHAT = "wechat", _("微信支付")
    ALIPAY = "alipay", _("支付宝")
    WAIVED = "waived", _("免单")


def new_public_id() -> str:
    # Booking ids in URLs are not guessable: 128 random bits, URL-safe.
    return secrets.token_urlsafe(16)


class BookingSeries(models.Model):
    """A group's weekly booking: the same room and times on chosen weekdays."""

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    venue = models.ForeignKey("spaces.Venue", on_delete=models.CASCADE, related_name="+")
    room = models.ForeignKey("spaces.Room", on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey("scenes.Group", on_delete=models.CASCADE, related_name="+")
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    weekdays = models.PositiveSmallIntegerField(_("星期"))  # bit 0 = Monday
    start_time = models.TimeField(_("开始时间"))
    end_time = models.TimeField(_("结束时间"))
    first_date = models.DateField(_("首次日期"))
    last_date = models.DateField(_("末次日期"))
    people = models.PositiveIntegerField(_("人数"))
    purpose = models.CharField(_("用途"), max_length=100)
    skipped = models.JSONField(default=list, blank=True)  # [{date, code, message}]
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.group_id} {self.first_date}–{self.last_date}"


class Booking(models.Model):
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id)
    # No index of their own: the (venue, ...), (room, ...) and (resident, ...) indexes
    # below lead with them, and every booking's insert updates every index.
    venue = models.ForeignKey(
        "spaces.Venue", on_delete=models.CASCADE, related_name="bookings", db_index=False
    )
    room = models.ForeignKey(
        "spaces.Room", on_delete=models.CASCADE, related_name="bookings", db_index=False
    )
    scene = models.ForeignKey(
        "scenes.Scene", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    scene_kind = models.CharField(max_length=12, blank=True)  # as it was when booked
    # SET_NULL: deleting an account anonymises its past bookings, metrics keep counting.
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bookings",
        db_index=False,
    )
    visitor = models.UUIDField(null=True, blank=True)  # see bookings.visitors
    # Mostly empty: indexed only where set (Meta.indexes), so a booking's insert does not
    # add an entry for nothing to each of these four indexes.
    group = models.ForeignKey(
        "scenes.Group",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    series = models.ForeignKey(
        BookingSeries,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bookings",
        db_index=False,
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    local_date = models.DateField()  # the venue-local day it starts on
    checkin_opens_at = models.DateTimeField()
    checkin_closes_at = models.DateTimeField()
    cancel_deadline = models.DateTimeField()
    people = models.PositiveIntegerField(_("人数"))
    purpose = models.CharField(_("用途"), max_length=100)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices)
    code = models.CharField(_("签到码"), max_length=6)
    price_fen = models.PositiveIntegerField(_("应付（分）"), default=0)
    paid_fen = models.PositiveIntegerField(_("实收（分）"), null=True, blank=True)
    payment_method = models.CharField(
        _("付款方式"), max_length=8, choices=PaymentMethod.choices, blank=True
    )
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_index=False,
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by_operator = models.BooleanField(default=False)
    reason = models.CharField(_("原因"), max_length=200, blank=True)  # rejection, cancellation
    no_show_recorded_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    kept_by_operator = models.BooleanField(default=False)  # kept through a schedule change
    # Rows imported from a community's ledger (bookings.ledger): the row's natural key,
    # hashed, so re-importing the same file finds them; "" for rows the app wrote.
    ledger_key = models.CharField(
        max_length=40, blank=True, default="", db_default="", editable=False
    )

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["room", "starts_at"], name="bookings_room_start"),
            models.Index(fields=["venue", "local_date"], name="bookings_venue_day"),
            models.Index(fields=["resident", "starts_at"], name="bookings_resident_start"),
            # A resident's bookings still holding their slot (the active-booking limit,
            # bookings.services.reads.active_scene_ids): the few with an open window.
            models.Index(fields=["resident", "checkin_closes_at"], name="bookings_resident_open"),
            *(
                models.Index(
                    fields=[field],
                    condition=models.Q(**{f"{field}__isnull": False}),
                    name=f"bookings_{field}_set",
                )
                for field in ("group", "series", "decided_by", "paid_recorded_by")
            ),
            models.Index(fields=["venue", "code"], name="bookings_venue_code"),
            # record_no_shows and booking_create look for bookings whose window closed.
            models.Index(
                fields=["room", "status", "checkin_closes_at"], name="bookings_room_lapsing"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="bookings_booking_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(people__gte=1), name="bookings_booking_people_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="bookings_booking_status"
            ),
            # The desk types the code of someone arriving today: unique per venue and day.
            models.UniqueConstraint(
                fields=["venue", "local_date", "code"], name="bookings_booking_code_per_day"
            ),
            models.UniqueConstraint(
                fields=["venue", "ledger_key"],
                condition=~models.Q(ledger_key=""),
                name="bookings_booking_ledger_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.room_id} {self.starts_at:%Y-%m-%d %H:%M} {self.status}"


class CheckIn(models.Model):
    """One arrival: a resident's (booking, event registration or walk-in), or an
    operator's headcount of anonymous walk-ins (``resident`` and ``visitor`` None)."""

    class Kind(models.TextChoices):
        BOOKING = "booking", _("预约")
        EVENT = "event", _("活动")
        WALK_IN = "walk_in", _("到访")

    venue = models.ForeignKey("spaces.Venue", on_delete=models.CASCADE, related_name="+")
    room = models.ForeignKey(
        "spaces.Room", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="checkins",
    )
    visitor = models.UUIDField(null=True, blank=True)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    booking = models.OneToOneField(
        Booking, on_delete=models.CASCADE, null=True, blank=True, related_name="checkin"
    )
    registration = models.OneToOneField(
        "scenes.EventRegistration",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="checkin",
    )
    event = models.ForeignKey(
        "scenes.Event", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    headcount = models.PositiveIntegerField(default=1)
    at = models.DateTimeField()
    local_date = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    ledger_key = models.CharField(
        max_length=40, blank=True, default="", db_default="", editable=False
    )

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            # Both covering for metrics' reads of visits (metrics.selectors.visit_sql): a
            # venue set's visitors by day, and each visitor's first visit and returns.
            models.Index(
                fields=["venue", "local_date", "visitor"], name="bookings_checkin_venue_day_v"
            ),
            models.Index(
                fields=["visitor", "local_date", "venue"], name="bookings_checkin_visitor_day"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(headcount__gte=1), name="bookings_checkin_headcount_positive"
            ),
            # A resident's walk-in is once a day per venue: a second scan is a no-op.
            models.UniqueConstraint(
                fields=["visitor", "venue", "local_date"],
                condition=models.Q(kind="walk_in", visitor__isnull=False),
                name="bookings_checkin_one_walk_in_a_day",
            ),
            models.UniqueConstraint(
                fields=["visitor", "event"],
                condition=models.Q(kind="event", visitor__isnull=False),
                name="bookings_checkin_one_per_event",
            ),
            models.UniqueConstraint(
                fields=["venue", "ledger_key"],
                condition=~models.Q(ledger_key=""),
                name="bookings_checkin_ledger_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.venue_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class Rating(models.Model):
    """A rating of one visit (resident, venue, local date), given once within 7 days."""

    venue = models.ForeignKey("spaces.Venue", on_delete=models.CASCADE, related_name="+")
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ratings",
    )
    visitor = models.UUIDField()
    local_date = models.DateField()
    score = models.PositiveSmallIntegerField(_("评分"))
    comment = models.CharField(_("留言"), max_length=500, blank=True)
    created_at = models.DateTimeField()
    ledger_key = models.CharField(
        max_length=40, blank=True, default="", db_default="", editable=False
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["visitor", "venue", "local_date"], name="bookings_rating_once_per_visit"
            ),
            models.UniqueConstraint(
                fields=["venue", "ledger_key"],
                condition=~models.Q(ledger_key=""),
                name="bookings_rating_ledger_key",
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="bookings_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.venue_id} {self.local_date} {self.score}"


class IdempotentRequest(models.Model):
    """The first answer to a POST that carried an Idempotency-Key, replayed on retries."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="bookings_idempotency_key"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.key}"


class Visitor(models.Model):
    """A resident's pseudonym in visit records (bookings, check-ins, ratings).

    Metrics count visitors, not accounts. Deleting an account deletes this row: the visit
    records keep the pseudonym, now linked to nobody, so counts and repeat visits stay
    right while nothing points back to the person.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="visitor"
    )
    key = models.UUIDField(unique=True, default=uuid.uuid4)

    def __str__(self) -> str:
        return str(self.key)
