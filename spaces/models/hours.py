"""Opening hours as data. spaces.hours turns these rows into open intervals."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from linli.dates import weekday_choices


class HolidayPolicy(models.TextChoices):
    CLOSED = "closed", _("闭馆")
    AS_USUAL = "as_usual", _("照常开放")
    SPECIAL = "special", _("特殊时间")


class OpeningHours(models.Model):
    """One interval of a weekly rule.

    ``day`` 0-6 is Monday-Sunday; 7 means "during a holiday break": the venue's day-7
    rules are used only with its "special hours" holiday policy. With ``room`` set, the
    rule belongs to that room: on a day with rules of its own the room is open only when
    both it and its venue are open; on a day without, it follows the venue. A room's row
    without times (``is_closed``) closes that day by the room's own rule (day 7: closed
    during every holiday break, whatever the venue's policy). An overnight interval
    (closes at or before it opens) runs into the next morning.
    """

    HOLIDAY = 7

    venue = models.ForeignKey("spaces.Venue", on_delete=models.CASCADE, related_name="hours")
    room = models.ForeignKey(
        "spaces.Room", on_delete=models.CASCADE, related_name="hours", null=True, blank=True
    )
    day = models.PositiveSmallIntegerField(
        _("星期"),
        choices=[*weekday_choices(), (7, _("节假日"))],
    )
    opens = models.TimeField(_("开门"), null=True, blank=True)
    closes = models.TimeField(_("关门"), null=True, blank=True)
    overnight = models.BooleanField(_("跨越午夜"), default=False)

    class Meta:
        verbose_name = _("开放时间")
        verbose_name_plural = _("开放时间")
        ordering = ["venue", "room", "day", "opens"]
        constraints = [
            models.CheckConstraint(condition=Q(day__lte=7), name="spaces_hours_day_range"),
            models.CheckConstraint(
                condition=(Q(overnight=False) & Q(closes__gt=F("opens")))
                | (Q(overnight=True) & Q(closes__lte=F("opens")))
                | Q(opens__isnull=True, closes__isnull=True, overnight=False, room__isnull=False),
                name="spaces_hours_close_after_open",
            ),
            models.UniqueConstraint(
                fields=["venue", "day", "opens"],
                condition=Q(room__isnull=True),
                name="spaces_hours_unique_venue_start",
            ),
            models.UniqueConstraint(
                fields=["room", "day", "opens"],
                condition=Q(room__isnull=False),
                name="spaces_hours_unique_room_start",
            ),
        ]

    def __str__(self) -> str:
        if self.is_closed:
            return f"{self.get_day_display()} closed"
        return f"{self.get_day_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"

    @property
    def is_closed(self) -> bool:
        return self.opens is None


class OpeningException(models.Model):
    """A dated change: closed all day (no times) or special hours (one row per interval).

    Exceptions beat weekly rules and holiday policy for their date; the reason is shown to
    residents ("设备检修", "社区选举投票点").
    """

    venue = models.ForeignKey("spaces.Venue", on_delete=models.CASCADE, related_name="exceptions")
    room = models.ForeignKey(
        "spaces.Room", on_delete=models.CASCADE, related_name="exceptions", null=True, blank=True
    )
    date = models.DateField(_("日期"))
    opens = models.TimeField(_("开门"), null=True, blank=True)
    closes = models.TimeField(_("关门"), null=True, blank=True)
    overnight = models.BooleanField(_("跨越午夜"), default=False)
    reason = models.CharField(_("对居民显示的原因"), max_length=120)
    # Predictability (metrics) judges a closure by how long before its date it was made.
    created_at = models.DateTimeField(
        _("创建时间"),
        auto_now_add=True,
        null=True,
        help_text=_("为空：在开始记录创建时间之前设置，视为按时公布。"),
    )

    class Meta:
        verbose_name = _("特定日期调整")
        verbose_name_plural = _("特定日期调整")
        ordering = ["venue", "date", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens__isnull=True, closes__isnull=True, overnight=False)
                | (
                    Q(opens__isnull=False, closes__isnull=False)
                    & (
                        (Q(overnight=False) & Q(closes__gt=F("opens")))
                        | (Q(overnight=True) & Q(closes__lte=F("opens")))
                    )
                ),
                name="spaces_exception_times_consistent",
            ),
        ]

    def __str__(self) -> str:
        if self.opens is None:
            return f"{self.date} closed: {self.reason}"
        return f"{self.date} {self.opens:%H:%M}-{self.closes:%H:%M}: {self.reason}"

    @property
    def is_closed(self) -> bool:
        return self.opens is None
