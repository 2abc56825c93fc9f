"""Template helpers of the console: the role's menu, local times and deadline countdowns."""

from datetime import datetime

from django import template

from laksana.agencies.services import Staff, staff_in
from laksana.common.errors import NotFound
from laksana.complaints.media import photo_url
from laksana.complaints.privacy import mask
from laksana.regions.models import Region
from laksana.sla.services import time_left

from ..navigation import places

register = template.Library()


@register.inclusion_tag("console/_nav.html", takes_context=True)
def staff_nav(context) -> dict:
    """The staff menu (navigation.places) and sign-out, on every staff page. Pages that resolved
    the person already pass `staff`; others (the live desk) are resolved here from `region`."""
    request = context.get("request")
    staff: Staff | None = context.get("staff") or getattr(request, "staff", None)
    region = context.get("region")
    if staff is None and region is not None and request is not None:
        try:
            staff = staff_in(request.user, region)
        except NotFound:
            staff = None
    links = places(staff, request.path if request else "") if staff else []
    # A person working for several regions switches between them here; the URL names the region,
    # nothing guesses it.
    others = (
        Region.objects.filter(memberships__user=staff.user)
        .exclude(pk=staff.region.pk)
        .distinct()
        .order_by("name")
        if staff
        else []
    )
    return {"links": links, "staff": staff, "request": request, "other_regions": others}


@register.filter
def local(moment: datetime | None, region: Region) -> str:
    """A time in the region's own zone, e.g. '27-11-2026 09:05 WIB'."""
    if not moment:
        return ""
    return f"{moment.astimezone(region.tz):%d-%m-%Y %H:%M} {region.tz_abbreviation}"


@register.inclusion_tag("console/_deadline.html")
def deadline(complaint) -> dict:
    """The working time left before the complaint's current deadline, counted in the region's
    calendar (weekends, holidays and the pause while waiting for the reporter excluded)."""
    left = time_left(complaint)
    if left is None:
        return {"text": "", "state": "none", "due": None}
    if left.paused:
        state = "paused"
    elif left.past:
        state = "late"
    else:
        state = "soon" if left.seconds < 4 * 3600 else "ok"
    return {"text": left.label, "state": state, "due": left.deadline}


EXCERPT_CHARS = 140


@register.simple_tag(takes_context=True)
def citizen_words(context, complaint) -> str:
    """The first line of the citizen's own words, shortened for a list row (masked where the
    page masks them: `masked` in the context)."""
    text = complaint.description
    if context.get("masked"):
        text = mask(text)
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    return line if len(line) <= EXCERPT_CHARS else line[: EXCERPT_CHARS - 1].rstrip() + "…"


@register.filter
def first_photo(complaint):
    """The citizen's first photo (prefetched for list pages as report_photos)."""
    photos = getattr(complaint, "report_photos", None)
    if photos is None:
        photos = list(complaint.attachments.filter(purpose="report").order_by("id")[:1])
    return photos[0] if photos else None


@register.filter
def photo_src(attachment, region_slug: str = "") -> str:
    """A photo's address for a staff page: signed (complaints.media), so it opens whatever the
    complaint's privacy; the photo view also lets a signed-in staff member who may see the
    complaint open it once the link has expired (a page left open)."""
    return photo_url(attachment, public=False, region_slug=region_slug or None)
