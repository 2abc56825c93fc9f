"""Laksana's categories and complaints as GeoReport v2 services and service requests.

Privacy is the portal's: only what complaints.present.public_view shows leaves here (public
timeline, masked text, no reporter), and confidential complaints never get this far.
"""

from functools import lru_cache

from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils.translation import get_language

from laksana.agencies.models import Agency, Category
from laksana.common.timefmt import local_iso
from laksana.complaints.media import on_public_page, public_cutoffs, public_path
from laksana.complaints.models import OPEN_STATUSES, Attachment, Event, Status
from laksana.complaints.privacy import mask
from laksana.regions.models import Area, Region
from laksana.sla.services.deadlines import BREACHABLE

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")
LIST_DATATYPES = ("singlevaluelist", "multivaluelist")
# Public events whose text explains the current state to the citizen (status_notes); the
# citizen's own words (reopen reason, rating comment) are not notes from the government.
NOTE_EVENTS = [
    Event.Type.REJECTED,
    Event.Type.MERGED,
    Event.Type.ACKNOWLEDGED,
    Event.Type.DISPOSED,
    Event.Type.ACCEPTED,
    Event.Type.FORWARDED,
    Event.Type.RESPONDED,
    Event.Type.RESOLVED,
    Event.Type.CLOSED,
    Event.Type.WAITING,
    Event.Type.UPDATE,
]
_OPEN = {str(s) for s in OPEN_STATUSES}


def open_or_closed(status: str) -> str:
    return "open" if status in _OPEN else "closed"


@lru_cache(maxsize=16)
def _labels(language: str | None) -> tuple[dict[str, str], dict[str, str]]:
    # get_FOO_display() hashes the whole choices list on every call: too slow for 1000 rows.
    return (
        {str(k): str(v) for k, v in Status.choices},
        {str(k): str(v) for k, v in Event.Type.choices},
    )


def status_label(status: str) -> str:
    """The human name of a complaint status, in the active language."""
    return _labels(get_language())[0].get(status, status)


def event_label(event_type: str) -> str:
    return _labels(get_language())[1].get(event_type, event_type)


# ---------------------------------------------------------------------------------------------
# Services


def attribute_definitions(category: Category) -> list[dict]:
    """The category's extra questions as Open311 attributes, in their order. Entries without a
    code are skipped rather than breaking every client."""
    rows = [a for a in (category.attributes or []) if isinstance(a, dict) and a.get("code")]
    out = []
    for position, a in enumerate(rows, start=1):
        datatype = a.get("datatype") if a.get("datatype") in DATATYPES else "string"
        attribute = {
            "variable": bool(a.get("variable", True)),
            "code": str(a["code"]),
            "datatype": datatype,
            "required": bool(a.get("required", False)),
            "datatype_description": str(a.get("datatype_description") or ""),
            "order": _order(a.get("order"), position),
            "description": str(a.get("description") or ""),
        }
        if datatype in LIST_DATATYPES:
            attribute["values"] = [
                {"key": str(v["key"]), "name": str(v.get("name") or v["key"])}
                for v in a.get("values") or []
                if isinstance(v, dict) and "key" in v
            ]
        out.append(attribute)
    return sorted(out, key=lambda a: a["order"])


def _order(value, default: int) -> int:
    # Admins edit attributes as JSON: a bad order must not break every client's service list.
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def service(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": bool(attribute_definitions(category)),
        "type": "realtime",
        "keywords": category.keywords,
        "group": category.group,
    }


def service_definition(category: Category) -> dict:
    return {"service_code": category.code, "attributes": attribute_definitions(category)}


# ---------------------------------------------------------------------------------------------
# Service requests


class RequestWriter:
    """Pages of complaints as GeoReport v2 requests, in a fixed number of queries whatever their
    length (a client may ask for 1000): the region's few categories, agencies and areas are read
    once; complaints, their photos and (with extensions) their public timelines are read as plain
    rows, one query each, without building a model object per row."""

    FIELDS = (
        "id",
        "number",
        "kind",
        "status",
        "channel",
        "category_id",
        "agency_id",
        "area_id",
        "description",
        "address",
        "lat",
        "lng",
        "submitted_at",
        "updated_at",
        "next_deadline",
        "deadline_stage",
    )

    def __init__(self, region: Region, *, origin: str, extensions: bool = False):
        self.region = region
        self.origin = origin  # scheme://host, to make photo URLs whole
        self.extensions = extensions
        categories = Category.objects.filter(region=region)
        self.categories = dict(categories.values_list("id", "code"))
        self.category_names = dict(categories.values_list("id", "name"))
        self.agencies = dict(Agency.objects.filter(region=region).values_list("id", "name"))
        self.areas = {
            row["id"]: row
            for row in Area.objects.filter(region=region).values(
                "id", "code", "name", "level", "parent_id", "postcode"
            )
        }

    def rows(self, complaints: QuerySet) -> list[dict]:
        latest_note = (
            Event.objects.filter(complaint=OuterRef("pk"), is_public=True, type__in=NOTE_EVENTS)
            .exclude(text="")
            .order_by("-id")
            .values("text")[:1]
        )
        extra = {
            "latest_note": Subquery(latest_note),
            "sent_media_url": F("open311_submission__media_url"),
        }
        if self.extensions:
            extra["duplicate_number"] = F("duplicate_of__number")
            extra["duplicate_hidden"] = F("duplicate_of__is_confidential")
        complaints = list(complaints.values(*self.FIELDS, **extra))
        ids = [c["id"] for c in complaints]
        # Only published complaints come here: their public photos have plain addresses.
        photos = _grouped(
            Attachment.objects.filter(complaint_id__in=ids)
            .order_by("id")
            .values_list("complaint_id", "id", "content_type", "purpose", "created_at")
        )
        cutoffs = public_cutoffs(ids)
        events = {}
        if self.extensions:
            events = _grouped(
                Event.objects.filter(complaint_id__in=ids, is_public=True)
                .order_by("id")
                .values_list("complaint_id", "created_at", "type", "text")
            )
        return [
            self._row(c, photos.get(c["id"], []), events.get(c["id"], []), cutoffs.get(c["id"]))
            for c in complaints
        ]

    def _row(self, c: dict, photo_rows: list, event_rows: list, cutoff) -> dict:
        region = self.region
        area = self.areas.get(c["area_id"])
        # As on the portal: the citizen's photos always, the agency's evidence once resolved.
        photos = [
            {"url": self.origin + public_path(region.slug, pk, kind), "purpose": purpose}
            for pk, kind, purpose, at in photo_rows
            if on_public_page(purpose, at, cutoff)
        ]
        row = {
            "service_request_id": c["number"],
            "status": open_or_closed(c["status"]),
            "status_notes": mask(c["latest_note"]) or None,
            "service_name": self.category_names[c["category_id"]],
            "service_code": self.categories[c["category_id"]],
            "description": mask(c["description"]),
            "agency_responsible": self.agencies.get(c["agency_id"]),
            "service_notice": status_label(c["status"]),
            "requested_datetime": local_iso(c["submitted_at"], region),
            "updated_datetime": local_iso(c["updated_at"], region),
            # The deadline the city promises: not the auto-close date of a resolved request.
            "expected_datetime": local_iso(c["next_deadline"], region)
            if c["deadline_stage"] in BREACHABLE
            else None,
            "address": mask(c["address"]) or None,
            "address_id": area["code"] if area else None,
            "zipcode": (area["postcode"] or None) if area else None,
            "lat": c["lat"],
            "long": c["lng"],
            "media_url": photos[0]["url"] if photos else (c["sent_media_url"] or None),
        }
        if self.extensions:
            row["extended_attributes"] = self._extended(c, area, photos)
            row["notes"] = [
                {
                    "datetime": local_iso(at, region),
                    "type": kind,
                    "summary": event_label(kind),
                    "description": mask(text),
                }
                for at, kind, text in event_rows
            ]
        return row

    def _extended(self, c: dict, area: dict | None, photos: list[dict]) -> dict:
        kecamatan = kelurahan = None
        if area is not None and area["level"] == Area.Level.KELURAHAN:
            parent = self.areas.get(area["parent_id"])
            kelurahan, kecamatan = area["name"], (parent["name"] if parent else None)
        elif area is not None:
            kecamatan = area["name"]
        return {
            "status": c["status"],
            "kind": c["kind"],
            "channel": c["channel"],
            "kecamatan": kecamatan,
            "kelurahan": kelurahan,
            # Never the number of a confidential complaint (merge target).
            "duplicate_of": None if c.get("duplicate_hidden") else c["duplicate_number"],
            "photos": photos,
        }


def _grouped(rows) -> dict[int, list[tuple]]:
    """(complaint_id, *values) rows -> {complaint_id: [values, ...]} in the rows' order."""
    out: dict[int, list[tuple]] = {}
    for complaint_id, *values in rows:
        out.setdefault(complaint_id, []).append(tuple(values))
    return out
