"""The complaint lifecycle: the only code that creates complaints or changes their status.

Every function takes keyword-only arguments, runs in one transaction, checks who is acting (role and
region), checks the current state, writes exactly one Event and publishes it after commit. Anything
illegal raises a DomainError (see laksana.common.errors) and leaves the database unchanged.

Concurrency: a change locks the complaint row (SELECT ... FOR UPDATE on PostgreSQL; SQLite's
IMMEDIATE transactions serialize writers) and then updates it conditionally on the version it read.
Two staff acting at once: the first wins, the second finds the state changed and gets a 409.
"""

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from laksana.agencies.models import Role
from laksana.agencies.services import Staff, get_agency, get_category, suggest_agency
from laksana.common import clock
from laksana.common.errors import (
    Conflict,
    Forbidden,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from laksana.live import bus
from laksana.regions.calendar import add_working_days
from laksana.regions.models import Area, Region
from laksana.regions.services import area_by_code, locate

from .models import (
    Channel,
    ClosingReason,
    Complaint,
    Event,
    Kind,
    Priority,
    Reporter,
    StatusCount,
)
from .models import Status as S

MAX_DESCRIPTION = 4000
MIN_DESCRIPTION = 10
MAX_TEXT = 4000
REOPEN_WORKING_DAYS = 10
OPERATORS = (Role.OPERATOR, Role.REGION_ADMIN)
HANDLERS = (Role.AGENCY_ADMIN, Role.AGENCY_STAFF)


@dataclass(frozen=True)
class Citizen:
    """The reporter, acting through the secret token of their tracking link."""

    label: str = "Pelapor"


@dataclass(frozen=True)
class System:
    """Laksana itself (auto-close, imports)."""

    label: str = "Sistem"


@dataclass(frozen=True)
class Integration:
    """An agency's own system (through a region API key) acting for that agency."""

    region_id: int
    agency_id: int | None
    label: str = "Sistem OPD"


Actor = Staff | Citizen | System | Integration


# ---------------------------------------------------------------------------------------------
# Intake


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token(region: Region, idempotency_key: str | None) -> str:
    if not idempotency_key:
        return secrets.token_urlsafe(24)
    # A retried submission must get the same tracking link back, so derive it from the key.
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{region.id}:{idempotency_key}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")


def _clean_text(value: str | None, *, field: str, limit: int, errors: dict, required: bool = False):
    value = (value or "").strip()
    if required and not value:
        errors[field] = _("Wajib diisi.")
    elif len(value) > limit:
        errors[field] = _("Terlalu panjang: paling banyak %(n)d karakter.") % {"n": limit}
    return value


@dataclass
class Submitted:
    complaint: Complaint
    token: str
    created: bool


def submit(
    *,
    region: Region,
    category_code: str,
    description: str,
    kind: str = Kind.COMPLAINT,
    lat: float | None = None,
    lng: float | None = None,
    area_code: str | None = None,
    address: str = "",
    reporter_name: str = "",
    phone: str = "",
    email: str = "",
    is_anonymous: bool = False,
    is_confidential: bool = False,
    channel: str = Channel.WEB,
    idempotency_key: str | None = None,
    source: str = "",
    attributes: dict | None = None,
    data: dict | None = None,
) -> Submitted:
    """Take in one complaint from any channel.

    Steps: validate every field (collecting all errors at once); resolve the category and the area
    (from coordinates: point in kelurahan; else a chosen area code); return the earlier complaint
    when the same idempotency key was already used; else number it, store it with its reporter,
    count it and write the `submitted` event.
    """
    errors: dict[str, str] = {}
    description = _clean_text(
        description, field="description", limit=MAX_DESCRIPTION, errors=errors, required=True
    )
    if description and len(description) < MIN_DESCRIPTION and "description" not in errors:
        errors["description"] = _(
            "Ceritakan sedikit lebih rinci (paling sedikit %(n)d karakter)."
        ) % {"n": MIN_DESCRIPTION}
    address = _clean_text(address, field="address", limit=300, errors=errors)
    reporter_name = _clean_text(reporter_name, field="name", limit=120, errors=errors)
    phone = _clean_phone(phone, errors)
    email = _clean_text(email, field="email", limit=254, errors=errors)
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            errors["email"] = _("Alamat e-mail tidak valid.")
    if kind not in Kind.values:
        errors["kind"] = _("Jenis laporan tidak dikenal.")
    if idempotency_key is not None and not (0 < len(idempotency_key) <= 64):
        errors["idempotency_key"] = _("Kunci idempotensi harus 1–64 karakter.")
    category = area = None
    try:
        category = get_category(region, category_code or "", public_only=True)
    except ValidationFailed as exc:
        errors["category"] = exc.detail
    try:
        area = _resolve_location(region, lat=lat, lng=lng, area_code=area_code)
    except ValidationFailed as exc:
        errors.update({k: exc.detail for k in exc.fields} or {"location": exc.detail})
    location_errors = {"location", "lat", "lng", "area"} & errors.keys()
    if kind == Kind.COMPLAINT and lat is None and area is None and not location_errors:
        errors["location"] = _("Tentukan lokasi: titik di peta atau kecamatan/kelurahan.")
    if errors:
        raise ValidationFailed(
            _("Periksa kembali isian laporan."), code="validation_error", fields=errors
        )

    if idempotency_key:
        earlier = Complaint.objects.filter(region=region, idempotency_key=idempotency_key).first()
        if earlier is not None:
            return _replay(earlier, region, idempotency_key, category, description)
    token = _new_token(region, idempotency_key)
    try:
        complaint = _insert(
            region=region,
            category=category,
            area=area,
            kind=kind,
            description=description,
            lat=lat,
            lng=lng,
            address=address,
            reporter=(reporter_name, phone, email),
            is_anonymous=is_anonymous,
            is_confidential=is_confidential,
            channel=channel,
            idempotency_key=idempotency_key or None,
            source=source[:100],
            attributes=attributes or {},
            token=token,
            data=data or {},
        )
    except IntegrityError:
        # The same key raced us (double tap on two connections): the other insert won.
        earlier = Complaint.objects.filter(region=region, idempotency_key=idempotency_key).first()
        if earlier is None:
            raise
        return _replay(earlier, region, idempotency_key, category, description)
    return Submitted(complaint=complaint, token=token, created=True)


def _replay(earlier, region, key, category, description) -> Submitted:
    if earlier.category_id != category.id or earlier.description != description:
        raise Conflict(
            _("Kunci idempotensi ini sudah dipakai untuk laporan lain."),
            code="idempotency_conflict",
        )
    return Submitted(complaint=earlier, token=_new_token(region, key), created=False)


def _clean_phone(phone: str | None, errors: dict) -> str:
    phone = (phone or "").strip()
    if not phone:
        return ""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if not all(ch.isdigit() or ch in "+-() ." for ch in phone) or not 8 <= len(digits) <= 15:
        errors["phone"] = _("Nomor telepon tidak valid (8–15 angka, contoh 0812 3456 7890).")
        return ""
    if digits.startswith("62"):
        digits = "0" + digits[2:]
    return digits


def _resolve_location(region, *, lat, lng, area_code) -> Area | None:
    if (lat is None) != (lng is None):
        raise ValidationFailed(_("Isi lintang dan bujur sekaligus."), fields={"lat": "", "lng": ""})
    if lat is not None:
        return locate(region, lat=float(lat), lng=float(lng))
    if area_code:
        return area_by_code(region, area_code)
    return None


@transaction.atomic
def _insert(*, region, category, area, reporter, token, data, **fields) -> Complaint:
    now = clock.now()
    Region.objects.filter(pk=region.pk).update(complaint_seq=F("complaint_seq") + 1)
    seq = Region.objects.values_list("complaint_seq", flat=True).get(pk=region.pk)
    local = now.astimezone(region.tz)
    name, phone, email = reporter
    person = None
    if name or phone or email:
        person = Reporter.objects.create(region=region, name=name, phone=phone, email=email)
    complaint = Complaint.objects.create(
        region=region,
        number=f"{region.tracking_prefix}-{local:%y%m}-{seq:06d}",
        token_hash=hash_token(token),
        category=category,
        area=area,
        reporter=person,
        submitted_at=now,
        updated_at=now,
        **fields,
    )
    _count(region.id, None, S.SUBMITTED, +1)
    _event(
        complaint,
        actor=Citizen() if fields["channel"] != Channel.STAFF else System(),
        type=Event.Type.SUBMITTED,
        to_status=S.SUBMITTED,
        data={"channel": fields["channel"], **data},
    )
    return complaint


# ---------------------------------------------------------------------------------------------
# Finding complaints


def get_by_token(token: str) -> Complaint:
    complaint = (
        Complaint.objects.select_related("region", "category", "agency", "area")
        .filter(token_hash=hash_token(token or ""))
        .first()
    )
    if complaint is None:
        raise NotFound(_("Laporan tidak ditemukan. Periksa kembali tautan pelacakan Anda."))
    return complaint


def visible_to(staff: Staff):
    """The complaints a staff member may see: the whole region for operators, admins, viewers and
    auditors; their agencies' complaints for agency roles; nothing else."""
    qs = Complaint.objects.filter(region=staff.region)
    if staff.sees_whole_region:
        return qs
    handler_agencies = [a for a in staff.agency_ids if staff.has_in_agency(a, *HANDLERS)]
    return qs.filter(agency_id__in=handler_agencies)


def get_for_staff(staff: Staff, number: str) -> Complaint:
    complaint = (
        visible_to(staff)
        .select_related("region", "category", "agency", "area", "reporter")
        .filter(number=number)
        .first()
    )
    if complaint is None:
        raise NotFound(_("Laporan %(number)s tidak ditemukan.") % {"number": number})
    return complaint


# ---------------------------------------------------------------------------------------------
# Transitions


@contextmanager
def _editing(complaint: Complaint, version: int | None) -> Iterator[Complaint]:
    with transaction.atomic():
        fresh = (
            Complaint.objects.select_for_update(of=("self",))
            .select_related("region", "category", "agency")
            .get(pk=complaint.pk)
        )
        if version is not None and fresh.version != version:
            raise Conflict(
                _("Laporan %(number)s baru saja diubah oleh orang lain. Muat ulang lalu coba lagi.")
                % {"number": fresh.number},
                code="stale",
            )
        yield fresh


def _require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise Forbidden(message or _("Anda tidak berwenang melakukan tindakan ini."))


def _require_state(complaint: Complaint, allowed: tuple[str, ...], action: str) -> None:
    if complaint.status not in allowed:
        raise InvalidTransition(
            _("Laporan berstatus '%(status)s' tidak dapat %(action)s.")
            % {"status": complaint.get_status_display(), "action": action}
        )


def _is_operator(actor: Actor) -> bool:
    return isinstance(actor, Staff) and actor.has(*OPERATORS)


def _is_handler(actor: Actor, complaint: Complaint) -> bool:
    if isinstance(actor, Integration):
        return actor.region_id == complaint.region_id and (
            actor.agency_id is None or actor.agency_id == complaint.agency_id
        )
    return isinstance(actor, Staff) and actor.has_in_agency(complaint.agency_id, *HANDLERS)


def _text(value: str | None, *, field: str, required: bool = True) -> str:
    errors: dict = {}
    value = _clean_text(value, field=field, limit=MAX_TEXT, errors=errors, required=required)
    if errors:
        raise ValidationFailed(errors[field], fields=errors)
    return value


def _count(region_id: int, agency_id: int | None, status: str, delta: int) -> None:
    key = agency_id or 0
    updated = StatusCount.objects.filter(region_id=region_id, agency_key=key, status=status).update(
        count=F("count") + delta
    )
    if not updated:
        row, _created = StatusCount.objects.get_or_create(
            region_id=region_id, agency_key=key, status=status
        )
        StatusCount.objects.filter(pk=row.pk).update(count=F("count") + delta)


def _actor_fields(actor: Actor) -> dict:
    if isinstance(actor, Staff):
        user = actor.user
        return {"actor": user, "actor_label": (user.get_full_name() or user.get_username())[:120]}
    return {"actor": None, "actor_label": actor.label}


def _event(
    complaint,
    *,
    actor,
    type,
    from_status="",
    to_status="",
    text="",
    public=True,
    data=None,
    agency=None,
) -> Event:
    event = Event.objects.create(
        region_id=complaint.region_id,
        complaint=complaint,
        type=type,
        from_status=from_status,
        to_status=to_status,
        agency=agency if agency is not None else complaint.agency,
        is_public=public,
        text=text,
        data=data or {},
        created_at=clock.now(),
        **_actor_fields(actor),
    )
    message = {
        "id": event.id,
        "region": complaint.region_id,
        "complaint": complaint.number,
        "type": type,
        "status": complaint.status,
        "agency": complaint.agency_id,
        "public": public,
    }
    transaction.on_commit(lambda: bus.publish(message))
    return event


def _change(
    complaint: Complaint,
    *,
    actor: Actor,
    type: str,
    to_status: str | None = None,
    text: str = "",
    public: bool = True,
    data: dict | None = None,
    event_agency=None,
    **changes,
) -> Complaint:
    """Apply one change to a locked complaint: conditional update, counters, the event."""
    now = clock.now()
    old_status, old_agency = complaint.status, complaint.agency_id
    new_status = to_status or old_status
    changes.update(status=new_status, updated_at=now)
    updated = Complaint.objects.filter(pk=complaint.pk, version=complaint.version).update(
        version=F("version") + 1, **changes
    )
    if updated != 1:
        raise Conflict(_("Laporan baru saja diubah oleh orang lain. Muat ulang lalu coba lagi."))
    for name, value in changes.items():
        setattr(complaint, name, value)
    complaint.version += 1
    if "agency" in changes:
        complaint.agency_id = changes["agency"].id if changes["agency"] else None
    if (old_status, old_agency) != (new_status, complaint.agency_id):
        _count(complaint.region_id, old_agency, old_status, -1)
        _count(complaint.region_id, complaint.agency_id, new_status, +1)
    _event(
        complaint,
        actor=actor,
        type=type,
        from_status=old_status if new_status != old_status else "",
        to_status=new_status if new_status != old_status else "",
        text=text,
        public=public,
        data=data,
        agency=event_agency,
    )
    return complaint


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
            text=_("Laporan ini sama dengan %(number)s.") % {"number": target.number},
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
        return _change(
            c,
            actor=Citizen(),
            type=Event.Type.REOPENED,
            to_status=S.IN_PROGRESS,
            text=_text(reason, field="reason"),
            resolved_at=None,
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
    """The citizen rates the follow-up, once, after it is resolved or closed."""
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


MAX_REPORT_PHOTOS = 5


def add_photo(*, complaint: Complaint, actor: Actor, upload, purpose: str = "report"):
    """Store a photo for a complaint: the citizen's (while still new) or an agency's evidence.

    Steps: check who may add it and the limit of report photos; validate and re-encode the image
    (content, not name, decides: JPEG, PNG or WebP; EXIF and GPS stripped; resized); store it
    through Django's storage; write the event.
    """
    from .models import Attachment
    from .photos import clean_image

    with _editing(complaint, None) as c:
        if purpose == Attachment.Purpose.EVIDENCE:
            _require(_is_handler(actor, c) or _is_operator(actor))
            _require_state(c, (S.DISPATCHED, S.IN_PROGRESS), _("diberi foto bukti"))
        else:
            _require(isinstance(actor, Citizen) or _is_operator(actor))
            _require_state(c, (S.SUBMITTED, S.VERIFIED), _("diberi foto"))
            if c.attachments.filter(purpose=purpose).count() >= MAX_REPORT_PHOTOS:
                raise ValidationFailed(
                    _("Paling banyak %(n)d foto per laporan.") % {"n": MAX_REPORT_PHOTOS},
                    code="too_many_photos",
                    fields={"photo": ""},
                )
        image = clean_image(upload)
        attachment = Attachment(
            region_id=c.region_id,
            complaint=c,
            purpose=purpose,
            content_type=image.content_type,
            size=len(image.data),
            width=image.width,
            height=image.height,
            sha256=image.sha256,
            uploaded_by=actor.user if isinstance(actor, Staff) else None,
            created_at=clock.now(),
        )
        attachment.file.save(f"photo.{image.extension}", image.as_file(), save=False)
        attachment.save()
        _change(
            c,
            actor=actor,
            type=Event.Type.ATTACHMENT,
            public=purpose == "report",
            data={"attachment": attachment.id, "purpose": purpose},
        )
        return attachment
