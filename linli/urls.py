from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language

from accounts.views import admin_sign_in
from linli import converters  # noqa: F401  (registers <id:...> before the apps' urls load)
from linli.api import api
from spaces.views import venue_list

# One error mapping for pages (JSON under /api/): linli/error_pages.py.
handler400 = "linli.error_pages.bad_request"
handler403 = "linli.error_pages.permission_denied"
handler404 = "linli.error_pages.page_not_found"
handler500 = "linli.error_pages.server_error"

urlpatterns = [
    # The home page is the nearby-venues list: what residents come for.
    path("", venue_list, name="home"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    # Ahead of the admin's own login URL: the same view, plus 429 when sign-in is locked.
    path("admin/login/", admin_sign_in),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("accounts/", include("accounts.urls")),
    path("", include("spaces.urls")),
    path("", include("scenes.urls")),
    path("", include("bookings.urls")),
    path("", include("metrics.urls")),
    path("", include("calendars.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
