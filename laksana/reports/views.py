"""Report pages: agency performance and trends in the console (every console role: leaders,
auditors, operators and region admins see the region, agency roles their own agencies), the
exports, the monthly report, and the public transparency page. Thin: numbers come from
services.py, files from exports.py."""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from laksana.agencies.models import Agency
from laksana.agencies.services import Staff
from laksana.common import clock
from laksana.common.errors import NotFound, ValidationFailed
from laksana.console.access import console_view
from laksana.regions.models import Region

from . import exports, jobs, presenters, services
from .periods import Period

PERIOD_CHOICES = (
    ("30d", _lazy("30 hari terakhir")),
    ("7d", _lazy("7 hari terakhir")),
    ("90d", _lazy("90 hari terakhir")),
    ("365d", _lazy("1 tahun terakhir")),
)


def period_of(query, region: Region) -> Period:
    today = clock.now().astimezone(region.tz).date()
    return Period.from_query(query, today=today)


def _period(request: HttpRequest, region: Region) -> Period:
    return period_of(request.GET, region)


def _scope(request: HttpRequest, staff: Staff) -> tuple[services.Scope, list[Agency]]:
    """The staff member's scope, narrowed to the agencies chosen in ?agency=CODE (repeatable)."""
    scope = services.Scope.for_staff(staff)
    agencies = Agency.objects.filter(region=staff.region)
    if scope.agency_ids is not None:
        agencies = agencies.filter(pk__in=scope.agency_ids)
    codes = [c for value in request.GET.getlist("agency") for c in value.split(",") if c]
    if codes:
        chosen = list(agencies.filter(code__in=codes).values_list("pk", flat=True))
        scope = scope.narrowed(chosen)
    return scope, list(agencies)


def _bad(request, staff, exc: ValidationFailed) -> HttpResponse:
    context = {"region": staff.region, "staff": staff, "error": str(exc.detail)}
    return render(request, "reports/error.html", context, status=400)


@console_view()
def performance(request: HttpRequest, staff: Staff) -> HttpResponse:
    try:
        period = _period(request, staff.region)
    except ValidationFailed as exc:
        return _bad(request, staff, exc)
    scope, agencies = _scope(request, staff)
    context = presenters.performance(scope, period)
    context.update(
        region=staff.region,
        staff=staff,
        agencies=agencies,
        chosen=set(request.GET.getlist("agency")),
        period_choices=PERIOD_CHOICES,
        query=request.GET.urlencode(),
    )
    return render(request, "reports/performance.html", context)


@console_view()
def trends(request: HttpRequest, staff: Staff) -> HttpResponse:
    try:
        period = _period(request, staff.region)
    except ValidationFailed as exc:
        return _bad(request, staff, exc)
    scope, agencies = _scope(request, staff)
    by = request.GET.get("by") if request.GET.get("by") in ("day", "week", "month") else "week"
    context = presenters.trends(scope, period, by=by)
    context.update(
        region=staff.region,
        staff=staff,
        agencies=agencies,
        chosen=set(request.GET.getlist("agency")),
        period_choices=PERIOD_CHOICES,
        query=request.GET.urlencode(),
    )
    return render(request, "reports/trends.html", context)


@console_view()
def export(request: HttpRequest, staff: Staff, report: str, fmt: str) -> HttpResponse:
    """A report (performance, trends) or the console list as CSV (streamed) or XLSX."""
    if fmt not in ("csv", "xlsx") or report not in exports.REPORTS:
        raise Http404(_("Tidak ditemukan."))
    name = f"{report}-{staff.region.slug}-{clock.now().astimezone(staff.region.tz):%Y%m%d}"
    try:
        if report == "daftar":
            table = exports.complaint_list(staff, request.GET)
            total = jobs.list_rows(staff, request.GET)
            if total > jobs.job_rows():  # large: the worker writes it, the page shows progress
                job = jobs.start(staff, report, fmt, request.GET, total=total, name=name)
                return redirect("reports:job", region_slug=staff.region.slug, pk=job.pk)
        else:
            period = _period(request, staff.region)
            scope, _agencies = _scope(request, staff)
            table = exports.REPORTS[report](scope, period)
    except ValidationFailed as exc:
        return _bad(request, staff, exc)
    return exports.respond(table, fmt, name)


@never_cache
@console_view()
def job(request: HttpRequest, staff: Staff, pk: int) -> HttpResponse:
    """A large export's progress (the page, or its part that htmx polls) and its download link."""
    try:
        found = jobs.job_of(staff, pk)
    except NotFound:
        raise Http404(_("Tidak ditemukan.")) from None
    template = "reports/_job.html" if request.htmx else "reports/job.html"
    return render(request, template, {"region": staff.region, "staff": staff, "job": found})


@console_view()
def job_file(request: HttpRequest, staff: Staff, pk: int) -> FileResponse:
    try:
        found = jobs.job_of(staff, pk)
        handle = jobs.open_file(found)
    except NotFound as exc:
        raise Http404(str(exc.detail)) from None
    content_type = exports.CONTENT_TYPES[found.fmt]
    return FileResponse(
        handle, as_attachment=True, filename=found.download_name, content_type=content_type
    )


@console_view()
def monthly(request: HttpRequest, staff: Staff) -> HttpResponse:
    """The monthly report (?month=YYYY-MM&format=pdf|xlsx), as the command line writes it."""
    fmt = request.GET.get("format", "pdf")
    if fmt not in ("pdf", "xlsx"):
        raise Http404(_("Tidak ditemukan."))
    try:
        text = request.GET.get("month") or clock.now().astimezone(staff.region.tz).strftime("%Y-%m")
        period = Period.month(text)
    except ValueError:
        return _bad(request, staff, ValidationFailed(_("Bulan tidak valid (TTTT-BB).")))
    scope, _agencies = _scope(request, staff)
    data = exports.monthly_for_scope(scope, period, fmt=fmt)
    response = HttpResponse(data, content_type=exports.CONTENT_TYPES[fmt])
    name = f"laporan-bulanan-{staff.region.slug}-{text}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# ---------------------------------------------------------------------------------------------
# Public


def _public_region(region_slug: str) -> Region:
    region = Region.objects.defer("boundary").filter(slug=region_slug).first()
    if region is None:
        raise Http404(_("Tidak ditemukan."))
    return region


@require_safe
def transparency(request: HttpRequest, region_slug: str) -> HttpResponse:
    region = _public_region(region_slug)
    try:
        period = _period(request, region)
    except ValidationFailed:
        period = Period.last_days(clock.now().astimezone(region.tz).date(), 30)
    context = presenters.transparency(region, period)
    context.update(region=region, query=request.GET.urlencode())
    return render(request, "reports/transparency.html", context)


def _public_period(request: HttpRequest, region: Region) -> Period:
    try:
        return _period(request, region)
    except ValidationFailed:
        return Period.last_days(clock.now().astimezone(region.tz).date(), 30)


def _public_agency(region: Region, code: str) -> Agency:
    agency = Agency.objects.filter(region=region, code=code).first()
    if agency is None:
        raise Http404(_("Tidak ditemukan."))
    return agency


@require_safe
def transparency_agency(request: HttpRequest, region_slug: str, code: str) -> HttpResponse:
    """One agency's public figures (the staff report's, for public complaints only)."""
    region = _public_region(region_slug)
    agency = _public_agency(region, code)
    context = presenters.agency_transparency(region, agency, _public_period(request, region))
    context.update(region=region, query=request.GET.urlencode())
    return render(request, "reports/transparency_agency.html", context)


@require_safe
def transparency_agency_csv(request: HttpRequest, region_slug: str, code: str) -> HttpResponse:
    region = _public_region(region_slug)
    agency = _public_agency(region, code)
    period = _public_period(request, region)
    table = exports.public_agency_table(region, agency, period)
    span = f"{period.first:%Y%m%d}-{period.last:%Y%m%d}"
    name = f"transparansi-{region.slug}-{agency.code.lower()}-{span}"
    return exports.respond(table, "csv", name)


@require_safe
def transparency_csv(request: HttpRequest, region_slug: str) -> HttpResponse:
    region = _public_region(region_slug)
    period = _public_period(request, region)
    table = exports.public_table(region, period)
    name = f"transparansi-{region.slug}-{period.first:%Y%m%d}-{period.last:%Y%m%d}"
    return exports.respond(table, "csv", name)
