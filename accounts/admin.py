from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.forms import AdminLoginForm
from accounts.models import ApiToken, StaffLoginFailure, User
from accounts.phone import normalise_phone
from accounts.tokens import api_token_revoke

# The admin's login counts failures with the staff page's limit (accounts.staff_login).
admin.site.login_form = AdminLoginForm


def _phone_field() -> forms.CharField:
    # Wider than the column: people paste "+86 138-0000-0001"; clean_phone stores 11 digits.
    return forms.CharField(
        label=_("手机号"),
        max_length=40,
        required=False,
        help_text=_("中国大陆手机号，11位。工作人员账户可以不填。"),
    )


class _PhoneCleaning:
    def clean_phone(self):
        raw = self.cleaned_data.get("phone")
        if not raw:
            return None  # NULL, not "": several people may have no phone
        phone = normalise_phone(raw)
        if phone is None:
            raise ValidationError(_("请输入正确的11位手机号。"), code="invalid_phone")
        return phone


class LinliUserChangeForm(_PhoneCleaning, UserChangeForm):
    phone = _phone_field()

    class Meta(UserChangeForm.Meta):
        model = User


class LinliUserCreationForm(_PhoneCleaning, UserCreationForm):
    phone = _phone_field()

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "phone", "display_name")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = LinliUserChangeForm
    add_form = LinliUserCreationForm
    list_display = (
        "username",
        "phone_masked",
        "display_name",
        "is_staff",
        "is_active",
        "privacy_consent_at",
        "date_joined",
    )
    list_filter = ("is_staff", "is_superuser", "is_active", "privacy_consent_version")
    search_fields = ("username", "phone", "display_name", "first_name", "last_name", "email")
    ordering = ("-date_joined",)
    readonly_fields = ("privacy_consent_at", "privacy_consent_version", "last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("居民"), {"fields": ("phone", "display_name")}),
        (_("隐私说明"), {"fields": ("privacy_consent_at", "privacy_consent_version")}),
        (_("个人信息"), {"fields": ("first_name", "last_name", "email")}),
        (
            _("权限"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "phone", "display_name", "password1", "password2"),
            },
        ),
    )

    @admin.display(description=_("手机号"), ordering="phone")
    def phone_masked(self, obj: User) -> str:
        return obj.phone_masked


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read-only: tokens are issued with ``manage.py create_api_token`` (shown once)."""

    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "revoked_at", "active")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("prefix", "name", "user__username", "user__phone")
    list_select_related = ("user",)
    ordering = ("-created_at",)
    # Never the hash: it is a credential's fingerprint and of no use to a person.
    fields = ("prefix", "user", "name", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    actions = ("revoke",)

    @admin.display(description=_("有效"), boolean=True)
    def active(self, obj: ApiToken) -> bool:
        return obj.is_active

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_revoke_permission(self, request) -> bool:
        return request.user.has_perm("accounts.change_apitoken")

    @admin.action(description=_("撤销所选令牌"), permissions=["revoke"])
    def revoke(self, request, queryset):
        revoked = sum(api_token_revoke(token=token) for token in queryset)
        self.message_user(
            request,
            ngettext("已撤销 %(n)d 个令牌。", "已撤销 %(n)d 个令牌。", revoked) % {"n": revoked},
            messages.SUCCESS,
        )


@admin.register(StaffLoginFailure)
class StaffLoginFailureAdmin(admin.ModelAdmin):
    """Who is locked out and from where; deleting a username's rows lets it sign in again."""

    list_display = ("username", "ip", "created_at")
    search_fields = ("username", "ip")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    fields = list_display
    readonly_fields = list_display

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
