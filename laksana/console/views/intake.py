"""Reports staff take down for citizens who called, wrote, came by or posted on social media."""

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from laksana.agencies.services import Staff
from laksana.common.errors import Conflict, DomainError, ValidationFailed
from laksana.complaints import services
from laksana.portal.forms import new_idempotency_key

from ..access import OPERATORS, console_view
from ..forms import TakenReportForm

log = logging.getLogger(__name__)


@never_cache
@console_view(*OPERATORS)
def record(request: HttpRequest, staff: Staff) -> HttpResponse:
    region = staff.region
    if request.method != "POST":
        form = TakenReportForm(region, initial={"idempotency_key": new_idempotency_key()})
        return _page(request, staff, form)
    form = TakenReportForm(region, request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, staff, form, status=422)
    try:
        result = services.record_taken(staff=staff, **form.submission())
    except ValidationFailed as exc:
        form.add_service_errors(exc)
        return _page(request, staff, form, status=exc.status)
    except Conflict:
        form.renew_key()
        form.add_error(
            None,
            _(
                "Formulir ini sudah tercatat sebagai laporan lain. Tekan Simpan sekali lagi untuk "
                "mencatat laporan baru."
            ),
        )
        return _page(request, staff, form, status=409)
    failed = 0
    if result.created:
        for upload in form.cleaned_data["photos"]:
            try:
                services.add_photo(complaint=result.complaint, actor=staff, upload=upload)
            except DomainError:
                log.exception("photo of %s not stored", result.complaint.number)
                failed += 1
    complaint = result.complaint
    track = reverse("portal:track", kwargs={"region_slug": region.slug, "token": result.token})
    context = {
        "region": region,
        "staff": staff,
        "complaint": complaint,
        # Shown once: the citizen's only way to follow the report without an account.
        "track_url": request.build_absolute_uri(track),
        "complaint_url": reverse(
            "console:complaint", kwargs={"region_slug": region.slug, "number": complaint.number}
        ),
        "again_url": request.path,
        "photos_failed": failed,
        "created": result.created,
    }
    response = render(request, "console/recorded.html", context)
    response["Referrer-Policy"] = "same-origin"
    return response


def _page(request, staff: Staff, form: TakenReportForm, *, status: int = 200) -> HttpResponse:
    context = {"region": staff.region, "staff": staff, "form": form}
    return render(request, "console/record.html", context, status=status)
