from zoneinfo import available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from spaces.models.hours import HolidayPolicy


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(
            _("Unknown time zone: %(tz)s"), params={"tz": value}, code="time_zone"
        )


class Community(models.Model):
    """社区: the residents' unit; a street (街道, sub-district) groups several."""

    name = models.CharField(_("community"), max_length=80)
    street = models.CharField(_("street (sub-district)"), max_length=80)
    district = models.CharField(_("district"), max_length=80, blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    latitude = models.FloatField(_("latitude (WGS-84)"), null=True, blank=True)
    longitude = models.FloatField(_("longitude (WGS-84)"), null=True, blank=True)

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["city", "district", "street", "name"]
        constraints = [
            models.UniqueConstraint(fields=["street", "name"], name="spaces_community_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.street} · {self.name}"


class VenueKind(models.TextChoices):
    SERVICE_CENTRE = "service_centre", _("Party-mass service centre")
    TEAHOUSE = "teahouse", _("Community teahouse")
    ACTIVITY_ROOM = "activity_room", _("Activity room")
    ELDERS_SPACE = "elders_space", _("Elders' space")
    READING_ROOM = "reading_room", _("Reading room")
    OTHER = "other", _("Other")


class AccessibilityFeature(models.TextChoices):
    STEP_FREE = "step_free", _("Step-free entrance")
    LIFT = "lift", _("Lift")
    ACCESSIBLE_TOILET = "accessible_toilet", _("Accessible toilet")
    HEARING_LOOP = "hearing_loop", _("Hearing loop")


class Venue(models.Model):
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="venues")
    kind = models.CharField(_("kind"), max_length=20, choices=VenueKind.choices)
    name = models.CharField(_("name"), max_length=80)
    address = models.CharField(_("address"), max_length=200)
    # Canonical WGS-84. Operators may type GCJ-02 or BD-09; forms convert (spaces.geo).
    latitude = models.FloatField(_("latitude (WGS-84)"))
    longitude = models.FloatField(_("longitude (WGS-84)"))
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Shanghai", validators=[validate_time_zone]
    )
    description = models.TextField(_("description"), blank=True)
    accessibility = models.JSONField(
        _("accessibility features"),
        default=list,
        blank=True,
        help_text=_("Codes from AccessibilityFeature."),
    )
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    holiday_policy = models.CharField(
        _("on statutory holidays"),
        max_length=12,
        choices=HolidayPolicy.choices,
        default=HolidayPolicy.CLOSED,
    )
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="spaces_venue_unique_name"),
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90),
                name="spaces_venue_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__gte=-180, longitude__lte=180),
                name="spaces_venue_longitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(holiday_policy__in=["closed", "as_usual", "special"]),
                name="spaces_venue_holiday_policy_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Room(models.Model):
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("name"), max_length=80)
    description = models.TextField(_("description"), blank=True)
    capacity = models.PositiveIntegerField(_("capacity"))
    amenities = models.JSONField(_("amenities"), default=list, blank=True)
    is_bookable = models.BooleanField(
        _("bookable"), default=True, help_text=_("Off for walk-in only rooms.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["venue", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["venue", "name"], name="spaces_room_unique_name"),
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1), name="spaces_room_capacity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.venue} · {self.name}"


class VenueRole(models.Model):
    """What a staff user may do at one venue. Roles never leak across venues."""

    class Role(models.TextChoices):
        OPERATOR = "operator", _("Operator")
        VIEWER = "viewer", _("Viewer (metrics only)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="venue_roles"
    )
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="staff_roles")
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("venue role")
        verbose_name_plural = _("venue roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "venue", "role"], name="spaces_role_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=["operator", "viewer"]), name="spaces_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.venue} · {self.get_role_display()}"
