from django.db import models
from django.utils.translation import gettext_lazy as _


def photo_upload_to(instance: "Photo", filename: str) -> str:
    return f"photos/venue-{instance.venue_id}/{filename}"


class Photo(models.Model):
    """A venue photo, or a room photo when ``room`` is set.

    The stored original has had its orientation applied and EXIF removed (spaces.photos);
    ``variants`` maps a width in px to the relative path of a resized JPEG/WebP for phones.
    """

    venue = models.ForeignKey("spaces.Venue", on_delete=models.CASCADE, related_name="photos")
    room = models.ForeignKey(
        "spaces.Room", on_delete=models.CASCADE, related_name="photos", null=True, blank=True
    )
    image = models.ImageField(
        _("图片"), upload_to=photo_upload_to, width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    variants = models.JSONField(default=dict, blank=True)
    caption = models.CharField(_("说明"), max_length=120, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("照片")
        verbose_name_plural = _("照片")
        ordering = ["venue", "room", "order", "id"]

    def __str__(self) -> str:
        return self.caption or self.image.name
