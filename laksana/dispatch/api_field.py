"""Field work over JSON: the officer's own profile and tasks, and the agency's assignments.

Each route resolves the region from the path and the caller's roles in it once (staff_in: 404 for
outsiders), then calls one service function. Officers reach only their own tasks (404 otherwise).
"""

from ninja import File, Form, Query, Router
from ninja.files import UploadedFile

from laksana.agencies.services import Staff, staff_at
from laksana.common.auth import STAFF_AUTH
from laksana.complaints import contact, services

from . import assignments as work
from . import officers
from .present import officer_view, task_view
from .schemas import (
    AreasIn,
    AssignIn,
    AvailabilityIn,
    CheckInResult,
    ComplaintFieldOut,
    OfficerOut,
    PositionIn,
    ReasonIn,
    ResolveIn,
    SharingIn,
    TaskOut,
)

router = Router(tags=["field officers"], auth=STAFF_AUTH)
BASE = "/regions/{slug}/field"


def _me(request, slug: str) -> tuple[Staff, officers.FieldOfficer]:
    staff = staff_at(request.auth, slug)
    return staff, officers.officer_for(staff)


@router.get(BASE + "/me", response=OfficerOut, summary="My officer profile (field officers)")
def me(request, slug: str):
    staff, officer = _me(request, slug)
    return officer_view(officer, region=staff.region)


@router.post(BASE + "/me/availability", response=OfficerOut, summary="Set my availability")
def availability(request, slug: str, payload: AvailabilityIn):
    staff, officer = _me(request, slug)
    officer = officers.set_availability(officer=officer, availability=payload.availability)
    return officer_view(officer, region=staff.region)


@router.post(
    BASE + "/me/sharing", response=OfficerOut, summary="Opt in or out of sharing my location"
)
def sharing(request, slug: str, payload: SharingIn):
    staff, officer = _me(request, slug)
    officer = officers.set_location_sharing(officer=officer, enabled=payload.enabled)
    return officer_view(officer, region=staff.region)


@router.post(
    BASE + "/me/location",
    response=OfficerOut,
    summary="Report my position (while sharing and on duty, about once a minute)",
)
def location(request, slug: str, payload: PositionIn):
    staff, officer = _me(request, slug)
    officers.report_location(
        officer=officer, lat=payload.lat, lng=payload.lng, accuracy=payload.accuracy
    )
    return officer_view(officer, region=staff.region)


@router.get(BASE + "/tasks", response=list[TaskOut], summary="My tasks, open ones first")
def tasks(request, slug: str, state: Query[str] = "open"):
    staff = staff_at(request.auth, slug)
    qs = work.tasks_of(staff)
    if state == "open":
        qs = qs.filter(state__in=work.ACTIVE_STATES)
    elif state != "all":
        qs = qs.filter(state=state)
    return [task_view(t, for_officer=True) for t in qs[:100]]


@router.get(BASE + "/tasks/{task_id}", response=TaskOut, summary="One of my tasks")
def task(request, slug: str, task_id: int, include: Query[str] = ""):
    """`include=contact` adds the reporter's name and phone while the task is open (403 when not
    available); each such answer is recorded in the complaint's internal timeline."""
    staff = staff_at(request.auth, slug)
    current = work.get_task(staff, task_id)
    details = None
    if "contact" in include.split(","):
        details = contact.reveal(
            staff=staff, complaint=current.complaint, via=contact.Via.API, task=current
        )
    return task_view(current, for_officer=True, contact=details)


@router.post(BASE + "/tasks/{task_id}/start", response=TaskOut, summary="START: on my way")
def start(request, slug: str, task_id: int):
    staff = staff_at(request.auth, slug)
    done = work.start(staff=staff, assignment=work.get_task(staff, task_id))
    return task_view(work.get_task(staff, done.pk), for_officer=True)


@router.post(
    BASE + "/tasks/{task_id}/check-in",
    response=CheckInResult,
    summary="Check in on site with the phone's position (multipart; optional before-photo)",
)
def check_in(
    request,
    slug: str,
    task_id: int,
    lat: str = Form(""),
    lng: str = Form(""),
    accuracy: str = Form(""),
    photo: UploadedFile | None = File(None),
):
    staff = staff_at(request.auth, slug)
    result = work.check_in(
        staff=staff,
        assignment=work.get_task(staff, task_id),
        lat=lat,
        lng=lng,
        accuracy=accuracy,
        photo=photo,
    )
    return {
        "task": task_view(work.get_task(staff, task_id), for_officer=True),
        "distance_m": round(result.distance_m) if result.distance_m is not None else None,
        "warning": result.warning,
    }


@router.post(
    BASE + "/tasks/{task_id}/finish",
    response=TaskOut,
    summary="FINISH with the after-photo, outcome and notes (multipart)",
)
def finish(
    request,
    slug: str,
    task_id: int,
    outcome: str = Form(""),
    notes: str = Form(""),
    photo: UploadedFile | None = File(None),
):
    staff = staff_at(request.auth, slug)
    work.finish(
        staff=staff,
        assignment=work.get_task(staff, task_id),
        photo=photo,
        outcome=outcome,
        notes=notes,
    )
    return task_view(work.get_task(staff, task_id), for_officer=True)


@router.post(BASE + "/tasks/{task_id}/unable", response=TaskOut, summary="Cannot do it (reason)")
def unable(request, slug: str, task_id: int, payload: ReasonIn):
    staff = staff_at(request.auth, slug)
    work.unable(staff=staff, assignment=work.get_task(staff, task_id), reason=payload.reason)
    return task_view(work.get_task(staff, task_id), for_officer=True)


@router.get(BASE + "/officers", response=list[OfficerOut], summary="Field officers I may see")
def officer_list(request, slug: str):
    staff = staff_at(request.auth, slug)
    qs = officers.officers_visible_to(staff).prefetch_related("areas").order_by("agency", "id")
    return [officer_view(o, region=staff.region) for o in qs]


@router.put(
    BASE + "/officers/{officer_id}/areas",
    response=OfficerOut,
    summary="Set the areas an officer covers (agency admin, operator)",
)
def officer_areas(request, slug: str, officer_id: int, payload: AreasIn):
    staff = staff_at(request.auth, slug)
    officer = officers.get_officer(staff, officer_id)
    officers.set_areas(staff=staff, officer=officer, area_codes=payload.areas)
    return officer_view(officer, region=staff.region)


def complaint_field(staff: Staff, complaint) -> dict:
    can_assign = work.may_assign(staff, complaint)
    suggestions = officers.suggest(complaint=complaint) if can_assign else []
    visible = work.assignments_visible_to(staff).filter(complaint=complaint)
    return {
        "number": complaint.number,
        "status": complaint.status,
        "can_assign": can_assign,
        "resolve_blocker": work.resolution_blocker(complaint),
        "assignments": [task_view(t, for_officer=False) for t in visible],
        "suggestions": [
            {
                "officer": officer_view(s.officer, region=staff.region),
                "basis": s.basis,
                "distance_m": round(s.distance_m) if s.distance_m is not None else None,
                "active_tasks": s.active_tasks,
            }
            for s in suggestions
        ],
    }


@router.get(
    BASE + "/complaints/{number}",
    response=ComplaintFieldOut,
    summary="A complaint's field work: assignments and suggested officers",
)
def complaint_detail(request, slug: str, number: str):
    staff = staff_at(request.auth, slug)
    return complaint_field(staff, services.get_for_staff(staff, number))


@router.post(
    BASE + "/complaints/{number}/assignments",
    response={201: ComplaintFieldOut},
    summary="Assign officers (the complaint's agency or the command center)",
)
def assign(request, slug: str, number: str, payload: AssignIn):
    staff = staff_at(request.auth, slug)
    complaint = services.get_for_staff(staff, number)
    chosen = officers.pick(staff.region, payload.officers)
    work.assign(
        staff=staff, complaint=complaint, officers=chosen, instructions=payload.instructions
    )
    return 201, complaint_field(staff, complaint)


@router.post(
    BASE + "/complaints/{number}/resolve",
    response=ComplaintFieldOut,
    summary="Resolve with the officers' evidence once all field work is done (agency)",
)
def resolve(request, slug: str, number: str, payload: ResolveIn):
    staff = staff_at(request.auth, slug)
    complaint = services.get_for_staff(staff, number)
    resolved = work.resolve_with_evidence(
        staff=staff, complaint=complaint, response=payload.response
    )
    return complaint_field(staff, resolved)
