"""What officers, agencies and leaders see of dispatch data (the API and the pages share these)."""

from datetime import timedelta

from laksana.common import clock
from laksana.common.timefmt import local_iso
from laksana.complaints.contact import task_allows
from laksana.complaints.media import photo_url
from laksana.complaints.models import Complaint
from laksana.regions.models import Region

from .assignments import CHECKIN_WARNING_M
from .models import Assignment, Desk, DutyPeriod, FieldOfficer, Shift
from .officers import LOCATION_FRESH


def _seconds(delta: timedelta | None) -> int | None:
    return round(delta.total_seconds()) if delta is not None else None


def navigate_urls(complaint: Complaint) -> dict | None:
    """A geo: link (opens the phone's map app) and a web directions link as a fallback."""
    if complaint.lat is None or complaint.lng is None:
        return None
    point = f"{complaint.lat:.6f},{complaint.lng:.6f}"
    return {
        "geo": f"geo:{point}?q={point}",
        "web": f"https://www.google.com/maps/dir/?api=1&destination={point}",
    }


def officer_view(officer: FieldOfficer, *, region: Region) -> dict:
    located = officer.last_located_at
    location = None
    if officer.shares_location and located is not None:
        location = {
            "lat": officer.last_lat,
            "lng": officer.last_lng,
            "accuracy_m": officer.last_accuracy_m,
            "at": local_iso(located, region),
            "recent": clock.now() - located <= LOCATION_FRESH,
        }
    return {
        "id": officer.pk,
        "name": officer.name,
        "agency": officer.agency.code,
        "availability": officer.availability,
        "availability_label": str(officer.get_availability_display()),
        "shares_location": officer.shares_location,
        "location": location,
        "areas": sorted(a.code for a in officer.areas.all()),
    }


def _photo(attachment, region: Region) -> str | None:
    # Staff only (officer, agency): a signed address, never the public one.
    if attachment is None:
        return None
    return photo_url(attachment, public=False, region_slug=region.slug)


def task_view(task: Assignment, *, for_officer: bool, contact: dict | None = None) -> dict:
    """A task as its officer (for_officer) or the agency sees it. The reporter's contact only as
    revealed by complaints.contact.reveal (asked for, and recorded)."""
    complaint = task.complaint
    region = complaint.region
    area = complaint.area
    distance = task.checkin_distance_m
    return {
        "id": task.pk,
        "state": task.state,
        "state_label": str(task.get_state_display()),
        "officer": {"id": task.officer_id, "name": task.officer.name},
        "agency": task.agency.code,
        "instructions": task.instructions,
        "complaint": {
            "number": complaint.number,
            "title": complaint.display_title,
            "status": complaint.status,
            "category": complaint.category.name,
            "description": complaint.description,
            "address": complaint.address,
            "kelurahan": area.name if area else None,
            "kecamatan": area.parent.name if area and area.parent else None,
            "lat": complaint.lat,
            "lng": complaint.lng,
            "photos": [
                _photo(a, region) for a in complaint.attachments.all() if a.purpose == "report"
            ],
        },
        "navigate": navigate_urls(complaint),
        "reporter": contact if for_officer else None,
        "contact_available": for_officer and task_allows(task),
        "assigned_at": local_iso(task.assigned_at, region),
        "started_at": local_iso(task.started_at, region),
        "arrived_at": local_iso(task.arrived_at, region),
        "ended_at": local_iso(task.ended_at, region),
        "seconds": {
            "to_start": _seconds(task.time_to_start),
            "travel": _seconds(task.travel_time),
            "on_site": _seconds(task.time_on_site),
        },
        "check_in": None
        if task.arrived_at is None
        else {
            "lat": task.checkin_lat,
            "lng": task.checkin_lng,
            "accuracy_m": task.checkin_accuracy_m,
            "distance_m": round(distance) if distance is not None else None,
            "far": distance is not None and distance > CHECKIN_WARNING_M,
        },
        "outcome": task.outcome,
        "notes": task.notes,
        "reason": task.reason,
        "before_photo": _photo(task.before_photo, region),
        "after_photo": _photo(task.after_photo, region),
    }


def desk_view(desk: Desk) -> dict:
    return {
        "id": desk.pk,
        "name": desk.name,
        "kind": desk.kind,
        "agency": desk.agency.code if desk.agency_id else None,
    }


def _person(user) -> dict:
    return {"id": user.pk, "name": user.get_full_name() or user.get_username()}


def shift_view(shift: Shift, region: Region) -> dict:
    return {
        "id": shift.pk,
        "desk": desk_view(shift.desk),
        "person": _person(shift.user),
        "starts_at": local_iso(shift.starts_at, region),
        "ends_at": local_iso(shift.ends_at, region),
    }


def period_view(period: DutyPeriod, region: Region) -> dict:
    end = period.clocked_out_at or clock.now()
    return {
        "id": period.pk,
        "desk": desk_view(period.desk),
        "person": _person(period.user),
        "shift": period.shift_id,
        "clocked_in_at": local_iso(period.clocked_in_at, region),
        "clocked_out_at": local_iso(period.clocked_out_at, region),
        "seconds": round((end - period.clocked_in_at).total_seconds()),
    }


def on_duty_view(now, region: Region) -> dict:
    return {
        "at": local_iso(now.at, region),
        "counts": now.counts,
        "on_duty": [period_view(p, region) for p in now.periods],
        "missing": [shift_view(s, region) for s in now.absent],
        "officers": [officer_view(o, region=region) for o in now.officers],
    }


def report_view(report, region: Region) -> dict:
    return {
        "start": local_iso(report.start, region),
        "end": local_iso(report.end, region),
        "operators_on_duty": report.operators_on_duty,
        "now": on_duty_view(report.now, region),
        "acknowledgment": report.ack.as_dict(),
        "handling": report.handling.as_dict(),
        "shifts": [
            {
                **period_view(row.period, region),
                "acknowledgment": row.ack.as_dict(),
                "handling": row.handling.as_dict(),
            }
            for row in report.shifts
        ],
        "people": [
            {
                "id": p.user_id,
                "name": p.name,
                "periods": p.periods,
                "seconds_on_duty": round(p.seconds_on_duty),
                "acknowledgment": p.ack.as_dict(),
                "handling": p.handling.as_dict(),
                "outside_duty": p.outside_duty,
            }
            for p in report.people
        ],
        "field": [
            {
                "officer": {"id": r.officer_id, "name": r.name},
                "assigned": r.assigned,
                "finished": r.finished,
                "unable": r.unable,
                "to_start": r.to_start.as_dict(),
                "travel": r.travel.as_dict(),
                "on_site": r.on_site.as_dict(),
            }
            for r in report.field_work
        ],
    }
