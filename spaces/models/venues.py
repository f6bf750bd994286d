import uuid
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from spaces.models.hours import HolidayPolicy


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(_("未知时区：%(tz)s"), params={"tz": value}, code="time_zone")


class Community(models.Model):
    """社区: the residents' unit; a street (街道, sub-district) groups several."""

    name = models.CharField(_("社区"), max_length=80)
    street = models.CharField(_("街道"), max_length=80)
    district = models.CharField(_("区"), max_length=80, blank=True)
    city = models.CharField(_("城市"), max_length=80, blank=True)
    latitude = models.FloatField(_("纬度（WGS-84）"), null=True, blank=True)
    longitude = models.FloatField(_("经度（WGS-84）"), null=True, blank=True)

    class Meta:
        verbose_name = _("社区")
        verbose_name_plural = _("社区")
        ordering = ["city", "district", "street", "name"]
        constraints = [
            models.UniqueConstraint(fields=["street", "name"], name="spaces_community_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.street} · {self.name}"


class VenueKind(models.TextChoices):
    SERVICE_CENTRE = "service_centre", _("党群服务中心")
    TEAHOUSE = "teahouse", _("社区茶馆")
    ACTIVITY_ROOM = "activity_room", _("活动室")
    ELDERS_SPACE = "elders_space", _("长者空间")
    READING_ROOM = "reading_room", _("社区书屋")
    OTHER = "other", _("其他")


class AccessibilityFeature(models.TextChoices):
    STEP_FREE = "step_free", _("无障碍入口")
    LIFT = "lift", _("电梯")
    ACCESSIBLE_TOILET = "accessible_toilet", _("无障碍卫生间")
    HEARING_LOOP = "hearing_loop", _("助听环路")


def new_schedule_token() -> str:
    return uuid.uuid4().hex


class Venue(models.Model):
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="venues")
    kind = models.CharField(_("类型"), max_length=20, choices=VenueKind.choices)
    name = models.CharField(_("名称"), max_length=80)
    address = models.CharField(_("地址"), max_length=200)
    # Canonical WGS-84. Operators may type GCJ-02 or BD-09; forms convert (spaces.geo).
    latitude = models.FloatField(_("纬度（WGS-84）"))
    longitude = models.FloatField(_("经度（WGS-84）"))
    time_zone = models.CharField(
        _("时区"), max_length=64, default="Asia/Shanghai", validators=[validate_time_zone]
    )
    description = models.TextField(_("简介"), blank=True)
    accessibility = models.JSONField(
        _("无障碍设施"),
        default=list,
        blank=True,
        help_text=_("无障碍设施代码。"),
    )
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    holiday_policy = models.CharField(
        _("法定节假日"),
        max_length=12,
        choices=HolidayPolicy.choices,
        default=HolidayPolicy.CLOSED,
    )
    is_published = models.BooleanField(_("已发布"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Replaced by a fresh random value whenever what decides the venue's timelines changes
    # (hours, exceptions, rooms, scenes: see spaces.schedule); the key under which each
    # process caches them. Random rather than a counter, so that a rolled-back change can
    # never leave its value to be reused by a later one.
    schedule_token = models.CharField(max_length=32, default=new_schedule_token, editable=False)
    # When the token last changed: what a calendar feed's Last-Modified reads, since a room
    # renamed or hours changed alter the feed without touching any event or booking row.
    schedule_changed_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("场馆")
        verbose_name_plural = _("场馆")
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

    @property
    def zone(self) -> ZoneInfo:
        """The venue's time zone, in which every day, evening and week is computed.

        ZoneInfo keeps one instance per key, so this is a cache lookup, and it follows
        ``time_zone`` if that changes on the instance.
        """
        return ZoneInfo(self.time_zone)


class Room(models.Model):
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("名称"), max_length=80)
    description = models.TextField(_("简介"), blank=True)
    capacity = models.PositiveIntegerField(_("容纳人数"))
    amenities = models.JSONField(_("设施"), default=list, blank=True)
    is_bookable = models.BooleanField(
        _("可预约"), default=True, help_text=_("仅限现场使用的功能室请关闭。")
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("功能室")
        verbose_name_plural = _("功能室")
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
        OPERATOR = "operator", _("运营方")
        VIEWER = "viewer", _("查看者（仅数据）")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="venue_roles"
    )
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="staff_roles")
    role = models.CharField(_("角色"), max_length=12, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("场馆角色")
        verbose_name_plural = _("场馆角色")
        constraints = [
            models.UniqueConstraint(fields=["user", "venue", "role"], name="spaces_role_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=["operator", "viewer"]), name="spaces_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.venue} · {self.get_role_display()}"
