"""Agency and command-center pages: assign officers to a complaint (with suggestions), resolve with
the officers' evidence, and the officers' coverage areas."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from laksana.agencies.services import Staff
from laksana.common.errors import ValidationFailed
from laksana.complaints import services
from laksana.regions.models import Area

from . import assignments as work
from . import officers
from .pages import attempt, staff_page
from .present import task_view


def _assign_url(staff: Staff, number: str) -> str:
    return reverse("dispatch:assign", kwargs={"region_slug": staff.region.slug, "number": number})


def _assign_context(staff: Staff, number: str) -> dict:
    complaint = services.get_for_staff(staff, number)
    can_assign = work.may_assign(staff, complaint)
    team = (
        officers.active_officers(staff.region)
        .filter(agency_id=complaint.agency_id)
        .select_related("user")
        .order_by("user__first_name", "id")
    )
    blocker = work.resolution_blocker(complaint)
    return {
        "region": staff.region,
        "complaint": complaint,
        "can_assign": can_assign,
        "can_resolve": staff.has_in_agency(complaint.agency_id, *work.HANDLERS),
        "suggestions": officers.suggest(complaint=complaint) if can_assign else [],
        "team": team if can_assign else [],
        "tasks": [
            task_view(t, for_officer=False)
            for t in work.assignments_visible_to(staff).filter(complaint=complaint)
        ],
        "blocker": blocker,
        "draft": work.default_response(complaint) if not blocker else "",
    }


def _on_assign_page(request: HttpRequest, staff: Staff, number: str, action, done: str):
    return attempt(
        request,
        action,
        done=done,
        then=_assign_url(staff, number),
        template="dispatch/assign.html",
        context=lambda: _assign_context(staff, number),
    )


@staff_page
def assign(request: HttpRequest, staff: Staff, number: str) -> HttpResponse:
    if request.method != "POST":
        return render(request, "dispatch/assign.html", _assign_context(staff, number))
    complaint = services.get_for_staff(staff, number)

    def send():
        ids = [int(i) for i in request.POST.getlist("officers") if i.isdigit()]
        if not ids:
            raise ValidationFailed(_("Pilih minimal satu petugas."), fields={"officers": ""})
        return work.assign(
            staff=staff,
            complaint=complaint,
            officers=officers.pick(staff.region, ids),
            instructions=request.POST.get("instructions", ""),
        )

    return _on_assign_page(request, staff, number, send, _("Petugas ditugaskan."))


@staff_page
@require_POST
def resolve(request: HttpRequest, staff: Staff, number: str) -> HttpResponse:
    complaint = services.get_for_staff(staff, number)

    def close_out():
        return work.resolve_with_evidence(
            staff=staff, complaint=complaint, response=request.POST.get("response", "")
        )

    done = _("Laporan diselesaikan dengan bukti petugas lapangan.")
    return _on_assign_page(request, staff, number, close_out, done)


def _officers_context(staff: Staff) -> dict:
    team = list(officers.officers_visible_to(staff).prefetch_related("areas").order_by("agency"))
    kecamatan = Area.objects.filter(region=staff.region, level="kecamatan").prefetch_related(
        "children"
    )
    return {
        "region": staff.region,
        "team": [(o, officers.may_manage(staff, o)) for o in team],
        "kecamatan": kecamatan,
    }


@staff_page
def officer_list(request: HttpRequest, staff: Staff) -> HttpResponse:
    return render(request, "dispatch/officers.html", _officers_context(staff))


@staff_page
@require_POST
def officer_areas(request: HttpRequest, staff: Staff, officer_id: int) -> HttpResponse:
    officer = officers.get_officer(staff, officer_id)
    return attempt(
        request,
        lambda: officers.set_areas(
            staff=staff, officer=officer, area_codes=request.POST.getlist("areas")
        ),
        done=_("Wilayah tugas %(name)s tersimpan.") % {"name": officer.name},
        then=reverse("dispatch:officers", kwargs={"region_slug": staff.region.slug}),
        template="dispatch/officers.html",
        context=lambda: _officers_context(staff),
    )
