"""The citizen pages' read side: what a region offers, its headline numbers, public complaints.

Every query is scoped to one region and bounded by an indexed column, so a page costs the same in a
city with ten complaints and one with ten million.
"""

import statistics
from array import array
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.db.models import DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.urls import reverse
from shapely.geometry import mapping, shape

from laksana.agencies.models import Category
from laksana.common import clock
from laksana.common.choices import label_of
from laksana.common.configcache import ConfigCache
from laksana.complaints import keyset, privacy
from laksana.complaints.models import Complaint, Kind, Status, StatusCount
from laksana.complaints.privacy import mask, reporter_label
from laksana.regions import names
from laksana.regions.models import Area, Region

HEADLINE_SECONDS = 60  # the home page's numbers may lag a minute; they are read on every visit
BOUNDARY_SECONDS = 3600
PAGE_SIZE = 20


# What the read pages list of a region (home's categories, the list's filter), kept per process
# (laksana.common.configcache: at most CONFIG_SECONDS old, dropped at once on a change in this
# process): two queries of every home and list page, for rows that change when an administrator
# edits them.
CHOICES = ConfigCache("portal choices", models=("agencies.Category", "regions.Area"))


@dataclass(frozen=True)
class Choices:
    # (group, [{"code", "name"}]) in the region's order, as grouped_categories gives them
    categories: tuple[tuple[str, tuple[dict[str, str], ...]], ...]
    kecamatan: tuple[tuple[str, str], ...]  # (code, name) by name


def choices(region: Region) -> Choices:
    """The region's public categories and its kecamatan, as this process last read them. Shared
    by the process's requests: read them, never change them."""

    def load() -> Choices:
        return Choices(
            categories=tuple(
                (group, tuple({"code": c.code, "name": c.name} for c in categories))
                for group, categories in grouped_categories(region)
            ),
            kecamatan=tuple((k.code, k.name) for k, _ks in kecamatan_and_kelurahan(region)),
        )

    return CHOICES.get(region.pk, load)


def grouped_categories(region: Region) -> list[tuple[str, list[Category]]]:
    """The region's public categories in its own order, grouped as the region configured them."""
    groups: dict[str, list[Category]] = {}
    for category in Category.objects.filter(region=region, is_active=True, is_public=True):
        groups.setdefault(category.group or "", []).append(category)
    return list(groups.items())


def kecamatan_and_kelurahan(region: Region) -> list[tuple[Area, list[Area]]]:
    """Every kecamatan with its kelurahan, for the location pickers that work without a map."""
    areas = list(Area.objects.filter(region=region).only("id", "code", "name", "level", "parent"))
    children: dict[int, list[Area]] = {}
    for area in areas:
        if area.parent_id:
            children.setdefault(area.parent_id, []).append(area)
    kecamatan = [a for a in areas if a.level == Area.Level.KECAMATAN]
    return [
        (k, sorted(children.get(k.id, []), key=lambda a: a.name))
        for k in sorted(kecamatan, key=lambda a: a.name)
    ]


@dataclass(frozen=True)
class Headline:
    received: int
    resolved_this_month: int
    median_resolution: timedelta | None


def headline(region: Region) -> Headline:
    """The numbers on the home page.

    Steps: all complaints ever received, from the status counters the services keep (a few rows,
    never a COUNT over the table); complaints resolved since the first of this month in the region's
    zone, found through the (region, updated_at) index, since a complaint resolved this month was
    also updated this month; the median of their submitted-to-resolved times.
    """
    now = clock.now().astimezone(region.tz)
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    key = f"portal:headline:{region.id}:{month_start:%Y%m}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    received = StatusCount.objects.filter(region=region).aggregate(n=Sum("count"))["n"] or 0
    # The database subtracts; this process keeps one 8-byte integer per complaint (a month of a
    # large city is ~80,000: as tuples of datetimes they took 19 MB of a web worker, issue 20).
    took = (
        Complaint.objects.filter(
            region=region, updated_at__gte=month_start, resolved_at__gte=month_start
        )
        .annotate(took=ExpressionWrapper(F("resolved_at") - F("submitted_at"), DurationField()))
        .values_list("took", flat=True)
    )
    times = array("q", (t // MICROSECOND for t in took.iterator(chunk_size=5000)))
    result = Headline(
        received=received, resolved_this_month=len(times), median_resolution=_median(times)
    )
    cache.set(key, result, HEADLINE_SECONDS)
    return result


MICROSECOND = timedelta(microseconds=1)


def _median(micros: array) -> timedelta | None:
    """The median of durations in microseconds, as a duration (rounded as timedelta / 2)."""
    return timedelta(microseconds=statistics.median(micros)) if micros else None


# What public_row reads, no more: a complaint row is wide (texts, JSON, a dozen timestamps). The
# category's and the area's names are the region's (regions.names): joined with only() they
# were two thirds of a list query's time (6.7 of 10 ms a page of 20 in process), and the
# kelurahan's and kecamatan's boundary polygons (JSON) before that.
ROW_COLUMNS = (
    *("number", "status", "kind", "description", "is_anonymous", "submitted_at", "lat", "lng"),
    *("region_id", "category_id", "area_id", "reporter__name"),
)


def public_complaints(region: Region) -> QuerySet:
    return (
        privacy.public_complaints(region)
        .select_related("reporter")
        .only(*ROW_COLUMNS)
        .order_by("-submitted_at", "-id")
    )


def recent(region: Region, count: int) -> list[dict]:
    """The region's newest public complaints as list items."""
    rows = list(public_complaints(region)[:count])
    for row in rows:
        row.region = region  # every row's address names it: not a query (and a polygon) per row
    return public_rows(region, rows)


def public_rows(region: Region, complaints: list[Complaint]) -> list[dict]:
    """Rows of public_complaints(region) as list items, named with the region's names."""
    known = names.covering(
        region,
        categories=[c.category_id for c in complaints],
        areas=[c.area_id for c in complaints],
    )
    return [public_row(c, known) for c in complaints]


def public_row(complaint: Complaint, known: names.Names | None = None) -> dict:
    """One complaint as a list item or map point: what the public may see, nothing more.
    `known`: the region's names, for rows read without their category and area."""
    if known is None:
        area = complaint.area
        category = complaint.category.name
        named = area and (area.level, area.name, area.parent.name if area.parent else None)
    else:
        category = known.categories[complaint.category_id][0]
        named = known.areas[complaint.area_id] if complaint.area_id else None
    level, name, parent = named or (None, None, None)
    kelurahan = name if level == Area.Level.KELURAHAN else None
    kecamatan = parent if kelurahan else name
    return {
        "number": complaint.number,
        "url": reverse(
            "portal:complaint",
            kwargs={"region_slug": complaint.region.slug, "number": complaint.number},
        ),
        "status": complaint.status,
        "status_label": label_of(Status, complaint.status),
        "kind_label": label_of(Kind, complaint.kind),
        "category": category,
        "kecamatan": kecamatan,
        "kelurahan": kelurahan,
        "summary": mask(complaint.description),
        "reporter": str(reporter_label(complaint)),
        "submitted_at": complaint.submitted_at,
        "lat": complaint.lat,
        "lng": complaint.lng,
    }


def map_points(rows: list[dict]) -> list[dict]:
    return [
        {"lat": r["lat"], "lng": r["lng"], "number": r["number"], "label": r["category"],
         "status": r["status_label"], "url": r["url"]}
        for r in rows
        if r["lat"] is not None and r["lng"] is not None
    ]  # fmt: skip


@dataclass(frozen=True)
class Filters:
    category: str = ""
    kecamatan: str = ""
    status: str = ""
    days: int | None = None


def public_page(
    region: Region, filters: Filters, *, cursor: str | None = None
) -> tuple[list[dict], str | None]:
    """One page of public complaints, newest first, with keyset pagination on (submitted_at, id):
    the hundredth page costs what the first one does."""
    limit = PAGE_SIZE
    qs = public_complaints(region)
    if filters.category:
        qs = qs.filter(category__code=filters.category)
    if filters.kecamatan:
        qs = qs.filter(
            area__in=Area.objects.filter(region=region).filter(
                Q(code=filters.kecamatan) | Q(parent__code=filters.kecamatan)
            )
        )
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.days:
        qs = qs.filter(submitted_at__gte=clock.now() - timedelta(days=filters.days))
    rows, next_cursor = keyset.page(qs, region=region, cursor=cursor, size=limit)
    return public_rows(region, rows), next_cursor


def boundaries(region: Region, level: str = Area.Level.KECAMATAN) -> dict:
    """The region's kecamatan (or kelurahan) as a GeoJSON FeatureCollection, lightly simplified
    and rounded (about 20 m) so a phone on a slow connection gets the whole map in a few
    kilobytes."""
    key = f"portal:boundaries:{region.id}:{level}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    features = []
    for area in Area.objects.filter(region=region, level=level, boundary__isnull=False).order_by(
        "name"
    ):
        geometry = mapping(shape(area.boundary).simplify(0.0002, preserve_topology=True))
        features.append(
            {
                "type": "Feature",
                "properties": {"code": area.code, "name": area.name},
                "geometry": _rounded(geometry),
            }
        )
    result = {"type": "FeatureCollection", "features": features}
    cache.set(key, result, BOUNDARY_SECONDS)
    return result


def _rounded(value):
    if isinstance(value, float):
        return round(value, 5)
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value
