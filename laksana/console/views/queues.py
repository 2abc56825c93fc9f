"""The console's lists: home, the operator's inbox and dispatch queue, the agency desk, and the
searchable list of everything a role may see. All keyset-paginated and filterable."""

from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from laksana.agencies.services import Staff
from laksana.common import clock
from laksana.common.errors import Forbidden, NotFound, ValidationFailed
from laksana.complaints import contact
from laksana.complaints.models import Channel, Complaint, Status, StatusCount
from laksana.complaints.services import get_for_staff
from laksana.reports import presenters as report_pages
from laksana.reports.services import Scope

from .. import rows, search
from ..access import HANDLERS, OPERATORS, console_view, handles_any_agency
from ..models import SavedFilter
from ..options import filter_choices
from .common import complaint_context, is_operator, masks_text

QUEUES = {
    # name: (title, fixed filters, oldest first)
    "inbox": (_("Kotak masuk: laporan baru"), {"status": [Status.SUBMITTED]}, True),
    "ready": (_("Siap didisposisikan"), {"status": [Status.VERIFIED]}, True),
    "desk": (_("Meja OPD: disposisi masuk"), {"status": [Status.DISPATCHED]}, True),
    "working": (_("Meja OPD: sedang ditindaklanjuti"), {"status": [Status.IN_PROGRESS]}, True),
}


def _counts(staff: Staff) -> dict[str, int]:
    """Complaints per status from the counters the services keep (never COUNT(*))."""
    rows = StatusCount.objects.filter(region=staff.region)
    if not staff.sees_whole_region:
        rows = rows.filter(agency_key__in=[a for a in staff.agency_ids if a])
    return {
        r["status"]: r["total"] or 0
        for r in rows.values("status").annotate(total=Sum("count")).order_by()
    }


@console_view()
def home(request: HttpRequest, staff: Staff) -> HttpResponse:
    counts = _counts(staff)
    statuses = [(value, label, counts.get(value, 0)) for value, label in Status.choices]
    today = clock.now().astimezone(staff.region.tz).date()
    # The week's numbers from the reports' daily aggregates (a week of rows, not a scan).
    leaders = report_pages.home(Scope.for_staff(staff), today)
    context = {"region": staff.region, "staff": staff, "statuses": statuses, "leaders": leaders}
    return render(request, "console/home.html", context)


def _list(request: HttpRequest, staff: Staff, queue: str | None) -> HttpResponse:
    title, fixed, oldest = QUEUES.get(queue, (_("Semua laporan"), {}, False))
    error, status = "", 200
    try:
        filters = search.Filters.from_query(request.GET, oldest_first=oldest, **fixed)
        if queue:  # a queue's own status always applies, whatever the query string says
            filters.status = fixed["status"]
        result = search.page(
            search.filtered(staff, filters),
            region=staff.region,
            oldest_first=filters.oldest_first,
            cursor=request.GET.get("after"),
        )
        if filters.reporter:  # who reported what is personal data: each complaint shown is logged
            contact.record_search(staff=staff, complaints=result.rows, query=filters.reporter)
    except (ValidationFailed, Forbidden) as exc:
        error, filters, result = str(exc.detail), search.Filters(), search.Page([], None)
        status = exc.status
    region = staff.region
    query = request.GET.copy()
    query.pop("after", None)
    next_url = None
    if result.next_cursor:
        query["after"] = result.next_cursor
        next_url = f"?{query.urlencode()}"
        query.pop("after")
    context = {
        "region": region,
        "staff": staff,
        "queue": queue,
        "title": title,
        "rows": rows.rows(result.rows, region=region, masked=masks_text(staff)),
        "next_url": next_url,
        "filters": filters,
        "query": query.urlencode(),
        "error": error,
        "operator": is_operator(staff),
        "reporter_search": contact.may_search(staff),
        "handler": handles_any_agency(staff),
        "statuses": Status.choices,
        "channels": Channel.choices,
        "periods": search.PERIODS,
        "events": [(e.value, e.label) for e in search.EVENT_FILTERS],
        "choices": filter_choices(region),
        "saved": SavedFilter.objects.filter(region=region, user=staff.user),
        "path": request.path,
    }
    template = (
        "console/_rows.html" if request.htmx and request.GET.get("rows") else "console/list.html"
    )
    return render(request, template, context, status=status)


def _queue(name: str, roles: tuple[str, ...]):
    @console_view(*roles)
    def view(request: HttpRequest, staff: Staff) -> HttpResponse:
        return _list(request, staff, name)

    view.__name__ = view.__qualname__ = name
    return view


inbox = _queue("inbox", OPERATORS)
ready = _queue("ready", OPERATORS)
desk = _queue("desk", HANDLERS)
working = _queue("working", HANDLERS)


@console_view()
def complaints(request: HttpRequest, staff: Staff) -> HttpResponse:
    return _list(request, staff, None)


@console_view()
def complaint(request: HttpRequest, staff: Staff, number: str) -> HttpResponse:
    try:
        found: Complaint = get_for_staff(staff, number)
    except NotFound:
        raise Http404 from None
    return render(request, "console/complaint.html", complaint_context(staff, found))


def list_url(staff: Staff, name: str) -> str:
    return reverse(f"console:{name}", kwargs={"region_slug": staff.region.slug})
