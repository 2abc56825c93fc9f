"""The console's read side: filtered, searched, keyset-paginated complaint lists, and duplicate
candidates. Every query starts from services.visible_to(staff): region and role scoping first."""

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _

from laksana.agencies.services import Staff
from laksana.common import clock
from laksana.common.errors import ValidationFailed
from laksana.complaints import contact, keyset
from laksana.complaints.models import (
    OPEN_STATUSES,
    Attachment,
    Channel,
    Complaint,
    Event,
    Kind,
    Status,
)
from laksana.complaints.services import visible_to

from . import fts

PAGE_SIZE = 25
# Each row shows the citizen's first photo: one query for the page, not one per row.
REPORT_PHOTOS = Prefetch(
    "attachments",
    queryset=Attachment.objects.filter(purpose=Attachment.Purpose.REPORT).order_by("id"),
    to_attr="report_photos",
)
# Area boundaries are polygons: never load them for a list (the reports' exports join areas).
HEAVY = ("area__boundary", "area__parent__boundary")
FILTER_KEYS = (
    "status",
    "agency",
    "category",
    "kecamatan",
    "kelurahan",
    "overdue",
    "period",
    "from",
    "to",
    "event",
    "channel",
    "kind",
    "q",
    "reporter",
    "order",
)
PERIODS = {"today": 0, "7d": 6, "30d": 29, "90d": 89}
# What the dates may apply to besides the submission: a transition on its day, as the reports
# count it (reports.rollup), so that a figure's drill-down lists the complaints behind it.
E = Event.Type
EVENT_FILTERS = (
    E.SUBMITTED,
    E.VERIFIED,
    E.REJECTED,
    E.DISPOSED,
    E.ACCEPTED,
    E.RESPONDED,
    E.RESOLVED,
    E.REOPENED,
    E.RETURNED,
    E.CLOSED,
)
_NUMBER = re.compile(r"^[A-Za-z]{2,8}-\d{4}-\d{1,8}$")


@dataclass
class Filters:
    """The list filters as they come from a query string; unknown keys are ignored."""

    status: list[str] = field(default_factory=list)
    agency: str = ""
    category: str = ""
    kecamatan: str = ""
    kelurahan: str = ""
    overdue: bool = False
    period: str = ""
    date_from: date | None = None
    date_to: date | None = None
    event: str = ""  # the dates (and the agency) apply to this event instead of the submission
    channel: str = ""
    kind: str = ""
    q: str = ""
    reporter: str = ""  # name, phone or e-mail: see complaints.contact.reporter_filter
    oldest_first: bool = False

    @classmethod
    def from_query(cls, data: QueryDict, **defaults) -> "Filters":
        values = dict(defaults)
        statuses = [s for value in data.getlist("status") for s in value.split(",") if s]
        if statuses:
            values["status"] = statuses
        for key in (
            "agency",
            "category",
            "kecamatan",
            "kelurahan",
            "period",
            "event",
            "channel",
            "kind",
            "q",
            "reporter",
        ):
            if data.get(key):
                values[key] = data.get(key, "").strip()[:200]
        if data.get("overdue"):
            values["overdue"] = data.get("overdue") in ("1", "on", "true")
        if data.get("order"):
            values["oldest_first"] = data.get("order") == "oldest"
        for key, name in (("from", "date_from"), ("to", "date_to")):
            if data.get(key):
                try:
                    values[name] = date.fromisoformat(data.get(key))
                except ValueError:
                    raise ValidationFailed(
                        _("Tanggal tidak valid (format TTTT-BB-HH)."), fields={key: ""}
                    ) from None
        filters = cls(**values)
        filters.validate()
        return filters

    def validate(self) -> None:
        if any(s not in Status.values for s in self.status):
            raise ValidationFailed(_("Status tidak dikenal."), fields={"status": ""})
        if self.channel and self.channel not in Channel.values:
            raise ValidationFailed(_("Saluran tidak dikenal."), fields={"channel": ""})
        if self.kind and self.kind not in Kind.values:
            raise ValidationFailed(_("Jenis laporan tidak dikenal."), fields={"kind": ""})
        if self.period and self.period not in PERIODS:
            raise ValidationFailed(_("Periode tidak dikenal."), fields={"period": ""})
        if self.event and self.event not in EVENT_FILTERS:
            raise ValidationFailed(_("Jenis peristiwa tidak dikenal."), fields={"event": ""})


def filtered(staff: Staff, filters: Filters) -> QuerySet:
    qs = visible_to(staff)
    if filters.status:
        qs = qs.filter(status__in=filters.status)
    if filters.agency and not filters.event:
        qs = qs.filter(agency__code=filters.agency)
    if filters.category:
        qs = qs.filter(category__code=filters.category)
    if filters.kelurahan:
        qs = qs.filter(area__code=filters.kelurahan)
    elif filters.kecamatan:
        qs = qs.filter(Q(area__parent__code=filters.kecamatan) | Q(area__code=filters.kecamatan))
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    now = clock.now()
    if filters.overdue:
        late = Q(overdue_level__gt=0) | Q(next_deadline__lt=now)
        qs = qs.filter(late, status__in=OPEN_STATUSES)
    tz = staff.region.tz
    start, end = filters.date_from, filters.date_to
    if filters.period:
        end = now.astimezone(tz).date()
        start = end - timedelta(days=PERIODS[filters.period])
    if filters.event:
        qs = qs.filter(_had_event(staff, filters, start, end))
    else:
        if start:
            qs = qs.filter(submitted_at__gte=datetime.combine(start, time.min, tzinfo=tz))
        if end:
            qs = qs.filter(submitted_at__lte=datetime.combine(end, time.max, tzinfo=tz))
    if filters.q:
        qs = qs.filter(_search(filters.q))
    if filters.reporter:
        qs = qs.filter(contact.reporter_filter(staff, filters.reporter))
    return qs


def _had_event(staff: Staff, filters: Filters, start: date | None, end: date | None) -> Exists:
    """Complaints with an event of the filter's type on one of the days (the region's own
    days), by the agency the event names when an agency is asked for: the agency that had the
    complaint then, the one it was disposed to, or the one that returned it, as in the reports."""
    tz = staff.region.tz
    events = Event.objects.filter(region=staff.region, type=filters.event, complaint=OuterRef("pk"))
    if start:
        events = events.filter(created_at__gte=datetime.combine(start, time.min, tzinfo=tz))
    if end:
        events = events.filter(created_at__lte=datetime.combine(end, time.max, tzinfo=tz))
    if filters.agency:
        events = events.filter(agency__code=filters.agency)
    return Exists(events)


def _search(text: str) -> Q:
    """A tracking number finds that complaint; anything else searches the text."""
    text = text.strip()
    if _NUMBER.match(text):
        return Q(number__iexact=text)
    return fts.match(fts.terms(text))


@dataclass
class Page:
    rows: list[Complaint]
    next_cursor: str | None


def page(
    qs: QuerySet, *, region, oldest_first: bool, cursor: str | None, size: int = PAGE_SIZE
) -> Page:
    """One page, keyset-paginated on (submitted_at, id): page 200 costs what page 1 costs.

    The rows join nothing: their category, agency and area names are the region's, which each
    process keeps (regions.names). Joined, the four tables were about 80 model instances a page
    and most of the query's cost in Python.
    """
    qs = qs.prefetch_related(REPORT_PHOTOS)
    return Page(
        *keyset.page(
            qs, region=region, cursor=cursor, size=size, oldest_first=oldest_first, field="after"
        )
    )


# ---------------------------------------------------------------------------------------------
# Duplicate candidates

NEARBY_METRES = 200
NEARBY_DAYS = 14
_STOPWORDS = frozenset(
    {
        "yang",
        "dan",
        "di",
        "ke",
        "dari",
        "ini",
        "itu",
        "sudah",
        "belum",
        "tidak",
        "ada",
        "untuk",
        "dengan",
        "pada",
        "juga",
        "karena",
        "sangat",
        "mohon",
        "tolong",
        "segera",
        "agar",
        "bisa",
        "sejak",
        "sampai",
        "atau",
        "akan",
        "kami",
        "saya",
        "warga",
        "depan",
        "jalan",
    }
)


def _metres(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance (haversine), good to a metre at city scale."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


@dataclass
class Candidate:
    complaint: Complaint
    metres: float | None
    shared_words: int


def duplicate_candidates(staff: Staff, complaint: Complaint, *, limit: int = 8) -> list[Candidate]:
    """Complaints that may be about the same problem.

    Steps: take the same category within NEARBY_DAYS either side, inside a bounding box of
    NEARBY_METRES, and keep those truly within that distance; add complaints in the same window
    that share significant words (full-text search, any word); rank by distance then words.
    Rejected complaints and duplicates of others are left out (merge points at originals).
    """
    window = timedelta(days=NEARBY_DAYS)
    base = (
        visible_to(staff)
        .exclude(pk=complaint.pk)
        .exclude(status__in=[Status.REJECTED, Status.DUPLICATE])
        .filter(
            submitted_at__gte=complaint.submitted_at - window,
            submitted_at__lte=complaint.submitted_at + window,
        )
        .select_related("category", "agency", "area")
        .defer("area__boundary")
    )
    found: dict[int, Candidate] = {}
    if complaint.lat is not None and complaint.lng is not None:
        dlat = NEARBY_METRES / 111_320
        dlng = dlat / max(math.cos(math.radians(complaint.lat)), 0.01)
        nearby = base.filter(
            category_id=complaint.category_id,
            lat__range=(complaint.lat - dlat, complaint.lat + dlat),
            lng__range=(complaint.lng - dlng, complaint.lng + dlng),
        )[:50]
        for other in nearby:
            metres = _metres(complaint.lat, complaint.lng, other.lat, other.lng)
            if metres <= NEARBY_METRES:
                found[other.pk] = Candidate(other, metres, 0)
    words = [w for w in fts.terms(complaint.description, limit=200) if len(w) > 3]
    words = [w for w in dict.fromkeys(words) if w not in _STOPWORDS][:12]
    if len(words) >= 2:
        mine = set(words)
        for other in base.filter(fts.match(words, any_word=True))[:100]:
            shared = len(mine & set(fts.terms(other.description, limit=400)))
            if shared < max(2, len(mine) // 3):
                continue
            if other.pk in found:
                found[other.pk].shared_words = shared
            else:
                found[other.pk] = Candidate(other, None, shared)
    ranked = sorted(
        found.values(),
        key=lambda c: (c.metres is None, c.metres or 0, -c.shared_words, c.complaint.pk),
    )
    return ranked[:limit]
