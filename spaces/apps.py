from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpacesConfig(AppConfig):
    name = "spaces"
    verbose_name = _("场所")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from spaces import schedule  # noqa: F401  (connects the schedule-token signals)
