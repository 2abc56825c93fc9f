from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from laksana.api import api
from laksana.common.sitepages import favicon
from laksana.portal.views import regions

# Admin modules are registered here for Laksana's apps only (see settings: SimpleAdminConfig).
for app in ("regions", "agencies", "accounts", "complaints", "sla", "notify"):
    __import__(f"laksana.{app}.admin")

urlpatterns = [
    path("", regions, name="regions"),
    path("favicon.ico", favicon),
    path("api/v1/", api.urls),
    path("open311/v2/", include("laksana.open311.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("laksana.accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # Uploaded photos. Production puts them behind the web server or object storage (S3).
    path(
        f"{settings.MEDIA_URL.strip('/')}/<path:path>",
        serve,
        {"document_root": settings.MEDIA_ROOT},
    ),
    # Region pages last: `<region-slug>/...` would otherwise swallow the paths above.
    path("<slug:region_slug>/console/apikeys/", include("laksana.open311.console_urls")),
    path("<slug:region_slug>/console/statistik/", include("laksana.reports.urls")),
    path("<slug:region_slug>/console/", include("laksana.console.urls")),
    path("<slug:region_slug>/transparansi/", include("laksana.reports.public_urls")),
    path("<slug:region_slug>/live/", include("laksana.live.urls")),
    path("<slug:region_slug>/field/", include("laksana.dispatch.urls")),
    path("<slug:region_slug>/", include("laksana.portal.urls")),
]

# Error pages in the site's design and language; the JSON APIs keep answering JSON.
handler400 = "laksana.common.errorpages.bad_request"
handler403 = "laksana.common.errorpages.permission_denied"
handler404 = "laksana.common.errorpages.page_not_found"
handler500 = "laksana.common.errorpages.server_error"
