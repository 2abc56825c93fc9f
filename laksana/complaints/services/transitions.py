"""Every status transition of DOMAIN.md's state machine, one function each."""

from django.utils.translation import gettext as _

from laksana.agencies.services import Staff, get_agency, get_category, suggest_agency
from laksana.common import clock
from laksana.common.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from laksana.regions.calendar import add_working_days
from laksana.regions.services import area_by_code

from ..models import (
    ClosingReason,
    Complaint,
    Event,
    Kind,
    Priority,
)
from ..models import Status as S
from ..privacy import is_public
from .core import (
    REOPEN_WORKING_DAYS,
    Citizen,
    System,
    _change,
    _editing,
    _is_handler,
    _is_operator,
    _require,
    _require_state,
    _text,
)


def verify(
    *,
    staff: Staff,
    complaint: Complaint,
    version: int | None = None,
    category_code: str | None = None,
    area_code: str | None = None,
    priority: int | None = None,
    title: str | None = None,
) -> Complaint:
    """Operator confirms a new complaint is real and complete; may correct its classification."""
    with _editing(complaint, version) as c:
        _require(_is_operator(staff))
        _require_state(c, (S.SUBMITTED,), _("diverifikasi"))
        changes: dict = {"verified_at": clock.now()}
        if category_code and category_code != c.category.code:
            changes["category"] = get_category(c.region, category_code)
        if area_code:
            changes["area"] = area_by_code(c.region, area_code)
        if priority is not None:
            if priority not in Priority.values:
                raise ValidationFailed(_("Prioritas tidak dikenal."), fields={"priority": ""})
            changes["priority"] = priority
        if title is not None:
            changes["title"] = _text(title, field="title", required=False)[:200]
        data = {k: str(getattr(v, "code", v)) for k, v in changes.items() if k != "verified_at"}
        return _change(
            c, actor=staff, type=Event.Type.VERIFIED, to_status=S.VERIFIED, data=data, **changes
        )


def reject(*, staff: Staff, complaint: Complaint, reason: str, version: int | None = None):
    """Operator refuses a complaint; the reason is public so the citizen knows why."""
    with _editing(complaint, version) as c:
        _require(_is_operator(staff))
        _require_state(c, (S.SUBMITTED, S.VERIFIED), _("ditolak"))
        return _change(
            c,
            actor=staff,
            type=Event.Type.REJECTED,
            to_status=S.REJECTED,
            text=_text(reason, field="reason"),
            closed_at=clock.now(),
        )


def merge(*, staff: Staff, complaint: Complaint, into: Complaint, version: int | None = None):
    """Operator marks a complaint as a duplicate of an earlier one about the same problem."""
    with _editing(complaint, version) as c:
        _require(_is_operator(staff))
        _require_state(c, (S.SUBMITTED, S.VERIFIED), _("ditandai duplikat"))
        target = into
        if target.region_id != c.region_id:
            raise NotFound(_("Laporan tujuan tidak ditemukan."))
        while target.duplicate_of_id:  # always point at the original, never at another duplicate
            target = target.duplicate_of
        if target.pk == c.pk:
            raise ValidationFailed(
                _("Laporan tidak dapat menjadi duplikat dirinya sendiri."),
                fields={"duplicate_of": ""},
            )
        return _change(
            c,
            actor=staff,
            type=Event.Type.MERGED,
            to_status=S.DUPLICATE,
            # The note is public: a confidential complaint's number must not appear in it
            # (staff still read it in the event's data and the staff view).
            text=(
                _("Laporan ini sama dengan %(number)s.") % {"number": target.number}
                if is_public(target)
                else _("Laporan ini digabung dengan laporan lain.")
            ),
            data={"duplicate_of": target.number},
            duplicate_of=target,
            closing_reason=ClosingReason.DUPLICATE,
            closed_at=clock.now(),
        )


def acknowledge(*, staff: Staff, complaint: Complaint, text: str = "", version: int | None = None):
    """Operator records an aspiration (a proposal, not a problem to fix)."""
    with _editing(complaint, version) as c:
        _require(_is_operator(staff))
        if c.kind != Kind.ASPIRATION:
            raise InvalidTransition(_("Hanya aspirasi yang dapat dicatat."))
        _require_state(c, (S.SUBMITTED, S.VERIFIED), _("dicatat"))
        return _change(
            c,
            actor=staff,
            type=Event.Type.ACKNOWLEDGED,
            to_status=S.NOTED,
            text=_text(text, field="text", required=False),
            closed_at=clock.now(),
        )


def dispose(
    *,
    staff: Staff,
    complaint: Complaint,
    agency_code: str | None = None,
    note: str = "",
    version: int | None = None,
) -> Complaint:
    """Operator forwards a verified complaint to the agency that must act (disposisi)."""
    with _editing(complaint, version) as c:
        _require(_is_operator(staff))
        _require_state(c, (S.VERIFIED,), _("didisposisikan"))
        agency = (
            get_agency(c.region, agency_code) if agency_code else suggest_agency(c.category, c.area)
        )
        if agency is None:
            raise ValidationFailed(_("Pilih OPD tujuan."), fields={"agency": ""})
        return _change(
            c,
            actor=staff,
            type=Event.Type.DISPOSED,
            to_status=S.DISPATCHED,
            text=_("Laporan diteruskan ke %(agency)s.") % {"agency": agency.name},
            data={"agency": agency.code, "note": _text(note, field="note", required=False)},
            agency=agency,
            event_agency=agency,
            disposed_at=clock.now(),
            acknowledged_at=None,
        )


def accept(*, staff: Staff, complaint: Complaint, version: int | None = None) -> Complaint:
    """The agency takes the complaint on."""
    with _editing(complaint, version) as c:
        _require(_is_handler(staff, c))
        _require_state(c, (S.DISPATCHED,), _("diterima"))
        return _change(
            c,
            actor=staff,
            type=Event.Type.ACCEPTED,
            to_status=S.IN_PROGRESS,
            text=_("%(agency)s menindaklanjuti laporan.") % {"agency": c.agency.name},
            accepted_at=clock.now(),
        )


def return_to_operator(
    *, staff: Staff, complaint: Complaint, reason: str, version: int | None = None
) -> Complaint:
    """The agency sends the complaint back: not its authority (bukan wewenang)."""
    with _editing(complaint, version) as c:
        _require(_is_handler(staff, c))
        _require_state(c, (S.DISPATCHED,), _("dikembalikan"))
        agency = c.agency
        return _change(
            c,
            actor=staff,
            type=Event.Type.RETURNED,
            to_status=S.VERIFIED,
            text=_text(reason, field="reason"),
            public=False,
            data={"agency": agency.code},
            agency=None,
            event_agency=agency,
            disposed_at=None,
        )


def forward(
    *, staff: Staff, complaint: Complaint, agency_code: str, reason: str, version: int | None = None
) -> Complaint:
    """The agency passes the complaint to another agency, with a reason."""
    with _editing(complaint, version) as c:
        _require(_is_handler(staff, c))
        _require_state(c, (S.DISPATCHED,), _("diteruskan"))
        target = get_agency(c.region, agency_code)
        if target.id == c.agency_id:
            raise ValidationFailed(_("Pilih OPD lain."), fields={"agency": agency_code})
        reason = _text(reason, field="reason")
        return _change(
            c,
            actor=staff,
            type=Event.Type.FORWARDED,
            text=_("Laporan diteruskan ke %(agency)s.") % {"agency": target.name},
            data={"from": c.agency.code, "agency": target.code, "reason": reason},
            agency=target,
            event_agency=target,
            disposed_at=clock.now(),
            acknowledged_at=None,
        )


def respond(
    *, staff: Staff, complaint: Complaint, text: str, version: int | None = None
) -> Complaint:
    """A public progress message from the agency to the citizen."""
    with _editing(complaint, version) as c:
        _require(_is_handler(staff, c))
        _require_state(c, (S.IN_PROGRESS,), _("ditanggapi"))
        return _change(c, actor=staff, type=Event.Type.RESPONDED, text=_text(text, field="text"))


def note(*, staff: Staff, complaint: Complaint, text: str, version: int | None = None):
    """An internal note, never shown to the public."""
    with _editing(complaint, version) as c:
        _require(_is_operator(staff) or _is_handler(staff, c))
        return _change(
            c, actor=staff, type=Event.Type.NOTE, text=_text(text, field="text"), public=False
        )


def resolve(
    *, staff: Staff, complaint: Complaint, response: str, version: int | None = None
) -> Complaint:
    """The agency reports the follow-up done; field work needs a photo as evidence."""
    with _editing(complaint, version) as c:
        _require(_is_handler(staff, c))
        _require_state(c, (S.IN_PROGRESS,), _("diselesaikan"))
        response = _text(response, field="response")
        if (
            c.category.needs_photo_to_resolve
            and not c.attachments.filter(purpose="evidence").exists()
        ):
            raise ValidationFailed(
                _("Kategori ini membutuhkan foto bukti penanganan sebelum diselesaikan."),
                code="evidence_required",
                fields={"photo": ""},
            )
        return _change(
            c,
            actor=staff,
            type=Event.Type.RESOLVED,
            to_status=S.RESOLVED,
            text=response,
            resolved_at=clock.now(),
        )


def reopen_deadline(complaint: Complaint):
    if complaint.resolved_at is None:
        return None
    return add_working_days(complaint.region, complaint.resolved_at, REOPEN_WORKING_DAYS)


def reopen(*, complaint: Complaint, reason: str) -> Complaint:
    """The citizen says the problem is not solved, within 10 working days of resolution."""
    with _editing(complaint, None) as c:
        _require_state(c, (S.RESOLVED,), _("dibuka kembali"))
        deadline = reopen_deadline(c)
        if deadline is not None and clock.now() > deadline:
            raise InvalidTransition(
                _("Batas waktu membuka kembali (10 hari kerja setelah selesai) sudah lewat."),
                code="reopen_expired",
            )
        # The rating was of the outcome now disputed: the citizen rates the next one again. The
        # old rating stays in its `rated` event (and in this one's data): the history is kept.
        previous = {"previous_rating": c.rating} if c.rating is not None else {}
        return _change(
            c,
            actor=Citizen(),
            type=Event.Type.REOPENED,
            to_status=S.IN_PROGRESS,
            text=_text(reason, field="reason"),
            data=previous or None,
            resolved_at=None,
            rating=None,
            rating_comment="",
        )


def close(
    *,
    actor: Staff | System,
    complaint: Complaint,
    reason: str = ClosingReason.FIXED,
    text: str = "",
    version: int | None = None,
) -> Complaint:
    """Close a resolved complaint (operator, or the system after the no-reply period)."""
    with _editing(complaint, version) as c:
        _require(isinstance(actor, System) or _is_operator(actor))
        _require_state(c, (S.RESOLVED,), _("ditutup"))
        if reason not in ClosingReason.values:
            raise ValidationFailed(_("Alasan penutupan tidak dikenal."), fields={"reason": reason})
        return _change(
            c,
            actor=actor,
            type=Event.Type.CLOSED,
            to_status=S.CLOSED,
            text=_text(text, field="text", required=False),
            data={"reason": reason},
            closing_reason=reason,
            closed_at=clock.now(),
        )


def rate(*, complaint: Complaint, rating: int, comment: str = "") -> Complaint:
    """The citizen rates the follow-up after it is resolved or closed: once per outcome (a
    reopen clears the rating, so the next outcome is rated again; every rating is an event)."""
    with _editing(complaint, None) as c:
        _require_state(c, (S.RESOLVED, S.CLOSED), _("dinilai"))
        if c.rating is not None:
            raise Conflict(_("Laporan ini sudah dinilai."), code="already_rated")
        if not isinstance(rating, int) or not 1 <= rating <= 5:
            raise ValidationFailed(_("Nilai harus 1 sampai 5."), fields={"rating": ""})
        comment = _text(comment, field="comment", required=False)
        return _change(
            c,
            actor=Citizen(),
            type=Event.Type.RATED,
            text=comment,
            data={"rating": rating},
            rating=rating,
            rating_comment=comment,
        )


def restrict_privacy(
    *,
    staff: Staff,
    complaint: Complaint,
    anonymous: bool = False,
    confidential: bool = False,
    version: int | None = None,
) -> Complaint:
    """Make a complaint anonymous and/or confidential. Privacy is only ever strengthened."""
    with _editing(complaint, version) as c:
        _require(_is_operator(staff))
        changes = {}
        if anonymous and not c.is_anonymous:
            changes["is_anonymous"] = True
        if confidential and not c.is_confidential:
            changes["is_confidential"] = True
        if not changes:
            raise ValidationFailed(_("Tidak ada perubahan privasi."), fields={"privacy": ""})
        return _change(
            c,
            actor=staff,
            type=Event.Type.PRIVACY,
            public=False,
            data={k: True for k in changes},
            **changes,
        )
