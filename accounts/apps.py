from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("账户")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts import personal_data, sms
        from accounts.services import account_erase, account_export

        # Fail at boot, not at the first resident's sign-in, when codes cannot be sent.
        sms.check_settings()
        personal_data.register("account", export=account_export, erase=account_erase)

        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(staff_session_expiry, dispatch_uid="accounts.staff_session_expiry")


def staff_session_expiry(sender, request, user, **kwargs) -> None:
    """A staff session ends after a working day, however they signed in (staff page, admin,
    or a code for the phone on a staff account); residents keep SESSION_COOKIE_AGE."""
    from django.conf import settings

    if request is not None and hasattr(request, "session") and user.is_staff:
        request.session.set_expiry(settings.STAFF_SESSION_AGE)
