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
