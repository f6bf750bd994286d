from django.contrib import admin

from spaces.models import Community, OpeningException, OpeningHours, Photo, Room, Venue, VenueRole


class RoomInline(admin.TabularInline):
    model = Room
    extra = 0


class HoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class RoleInline(admin.TabularInline):
    model = VenueRole
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "street", "district", "city"]
    search_fields = ["name", "street"]


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "community", "holiday_policy", "is_published"]
    list_filter = ["kind", "holiday_policy", "is_published"]
    search_fields = ["name", "address"]
    inlines = [RoomInline, HoursInline, RoleInline]


@admin.register(OpeningException)
class OpeningExceptionAdmin(admin.ModelAdmin):
    list_display = ["venue", "room", "date", "opens", "closes", "reason"]
    list_filter = ["venue"]
    date_hierarchy = "date"


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    """Read-only: uploads go through the operator pages, which validate and strip EXIF."""

    list_display = ["venue", "room", "caption", "width", "height"]
    readonly_fields = ["venue", "room", "image", "width", "height", "variants", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(VenueRole)
class VenueRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "venue", "role", "granted_at"]
    list_filter = ["role", "venue"]
    autocomplete_fields = ["user", "venue"]
