"""Taking in a complaint from any channel: validation, numbering, idempotent retries."""

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from laksana.agencies.models import Category
from laksana.agencies.services import get_category
from laksana.common import clock
from laksana.common.errors import (
    Conflict,
    ValidationFailed,
)
from laksana.regions.models import Area, Region
from laksana.regions.services import area_by_code, locate

from .. import hooks
from ..models import (
    Channel,
    Complaint,
    Event,
    Kind,
    Priority,
    Reporter,
)
from ..models import Status as S
from .core import (
    MAX_DESCRIPTION,
    MIN_DESCRIPTION,
    Actor,
    Citizen,
    System,
    _clean_text,
    _counts,
    _event,
    _is_operator,
    _require,
    hash_token,
    prepare_event,
)

# Channels of reports staff take down for a citizen (record_taken), in the console's order.
TAKEN_CHANNELS = (Channel.PHONE, Channel.WALK_IN, Channel.LETTER, Channel.SOCIAL)

# ---------------------------------------------------------------------------------------------
# Intake


def _new_token(region: Region, idempotency_key: str | None) -> str:
    if not idempotency_key:
        return secrets.token_urlsafe(24)
    # A retried submission must get the same tracking link back, so derive it from the key.
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{region.id}:{idempotency_key}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")


@dataclass
class Submitted:
    complaint: Complaint
    token: str
    created: bool


@dataclass
class Checked:
    """A submission's fields after check_submission: cleaned, with the category and area found."""

    category: Category
    area: Area | None
    description: str
    address: str
    reporter_name: str
    phone: str
    email: str


def check_submission(
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
    idempotency_key: str | None = None,
) -> Checked:
    """Check every field of a submission and raise one ValidationFailed naming all that are
    wrong. Stores nothing: forms call it to show every error at once, even when their own checks
    already failed.

    Steps: clean and bound the texts; the phone and e-mail shapes; the kind; the category (active,
    public); the place (coordinates: point in kelurahan; else a chosen area code); a complaint
    (pengaduan) must say where.
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
    return Checked(category, area, description, address, reporter_name, phone, email)


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
    actor: Actor | None = None,
) -> Submitted:
    """Take in one complaint from any channel.

    Steps: validate every field (check_submission: all errors at once); return the earlier
    complaint when the same idempotency key was already used; else number it, store it with its
    reporter, count it and write the `submitted` event.
    """
    checked = check_submission(
        region=region,
        category_code=category_code,
        description=description,
        kind=kind,
        lat=lat,
        lng=lng,
        area_code=area_code,
        address=address,
        reporter_name=reporter_name,
        phone=phone,
        email=email,
        idempotency_key=idempotency_key,
    )
    category, area, description = checked.category, checked.area, checked.description
    address, reporter_name, phone, email = (
        checked.address,
        checked.reporter_name,
        checked.phone,
        checked.email,
    )

    if idempotency_key:
        earlier = Complaint.objects.filter(region=region, idempotency_key=idempotency_key).first()
        if earlier is not None:
            return _replay(earlier, region, idempotency_key, category, description)
    token = _new_token(region, idempotency_key)
    # PostgreSQL: before _insert's transaction (see _next_seq); SQLite: inside it, as one writer.
    seq = _next_seq(region) if connection.vendor == "postgresql" else None
    try:
        complaint = _insert(
            seq=seq,
            region=region,
            category=category,
            area=area,
            kind=kind,
            # An emergency category (the region's data) is urgent from the start: the wall and the
            # queues flag it at once.
            priority=Priority.URGENT if category.is_emergency else Priority.NORMAL,
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
            actor=actor,
        )
    except IntegrityError:
        # The same key raced us (double tap on two connections): the other insert won.
        earlier = Complaint.objects.filter(region=region, idempotency_key=idempotency_key).first()
        if earlier is None:
            raise
        return _replay(earlier, region, idempotency_key, category, description)
    return Submitted(complaint=complaint, token=token, created=True)


def record_taken(*, staff, channel: str, source: str = "", **submission) -> Submitted:
    """A report a member of the command center took down for a citizen: a phone call, a letter,
    a walk-in or a social-media post. One complaint through `submit` like any other, with the
    channel it came by, the operator as the intake's actor (the `submitted` event names them)
    and the citizen's contact as given. `source`: the letter's number, the post's address, ...
    """
    region = submission.get("region")
    _require(
        _is_operator(staff) and region is not None and staff.region.id == region.id,
        _("Hanya operator ruang kendali yang dapat mencatat laporan warga."),
    )
    if channel not in TAKEN_CHANNELS:
        raise ValidationFailed(
            _("Pilih saluran laporan: telepon, datang langsung, surat atau media sosial."),
            code="validation_error",
            fields={"channel": _("Saluran tidak dikenal.")},
        )
    return submit(channel=channel, source=source.strip(), actor=staff, **submission)


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


def _next_seq(region: Region) -> int:
    """The region's next tracking sequence number.

    Every submission in a region bumps the same Region row, and the row lock is held until the
    bump's transaction ends. Inside the insert's transaction that was through every insert and
    the commit's disk flush, so concurrent submissions queued one by one behind it. On its own
    as one statement, the lock lasts the UPDATE alone; its commit need not wait for the flush,
    because the complaint's own (flushed) commit comes later in the log and makes it durable
    too. The price is a gap in the numbers when the insert then fails (an idempotency race), as
    with any database sequence. Inside an outer transaction the bump simply stays in it.
    """
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE regions_region SET complaint_seq = complaint_seq + 1"
                " FROM (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit"
                " WHERE regions_region.id = %s RETURNING complaint_seq",
                [region.pk],
            )
            return cursor.fetchone()[0]
    if connection.features.can_return_columns_from_insert:  # SQLite 3.35+: RETURNING too
        # One statement inside the write lock instead of a savepoint, an UPDATE, a SELECT and
        # its release (on SQLite the lock is held from BEGIN: every statement in it counts).
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE regions_region SET complaint_seq = complaint_seq + 1"
                " WHERE id = %s RETURNING complaint_seq",
                [region.pk],
            )
            return cursor.fetchone()[0]
    with transaction.atomic():
        Region.objects.filter(pk=region.pk).update(complaint_seq=F("complaint_seq") + 1)
        return Region.objects.values_list("complaint_seq", flat=True).get(pk=region.pk)


def _insert(*, seq, region, category, area, reporter, token, data, actor, **fields) -> Complaint:
    """Store the complaint, its reporter and its event in one transaction.

    Everything that needs no write is done before the transaction: on SQLite the transaction
    holds the database's one write lock from BEGIN (IMMEDIATE), so every concurrent submission
    waits for whatever runs inside it."""
    now = clock.now()
    local = now.astimezone(region.tz)
    name, phone, email = reporter
    # Deadlines (the policy sla registers): submission starts the verify-and-dispose clock.
    deadline_fields = hooks.deadline_policy().for_submission(
        region=region, category_id=category.id, submitted_at=now
    )
    prepared = prepare_event(region.id)
    if actor is None:
        actor = Citizen() if fields["channel"] != Channel.STAFF else System()
    complaint = Complaint(
        region=region,
        token_hash=hash_token(token),
        category=category,
        area=area,
        submitted_at=now,
        updated_at=now,
        **deadline_fields,
        **fields,
    )
    # What the subscribers read about the new complaint (routing: the earlier report it repeats,
    # a query and a text comparison) is read now: inside the transaction it held SQLite's write
    # lock, and on PostgreSQL the region's stream head, so the region's submissions waited for it.
    subscribers = hooks.subscribers()
    arriving = [s.arriving(complaint) for s in subscribers]
    with transaction.atomic():
        if seq is None:
            seq = _next_seq(region)
        if name or phone or email:
            complaint.reporter = Reporter.objects.create(
                region=region, name=name, phone=phone, email=email
            )
        complaint.number = f"{region.tracking_prefix}-{local:%y%m}-{seq:06d}"
        complaint.save(force_insert=True)
        for subscriber, found in zip(subscribers, arriving, strict=True):
            subscriber.arrived(complaint, found)
        _event(
            complaint,
            actor=actor,
            type=Event.Type.SUBMITTED,
            to_status=S.SUBMITTED,
            data={"channel": fields["channel"], **data},
            counts=_counts(region.id, (None, S.SUBMITTED, +1)),
            prepared=prepared,
        )
    return complaint
