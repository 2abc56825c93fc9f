"""Bulk actions, saved filters, and the ready-made texts (rejection reasons, agency responses)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from laksana.agencies.models import Agency, Role
from laksana.agencies.services import Staff
from laksana.common.errors import DomainError
from laksana.complaints import services

from ..access import OPERATORS, console_view, forbidden
from ..models import RejectionTemplate, ResponseTemplate, SavedFilter
from ..search import FILTER_KEYS
from .common import safe_next
from .queues import list_url

MAX_BULK = 100


@console_view(*OPERATORS)
def bulk(request: HttpRequest, staff: Staff) -> HttpResponse:
    """Dispose many complaints: each to its suggested agency ("dispose"), or all to one chosen
    agency ("assign"). Each goes through services.dispose in its own transaction, so one failure
    (changed meanwhile, wrong state) does not undo the others; the result lists which failed."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    numbers = list(dict.fromkeys(n for n in request.POST.getlist("numbers") if n))[:MAX_BULK]
    mode = request.POST.get("mode", "dispose")
    agency_code = request.POST.get("agency") or None if mode == "assign" else None
    back = safe_next(request, list_url(staff, "ready"))
    if not numbers or (mode == "assign" and not agency_code):
        messages.error(request, _("Pilih laporan dan (untuk penugasan) OPD tujuannya."))
        return redirect(back)
    threshold = _percent(request.POST.get("min_confidence"))
    done, failed = [], []
    for number in numbers:
        try:
            complaint = services.get_for_staff(staff, number)
            if mode == "suggest":
                reason = _accept_suggestion(staff, complaint, threshold)
                if reason:
                    failed.append((number, reason))
                    continue
            else:
                services.dispose(staff=staff, complaint=complaint, agency_code=agency_code)
            done.append(number)
        except DomainError as exc:
            failed.append((number, str(exc.detail)))
    context = {"region": staff.region, "staff": staff, "done": done, "failed": failed, "back": back}
    status = 200 if done or not failed else 409
    return render(request, "console/bulk_result.html", context, status=status)


def _percent(value: str | None, default: int = 80) -> float:
    try:
        percent = int(value or default)
    except ValueError:
        percent = default
    return min(max(percent, 1), 100) / 100


def _accept_suggestion(staff: Staff, complaint, threshold: float) -> str:
    """ "Terima saran di atas X%": verify a new complaint with the model's category and dispose it
    to the model's agency, each only when the model is at least that confident. Returns why it
    was left alone, or "" when done."""
    from laksana.complaints.models import Status
    from laksana.routing.services import safe_suggest_for

    s = safe_suggest_for(complaint, shown="bulk")
    if s is None or s.agency is None or s.agency.confidence < threshold:
        return _("Saran OPD di bawah %(percent)d%%; diputuskan operator.") % {
            "percent": round(threshold * 100)
        }
    if complaint.status == Status.SUBMITTED:
        category = s.category.code if s.category and s.category.confidence >= threshold else None
        complaint = services.verify(staff=staff, complaint=complaint, category_code=category)
    services.dispose(
        staff=staff, complaint=complaint, agency_code=s.agency.code, version=complaint.version
    )
    return ""


@console_view()
def save_filter(request: HttpRequest, staff: Staff) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    name = (request.POST.get("name") or "").strip()[:80]
    query = request.POST.get("query", "")
    kept = QueryDict(mutable=True)
    for key, values in QueryDict(query).lists():
        if key in FILTER_KEYS:
            kept.setlist(key, values)
    back = safe_next(request, list_url(staff, "complaints"))
    if not name:
        messages.error(request, _("Beri nama filter ini."))
        return redirect(back)
    SavedFilter.objects.update_or_create(
        region=staff.region,
        user=staff.user,
        name=name,
        defaults={"query": kept.urlencode()[:1000]},
    )
    messages.success(request, _("Filter “%(name)s” disimpan.") % {"name": name})
    return redirect(back)


@console_view()
def delete_filter(request: HttpRequest, staff: Staff, pk: int) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    deleted, _n = SavedFilter.objects.filter(pk=pk, region=staff.region, user=staff.user).delete()
    if not deleted:
        raise Http404
    messages.success(request, _("Filter dihapus."))
    return redirect(safe_next(request, list_url(staff, "complaints")))


# ---------------------------------------------------------------------------------------------
# Ready-made texts


def _templates(request, staff: Staff, *, kind: str, rows, pk, agencies=None) -> HttpResponse:
    """Show, add, change or delete ready-made texts. `agencies` (response templates only) are
    those the person may write for; the form's agency must be one of them."""
    back = list_url(staff, "rejection_templates" if kind == "reject" else "response_templates")
    context = {"region": staff.region, "staff": staff, "kind": kind, "rows": rows}
    context.update(agencies=agencies, error="")
    if request.method != "POST":
        return render(request, "console/templates.html", context)
    if request.POST.get("delete"):
        rows.filter(pk=pk or 0).delete()
        messages.success(request, _("Templat dihapus."))
        return redirect(back)
    fields = {
        "title": (request.POST.get("title") or "").strip()[:100],
        "text": (request.POST.get("text") or "").strip()[:4000],
        "order": max(_int(request.POST.get("order")), 0),
    }
    if agencies is not None:
        fields["agency"] = agencies.filter(code=request.POST.get("agency", "")).first()
        if fields["agency"] is None:
            context["error"] = _("Pilih OPD Anda.")
    if not (fields["title"] and fields["text"]):
        context["error"] = _("Judul dan isi wajib diisi.")
    if context["error"]:
        return render(request, "console/templates.html", context, status=422)
    if pk:
        if not rows.filter(pk=pk).update(**fields):
            raise Http404
    else:
        rows.model.objects.create(region=staff.region, **fields)
    messages.success(request, _("Templat disimpan."))
    return redirect(back)


def _int(value) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


@console_view(*OPERATORS)
def rejection_templates(request: HttpRequest, staff: Staff, pk: int | None = None):
    """Reasons for rejecting, per region: the operators who use them keep them up to date."""
    rows = RejectionTemplate.objects.filter(region=staff.region)
    return _templates(request, staff, kind="reject", rows=rows, pk=pk)


def _editable_agencies(staff: Staff):
    agencies = Agency.objects.filter(region=staff.region)
    if staff.has(Role.REGION_ADMIN):
        return agencies
    return agencies.filter(
        pk__in=[a for a in staff.agency_ids if staff.has_in_agency(a, Role.AGENCY_ADMIN)]
    )


@console_view(Role.REGION_ADMIN, Role.AGENCY_ADMIN)
def response_templates(request: HttpRequest, staff: Staff, pk: int | None = None):
    """Each agency's ready-made public responses, kept by its admin (or the region admin)."""
    agencies = _editable_agencies(staff)
    if not agencies:
        return forbidden(request, staff, _("Anda bukan admin OPD di wilayah ini."))
    rows = ResponseTemplate.objects.filter(region=staff.region, agency__in=agencies)
    rows = rows.select_related("agency")
    return _templates(request, staff, kind="response", rows=rows, pk=pk, agencies=agencies)
