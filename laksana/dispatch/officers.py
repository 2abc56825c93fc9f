"""Field officers: who they are, whether they are available, where they are (opt-in), and which
officer to send to a complaint."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from laksana.agencies.models import Agency, Membership, Role
from laksana.agencies.services import Staff
from laksana.common import clock
from laksana.common.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from laksana.complaints.models import Complaint
from laksana.regions.models import Area, Region

from .geo import clean_position, haversine_m
from .models import ACTIVE_STATES, Assignment, Availability, FieldOfficer

# A shared position older than this says little about where the officer is now.
LOCATION_FRESH = timedelta(minutes=15)
WHOLE_REGION_MANAGERS = (Role.REGION_ADMIN, Role.OPERATOR)
AGENCY_MANAGERS = (Role.AGENCY_ADMIN, Role.AGENCY_STAFF)
_FORGET = {"last_lat": None, "last_lng": None, "last_accuracy_m": None, "last_located_at": None}


def ensure_officer(*, region: Region, user, agency: Agency) -> FieldOfficer:
    """The profile of a field officer, created with their first field_officer membership."""
    officer, _created = FieldOfficer.objects.get_or_create(
        region=region, user=user, defaults={"agency": agency}
    )
    return officer


def active_officers(region: Region) -> QuerySet[FieldOfficer]:
    """Profiles whose field_officer membership (for the profile's agency) still exists."""
    membership = Membership.objects.filter(
        user=OuterRef("user"),
        region=OuterRef("region"),
        agency=OuterRef("agency"),
        role=Role.FIELD_OFFICER,
    )
    return FieldOfficer.objects.filter(region=region).filter(Exists(membership))


def officer_for(staff: Staff) -> FieldOfficer:
    """The signed-in person's own profile; 404 for anyone who is not a field officer here."""
    officer = (
        active_officers(staff.region)
        .select_related("user", "agency", "region")
        .filter(user=staff.user)
        .first()
    )
    if officer is None:
        raise NotFound(_("Anda tidak terdaftar sebagai petugas lapangan di wilayah ini."))
    return officer


def officers_visible_to(staff: Staff) -> QuerySet[FieldOfficer]:
    """Operators and leaders see every officer; agency staff their agency's; officers themselves."""
    qs = active_officers(staff.region).select_related("user", "agency")
    if staff.sees_whole_region:
        return qs
    managed = [a for a in staff.agency_ids if staff.has_in_agency(a, *AGENCY_MANAGERS)]
    return qs.filter(Q(agency_id__in=managed) | Q(user=staff.user))


def get_officer(staff: Staff, officer_id: int) -> FieldOfficer:
    officer = officers_visible_to(staff).filter(pk=officer_id).first()
    if officer is None:
        raise NotFound(_("Petugas lapangan tidak ditemukan."))
    return officer


def pick(region: Region, officer_ids: list[int]) -> list[FieldOfficer]:
    """The region's officers with these ids, in that order; 404 if any is unknown here."""
    found = {
        o.pk: o for o in active_officers(region).select_related("user").filter(pk__in=officer_ids)
    }
    if set(officer_ids) - set(found):
        raise NotFound(_("Petugas lapangan tidak ditemukan."))
    return [found[i] for i in dict.fromkeys(officer_ids)]


def set_availability(*, officer: FieldOfficer, availability: str) -> FieldOfficer:
    if availability not in Availability.values:
        raise ValidationFailed(
            _("Status ketersediaan tidak dikenal."), fields={"availability": availability}
        )
    changes: dict = {"availability": availability}
    if availability == Availability.OFF_DUTY:  # off duty, nobody needs to know where they are
        changes.update(_FORGET)
    FieldOfficer.objects.filter(pk=officer.pk).update(**changes)
    for name, value in changes.items():
        setattr(officer, name, value)
    return officer


def set_location_sharing(*, officer: FieldOfficer, enabled: bool) -> FieldOfficer:
    """Opt in or out of sharing the phone's position; opting out forgets the last one."""
    changes: dict = {"shares_location": bool(enabled)}
    if not enabled:
        changes.update(_FORGET)
    FieldOfficer.objects.filter(pk=officer.pk).update(**changes)
    for name, value in changes.items():
        setattr(officer, name, value)
    return officer


def report_location(
    *, officer: FieldOfficer, lat: float | str | None, lng: float | str | None, accuracy=None
) -> FieldOfficer:
    """Store the phone's position; only while the officer shares it and is on duty."""
    if not officer.shares_location:
        raise InvalidTransition(
            _("Aktifkan berbagi lokasi terlebih dahulu."), code="sharing_disabled"
        )
    if officer.availability == Availability.OFF_DUTY:
        raise InvalidTransition(_("Lokasi hanya dibagikan saat Anda bertugas."), code="off_duty")
    position = clean_position(lat, lng, accuracy)
    if position is None:
        raise ValidationFailed(_("Lokasi wajib diisi."), fields={"lat": ""})
    remember_position(officer, position)
    return officer


def remember_position(officer: FieldOfficer, position: tuple[float, float, float | None]) -> None:
    changes = {
        "last_lat": position[0],
        "last_lng": position[1],
        "last_accuracy_m": position[2],
        "last_located_at": clock.now(),
    }
    # Conditional on the opt-in: a position in flight when the officer opts out is dropped.
    if FieldOfficer.objects.filter(pk=officer.pk, shares_location=True).update(**changes):
        for name, value in changes.items():
            setattr(officer, name, value)


def may_manage(staff: Staff, officer: FieldOfficer) -> bool:
    return staff.has(*WHOLE_REGION_MANAGERS) or staff.has_in_agency(
        officer.agency_id, Role.AGENCY_ADMIN
    )


def set_areas(*, staff: Staff, officer: FieldOfficer, area_codes: list[str]) -> FieldOfficer:
    """The kecamatan/kelurahan an officer covers (agency admin, operator or region admin)."""
    if not may_manage(staff, officer):
        raise Forbidden(_("Anda tidak berwenang mengubah wilayah tugas petugas ini."))
    codes = sorted({c.strip() for c in area_codes if c and c.strip()})
    areas = list(Area.objects.filter(region=officer.region_id, code__in=codes))
    unknown = sorted(set(codes) - {a.code for a in areas})
    if unknown:
        raise ValidationFailed(
            _("Wilayah tidak dikenal: %(codes)s.") % {"codes": ", ".join(unknown)},
            code="unknown_area",
            fields={"areas": ", ".join(unknown)},
        )
    officer.areas.set(areas)
    return officer


@dataclass(frozen=True)
class Suggestion:
    officer: FieldOfficer
    basis: str  # "location" (recent position), "area" (covers the place) or "available"
    distance_m: float | None
    active_tasks: int


def suggest(*, complaint: Complaint, limit: int = 5) -> list[Suggestion]:
    """Available officers of the complaint's agency, best first.

    Steps: take the agency's officers who are on duty and not already on this complaint; those
    sharing a recent position come first, nearest first (haversine to the complaint); then those
    covering its kelurahan or kecamatan, least loaded first; then the other available officers.
    """
    if complaint.agency_id is None:
        return []
    now = clock.now()
    # One subquery, not exclude() across the relation: that would also drop officers who merely
    # worked on this complaint before and are busy elsewhere.
    on_it = Assignment.objects.filter(
        officer=OuterRef("pk"), complaint=complaint, state__in=ACTIVE_STATES
    )
    officers = (
        active_officers(complaint.region)
        .filter(agency_id=complaint.agency_id, availability=Availability.ON_DUTY)
        .exclude(Exists(on_it))
        .select_related("user")
        .prefetch_related("areas")
        .annotate(active=Count("assignments", filter=Q(assignments__state__in=ACTIVE_STATES)))
    )
    places = {complaint.area_id, complaint.area.parent_id if complaint.area else None} - {None}
    located, covering, others = [], [], []
    for officer in officers:
        fresh = (
            officer.shares_location
            and officer.last_located_at is not None
            and now - officer.last_located_at <= LOCATION_FRESH
            and complaint.lat is not None
            and complaint.lng is not None
        )
        if fresh:
            distance = haversine_m(officer.last_lat, officer.last_lng, complaint.lat, complaint.lng)
            located.append(Suggestion(officer, "location", distance, officer.active))
        elif places & {a.id for a in officer.areas.all()}:
            covering.append(Suggestion(officer, "area", None, officer.active))
        else:
            others.append(Suggestion(officer, "available", None, officer.active))
    located.sort(key=lambda s: (s.distance_m, s.active_tasks, s.officer.pk))
    for group in (covering, others):
        group.sort(key=lambda s: (s.active_tasks, s.officer.name, s.officer.pk))
    return (located + covering + others)[:limit]
