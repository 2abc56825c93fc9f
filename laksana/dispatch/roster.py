"""The duty roster (piket): desks, planned shifts, clocking in and out, who is on duty now."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from laksana.agencies.models import Agency, Role
from laksana.agencies.services import Staff, staff_in
from laksana.common import clock
from laksana.common.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from laksana.regions.models import Region

from .models import Availability, Desk, DutyPeriod, FieldOfficer, Shift
from .officers import active_officers, set_availability

# A person may clock in this long before their planned shift and still be counted on it.
EARLY_CLOCK_IN = timedelta(hours=1)
MAX_SHIFT = timedelta(hours=24)
PLANNERS = (Role.REGION_ADMIN, Role.OPERATOR)
OPERATORS_DESK = "Meja Operator"


def ensure_desks(region: Region) -> list[Desk]:
    """The standard desks: the operators' desk, one desk per agency, and a squad per agency that
    has field officers. Idempotent."""
    Desk.objects.get_or_create(region=region, name=OPERATORS_DESK, defaults={"kind": "operators"})
    with_officers = set(active_officers(region).values_list("agency_id", flat=True))
    for agency in Agency.objects.filter(region=region, is_active=True):
        if not Desk.objects.filter(region=region, kind=Desk.Kind.AGENCY, agency=agency).exists():
            Desk.objects.create(
                region=region,
                kind=Desk.Kind.AGENCY,
                agency=agency,
                name=f"Meja {agency.short_name}",
            )
        if agency.id in with_officers:
            Desk.objects.get_or_create(
                region=region,
                name=f"Regu {agency.short_name}",
                defaults={"kind": Desk.Kind.SQUAD, "agency": agency},
            )
    return list(Desk.objects.filter(region=region, is_active=True))


def desks(region: Region) -> QuerySet[Desk]:
    return Desk.objects.filter(region=region, is_active=True).select_related("agency")


def get_desk(staff: Staff, desk_id: int | str) -> Desk:
    desk = desks(staff.region).filter(pk=int(desk_id)).first() if str(desk_id).isdigit() else None
    if desk is None:
        raise NotFound(_("Meja piket tidak ditemukan."))
    return desk


def may_sit(staff: Staff, desk: Desk) -> bool:
    """Operators at operators' desks, an agency's liaisons at its desk, officers in its squad."""
    if desk.kind == Desk.Kind.OPERATORS:
        return staff.has(Role.OPERATOR, Role.REGION_ADMIN)
    if desk.kind == Desk.Kind.AGENCY:
        return staff.has_in_agency(desk.agency_id, Role.AGENCY_ADMIN, Role.AGENCY_STAFF)
    return staff.has_in_agency(desk.agency_id, Role.FIELD_OFFICER, Role.AGENCY_ADMIN)


def may_plan(staff: Staff, desk: Desk) -> bool:
    return staff.has(*PLANNERS) or staff.has_in_agency(desk.agency_id, Role.AGENCY_ADMIN)


def _local(moment: datetime, region: Region) -> str:
    return moment.astimezone(region.tz).strftime("%d-%m-%Y %H:%M")


def plan_shift(
    *, staff: Staff, desk: Desk, user_id: int, starts_at: datetime, ends_at: datetime
) -> Shift:
    """Put a person on a desk for a period. A person cannot be on two shifts at once."""
    if not may_plan(staff, desk):
        raise Forbidden(_("Anda tidak berwenang menyusun jadwal meja ini."))
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise ValidationFailed(
            _("Waktu harus lengkap dengan zona waktu."), fields={"starts_at": ""}
        )
    if ends_at <= starts_at:
        raise ValidationFailed(
            _("Waktu selesai harus setelah waktu mulai."), code="bad_period", fields={"ends_at": ""}
        )
    if ends_at - starts_at > MAX_SHIFT:
        raise ValidationFailed(
            _("Satu giliran paling lama 24 jam."), code="bad_period", fields={"ends_at": ""}
        )
    user = get_user_model().objects.filter(pk=user_id).first()
    try:
        person = staff_in(user, staff.region) if user else None
    except DomainError:
        person = None
    if person is None or not may_sit(person, desk):
        raise ValidationFailed(
            _("Orang ini tidak dapat bertugas di %(desk)s.") % {"desk": desk.name},
            code="not_eligible",
            fields={"user": str(user_id)},
        )
    with transaction.atomic():
        # Lock the person so two planners cannot both slip in an overlapping shift.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        clash = (
            Shift.objects.filter(region=staff.region, user=user)
            .filter(starts_at__lt=ends_at, ends_at__gt=starts_at)
            .select_related("desk")
            .first()
        )
        if clash is not None:
            raise ValidationFailed(
                _("Bentrok dengan giliran %(desk)s %(start)s–%(end)s.")
                % {
                    "desk": clash.desk.name,
                    "start": _local(clash.starts_at, staff.region),
                    "end": _local(clash.ends_at, staff.region),
                },
                code="overlap",
                fields={"starts_at": ""},
            )
        return Shift.objects.create(
            region=staff.region,
            desk=desk,
            user=user,
            starts_at=starts_at,
            ends_at=ends_at,
            created_by=staff.user,
            created_at=clock.now(),
        )


def cancel_shift(*, staff: Staff, shift: Shift) -> None:
    """Remove a planned shift that has not begun (begun ones are history)."""
    if not may_plan(staff, shift.desk):
        raise Forbidden(_("Anda tidak berwenang menyusun jadwal meja ini."))
    if Shift.objects.filter(pk=shift.pk, starts_at__gt=clock.now()).delete()[0] != 1:
        raise InvalidTransition(_("Giliran yang sudah dimulai tidak dapat dihapus."))


def get_shift(staff: Staff, shift_id: int) -> Shift:
    shift = Shift.objects.filter(region=staff.region, pk=shift_id).select_related("desk").first()
    if shift is None:
        raise NotFound(_("Giliran tidak ditemukan."))
    return shift


def shifts_between(region: Region, start: datetime, end: datetime) -> QuerySet[Shift]:
    return (
        Shift.objects.filter(region=region, starts_at__lt=end, ends_at__gt=start)
        .select_related("desk", "user")
        .order_by("starts_at", "desk__name", "id")
    )


def coverage_gaps(*, desk: Desk, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The stretches of [start, end) when nobody is planned at the desk.

    Steps: take the desk's shifts touching the window, by start; walk a cursor from `start`,
    recording a gap whenever the next shift begins after it and moving it to the furthest end seen
    (overlapping shifts merge); whatever is left before `end` is the last gap.
    """
    gaps: list[tuple[datetime, datetime]] = []
    cursor = start
    for shift in desk.shifts.filter(starts_at__lt=end, ends_at__gt=start).order_by("starts_at"):
        if shift.starts_at > cursor:
            gaps.append((cursor, shift.starts_at))
        cursor = max(cursor, shift.ends_at)
    if cursor < end:
        gaps.append((cursor, end))
    return gaps


def current_period(staff: Staff) -> DutyPeriod | None:
    return (
        DutyPeriod.objects.filter(region=staff.region, user=staff.user, clocked_out_at__isnull=True)
        .select_related("desk", "shift")
        .first()
    )


def _squad_officer(staff: Staff, desk: Desk):
    if desk.kind != Desk.Kind.SQUAD:
        return None
    return FieldOfficer.objects.filter(region=staff.region, user=staff.user).first()


def clock_in(*, staff: Staff, desk: Desk) -> DutyPeriod:
    """Start a duty period at a desk, counted on the person's planned shift there if any."""
    if not may_sit(staff, desk):
        raise Forbidden(_("Anda tidak dapat bertugas di %(desk)s.") % {"desk": desk.name})
    now = clock.now()
    shift = (
        Shift.objects.filter(desk=desk, user=staff.user)
        .filter(starts_at__lte=now + EARLY_CLOCK_IN, ends_at__gt=now)
        .order_by("starts_at")
        .first()
    )
    try:
        with transaction.atomic():  # the partial unique index refuses a second open period
            period = DutyPeriod.objects.create(
                region=staff.region, desk=desk, user=staff.user, shift=shift, clocked_in_at=now
            )
            officer = _squad_officer(staff, desk)
            if officer is not None:
                FieldOfficer.objects.filter(
                    pk=officer.pk, availability=Availability.OFF_DUTY
                ).update(availability=Availability.ON_DUTY)
    except IntegrityError:
        open_period = current_period(staff)
        where = open_period.desk.name if open_period else "?"
        raise Conflict(
            _("Anda sudah masuk piket di %(desk)s.") % {"desk": where}, code="already_on_duty"
        ) from None
    return period


def clock_out(*, staff: Staff) -> DutyPeriod:
    period = current_period(staff)
    if period is None:
        raise InvalidTransition(_("Anda belum masuk piket."), code="not_on_duty")
    now = clock.now()
    with transaction.atomic():
        if not DutyPeriod.objects.filter(pk=period.pk, clocked_out_at__isnull=True).update(
            clocked_out_at=now
        ):
            raise InvalidTransition(_("Anda sudah keluar piket."), code="not_on_duty")
        period.clocked_out_at = now
        officer = _squad_officer(staff, period.desk)
        if officer is not None:
            set_availability(officer=officer, availability=Availability.OFF_DUTY)
    return period


@dataclass
class OnDuty:
    at: datetime
    periods: list[DutyPeriod]
    absent: list[Shift]  # planned now, not clocked in
    officers: list[FieldOfficer]  # available or busy in the field
    counts: dict[str, int] = field(default_factory=dict)


def on_duty_now(region: Region) -> OnDuty:
    """Who is on duty in the region right now, by desk, and who was planned but is missing."""
    now = clock.now()
    periods = list(
        DutyPeriod.objects.filter(region=region, clocked_out_at__isnull=True)
        .select_related("desk", "desk__agency", "user", "shift")
        .order_by("desk__kind", "desk__name", "clocked_in_at")
    )
    present = {p.user_id for p in periods}
    absent = [s for s in shifts_between(region, now, now) if s.user_id not in present]
    officers = list(
        active_officers(region)
        .exclude(availability=Availability.OFF_DUTY)
        .select_related("user", "agency")
        .order_by("agency__short_name", "user__first_name", "id")
    )
    counts = {kind: 0 for kind in Desk.Kind.values}
    for period in periods:
        counts[period.desk.kind] += 1
    return OnDuty(now, periods, absent, officers, counts)


def history(
    *,
    staff: Staff,
    start: datetime,
    end: datetime,
    user_id: int | None = None,
    desk_id: int | None = None,
) -> QuerySet[DutyPeriod]:
    """Duty periods touching [start, end). Leaders and operators see all, an agency its desks,
    anyone else their own."""
    qs = (
        DutyPeriod.objects.filter(region=staff.region, clocked_in_at__lt=end)
        .filter(Q(clocked_out_at__isnull=True) | Q(clocked_out_at__gt=start))
        .select_related("desk", "desk__agency", "user", "shift")
        .order_by("-clocked_in_at", "-id")
    )
    if not staff.sees_whole_region:
        agencies = [
            a
            for a in staff.agency_ids
            if staff.has_in_agency(a, Role.AGENCY_ADMIN, Role.AGENCY_STAFF)
        ]
        qs = qs.filter(Q(desk__agency_id__in=agencies) | Q(user=staff.user))
    if user_id:
        qs = qs.filter(user_id=user_id)
    if desk_id:
        qs = qs.filter(desk_id=desk_id)
    return qs


def day_window(region: Region, date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """[start of date_from, start of the day after date_to) in the region's own time zone."""
    if date_to < date_from:
        raise ValidationFailed(
            _("Tanggal akhir harus sesudah tanggal awal."), fields={"date_to": str(date_to)}
        )
    if (date_to - date_from).days > 92:
        raise ValidationFailed(_("Rentang paling lama 92 hari."), fields={"date_to": str(date_to)})
    tz = region.tz
    start = datetime.combine(date_from, time.min, tzinfo=tz)
    return start, datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=tz)
