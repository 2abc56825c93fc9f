from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from laksana.api import api
from laksana.common.sitepages import favicon
from laksana.complaints import media
from laksana.portal.views import regions
from laksana.push.views import service_worker

# Admin modules are registered here for Laksana's apps only (see settings: SimpleAdminConfig).
for app in (
    *(
        "regions",
        "agencies",
        "accounts",
        "complaints",
        "sla",
        "notify",
        "mailin",
        "channels",
        "push",
    ),
):
    __import__(f"laksana.{app}.admin")

urlpatterns = [
    path("", regions, name="regions"),
    path("favicon.ico", favicon),
    # The push service worker at the root, so that its scope may be the whole site.
    path("push-sw.js", service_worker, name="push_worker"),
    path("api/v1/", api.urls),
    path("open311/v2/", include("laksana.open311.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("laksana.accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # Photos, one by one and only to whoever may see each (never the storage folder itself).
    path(
        f"{settings.MEDIA_URL.strip('/')}/<slug:region_slug>/<int:attachment_id>.<str:ext>",
        media.serve,
        name="photo",
    ),
    # Providers' webhooks (WhatsApp, Telegram, SMS) of a region.
    path("channels/<slug:region_slug>/", include("laksana.channels.urls")),
    # Region pages last: `<region-slug>/...` would otherwise swallow the paths above.
    path("<slug:region_slug>/console/apikeys/", include("laksana.open311.console_urls")),
    path("<slug:region_slug>/console/sp4n-lapor/", include("laksana.lapor.urls")),
    path("<slug:region_slug>/console/statistik/", include("laksana.reports.urls")),
    path("<slug:region_slug>/console/saran-rute/", include("laksana.routing.urls")),
    path("<slug:region_slug>/console/", include("laksana.console.urls")),
    path("<slug:region_slug>/transparansi/", include("laksana.reports.public_urls")),
    path("<slug:region_slug>/live/", include("laksana.live.urls")),
    path("<slug:region_slug>/push/", include("laksana.push.urls")),
    path("<slug:region_slug>/field/", include("laksana.dispatch.urls")),
    path("<slug:region_slug>/", include("laksana.portal.urls")),
]

# Error pages in the site's design and language; the JSON APIs keep answering JSON.
handler400 = "laksana.common.errorpages.bad_request"
handler403 = "laksana.common.errorpages.permission_denied"
handler404 = "laksana.common.errorpages.page_not_found"
handler500 = "laksana.common.errorpages.server_error"
