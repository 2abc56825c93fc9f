"""Console pages of an SP4N-LAPOR! import: upload, progress, and the review of rows that did not
map. Thin: every rule is in services.py."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from laksana.agencies.models import Agency, Category
from laksana.agencies.services import Staff
from laksana.common.errors import ValidationFailed
from laksana.console.access import OPERATORS, console_view
from laksana.regions.models import Area

from . import services
from .models import LaporImport, LaporRow

REVIEW_PAGE = 50


def _url(name: str, staff: Staff, **kwargs) -> str:
    return reverse(name, kwargs={"region_slug": staff.region.slug, **kwargs})


@never_cache
@console_view(*OPERATORS)
def imports(request: HttpRequest, staff: Staff) -> HttpResponse:
    error, status = "", 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error, status = _("Pilih berkas ekspor SP4N-LAPOR! (CSV atau XLSX)."), 422
        else:
            try:
                batch = services.start_import(
                    staff=staff, file_name=upload.name, content=upload.read()
                )
            except ValidationFailed as exc:
                error, status = str(exc.detail), exc.status
            else:
                return redirect(_url("lapor:import", staff, pk=batch.pk))
    context = {
        "region": staff.region,
        "staff": staff,
        "error": error,
        "recent": LaporImport.objects.filter(region=staff.region).order_by("-created_at")[:20],
        "waiting": LaporRow.objects.filter(
            region=staff.region, state=LaporRow.State.REVIEW
        ).count(),
    }
    return render(request, "lapor/imports.html", context, status=status)


def _batch(staff: Staff, pk: int) -> LaporImport:
    batch = LaporImport.objects.filter(pk=pk, region=staff.region).first()
    if batch is None:
        raise Http404(_("Tidak ditemukan."))
    return batch


@never_cache
@console_view(*OPERATORS)
def batch(request: HttpRequest, staff: Staff, pk: int) -> HttpResponse:
    found = _batch(staff, pk)
    template = "lapor/_progress.html" if request.htmx else "lapor/import.html"
    region = staff.region
    context = {"region": region, "staff": staff, "batch": found}
    if not request.htmx:
        context |= {
            "review": LaporRow.objects.filter(batch=found, state=LaporRow.State.REVIEW).order_by(
                "id"
            )[:REVIEW_PAGE],
            "kelurahan": Area.objects.filter(region=region, level=Area.Level.KELURAHAN)
            .select_related("parent")
            .defer("boundary", "parent__boundary")
            .order_by("parent__name", "name"),
            "agencies": Agency.objects.filter(region=region).order_by("name"),
            "categories": Category.objects.filter(region=region, is_active=True).order_by("name"),
        }
    return render(request, template, context)


@console_view(*OPERATORS)
def resolve(request: HttpRequest, staff: Staff, pk: int, row: int) -> HttpResponse:
    found = _batch(staff, pk)
    if request.method != "POST":
        return redirect(_url("lapor:import", staff, pk=found.pk))
    try:
        done = services.resolve(
            staff=staff,
            row_id=row,
            kelurahan=request.POST.get("kelurahan", ""),
            agency=request.POST.get("agency", ""),
            category=request.POST.get("category", ""),
        )
    except ValidationFailed as exc:
        messages.error(request, " ".join(map(str, exc.fields.values())) or str(exc.detail))
    else:
        if done.state == LaporRow.State.IMPORTED:
            messages.success(
                request,
                _("%(id)s menjadi laporan %(number)s.")
                % {"id": done.tracking_id, "number": done.complaint.number},
            )
        else:
            messages.error(
                request,
                _("%(id)s masih belum lengkap: %(problems)s")
                % {
                    "id": done.tracking_id,
                    "problems": "; ".join(p["message"] for p in done.problems),
                },
            )
    return redirect(_url("lapor:import", staff, pk=found.pk))
