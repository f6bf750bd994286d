"""Public activities (活动) in a room, with registration and an automatic waitlist."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.dates import month_day_time, month_day_weekday


class EventSeries(models.Model):
    """Ties together the occurrences of an event published "weekly for N weeks"."""

    weeks = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(weeks__gte=1, weeks__lte=52), name="scenes_series_weeks_range"
            ),
        ]

    def __str__(self) -> str:
        return f"series {self.pk} ({self.weeks} weeks)"


class Event(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", _("已发布")
        CANCELLED = "cancelled", _("已取消")

    venue = models.ForeignKey("spaces.Venue", on_delete=models.CASCADE, related_name="events")
    room = models.ForeignKey("spaces.Room", on_delete=models.CASCADE, related_name="events")
    scene = models.ForeignKey(
        "scenes.Scene", on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    series = models.ForeignKey(
        EventSeries, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    title = models.CharField(_("标题"), max_length=80)
    description = models.TextField(_("简介"), blank=True)
    organiser_group = models.ForeignKey(
        "scenes.Group",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        help_text=_("留空表示由运营方主办。"),
    )
    capacity = models.PositiveIntegerField(_("名额"))
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PUBLISHED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Residents who registered see why their event was called off.
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        ordering = ["starts_at"]
        # id keeps lists of a venue's events in (starts_at, id) order without a sort;
        # created_at and cancelled_at let a calendar feed's stamp (COUNT and MAX of them over
        # a venue's window) read the index alone, which halves a 304's cost.
        indexes = [models.Index(fields=["venue", "starts_at", "id", "created_at", "cancelled_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="scenes_event_order"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="scenes_event_capacity"),
        ]

    def __str__(self) -> str:
        return self.title

    # The counts come from scenes.selectors.events.with_counts (annotations); without them
    # these properties query, which is fine for one event and wrong for a list.
    @property
    def registered(self) -> int:
        if hasattr(self, "registered_count"):
            return self.registered_count
        return self.registrations.filter(status=EventRegistration.Status.REGISTERED).count()

    @property
    def waitlisted(self) -> int:
        if hasattr(self, "waitlist_count"):
            return self.waitlist_count
        return self.registrations.filter(status=EventRegistration.Status.WAITLISTED).count()

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.registered, 0)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def registration_open(self) -> bool:
        return not self.is_cancelled and not self.has_started

    @property
    def when_label(self) -> str:
        """ "10月14日 周三 14:30–16:00" in the venue's zone (the date of the end too when it
        falls on another day)."""

        zone = self.venue.zone
        start, end = self.starts_at.astimezone(zone), self.ends_at.astimezone(zone)
        end_text = f"{end:%H:%M}"
        if end.date() != start.date():
            end_text = month_day_time(end)
        return f"{month_day_weekday(start)} {start:%H:%M}–{end_text}"

    @property
    def organiser_name(self) -> str:
        return self.organiser_group.name if self.organiser_group_id else self.venue.name


class EventRegistration(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("已报名")
        WAITLISTED = "waitlisted", _("候补中")
        CANCELLED = "cancelled", _("已取消")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations"
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("活动报名")
        verbose_name_plural = _("活动报名")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "resident"],
                condition=~Q(status="cancelled"),
                name="scenes_one_active_registration",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["registered", "waitlisted", "cancelled"]),
                name="scenes_registration_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} · {self.resident} · {self.status}"
