"""Scenes: how a venue (or some of its rooms) is used in a recurring time window.

A scene carries its own booking rules; scenes.resolution intersects them with the opening
hours from spaces.hours. One-off scenes (a dated special evening) beat recurring ones.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from linli.dates import weekday_name
from scenes.booking_rules import rule_columns
from scenes.choices import DayFilter, SceneKind

# One column per booking rule, built from their declaration (abstract: no table of its own).
SceneRules = type(
    "SceneRules",
    (models.Model,),
    {"__module__": __name__, "Meta": type("Meta", (), {"abstract": True}), **rule_columns()},
)


class Scene(SceneRules):
    venue = models.ForeignKey("spaces.Venue", on_delete=models.CASCADE, related_name="scenes")
    all_rooms = models.BooleanField(_("适用于全部功能室"), default=True)
    rooms = models.ManyToManyField("spaces.Room", blank=True, related_name="scenes")
    kind = models.CharField(_("类型"), max_length=12, choices=SceneKind.choices)
    name = models.CharField(_("名称"), max_length=60)
    description = models.CharField(_("简介"), max_length=200, blank=True)

    # When: a weekly window between two dates, or one dated occurrence (one_off_date).
    weekdays = models.PositiveSmallIntegerField(
        _("星期"), default=0b1111111, help_text=_("位掩码：星期一为 1，星期日为 64。")
    )
    starts = models.TimeField(_("开始时间"))
    ends = models.TimeField(_("结束时间"))
    overnight = models.BooleanField(_("跨越午夜"), default=False)
    valid_from = models.DateField(_("生效日期"))
    valid_until = models.DateField(_("截止日期"), null=True, blank=True)
    day_filter = models.CharField(
        _("适用日期"), max_length=12, choices=DayFilter.choices, default=DayFilter.ALL
    )
    one_off_date = models.DateField(_("单次日期"), null=True, blank=True)

    # The booking rules are SceneRules' columns, declared in scenes.booking_rules.

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("场景")
        verbose_name_plural = _("场景")
        ordering = ["venue", "one_off_date", "starts"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["public", "commercial", "closed"]), name="scenes_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(weekdays__gte=1, weekdays__lte=127), name="scenes_weekdays_nonempty"
            ),
            models.CheckConstraint(
                condition=(Q(overnight=False) & Q(ends__gt=F("starts")))
                | (Q(overnight=True) & Q(ends__lte=F("starts"))),
                name="scenes_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="scenes_valid_range",
            ),
            models.CheckConstraint(
                condition=~Q(kind="public") | Q(price_per_hour_fen=0),
                name="scenes_public_is_free",
            ),
            models.CheckConstraint(
                condition=Q(max_duration_minutes__gte=F("min_duration_minutes")),
                name="scenes_duration_range",
            ),
            models.CheckConstraint(condition=Q(slot_minutes__gte=5), name="scenes_slot_min"),
        ]

    def __str__(self) -> str:
        return f"{self.venue} · {self.name}"

    @property
    def is_one_off(self) -> bool:
        return self.one_off_date is not None

    @property
    def weekday_labels(self) -> list[str]:
        """ "周一", "周三", ... for the weekdays in the bitmask."""
        return [weekday_name(i, short=True) for i in range(7) if self.weekdays & (1 << i)]
