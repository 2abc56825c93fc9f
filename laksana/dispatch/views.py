"""The officer's phone pages: task list, one task with START / check-in / FINISH, availability and
opt-in location sharing. For agency staff and operators, `field/` is the board of field work."""

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from laksana.agencies.services import Staff
from laksana.common.errors import DomainError, NotFound
from laksana.complaints import contact, services
from laksana.complaints.models import Status

from . import assignments as work
from . import officers, roster
from .models import ACTIVE_STATES, Assignment, Availability, Desk, FieldOfficer, Outcome, State
from .pages import attempt, staff_page
from .present import task_view


def _officer_or_none(staff: Staff) -> FieldOfficer | None:
    try:
        return officers.officer_for(staff)
    except NotFound:
        return None


def _url(name: str, staff: Staff, **kwargs) -> str:
    return reverse(f"dispatch:{name}", kwargs={"region_slug": staff.region.slug, **kwargs})


@staff_page
def home(request: HttpRequest, staff: Staff) -> HttpResponse:
    officer = _officer_or_none(staff)
    if officer is None:
        return board(request, staff)
    return render(request, "dispatch/officer_home.html", _home_context(staff, officer))


def _home_context(staff: Staff, officer: FieldOfficer) -> dict:
    tasks = list(work.tasks_of(staff)[:40])
    return {
        "region": staff.region,
        "officer": officer,
        "open_tasks": [t for t in tasks if t.is_active],
        "done_tasks": [t for t in tasks if not t.is_active][:15],
        "availabilities": Availability.choices,
        "period": roster.current_period(staff),
        "squads": [
            d
            for d in roster.desks(staff.region)
            if d.kind == Desk.Kind.SQUAD and roster.may_sit(staff, d)
        ],
        "location_url": _url("location", staff),
    }


def _on_home(request: HttpRequest, staff: Staff, officer, change, done: str) -> HttpResponse:
    """A form on the officer's home page: back there, with the message or the refusal."""
    return attempt(
        request,
        change,
        done=done,
        then=_url("home", staff),
        template="dispatch/officer_home.html",
        context=lambda: _home_context(staff, officer),
    )


def board(request: HttpRequest, staff: Staff) -> HttpResponse:
    """Agency staff and operators: complaints waiting for field work and work under way."""
    under_way = work.assignments_visible_to(staff).filter(state__in=ACTIVE_STATES)
    finished = Assignment.objects.filter(complaint=OuterRef("pk"), state=State.FINISHED)
    waiting = (
        services.visible_to(staff)
        .filter(status__in=(Status.DISPATCHED, Status.IN_PROGRESS))
        .exclude(field_assignments__state__in=ACTIVE_STATES)
        .annotate(field_done=Exists(finished))
        .select_related("category", "agency", "area")
        .order_by("-disposed_at", "-id")[:50]
    )
    return render(
        request,
        "dispatch/board.html",
        {"region": staff.region, "under_way": under_way[:100], "waiting": waiting},
    )


@staff_page
@require_POST
def me(request: HttpRequest, staff: Staff) -> HttpResponse:
    """Availability and the location-sharing opt-in, from the officer's home page."""
    officer = officers.officer_for(staff)

    def change():
        if "sharing" in request.POST:
            return officers.set_location_sharing(
                officer=officer, enabled=request.POST["sharing"] == "on"
            )
        return officers.set_availability(
            officer=officer, availability=request.POST.get("availability", "")
        )

    return _on_home(request, staff, officer, change, _("Tersimpan."))


@staff_page
@require_POST
def location(request: HttpRequest, staff: Staff) -> JsonResponse:
    """The phone's position, posted about once a minute by field.js while sharing is on."""
    officer = officers.officer_for(staff)
    try:
        officers.report_location(
            officer=officer,
            lat=request.POST.get("lat"),
            lng=request.POST.get("lng"),
            accuracy=request.POST.get("accuracy"),
        )
    except DomainError as exc:
        return JsonResponse({"detail": str(exc.detail), "code": exc.code}, status=exc.status)
    at = timezone.localtime(officer.last_located_at)  # the region's zone (staff_page)
    return JsonResponse({"at": at.isoformat(), "time": at.strftime("%H:%M")})


def _task_context(staff: Staff, task, contact: dict | None = None) -> dict:
    return {
        "region": staff.region,
        "task": task,
        "view": task_view(task, for_officer=True, contact=contact),
        "outcomes": Outcome.choices,
        "warning_m": work.CHECKIN_WARNING_M,
    }


@staff_page
def task(request: HttpRequest, staff: Staff, task_id: int) -> HttpResponse:
    return render(
        request, "dispatch/task.html", _task_context(staff, work.get_task(staff, task_id))
    )


@staff_page
@require_POST
def task_contact(request: HttpRequest, staff: Staff, task_id: int) -> HttpResponse:
    """The reporter's name and phone, on the officer's press of a button: shown in this answer
    only, and recorded in the complaint's timeline each time."""
    current = work.get_task(staff, task_id)
    try:
        details = contact.reveal(
            staff=staff, complaint=current.complaint, via=contact.Via.FIELD, task=current
        )
    except DomainError as exc:
        context = _task_context(staff, current)
        context["error"] = str(exc.detail)
        return render(request, "dispatch/task.html", context, status=exc.status)
    response = render(request, "dispatch/task.html", _task_context(staff, current, details))
    response["Cache-Control"] = "no-store"
    return response


def _checked_in(result: work.CheckIn) -> tuple[int, str]:
    if result.warning == "far":
        return messages.WARNING, _(
            "Check-in tercatat, tetapi %(m)d m dari titik laporan (lebih dari %(limit)d m)."
        ) % {"m": round(result.distance_m), "limit": work.CHECKIN_WARNING_M}
    if result.warning == "no_location":
        return messages.WARNING, _("Check-in tercatat tanpa lokasi: GPS tidak tersedia.")
    if result.distance_m is None:
        return messages.SUCCESS, _("Check-in tercatat.")
    return messages.SUCCESS, _("Check-in tercatat, %(m)d m dari titik laporan.") % {
        "m": round(result.distance_m)
    }


@staff_page
@require_POST
def task_action(request: HttpRequest, staff: Staff, task_id: int, action: str) -> HttpResponse:
    current = work.get_task(staff, task_id)
    post, files = request.POST, request.FILES
    calls = {
        "start": (
            lambda: work.start(staff=staff, assignment=current),
            _("Selamat jalan. Tekan CHECK-IN saat tiba."),
        ),
        "check-in": (
            lambda: work.check_in(
                staff=staff,
                assignment=current,
                lat=post.get("lat"),
                lng=post.get("lng"),
                accuracy=post.get("accuracy"),
                photo=files.get("photo"),
            ),
            _checked_in,
        ),
        "finish": (
            lambda: work.finish(
                staff=staff,
                assignment=current,
                photo=files.get("photo"),
                outcome=post.get("outcome", ""),
                notes=post.get("notes", ""),
            ),
            _("Pekerjaan selesai. Terima kasih."),
        ),
        "unable": (
            lambda: work.unable(staff=staff, assignment=current, reason=post.get("reason", "")),
            _("Tercatat: tugas tidak dapat ditangani."),
        ),
    }
    if action not in calls:
        raise NotFound(_("Tindakan tidak dikenal."))
    call, done = calls[action]
    then = _url("task", staff, task_id=task_id) if action != "finish" else _url("home", staff)
    return attempt(
        request,
        call,
        done=done,
        then=then,
        template="dispatch/task.html",
        context=lambda: _task_context(staff, work.get_task(staff, task_id)),
    )


@staff_page
@require_POST
def squad_clock(request: HttpRequest, staff: Staff) -> HttpResponse:
    """Clock in to a squad (or out) from the officer's home page."""
    officer = officers.officer_for(staff)

    def change():
        if request.POST.get("desk"):
            return roster.clock_in(staff=staff, desk=roster.get_desk(staff, request.POST["desk"]))
        return roster.clock_out(staff=staff)

    return _on_home(request, staff, officer, change, _("Status piket tersimpan."))
