"""Reporting a problem: the form, and the page that hands the citizen their tracking link.

Order of work on a submission, so that bad input stores nothing and a retry stores nothing twice:
1. the per-address rate limit;
2. the form: the honeypot, shapes, choices, and every photo decoded and checked
   (complaints.photos.clean_image);
3. complaints.services.submit with the form's idempotency key (made when the form was shown, so a
   double tap or a retry over a bad connection returns the complaint the first attempt created);
4. only for a newly created complaint, services.add_photo for each photo already checked in 2.
"""

import logging

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from laksana.common.errors import Conflict, DomainError, ValidationFailed
from laksana.complaints import services
from laksana.complaints.models import Complaint
from laksana.complaints.privacy import is_public
from laksana.notify import outbox
from laksana.regions.models import Region

from . import queries
from .access import complaint_by_token, rate, region_page, within_rate
from .forms import ReportForm, new_idempotency_key
from .views import map_config

log = logging.getLogger(__name__)


@never_cache
@region_page
def report(request: HttpRequest, region: Region) -> HttpResponse:
    if request.method != "POST":
        initial = {"idempotency_key": new_idempotency_key()}
        if request.GET.get("kategori"):
            initial["category"] = request.GET["kategori"]
        return _form_page(request, region, ReportForm(region, initial=initial))

    if not within_rate(request, purpose="submit"):
        # Shown again unvalidated (validating means decoding photos: work a flood should not get).
        form = ReportForm(region, initial=request.POST.dict())
        alert = _(
            "Terlalu banyak laporan dikirim dari jaringan Anda dalam waktu singkat. Isian Anda "
            "belum terkirim: tunggu beberapa menit, lalu tekan Kirim lagi. Untuk keadaan "
            "darurat, hubungi 112."
        )
        response = _form_page(request, region, form, status=429, alert=alert)
        response["Retry-After"] = str(rate("submit")[1])
        return response
    form = ReportForm(region, request.POST, request.FILES)
    if not form.is_valid():
        # A filled honeypot is a bot's mark; it gets the form back like anyone else.
        return _form_page(request, region, form, status=400 if "website" in form.errors else 422)
    try:
        result = services.submit(**form.submission())
    except ValidationFailed as exc:
        form.add_service_errors(exc)
        return _form_page(request, region, form, status=exc.status)
    except Conflict:
        # The same form was sent before with different words: a new report, so a new key.
        form.renew_key()
        form.add_error(
            None,
            _(
                "Formulir ini sudah pernah terkirim sebagai laporan lain. Jika Anda ingin "
                "mengirim laporan baru dengan isian ini, tekan Kirim sekali lagi."
            ),
        )
        return _form_page(request, region, form, status=409)
    if result.created:
        _store_photos(request, result.complaint, form.cleaned_data["photos"])
    return redirect("portal:submitted", region_slug=region.slug, token=result.token)


def _store_photos(request: HttpRequest, complaint: Complaint, uploads: list) -> None:
    """Store each photo; the report is already stored, so a photo that fails is only reported."""
    failed = []
    for number, upload in enumerate(uploads, start=1):
        try:
            services.add_photo(complaint=complaint, actor=services.Citizen(), upload=upload)
        except DomainError:  # checked moments ago, so only storage trouble gets here
            log.exception("photo of %s not stored", complaint.number)
            failed.append(getattr(upload, "name", "") or _("foto %(n)d") % {"n": number})
    if failed:
        messages.warning(
            request,
            _(
                "Laporan Anda sudah tersimpan, tetapi %(n)d foto tidak sampai: %(names)s. "
                "Simpan tautan pelacakan di bawah ini: laporan dapat diikuti tanpa foto, "
                "dan foto dapat ditunjukkan kepada petugas yang menanganinya."
            )
            % {"n": len(failed), "names": ", ".join(failed)},
        )


def _form_page(
    request, region: Region, form: ReportForm, *, status: int = 200, alert: str = ""
) -> HttpResponse:
    return render(
        request,
        "portal/report.html",
        {
            "region": region,
            "form": form,
            "alert": alert,
            "areas": queries.kecamatan_and_kelurahan(region),
            "map": map_config(region, picker=True),
            "outside": _("Titik ini berada di luar wilayah %(region)s.") % {"region": region.name},
        },
        status=status,
    )


@never_cache
@region_page
def submitted(request: HttpRequest, region: Region, token: str) -> HttpResponse:
    complaint = complaint_by_token(region, token, request)
    reporter = complaint.reporter
    track = reverse("portal:track", kwargs={"region_slug": region.slug, "token": token})
    # Promise only what will really be sent: the channels configured that reach a contact given.
    reached = dict(
        outbox.citizen_contacts(
            region.id,
            email=reporter.email if reporter else "",
            phone=reporter.phone if reporter else "",
        )
    )
    phone_channel = next((c for c in reached if c != "email"), "")
    response = render(
        request,
        "portal/submitted.html",
        {
            "region": region,
            "complaint": complaint,
            "track_url": request.build_absolute_uri(track),
            "track_path": track,
            "phone": _hide(reporter.phone, keep=4) if reporter and reporter.phone else "",
            "email": _hide_email(reporter.email) if reporter and reporter.email else "",
            "email_sent": "email" in reached,
            "phone_channel": PHONE_CHANNEL_NAMES.get(phone_channel, ""),
            "published": is_public(complaint),
            "emergency": complaint.category.is_emergency,
        },
    )
    response["Referrer-Policy"] = "same-origin"
    return response


PHONE_CHANNEL_NAMES = {"whatsapp": "WhatsApp", "sms": "SMS", "telegram": "Telegram"}


def _hide(value: str, *, keep: int) -> str:
    """Enough of a contact for its owner to recognise it, not enough for anyone else."""
    return value[:keep] + "•" * max(3, len(value) - 2 * keep) + value[-keep:]


def _hide_email(email: str) -> str:
    local, _at, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"
