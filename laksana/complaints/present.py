"""Turning complaints into what each audience may see (public, staff). Privacy rules live here
and in privacy.py; the API and pages only call these."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laksana.agencies.models import Membership
from laksana.agencies.services import Staff
from laksana.common.timefmt import local_iso

from .contact import may_see as may_see_contact
from .media import on_public_page, photo_url, public_cutoffs
from .models import Complaint, Event
from .privacy import is_public, mask, public_actor, reporter_label
from .services import reopen_deadline


def _event_labels() -> dict[str, str]:
    # Translated once per timeline: get_type_display() per event resolves a lazy translation each
    # time, which was the largest cost of a 50-event timeline.
    return {value: str(label) for value, label in Event.Type.choices}


def _photos(complaint: Complaint, *, public: bool) -> list[dict]:
    """Every photo with who took it and when. The public sees the report's photos, and evidence
    once a resolution followed it (media.on_public_page). Addresses from media.photo_url: plain
    for what the public may open, signed for the rest (the reporter's unpublished complaint,
    staff)."""
    cutoff = public_cutoffs([complaint.pk]).get(complaint.pk) if public else None
    published = public and is_public(complaint)
    slug = complaint.region.slug
    return [
        {
            "url": photo_url(a, public=published, region_slug=slug),
            "purpose": a.purpose,
            **_photo_label(a, complaint.region),
        }
        for a in complaint.attachments.all()
        if not public or on_public_page(a.purpose, a.created_at, cutoff)
    ]


def _photo_label(a, region) -> dict:
    if a.purpose == "report":
        who = _("Foto dari pelapor") if a.uploaded_by_id is None else _("Foto dari ruang kendali")
    elif a.stage == "before":
        who = _("Petugas lapangan, sebelum ditangani")
    elif a.stage == "after":
        who = _("Petugas lapangan, sesudah ditangani")
    else:
        who = _("Bukti penanganan OPD")
    return {"stage": a.stage, "label": str(who), "at": local_iso(a.created_at, region)}


def _area_names(complaint: Complaint) -> tuple[str | None, str | None]:
    area = complaint.area
    if area is None:
        return None, None
    if area.level == "kelurahan":
        return (area.parent.name if area.parent else None), area.name
    return area.name, None


def track_url(complaint: Complaint, token: str) -> str:
    return reverse("api:track", kwargs={"token": token})


def public_view(complaint: Complaint) -> dict:
    """The citizen's and the public's view: no identity, no contact, personal numbers masked."""
    region = complaint.region
    kecamatan, kelurahan = _area_names(complaint)
    events = complaint.events.filter(is_public=True).select_related("agency").order_by("id")
    labels = _event_labels()
    deadline = reopen_deadline(complaint) if complaint.status == "resolved" else None
    return {
        "number": complaint.number,
        "kind": complaint.kind,
        "status": complaint.status,
        "status_label": str(complaint.get_status_display()),
        "category": complaint.category.code,
        "category_name": complaint.category.name,
        "agency": complaint.agency.name if complaint.agency else None,
        "kecamatan": kecamatan,
        "kelurahan": kelurahan,
        "address": mask(complaint.address),
        "lat": complaint.lat,
        "lng": complaint.lng,
        "description": mask(complaint.description),
        "reporter": str(reporter_label(complaint)),
        "submitted_at": local_iso(complaint.submitted_at, region),
        "updated_at": local_iso(complaint.updated_at, region),
        "rating": complaint.rating,
        "reopen_until": local_iso(deadline, region),
        "photos": _photos(complaint, public=True),
        "timeline": [
            {
                "at": local_iso(e.created_at, region),
                "type": e.type,
                "label": labels[e.type],
                "actor": str(public_actor(e)),
                "text": mask(e.text),
                "rating": (e.data or {}).get("rating") if e.type == Event.Type.RATED else None,
            }
            for e in events
        ],
    }


def staff_row(complaint: Complaint) -> dict:
    region = complaint.region
    return {
        "number": complaint.number,
        "kind": complaint.kind,
        "status": complaint.status,
        "category": complaint.category.code,
        "agency": complaint.agency.code if complaint.agency else None,
        "kelurahan": complaint.area.name if complaint.area else None,
        "title": complaint.display_title,
        "priority": complaint.priority,
        "channel": complaint.channel,
        "submitted_at": local_iso(complaint.submitted_at, region),
        "updated_at": local_iso(complaint.updated_at, region),
        "version": complaint.version,
    }


# Labels of actors without an account: neither acts for the agency the event concerns.
_NO_AGENCY = {"Pelapor": gettext_lazy("Pelapor"), "Sistem": gettext_lazy("Sistem")}


def staff_actors(events: list[Event]) -> dict[int, str]:
    """Who did each event, as staff read it: the agency in brackets only when the actor acts for
    it. (An event carries the complaint's agency even when the citizen rates or reopens, or an
    operator writes a note: "Pelapor (Dinas PUPR)" would be wrong.)"""
    pairs = {(e.actor_id, e.agency_id) for e in events if e.actor_id and e.agency_id}
    members = set()
    if pairs:
        members = set(
            Membership.objects.filter(
                user_id__in={u for u, _a in pairs}, agency_id__in={a for _u, a in pairs}
            ).values_list("user_id", "agency_id")
        )
    labels = {}
    for e in events:
        if e.actor_id is None and e.actor_label in _NO_AGENCY:
            label = str(_NO_AGENCY[e.actor_label])
        elif e.agency_id and (e.actor_id is None or (e.actor_id, e.agency_id) in members):
            label = f"{e.actor_label} ({e.agency.short_name})"
        else:
            label = e.actor_label
        labels[e.id] = label
    return labels


def staff_view(staff: Staff, complaint: Complaint, *, contact: dict | None = None) -> dict:
    """The staff view. Contact details only when the caller asked for them and got them from
    contact.reveal (which records the showing); otherwise only whether they may ask."""
    region = complaint.region
    kecamatan, kelurahan = _area_names(complaint)
    events = list(Event.objects.filter(complaint=complaint).select_related("agency").order_by("id"))
    labels = _event_labels()
    actors = staff_actors(events)
    return {
        **staff_row(complaint),
        "description": complaint.description,
        "address": complaint.address,
        "lat": complaint.lat,
        "lng": complaint.lng,
        "kecamatan": kecamatan,
        "kelurahan": kelurahan,
        "anonymous": complaint.is_anonymous,
        "confidential": complaint.is_confidential,
        "duplicate_of": complaint.duplicate_of.number if complaint.duplicate_of_id else None,
        "rating": complaint.rating,
        "rating_comment": complaint.rating_comment,
        "reporter": contact,
        "contact_available": may_see_contact(staff, complaint),
        "photos": _photos(complaint, public=False),
        "timeline": [
            {
                "id": e.id,
                "at": local_iso(e.created_at, region),
                "type": e.type,
                "label": labels[e.type],
                "actor": e.actor_label,
                "actor_display": actors[e.id],
                "agency": e.agency.code if e.agency else None,
                "public": e.is_public,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "text": e.text,
                "data": e.data,
            }
            for e in events
        ],
    }
