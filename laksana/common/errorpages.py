"""Error pages (400, 403, 404, 500, CSRF failure) in the site's design and language.

Each page says what the person can do next: staff of the region the URL names get a way back to the
console, everyone else the portal home of that region (or the region list when none is known).
The JSON APIs (/api/, /open311/) keep answering JSON. The 500 page renders without the request or
the database: whatever broke may be exactly those.
"""

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

API_PREFIXES = ("/api/", "/open311/")


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIXES)


def _next_step(request: HttpRequest) -> dict:
    """The region the URL names (if it exists) and whether the person is staff there."""
    from laksana.agencies.services import staff_in
    from laksana.common.errors import NotFound
    from laksana.regions.models import Region

    slug = request.path.strip("/").split("/", 1)[0]
    context: dict = {"region": None, "console": False}
    if not slug:
        return context
    try:
        region = Region.objects.filter(slug=slug).first()
        if region is None:
            return context
        context["region"] = region
        try:
            staff_in(request.user, region)
            context["console"] = True
        except NotFound:
            pass
    except Exception:  # noqa: BLE001 - an error page must never fail on its own lookups
        logger.exception("error page: could not resolve the region for %s", request.path)
        context["region"] = None
    return context


def _page(request, status: int, title: str, message: str, code: str) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": message, "code": code}, status=status)
    context = {"status": status, "title": title, "message": message, **_next_step(request)}
    body = loader.render_to_string("errors/page.html", context, request=request)
    return HttpResponse(body, status=status)


def bad_request(request, exception=None):
    return _page(
        request,
        400,
        _("Permintaan tidak dapat diproses"),
        _("Permintaan Anda tidak lengkap atau tidak sah. Kembali dan coba lagi."),
        "bad_request",
    )


def permission_denied(request, exception=None):
    return _page(
        request,
        403,
        _("Anda tidak memiliki akses"),
        _(
            "Halaman ini tidak tersedia untuk peran Anda. "
            "Hubungi admin wilayah bila Anda memerlukannya."
        ),
        "forbidden",
    )


def page_not_found(request, exception=None):
    return _page(
        request,
        404,
        _("Halaman tidak ditemukan"),
        _("Alamat ini tidak ada atau sudah tidak tersedia. Periksa kembali alamatnya."),
        "not_found",
    )


def expired_link(request):
    """A signed photo address past its time (laksana/complaints/media.py)."""
    return _page(
        request,
        403,
        _("Tautan foto sudah kedaluwarsa"),
        _(
            "Tautan foto hanya berlaku sebentar. Muat ulang halaman yang menampilkannya "
            "untuk mendapat tautan baru."
        ),
        "link_expired",
    )


def csrf_failure(request, reason=""):
    return _page(
        request,
        403,
        _("Formulir kedaluwarsa"),
        _(
            "Formulir ini tidak dapat dikirim karena sesi Anda sudah berakhir "
            "atau cookie diblokir. Muat ulang halaman, lalu kirim lagi."
        ),
        "csrf_failed",
    )


def server_error(request):
    """No request context, no database: a static page from the template alone."""
    title = _("Terjadi kesalahan pada sistem")
    message = _("Maaf, permintaan Anda gagal diproses. Coba lagi dalam beberapa menit.")
    if request is not None and _is_api(request):
        return JsonResponse({"detail": message, "code": "server_error"}, status=500)
    body = loader.get_template("errors/500.html").render({"title": title, "message": message})
    return HttpResponse(body, status=500)
