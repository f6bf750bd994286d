from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "bookings"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from spaces.extensions import register_operator_link

        # The front desk: check-ins, approvals, walk-ins, payments (bookings.desk_views).
        register_operator_link("desk", label=_("前台"), url_name="bookings:desk", order=20)
