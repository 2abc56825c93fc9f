"""One POST endpoint per action on a complaint; each calls exactly one service (verify-and-
dispose and resolve-with-photo call two, in order). Plain forms get a redirect (or the page with
the error); htmx requests get the re-rendered complaint, with the outcome, in place."""

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laksana.agencies.services import Staff
from laksana.common.errors import Conflict, DomainError, NotFound, ValidationFailed
from laksana.complaints import contact as contacts
from laksana.complaints import services
from laksana.complaints.models import Complaint

from .. import rows
from ..access import console_view
from .common import complaint_context, complaint_url, done, masks_text

Action = Callable[[Staff, Complaint, dict, dict], str]


def _version(data) -> int | None:
    raw = (data.get("version") or "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValidationFailed(_("Versi formulir tidak valid."), fields={"version": raw}) from None


def _int(data, name: str) -> int | None:
    raw = (data.get(name) or "").strip()
    try:
        return int(raw) if raw else None
    except ValueError:
        raise ValidationFailed(_("Harus berupa angka."), fields={name: raw}) from None


def _text(data, name: str) -> str:
    """A text field, or the ready-made text chosen beside it (works without JavaScript)."""
    return (data.get(name) or "").strip() or (data.get(f"{name}_template") or "")


def _verify(staff, c, data, files) -> str:
    c = services.verify(
        staff=staff,
        complaint=c,
        version=_version(data),
        category_code=data.get("category") or None,
        area_code=data.get("area") or None,
        priority=_int(data, "priority"),
        title=data.get("title"),
    )
    if data.get("then") != "dispose":
        return _("Laporan %(number)s diverifikasi.") % {"number": c.number}
    c = services.dispose(
        staff=staff,
        complaint=c,
        agency_code=data.get("agency") or None,
        note=data.get("note", ""),
        version=c.version,
    )
    return _("Laporan %(number)s diverifikasi dan didisposisikan ke %(agency)s.") % {
        "number": c.number,
        "agency": c.agency.name,
    }


def _dispose(staff, c, data, files) -> str:
    c = services.dispose(
        staff=staff,
        complaint=c,
        agency_code=data.get("agency") or None,
        note=data.get("note", ""),
        version=_version(data),
    )
    return _("Laporan didisposisikan ke %(agency)s.") % {"agency": c.agency.name}


def _merge(staff, c, data, files) -> str:
    number = (data.get("duplicate_of_number") or data.get("duplicate_of") or "").strip()
    if not number:
        raise ValidationFailed(_("Pilih laporan aslinya."), fields={"duplicate_of": ""})
    into = services.get_for_staff(staff, number)
    c = services.merge(staff=staff, complaint=c, into=into, version=_version(data))
    return _("Ditandai sebagai duplikat dari %(number)s.") % {"number": c.duplicate_of.number}


def _privacy(staff, c, data, files) -> str:
    services.restrict_privacy(
        staff=staff,
        complaint=c,
        anonymous=bool(data.get("anonymous")),
        confidential=bool(data.get("confidential")),
        version=_version(data),
    )
    return _("Privasi laporan diperketat.")


def _resolve(staff, c, data, files) -> str:
    version = _version(data)
    if files.get("photo"):
        # The photo is stored first (resolving may need it): refuse a stale form before that.
        if version is not None and version != c.version:
            raise Conflict(
                _("Laporan %(number)s baru saja diubah oleh orang lain. Muat ulang lalu coba lagi.")
                % {"number": c.number},
                code="stale",
            )
        services.add_photo(complaint=c, actor=staff, upload=files["photo"], purpose="evidence")
        version = None if version is None else version + 1
    services.resolve(staff=staff, complaint=c, response=_text(data, "response"), version=version)
    return _("Laporan ditandai selesai ditangani.")


def _evidence(staff, c, data, files) -> str:
    if not files.get("photo"):
        raise ValidationFailed(_("Pilih foto terlebih dahulu."), fields={"photo": ""})
    services.add_photo(complaint=c, actor=staff, upload=files["photo"], purpose="evidence")
    return _("Foto bukti ditambahkan.")


def _close(staff, c, data, files) -> str:
    services.close(
        actor=staff,
        complaint=c,
        reason=data.get("reason") or "fixed",
        text=data.get("text", ""),
        version=_version(data),
    )
    return _("Laporan ditutup.")


def _desk_ack(staff, c, data, files) -> str:
    services.acknowledge_disposition(staff=staff, complaint=c)
    return _("Disposisi dikonfirmasi.")


def _simple(service, message: str, **fields: str) -> Action:
    """An action that passes form fields (form name -> service argument) and the version."""

    def run(staff, c, data, files) -> str:
        kwargs = {arg: _text(data, name) for name, arg in fields.items()}
        service(staff=staff, complaint=c, version=_version(data), **kwargs)
        return str(message)

    return run


ACTIONS: dict[str, Action] = {
    "verify": _verify,
    "dispose": _dispose,
    "merge": _merge,
    "privacy": _privacy,
    "resolve": _resolve,
    "evidence": _evidence,
    "reject": _simple(services.reject, gettext_lazy("Laporan ditolak."), reason="reason"),
    "acknowledge": _simple(services.acknowledge, gettext_lazy("Aspirasi dicatat."), text="text"),
    "accept": _simple(services.accept, gettext_lazy("Laporan diterima dan mulai ditindaklanjuti.")),
    "return": _simple(
        services.return_to_operator,
        gettext_lazy("Laporan dikembalikan ke ruang kendali (bukan wewenang)."),
        reason="reason",
    ),
    "forward": _simple(
        services.forward,
        gettext_lazy("Laporan diteruskan ke OPD lain."),
        agency="agency_code",
        reason="reason",
    ),
    "respond": _simple(
        services.respond, gettext_lazy("Tanggapan dikirim ke pelapor."), text="text"
    ),
    "note": _simple(services.note, gettext_lazy("Catatan internal disimpan."), text="text"),
    "ask": _simple(
        services.ask_reporter, gettext_lazy("Pertanyaan dikirim ke pelapor."), question="question"
    ),
    "close": _close,
    "desk-ack": _desk_ack,
}


@console_view()
def act(request: HttpRequest, staff: Staff, number: str, action: str) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    run = ACTIONS.get(action)
    if run is None and action != "reporter":
        raise Http404(_("Tindakan tidak dikenal."))
    try:
        complaint = services.get_for_staff(staff, number)
    except NotFound:
        raise Http404(_("Laporan tidak ditemukan.")) from None
    if action == "reporter":
        return _reveal(request, staff, complaint)
    status, message, error, fields = 200, "", "", {}
    try:
        message = run(staff, complaint, request.POST, request.FILES)
    except DomainError as exc:
        status, error, fields = exc.status, str(exc.detail), exc.fields
    if request.POST.get("fragment") == "row" and request.htmx:
        complaint = services.get_for_staff(staff, number)
        r = rows.row(complaint, region=staff.region, masked=masks_text(staff))
        context = {"r": r, "staff": staff, "region": staff.region, "error": error}
        return render(request, "console/_desk_row.html", context, status=status)
    if not error and not request.htmx:
        return done(request, message, complaint_url(staff, number))
    fresh = services.get_for_staff(staff, number)
    context = complaint_context(staff, fresh)
    context.update(message=message, error=error, fields=fields, posted=request.POST)
    template = "console/_complaint.html" if request.htmx else "console/complaint.html"
    return render(request, template, context, status=status)


def _reveal(request: HttpRequest, staff: Staff, complaint: Complaint) -> HttpResponse:
    """The reporter's contact, shown in this answer only (never stored in the page's URL or
    session): each press of the button is one recorded view."""
    status, details, message, error = 200, None, "", ""
    try:
        details = contacts.reveal(staff=staff, complaint=complaint, via=contacts.Via.CONSOLE)
        message = _("Data pelapor ditampilkan. Tampilan ini dicatat di riwayat.")
    except DomainError as exc:
        status, error = exc.status, str(exc.detail)
    fresh = services.get_for_staff(staff, complaint.number)
    context = complaint_context(staff, fresh, contact=details)
    context.update(message=message, error=error, fields={}, posted=request.POST)
    template = "console/_complaint.html" if request.htmx else "console/complaint.html"
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-store"
    return response
