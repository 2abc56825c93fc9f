"""Sending officers to complaints and their work there: the assignment state machine.

    assigned ─START─► en_route ─check-in─► on_site ─FINISH (after-photo)─► finished
        └──────────────┴───────────────────────┴──────► unable (reason)

Each step is a conditional UPDATE on the state it leaves (`WHERE state = <old>`), so two taps or two
phones at once cannot both move it: the loser gets a 409. Each step writes one timeline entry on the
complaint through the lifecycle services (types "assigned" and "field"); photos go through
`services.add_photo` as evidence, so they are re-encoded without EXIF like every other photo.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from laksana.agencies.models import Role
from laksana.agencies.services import Staff
from laksana.common import clock
from laksana.common.errors import (
    Conflict,
    Forbidden,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from laksana.complaints import services
from laksana.complaints.models import Complaint, Status

from .geo import clean_position, haversine_m
from .models import ACTIVE_STATES, Assignment, Availability, FieldOfficer, Outcome, State
from .officers import active_officers, remember_position

# Past this distance from the complaint a check-in is flagged (GPS in town is often 20-50 m off).
CHECKIN_WARNING_M = 200
MAX_TEXT = 4000
WORKABLE = (Status.DISPATCHED, Status.IN_PROGRESS)
ASSIGNERS = (Role.OPERATOR, Role.REGION_ADMIN)
HANDLERS = (Role.AGENCY_ADMIN, Role.AGENCY_STAFF)


def may_assign(staff: Staff, complaint: Complaint) -> bool:
    """The complaint's agency (admin or liaison) or the command center's operators."""
    return staff.has(*ASSIGNERS) or staff.has_in_agency(complaint.agency_id, *HANDLERS)


def assignments_visible_to(staff: Staff) -> QuerySet[Assignment]:
    qs = (
        Assignment.objects.filter(region=staff.region)
        .select_related(
            "complaint",
            "complaint__category",
            "complaint__area__parent",
            "officer__user",
            "agency",
            "after_photo",
            "before_photo",
        )
        .prefetch_related("complaint__attachments")
    )
    if staff.sees_whole_region:
        return qs
    handled = [a for a in staff.agency_ids if staff.has_in_agency(a, *HANDLERS)]
    return qs.filter(Q(agency_id__in=handled) | Q(officer__user=staff.user))


def tasks_of(staff: Staff) -> QuerySet[Assignment]:
    """An officer's own assignments, and nobody else's."""
    return (
        Assignment.objects.filter(region=staff.region, officer__user=staff.user)
        .select_related(
            "complaint",
            "complaint__category",
            "complaint__area__parent",
            "complaint__reporter",
            "officer__user",
            "agency",
            "after_photo",
            "before_photo",
        )
        .prefetch_related("complaint__attachments")
        .order_by("-assigned_at", "-id")
    )


def get_task(staff: Staff, assignment_id: int) -> Assignment:
    task = tasks_of(staff).filter(pk=assignment_id).first()
    if task is None:
        raise NotFound(_("Tugas tidak ditemukan."))
    return task


def _text(value: str | None, *, field: str, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed(_("Wajib diisi."), fields={field: ""})
    if len(value) > MAX_TEXT:
        raise ValidationFailed(
            _("Terlalu panjang: paling banyak %(n)d karakter.") % {"n": MAX_TEXT},
            fields={field: ""},
        )
    return value


def assign(
    *,
    staff: Staff,
    complaint: Complaint,
    officers: list[FieldOfficer],
    instructions: str = "",
) -> list[Assignment]:
    """Send one or more officers of the complaint's agency to it."""
    if not may_assign(staff, complaint):
        raise Forbidden(_("Anda tidak berwenang menugaskan petugas untuk laporan ini."))
    if complaint.status not in WORKABLE:
        raise InvalidTransition(
            _("Laporan berstatus '%(status)s' tidak dapat ditugaskan ke petugas lapangan.")
            % {"status": complaint.get_status_display()}
        )
    if not officers:
        raise ValidationFailed(_("Pilih minimal satu petugas."), fields={"officers": ""})
    instructions = _text(instructions, field="instructions", required=False)
    allowed = set(
        active_officers(complaint.region)
        .filter(agency_id=complaint.agency_id)
        .values_list("pk", flat=True)
    )
    stranger = next((o for o in officers if o.pk not in allowed), None)
    if stranger is not None:
        raise ValidationFailed(
            _("%(name)s bukan petugas lapangan %(agency)s.")
            % {"name": stranger.name, "agency": complaint.agency.short_name},
            code="wrong_agency",
            fields={"officers": str(stranger.pk)},
        )
    created = []
    with transaction.atomic():
        for officer in officers:
            try:
                with transaction.atomic():  # the partial unique index refuses a second open one
                    assignment = Assignment.objects.create(
                        region_id=complaint.region_id,
                        complaint=complaint,
                        officer=officer,
                        agency_id=complaint.agency_id,
                        assigned_by=staff.user,
                        instructions=instructions,
                        assigned_at=clock.now(),
                    )
            except IntegrityError:
                raise Conflict(
                    _("%(name)s sudah ditugaskan untuk laporan ini.") % {"name": officer.name},
                    code="already_assigned",
                ) from None
            services.add_event(
                complaint=complaint,
                actor=staff,
                type="assigned",
                text=_("Petugas lapangan ditugaskan ke lokasi."),
                public=True,
                data={"assignment": assignment.pk, "officer": officer.name},
            )
            created.append(assignment)
    return created


def _fresh(staff: Staff, assignment: Assignment, allowed: tuple[str, ...], action: str):
    task = get_task(staff, assignment.pk)
    if task.state not in allowed:
        raise InvalidTransition(
            _("Tugas berstatus '%(state)s' tidak dapat %(action)s.")
            % {"state": task.get_state_display(), "action": action}
        )
    return task


def _require_workable(task: Assignment) -> None:
    complaint = task.complaint
    if complaint.status not in WORKABLE or complaint.agency_id != task.agency_id:
        raise InvalidTransition(
            _("Laporan %(number)s tidak lagi ditangani lewat tugas ini.")
            % {"number": complaint.number},
            code="complaint_moved_on",
        )


def _move(task: Assignment, to_state: str, **fields) -> None:
    """The conditional update: only one of two concurrent steps from the same state wins."""
    updated = Assignment.objects.filter(pk=task.pk, state=task.state).update(
        state=to_state, **fields
    )
    if updated != 1:
        raise InvalidTransition(
            _("Tugas ini baru saja berubah. Muat ulang halaman."), code="stale_task"
        )
    task.state = to_state
    for name, value in fields.items():
        setattr(task, name, value)


def _field_event(staff: Staff, task: Assignment, step: str, text: str, *, public=True, **data):
    services.add_event(
        complaint=task.complaint,
        actor=staff,
        type="field",
        text=text,
        public=public,
        data={"assignment": task.pk, "step": step, **data},
    )


def _evidence(staff: Staff, task: Assignment, upload, *, stage: str):
    """Store the officer's photo as the agency's evidence (re-encoded, without EXIF), labelled
    "before" or "after" the work so the citizen's page can say which it is."""
    return services.add_photo(
        complaint=task.complaint, actor=staff, upload=upload, purpose="evidence", stage=stage
    )


def start(*, staff: Staff, assignment: Assignment) -> Assignment:
    """START: the officer sets off; they are busy until their open tasks are done."""
    with transaction.atomic():
        task = _fresh(staff, assignment, (State.ASSIGNED,), _("dimulai"))
        _require_workable(task)
        _move(task, State.EN_ROUTE, started_at=clock.now())
        FieldOfficer.objects.filter(pk=task.officer_id).update(availability=Availability.BUSY)
        _field_event(staff, task, "en_route", _("Petugas menuju lokasi."))
    return task


@dataclass(frozen=True)
class CheckIn:
    assignment: Assignment
    distance_m: float | None
    warning: str  # "" | "far" | "no_location" | "no_complaint_location"


def check_in(
    *, staff: Staff, assignment: Assignment, lat=None, lng=None, accuracy=None, photo=None
) -> CheckIn:
    """The officer arrives: the phone's position is kept with its distance to the complaint.

    A position past CHECKIN_WARNING_M, or none at all (GPS refused or unavailable), is flagged
    for the agency but never blocks the officer, who is the one standing there.
    """
    position = clean_position(lat, lng, accuracy)
    with transaction.atomic():
        task = _fresh(staff, assignment, (State.EN_ROUTE,), _("check-in"))
        _require_workable(task)
        complaint = task.complaint
        distance, warning = None, ""
        if position is None:
            warning = "no_location"
        elif complaint.lat is None or complaint.lng is None:
            warning = "no_complaint_location"
        else:
            distance = haversine_m(position[0], position[1], complaint.lat, complaint.lng)
            warning = "far" if distance > CHECKIN_WARNING_M else ""
        lat_f, lng_f, acc = position or (None, None, None)
        _move(
            task,
            State.ON_SITE,
            arrived_at=clock.now(),
            checkin_lat=lat_f,
            checkin_lng=lng_f,
            checkin_accuracy_m=acc,
            checkin_distance_m=distance,
        )
        if photo is not None:
            task.before_photo = _evidence(staff, task, photo, stage="before")
            Assignment.objects.filter(pk=task.pk).update(before_photo=task.before_photo)
        if position is not None:
            remember_position(task.officer, position)
        _field_event(
            staff,
            task,
            "on_site",
            _("Petugas tiba di lokasi."),
            lat=lat_f,
            lng=lng_f,
            accuracy_m=acc,
            distance_m=round(distance) if distance is not None else None,
            warning=warning,
        )
    return CheckIn(task, distance, warning)


def _release(officer_id: int) -> None:
    """Back to available once the officer has nothing under way any more."""
    if not Assignment.objects.filter(
        officer_id=officer_id, state__in=[State.EN_ROUTE, State.ON_SITE]
    ).exists():
        FieldOfficer.objects.filter(pk=officer_id, availability=Availability.BUSY).update(
            availability=Availability.ON_DUTY
        )


def finish(
    *, staff: Staff, assignment: Assignment, photo, outcome: str, notes: str = ""
) -> Assignment:
    """FINISH: the after-photo (evidence), the outcome and notes."""
    if photo is None:
        raise ValidationFailed(
            _("Foto sesudah penanganan wajib diunggah."),
            code="photo_required",
            fields={"photo": ""},
        )
    if outcome not in Outcome.values:
        raise ValidationFailed(_("Pilih hasil penanganan."), fields={"outcome": outcome or ""})
    notes = _text(notes, field="notes", required=False)
    with transaction.atomic():
        task = _fresh(staff, assignment, (State.ON_SITE,), _("diselesaikan"))
        _require_workable(task)
        # State first: a double tap loses here, before a second photo is stored.
        _move(task, State.FINISHED, ended_at=clock.now(), outcome=outcome, notes=notes)
        task.after_photo = _evidence(staff, task, photo, stage="after")
        Assignment.objects.filter(pk=task.pk).update(after_photo=task.after_photo)
        _release(task.officer_id)
        _field_event(
            staff,
            task,
            "finished",
            _("Pekerjaan lapangan selesai: %(outcome)s.") % {"outcome": task.get_outcome_display()},
            outcome=outcome,
            notes=notes,
            attachment=task.after_photo.pk,
        )
    return task


def unable(*, staff: Staff, assignment: Assignment, reason: str) -> Assignment:
    """The officer cannot do it (access refused, wrong place, needs heavy equipment, ...)."""
    reason = _text(reason, field="reason", required=True)
    with transaction.atomic():
        task = _fresh(staff, assignment, tuple(ACTIVE_STATES), _("ditandai tidak dapat ditangani"))
        _move(task, State.UNABLE, ended_at=clock.now(), reason=reason)
        _release(task.officer_id)
        _field_event(
            staff,
            task,
            "unable",
            _("Petugas tidak dapat menangani: %(reason)s") % {"reason": reason},
            public=False,
            reason=reason,
        )
    return task


def resolution_blocker(complaint: Complaint) -> str:
    """Why the agency cannot yet resolve with the officers' evidence ("" when it can)."""
    states = list(complaint.field_assignments.values_list("state", flat=True))
    if any(s in ACTIVE_STATES for s in states):
        return _("Masih ada petugas yang belum selesai.")
    if State.FINISHED not in states:
        return _("Belum ada pekerjaan lapangan yang selesai.")
    if complaint.status not in WORKABLE:
        return _("Laporan sudah tidak dalam penanganan.")
    return ""


def default_response(complaint: Complaint) -> str:
    """A response for the citizen drafted from the officers' reports."""
    finished = complaint.field_assignments.filter(state=State.FINISHED).order_by("ended_at")
    parts = [_("Laporan telah ditangani petugas lapangan.")]
    for task in finished:
        line = str(task.get_outcome_display())
        parts.append(f"{line}. {task.notes}".strip() if task.notes else f"{line}.")
    return " ".join(parts)


def resolve_with_evidence(*, staff: Staff, complaint: Complaint, response: str = "") -> Complaint:
    """Resolve in one step once every assignment is done: the officers' after-photos are already
    the complaint's evidence. A complaint not yet accepted is accepted first."""
    blocker = resolution_blocker(complaint)
    if blocker:
        raise InvalidTransition(blocker, code="field_work_open")
    response = (response or "").strip() or default_response(complaint)
    with transaction.atomic():
        if complaint.status == Status.DISPATCHED:
            complaint = services.accept(staff=staff, complaint=complaint)
        return services.resolve(staff=staff, complaint=complaint, response=response)
