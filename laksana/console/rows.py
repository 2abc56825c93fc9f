"""The console lists' rows, prepared in Python and written out by console/_rows.html.

Rendered from the complaint itself, a row of 25 cost about 28 template variable lookups, an
include, two tags and a template of its own for the countdown, a translated label looked up
through the model's choices (`get_status_display` rebuilds them on every call) and a URL
reversed: two thirds of the operator inbox's rendering. Here each value is computed once, and
the template only writes them out, escaped as before.
"""

from urllib.parse import quote

from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import gettext as _

from laksana.common.choices import label_of
from laksana.complaints.media import photo_url
from laksana.complaints.models import Complaint, Status
from laksana.complaints.privacy import mask
from laksana.regions import names
from laksana.regions.models import Region
from laksana.sla.services import time_left

EXCERPT_CHARS = 140
_NUMBER = "0"  # placeholder reversed once per page; every row's number takes its place


def deadline(complaint: Complaint) -> dict:
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


def citizen_words(complaint: Complaint, *, masked: bool) -> str:
    """The first line of the citizen's own words, shortened for a list row (masked for roles that
    read them masked)."""
    text = mask(complaint.description) if masked else complaint.description
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    return line if len(line) <= EXCERPT_CHARS else line[: EXCERPT_CHARS - 1].rstrip() + "…"


def first_photo(complaint: Complaint):
    """The citizen's first photo (prefetched for list pages as report_photos)."""
    photos = getattr(complaint, "report_photos", None)
    if photos is None:
        photos = list(complaint.attachments.filter(purpose="report").order_by("id")[:1])
    return photos[0] if photos else None


def rows(complaints: list[Complaint], *, region: Region, masked: bool) -> list[dict]:
    """Every row of a list page: see row()."""
    known = names.covering(
        region,
        categories=[c.category_id for c in complaints],
        agencies=[c.agency_id for c in complaints],
        areas=[c.area_id for c in complaints],
    )
    url = _complaint_url(region)
    return [row(c, region=region, masked=masked, url=url, known=known) for c in complaints]


def row(complaint: Complaint, *, region: Region, masked: bool, url=None, known=None) -> dict:
    """What a list row shows of one complaint of `region`; `c` is the complaint itself, for what
    a row's form sends (its version). Names are the region's (regions.names): the page's query
    joins nothing."""
    c = complaint
    if known is None:
        known = names.covering(
            region, categories=[c.category_id], agencies=[c.agency_id], areas=[c.area_id]
        )
    photo = first_photo(c)
    category = known.categories[c.category_id][0]
    _level, area, parent = known.areas[c.area_id] if c.area_id else (None, None, None)
    return {
        "c": c,
        "number": c.number,
        "url": (url or _complaint_url(region))(c.number),
        "select_label": _("Pilih %(n)s") % {"n": c.number},
        "photo_src": photo_url(photo, public=False, region_slug=region.slug) if photo else "",
        "title": c.title or category,
        "titled": bool(c.title),  # then the category is shown beside it
        "category": category,
        "confidential": c.is_confidential,
        "words": citizen_words(c, masked=masked),
        "area": area,
        "parent": parent,
        "agency": known.agencies[c.agency_id] if c.agency_id else None,
        "status": c.status,
        "status_label": label_of(Status, c.status),
        "submitted": local(c.submitted_at, region),
        "deadline": deadline(c),
    }


def local(moment, region: Region) -> str:
    """A time in the region's own zone, e.g. '27-11-2026 09:05 WIB'."""
    if not moment:
        return ""
    return f"{moment.astimezone(region.tz):%d-%m-%Y %H:%M} {region.tz_abbreviation}"


def _complaint_url(region: Region):
    """The complaint page's address for a number: console:complaint reversed once, the number
    quoted as reverse() quotes it."""
    base = reverse("console:complaint", kwargs={"region_slug": region.slug, "number": _NUMBER})
    head, tail = base.rsplit(f"/{_NUMBER}/", 1)
    safe = RFC3986_SUBDELIMS + "/~:@"
    return lambda number: f"{head}/{quote(number, safe=safe)}/{tail}"
