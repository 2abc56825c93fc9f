"""What the wall and the desk are sent about a complaint and an event, and the SSE framing.

The wall is shown to visitors of the room: a card carries no personal data (never the reporter,
the description, the address or staff notes), and no coordinates of a confidential complaint.
"""

import json

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from laksana.common.timefmt import local_iso
from laksana.complaints.models import Complaint, Event
from laksana.regions import names
from laksana.regions.models import Region

# duplicate_link (routing.DuplicateLink): the earlier report of the same incident, if any.
RELATED = ("category", "area", "area__parent", "agency", "region", "duplicate_link")
# Just the columns the cards read (complaint_card, desk_card): a complaint row is wide and
# boundaries are large JSON documents, and the hub renders every event through these.
CARD = (
    *("number", "status", "channel", "priority", "title", "lat", "lng", "is_confidential"),
    *("submitted_at", "next_deadline", "disposed_at", "acknowledged_at"),
    *RELATED,
    *(
        "category__name",
        "category__is_emergency",
        "area__level",
        "area__name",
        "area__parent__name",
    ),
    *("agency__short_name", "agency__code", "region__timezone"),
    "duplicate_link__original_number",
)
EVENT = ("region", "complaint", "agency", "type", "to_status", "created_at", "data")


def complaint_card(c: Complaint) -> dict:
    area = c.area
    return _card(
        number=c.number,
        status=c.status,
        channel=c.channel,
        priority=c.priority,
        category=(c.category.name, c.category.is_emergency),
        area=None if area is None else _area_names(area),
        agency=c.agency.short_name if c.agency_id else None,
        submitted_at=c.submitted_at,
        next_deadline=c.next_deadline,
        hidden=c.is_confidential or c.lat is None,
        lat=c.lat,
        lng=c.lng,
        region=c.region,
        similar_to=_similar_to(c),
    )


def _area_names(area) -> tuple[str, str, str | None]:
    parent = area.parent.name if area.level == "kelurahan" and area.parent_id else None
    return area.level, area.name, parent


def _card(
    *,
    number: str,
    status: str,
    channel: str,
    priority: int,
    category: tuple[str, bool],
    area: tuple[str, str, str | None] | None,
    agency: str | None,
    submitted_at,
    next_deadline,
    hidden: bool,
    lat: float | None,
    lng: float | None,
    region: Region,
    similar_to: str | None,
) -> dict:
    kelurahan, kecamatan = None, None
    if area is not None and area[0] == "kelurahan":
        kelurahan, kecamatan = area[1], area[2]
    elif area is not None:
        kecamatan = area[1]
    return {
        "number": number,
        "status": status,
        "category": category[0],
        "kelurahan": kelurahan,
        "kecamatan": kecamatan,
        "channel": channel,
        "agency": agency,
        "priority": priority,
        # The category is an emergency (region data, agencies.Category.is_emergency): flag it.
        "emergency": category[1],
        "submitted_at": local_iso(submitted_at, region),
        "submitted_ts": submitted_at.timestamp(),
        "deadline_ts": next_deadline.timestamp() if next_deadline else None,
        "lat": None if hidden else round(lat, 5),
        "lng": None if hidden else round(lng, 5),
        # One incident, several reports: the wall counts this one on the first (routing).
        "similar_to": similar_to,
    }


def _similar_to(c: Complaint) -> str | None:
    try:
        return c.duplicate_link.original_number
    except ObjectDoesNotExist:
        return None


def desk_card(c: Complaint) -> dict:
    """The liaison's queue row: the wall's card plus what the agency works with."""
    return {
        **complaint_card(c),
        "title": c.display_title,
        "agency_code": c.agency.code if c.agency_id else None,
        "disposed_ts": c.disposed_at.timestamp() if c.disposed_at else None,
        "acknowledged": c.acknowledged_at is not None,
    }


def event_item(e: Event, card: dict, *, status: str | None = None) -> dict:
    return {
        "id": e.id,
        "type": e.type,
        "at": local_iso(e.created_at, e.complaint.region),
        "ts": e.created_at.timestamp(),
        "to_status": e.to_status or None,
        "complaint": card if status is None else {**card, "status": status},
    }


def with_cards(complaints: QuerySet) -> QuerySet:
    """Complaints with what their cards show, in one query."""
    return complaints.select_related(*RELATED).only(*CARD)


# A card's own columns, read as values (newest_cards).
_ROW = (
    *("pk", "number", "status", "channel", "priority", "lat", "lng", "is_confidential"),
    *("submitted_at", "next_deadline", "category_id", "agency_id", "area_id"),
)


def newest_cards(region: Region, count: int) -> list[dict]:
    """`region`'s newest complaints as wall cards, each with `similar`: how many later reports
    link to it as their incident's first (routing). One query, joining only the link; the
    names are the region's (regions.names). Joined to the category, agency, kelurahan,
    kecamatan and region, PostgreSQL spent 7 ms planning the 0.8 ms query at every wall load,
    and the five model instances a card were most of the panel's time."""
    from laksana.routing.models import DuplicateLink

    similar = (
        DuplicateLink.objects.filter(region=region, original=OuterRef("pk"))
        .order_by()
        .values("original")
        .annotate(n=Count("id"))
        .values("n")
    )
    rows = (
        Complaint.objects.filter(region=region)
        .order_by("-submitted_at", "-id")
        .annotate(
            link_to=F("duplicate_link__original_number"),
            similar=Coalesce(Subquery(similar), 0),
        )
        .values(*_ROW, "link_to", "similar")[:count]
    )
    rows = list(rows)
    known = names.covering(
        region,
        categories=[row["category_id"] for row in rows],
        agencies=[row["agency_id"] for row in rows],
        areas=[row["area_id"] for row in rows],
    )
    return [{**_row_card(row, known, region), "similar": row["similar"]} for row in rows]


def _row_card(row: dict, known: names.Names, region: Region) -> dict:
    return _card(
        number=row["number"],
        status=row["status"],
        channel=row["channel"],
        priority=row["priority"],
        category=known.categories[row["category_id"]],
        area=known.areas[row["area_id"]] if row["area_id"] else None,
        agency=known.agencies[row["agency_id"]] if row["agency_id"] else None,
        submitted_at=row["submitted_at"],
        next_deadline=row["next_deadline"],
        hidden=row["is_confidential"] or row["lat"] is None,
        lat=row["lat"],
        lng=row["lng"],
        region=region,
        similar_to=row["link_to"],
    )


def events_with_complaints(events: QuerySet) -> QuerySet:
    """Events with their complaints' cards, oldest first, in one query."""
    return (
        events.select_related(*(f"complaint__{name}" for name in RELATED))
        .only(*EVENT, *(f"complaint__{name}" for name in CARD))
        .order_by("id")
    )


def sse(data: dict, *, id: int | None = None, event: str | None = None) -> bytes:
    lines = []
    if id is not None:
        lines.append(f"id: {id}")
    if event:
        lines.append(f"event: {event}")
    lines.append("data: " + json.dumps(data, separators=(",", ":")))
    return ("\n".join(lines) + "\n\n").encode()


def wall_frame(e: Event) -> bytes:
    return sse(event_item(e, complaint_card(e.complaint)), id=e.id)


def desk_frame(e: Event) -> bytes:
    return sse(event_item(e, desk_card(e.complaint)), id=e.id)
