"""The reporter's contact details: who may see them, and a record of every time they are shown.

One rule for every interface (console, field pages, JSON API, search by name or phone): contact
details leave the server only when someone asks for them, and each time an internal "viewed"
event records who, when, which complaint and through what. Nothing else returns a reporter's name,
phone or e-mail to staff.

Who may see them (DOMAIN.md, "anonim"):
- the command center (region admins, operators) and auditors, even for an anonymous reporter:
  anonymity hides the reporter from the agencies, not from the room that verifies the report;
- the handlers (admin, liaison) of the complaint's agency, unless the reporter chose anonymity;
- a field officer, name and phone only, on their own open task, unless anonymous;
- leaders (viewers) never.
"""

from collections.abc import Iterable

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laksana.agencies.models import Role
from laksana.agencies.services import Staff
from laksana.common.errors import Forbidden, ValidationFailed

from .models import Complaint, Event
from .services import add_event

COMMAND_CENTER = (Role.REGION_ADMIN, Role.OPERATOR, Role.AUDITOR)
HANDLERS = (Role.AGENCY_ADMIN, Role.AGENCY_STAFF)
ALL_FIELDS = ("name", "phone", "email")
FIELD_FIELDS = ("name", "phone")


class Via(models.TextChoices):
    """Through what the details were shown (recorded with every showing)."""

    CONSOLE = "console", gettext_lazy("konsol")
    FIELD = "field", gettext_lazy("halaman petugas lapangan")
    API = "api", gettext_lazy("API")
    SEARCH = "search", gettext_lazy("pencarian nama/telepon di konsol")
    API_SEARCH = "api_search", gettext_lazy("pencarian nama/telepon lewat API")


def may_see(staff: Staff, complaint: Complaint) -> bool:
    """May this person (outside a field task) be shown the reporter's contact details?"""
    if complaint.reporter_id is None or complaint.region_id != staff.region.id:
        return False
    if staff.has(*COMMAND_CENTER):
        return True
    return not complaint.is_anonymous and staff.has_in_agency(complaint.agency_id, *HANDLERS)


def may_search(staff: Staff) -> bool:
    """Searching by a reporter's name or phone reveals who reported what: only for roles that
    may see contact details (agencies then find only their own, non-anonymous complaints)."""
    return staff.has(*COMMAND_CENTER) or any(
        staff.has_in_agency(a, *HANDLERS) for a in staff.agency_ids
    )


def reporter_filter(staff: Staff, text: str) -> Q:
    """Complaints whose reporter matches a name, phone number or e-mail (for may_search roles;
    403 for others, so nobody else can probe who reported). Phone numbers match however they
    are written (0812…, +62 812…, with spaces), as intake stores them: digits, 0-prefixed."""
    if not may_search(staff):
        raise Forbidden(_("Peran Anda tidak dapat mencari berdasarkan data pelapor."))
    text = text.strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    if "@" in text:
        found = Q(reporter__email__iexact=text)
    elif len(digits) >= 6:
        if digits.startswith("62"):
            digits = "0" + digits[2:]
        found = Q(reporter__phone__contains=digits)
    else:
        words = text.split()
        if not words or min(len(w) for w in words) < 2:
            raise ValidationFailed(
                _("Tulis nama (minimal 2 huruf) atau nomor telepon (minimal 6 angka)."),
                fields={"reporter": text},
            )
        found = Q()
        for word in words:
            found &= Q(reporter__name__icontains=word)
    if not staff.has(*COMMAND_CENTER):
        found &= Q(is_anonymous=False)  # agencies never learn who an anonymous reporter is
    return found


def task_allows(task) -> bool:
    """Whether the officer of this field task may ask for the reporter's name and phone."""
    complaint = task.complaint
    return (
        task.is_active
        and complaint.reporter_id is not None
        and not complaint.is_anonymous
        and bool(complaint.reporter.phone)
    )


def _record(staff: Staff, complaint: Complaint, *, via: str, fields: Iterable[str], **data):
    add_event(
        complaint=complaint,
        actor=staff,
        type=Event.Type.VIEWED,
        public=False,
        text=_("Dilihat lewat %(via)s.") % {"via": Via(via).label},
        data={"via": str(via), "fields": list(fields), **data},
    )


def reveal(*, staff: Staff, complaint: Complaint, via: str, task=None) -> dict:
    """The reporter's contact details, recorded in the complaint's timeline (internal). A field
    officer passes their task and gets name and phone; everyone else gets all three."""
    if task is not None:
        mine = task.officer.user_id == staff.user.pk and task.complaint_id == complaint.pk
        if not (mine and task_allows(task)):
            raise Forbidden(_("Kontak pelapor hanya untuk petugas pada tugas yang masih berjalan."))
        fields = FIELD_FIELDS
    elif may_see(staff, complaint):
        fields = ALL_FIELDS
    else:
        raise Forbidden(_("Anda tidak berwenang melihat data pelapor laporan ini."))
    _record(staff, complaint, via=via, fields=fields)
    reporter = complaint.reporter
    return {name: getattr(reporter, name) for name in fields}


def record_search(
    *, staff: Staff, complaints: Iterable[Complaint], query: str, via: str = Via.SEARCH
) -> None:
    """A search by name or phone shows which complaints a person sent: each complaint found is
    recorded as a view of its reporter's data, with what was searched and through what."""
    for complaint in complaints:
        _record(staff, complaint, via=via, fields=(), query=query[:100])
