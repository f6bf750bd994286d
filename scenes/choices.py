"""The choices a scene is made of, apart from the models so that scenes.booking_rules (which
the Scene model is built from) can use them without importing the model."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SceneKind(models.TextChoices):
    PUBLIC = "public", _("公益时段")
    COMMERCIAL = "commercial", _("商业时段")
    CLOSED = "closed", _("暂停开放")


class DayFilter(models.TextChoices):
    ALL = "all", _("每天")
    WORKING = "working", _("仅工作日")
    NON_WORKING = "non_working", _("仅休息日")


class WhoMayBook(models.TextChoices):
    RESIDENTS = "residents", _("已登录居民")
    GROUPS = "groups", _("仅登记的自组织")
    STAFF = "staff", _("仅工作人员")
    WALK_IN = "walk_in", _("不可预约，现场使用")
