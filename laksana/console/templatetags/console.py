"""Template helpers of the console: the role's menu, local times and deadline countdowns."""

from datetime import datetime

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from laksana.agencies.models import Role
from laksana.agencies.services import Staff
from laksana.common import clock
from laksana.regions.models import Region

from ..access import OPERATORS, handles_any_agency

register = template.Library()


@register.inclusion_tag("console/_nav.html", takes_context=True)
def console_nav(context) -> dict:
    staff: Staff | None = context.get("staff")
    request = context.get("request")
    links = []
    if staff is not None:
        slug = staff.region.slug

        def link(name: str, label: str) -> None:
            url = reverse(f"console:{name}", kwargs={"region_slug": slug})
            links.append((url, label, request is not None and request.path == url))

        link("home", _("Ringkasan"))
        if staff.has(*OPERATORS):
            link("inbox", _("Kotak masuk"))
            link("ready", _("Siap disposisi"))
        if handles_any_agency(staff):
            link("desk", _("Meja OPD"))
        link("complaints", _("Semua laporan"))
        if staff.has(*OPERATORS):
            link("rejection_templates", _("Alasan penolakan"))
        if staff.has(Role.REGION_ADMIN) or handles_any_agency(staff, Role.AGENCY_ADMIN):
            link("response_templates", _("Templat tanggapan"))
        if staff.has(Role.REGION_ADMIN):
            link("staff", _("Staf"))
    return {"links": links, "staff": staff}


@register.filter
def local(moment: datetime | None, region: Region) -> str:
    """A time in the region's own zone, e.g. '27-11-2026 09:05 WIB'."""
    if not moment:
        return ""
    return f"{moment.astimezone(region.tz):%d-%m-%Y %H:%M} {region.tz_abbreviation}"


def _span(seconds: int) -> str:
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return _("%(d)d hari %(h)d jam") % {"d": days, "h": hours}
    if hours:
        return _("%(h)d jam %(m)d menit") % {"h": hours, "m": minutes}
    return _("%(m)d menit") % {"m": minutes}


@register.inclusion_tag("console/_deadline.html")
def deadline(complaint) -> dict:
    """The countdown to the complaint's current deadline (none until the SLA work sets one)."""
    due = getattr(complaint, "next_deadline", None)
    if due is None:
        return {"text": "", "state": "none", "due": None}
    seconds = int((due - clock.now()).total_seconds())
    if seconds < 0:
        return {
            "text": _("lewat %(span)s") % {"span": _span(-seconds)},
            "state": "late",
            "due": due,
        }
    state = "soon" if seconds < 4 * 3600 else "ok"
    return {"text": _("sisa %(span)s") % {"span": _span(seconds)}, "state": state, "due": due}
