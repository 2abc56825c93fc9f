"""Following one's own complaint: by the private link, or by its number and the contact used.

The private link carries the secret token. The number + contact route cannot recover the token (only
its hash is stored), so a successful look-up lets this browser's session open that complaint's page;
the same actions (answer, rate, reopen) are offered on both.
"""

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from laksana.common import clock, ratelimit
from laksana.common.errors import DomainError
from laksana.complaints import services
from laksana.complaints.models import FINAL_STATUSES, Complaint, Event, Status
from laksana.complaints.present import public_view
from laksana.complaints.privacy import is_public
from laksana.regions.models import Region

from . import queries, wording
from .access import complaint_by_token, rate, region_page, within_rate
from .forms import AnswerForm, LookupForm, RateForm, ReopenForm
from .views import map_config

SESSION_KEY = "portal_tracked"  # ids of complaints this browser proved it may follow
SESSION_MAX = 20


@never_cache
@region_page
def by_token(request: HttpRequest, region: Region, token: str) -> HttpResponse:
    complaint = complaint_by_token(region, token, request)
    here = reverse("portal:track", kwargs={"region_slug": region.slug, "token": token})
    return _track(request, region, complaint, here=here)


@never_cache
@region_page
def by_number(request: HttpRequest, region: Region, number: str) -> HttpResponse:
    complaint = (
        Complaint.objects.select_related("region", "category", "agency", "area")
        .filter(region=region, number=number, pk__in=request.session.get(SESSION_KEY, []))
        .first()
    )
    if complaint is None:  # not proven in this browser (or the session expired): ask again
        return redirect(reverse("portal:lookup", kwargs={"region_slug": region.slug}))
    here = reverse("portal:track_number", kwargs={"region_slug": region.slug, "number": number})
    return _track(request, region, complaint, here=here)


@never_cache
@region_page
def lookup(request: HttpRequest, region: Region) -> HttpResponse:
    form = LookupForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not within_rate(request, purpose="lookup"):
            form.add_error(
                None,
                _("Terlalu banyak percobaan. Tunggu %(n)d menit, lalu coba lagi.")
                % {"n": rate("lookup")[1] // 60},
            )
            status = 429
        elif form.is_valid():
            complaint = _find(region, form.cleaned_data["number"], form.cleaned_data["contact"])
            if complaint is not None:
                tracked = [i for i in request.session.get(SESSION_KEY, []) if i != complaint.pk]
                request.session[SESSION_KEY] = [complaint.pk, *tracked][:SESSION_MAX]
                return redirect(
                    "portal:track_number", region_slug=region.slug, number=complaint.number
                )
            # One answer for "no such number" and "wrong contact": the page must not tell a
            # stranger which numbers exist.
            form.add_error(
                None,
                _(
                    "Nomor laporan dan kontak tidak cocok dengan laporan mana pun. Periksa "
                    "keduanya, atau buka tautan pelacakan yang Anda terima saat melapor."
                ),
            )
            status = 404
        else:
            status = 422
    return render(request, "portal/lookup.html", {"region": region, "form": form}, status=status)


def _find(region: Region, number: str, contact: str) -> Complaint | None:
    contact = contact.strip()
    if "@" in contact:
        match = Q(reporter__email__iexact=contact)
    else:
        digits = "".join(ch for ch in contact if ch.isdigit())
        if digits.startswith("62"):  # the same normalisation intake applies: +62 812 = 0812
            digits = "0" + digits[2:]
        if not digits:
            return None
        match = Q(reporter__phone=digits)
    return (
        Complaint.objects.filter(
            region=region, number=number.strip().upper(), reporter__isnull=False
        )
        .filter(match)
        .first()
    )


ACTIONS = {"answer": AnswerForm, "rate": RateForm, "reopen": ReopenForm}


def _track(request: HttpRequest, region: Region, complaint: Complaint, *, here: str):
    forms = {name: cls(prefix=name) for name, cls in ACTIONS.items()}
    failed = None
    status = 200
    action = request.POST.get("action") if request.method == "POST" else None
    if action in ACTIONS:
        ratelimit.enforce("write", ratelimit.client_address(request))  # shown by region_page
        form = forms[action] = ACTIONS[action](request.POST, prefix=action)
        if form.is_valid():
            try:
                _act(action, complaint, form.cleaned_data)
            except DomainError as exc:
                for name, message in (exc.fields or {"": exc.detail}).items():
                    target = name if name in form.fields else None
                    form.add_error(target, str(message or exc.detail))
                status, failed = exc.status, form
            else:
                messages.success(request, DONE[action])
                return redirect(here)
        else:
            status, failed = 422, form
    elif request.method == "POST":
        status = 400
    response = render(
        request,
        "portal/track.html",
        {**_track_context(region, complaint, forms, here), "failed": failed},
        status=status,
    )
    # The address holds the secret token: never send it to another site (e.g. map tiles).
    response["Referrer-Policy"] = "same-origin"
    return response


def _act(action: str, complaint: Complaint, data: dict) -> None:
    if action == "answer":
        services.answer(complaint=complaint, text=data["text"])
    elif action == "rate":
        services.rate(complaint=complaint, rating=data["rating"], comment=data["comment"])
    else:
        services.reopen(complaint=complaint, reason=data["reason"])


DONE = {
    "answer": gettext_lazy("Terima kasih, jawaban Anda sudah dikirim ke petugas."),
    "rate": gettext_lazy("Terima kasih atas penilaian Anda."),
    "reopen": gettext_lazy("Laporan dibuka kembali dan diteruskan lagi ke petugas."),
}


def _track_context(region: Region, complaint: Complaint, forms: dict, here: str) -> dict:
    view = public_view(complaint)
    reopen_until = services.reopen_deadline(complaint)
    resolved = complaint.status == Status.RESOLVED
    question = (
        complaint.events.filter(type=Event.Type.WAITING, is_public=True).order_by("-id").first()
        if complaint.status == Status.WAITING
        else None
    )
    return {
        "region": region,
        "c": view,
        "complaint": complaint,
        "here": here,
        "published": is_public(complaint),
        "emergency": complaint.category.is_emergency and complaint.status not in FINAL_STATUSES,
        "explanation": wording.explain(complaint.status, view["agency"]),
        "deadline": complaint.next_deadline,
        "question": question.text if question else "",
        "can_answer": complaint.status == Status.WAITING,
        "can_rate": complaint.status in (Status.RESOLVED, Status.CLOSED)
        and complaint.rating is None,
        "can_reopen": resolved and (reopen_until is None or clock.now() <= reopen_until),
        "reopen_until": reopen_until if resolved else None,
        "forms": forms,
        "map": map_config(region, queries.map_points([queries.public_row(complaint)])),
    }
