"""What the wall and the desk are sent about a complaint and an event, and the SSE framing.

The wall is shown to visitors of the room: a card carries no personal data (never the reporter,
the description, the address or staff notes), and no coordinates of a confidential complaint.
"""

import json

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet

from laksana.common.timefmt import local_iso
from laksana.complaints.models import Complaint, Event
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
    area, kelurahan, kecamatan = c.area, None, None
    if area is not None and area.level == "kelurahan":
        kelurahan, kecamatan = area.name, area.parent.name if area.parent_id else None
    elif area is not None:
        kecamatan = area.name
    hidden = c.is_confidential or c.lat is None
    return {
        "number": c.number,
        "status": c.status,
        "category": c.category.name,
        "kelurahan": kelurahan,
        "kecamatan": kecamatan,
        "channel": c.channel,
        "agency": c.agency.short_name if c.agency_id else None,
        "priority": c.priority,
        # The category is an emergency (region data, agencies.Category.is_emergency): flag it.
        "emergency": c.category.is_emergency,
        "submitted_at": local_iso(c.submitted_at, c.region),
        "submitted_ts": c.submitted_at.timestamp(),
        "deadline_ts": c.next_deadline.timestamp() if c.next_deadline else None,
        "lat": None if hidden else round(c.lat, 5),
        "lng": None if hidden else round(c.lng, 5),
        # One incident, several reports: the wall counts this one on the first (routing).
        "similar_to": _similar_to(c),
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


# Where the caller knows the region (region_cards), it is left out of the join: as its seventh
# table it was most of PostgreSQL's planning of the wall's newest cards (7 ms of planning for a
# 0.8 ms query at 10^4; 1.5 ms without it), on every wall load.
REGION_RELATED = tuple(name for name in RELATED if name != "region")
REGION_CARD = tuple(name for name in CARD if name != "region__timezone")


def region_cards(complaints: QuerySet, region: Region) -> list[Complaint]:
    """`region`'s complaints with what their cards show, in one query, each given `region`."""
    rows = list(complaints.select_related(*REGION_RELATED).only(*REGION_CARD))
    for row in rows:
        row.region = region
    return rows


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
