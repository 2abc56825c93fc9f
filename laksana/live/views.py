"""The live room's pages: the wall (1920×1080, read from across the room) and an agency desk."""

from datetime import date

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from laksana.common.errors import Forbidden, NotFound
from laksana.complaints.models import Channel, Event, Status

from .access import desk_staff, wall_staff
from .panels import PANELS
from .services import ack_target_minutes


def _labels() -> dict:
    """Names the page's scripts show (translated here, once)."""
    return {
        "status": {s.value: str(s.label) for s in Status},
        "channel": {c.value: str(c.label) for c in Channel},
        "event": {t.value: str(t.label) for t in Event.Type},
        "emergency": _("DARURAT"),
        "similar": _("+%s laporan serupa"),
        "minutes": _("mnt"),
        "hours": _("jam"),
        "days": _("hari"),
        "ago": _("lalu"),
        "reconnecting": _("Menyambung ulang…"),
        "live": _("Langsung"),
        "replay": _("Tayang ulang"),
        "ended": _("Tayang ulang selesai"),
        "board_note": _(
            "Tepat: dikonfirmasi dalam %s menit sejak disposisi. Konfirmasi, Selesai: median waktu "
            "sejak disposisi."
        ),
        "burst": _("%(count)s laporan %(category)s di %(kelurahan)s dalam %(minutes)s menit"),
        "more_alarms": _("dan %s peringatan lain"),
        "overdue_jump": _(
            "%(agency)s: %(count)s laporan lewat batas waktu hari ini (biasanya %(usual)s sehari)"
        ),
        "available": _("siaga"),
        "busy": _("menangani"),
        "absent": _("belum hadir"),
        "nobody": _("Belum ada yang bertugas."),
    }


def _guard(request: HttpRequest, check):
    if not request.user.is_authenticated:
        return None, redirect_to_login(request.get_full_path())
    try:
        return check(), None
    except NotFound as exc:
        raise Http404(str(exc.detail)) from None
    except Forbidden as exc:
        raise PermissionDenied(str(exc.detail)) from None


def wall(request: HttpRequest, region_slug: str) -> HttpResponse:
    staff, redirect = _guard(request, lambda: wall_staff(request.user, region_slug))
    if redirect:
        return redirect
    region = staff.region
    replay = request.GET.get("replay")
    try:
        replay = date.fromisoformat(replay).isoformat() if replay else None
    except ValueError:
        replay = None
    config = {
        "data": reverse("api:live_wall", kwargs={"slug": region.slug}),
        "stream": reverse("live:wall_stream", kwargs={"region_slug": region.slug}),
        "replay": reverse("live:replay_stream", kwargs={"region_slug": region.slug}),
        "replay_day": replay,
        "speed": request.GET.get("speed", "60"),
        "tiles": settings.MAP_TILE_URL,
        "timezone": region.timezone,
        "refresh": {p.name: p.refresh for p in PANELS.values()},
        "labels": _labels(),
    }
    return render(
        request,
        "live/wall.html",
        {"region": region, "panels": PANELS.values(), "config": config, "replay": replay},
    )


def desk(request: HttpRequest, region_slug: str, agency_code: str) -> HttpResponse:
    desk, redirect = _guard(request, lambda: desk_staff(request.user, region_slug, agency_code))
    if redirect:
        return redirect
    region = desk.staff.region
    kwargs = {"slug": region.slug, "code": desk.agency.code}
    config = {
        "data": reverse("api:live_desk", kwargs=kwargs),
        "acknowledge": reverse("api:live_desk", kwargs=kwargs) + "/",
        "stream": reverse(
            "live:desk_stream", kwargs={"region_slug": region.slug, "agency_code": desk.agency.code}
        ),
        "agency": desk.agency.code,
        "target_min": ack_target_minutes(),
        "labels": {**_labels(), "acknowledge": _("Konfirmasi")},
    }
    return render(request, "live/desk.html", {"region": region, "desk": desk, "config": config})
