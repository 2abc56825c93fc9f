"""Who may watch what: the wall is for the roles that watch the whole region (operators, region
admins, leaders, auditors), a desk for its agency and the room.

The wall shows every complaint of the region; agency staff see only what is disposed to their
agency and field officers only their assignments, so they work at their desk or field pages.
Outsiders and anonymous visitors get 404 (staff_in), as everywhere; staff of the region without a
role for the wall or that desk get 403.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from laksana.agencies.models import Agency, Role
from laksana.agencies.services import Staff, staff_at
from laksana.common.errors import Forbidden, NotFound

DESK_ROLES = (Role.AGENCY_ADMIN, Role.AGENCY_STAFF)
ROOM_ROLES = (Role.OPERATOR, Role.REGION_ADMIN)


@dataclass(frozen=True)
class Desk:
    staff: Staff
    agency: Agency

    @property
    def may_acknowledge(self) -> bool:
        return self.staff.has_in_agency(self.agency.id, *DESK_ROLES)


def wall_staff(user, region_slug: str) -> Staff:
    staff = staff_at(user, region_slug)
    if not staff.sees_whole_region:
        raise Forbidden(
            _(
                "Layar ruang kendali hanya untuk peran yang memantau seluruh wilayah "
                "(operator, pimpinan, auditor, admin wilayah)."
            )
        )
    return staff


def desk_staff(user, region_slug: str, agency_code: str) -> Desk:
    staff = staff_at(user, region_slug)
    agency = Agency.objects.filter(region=staff.region, code=agency_code).first()
    if agency is None:
        raise NotFound(_("OPD '%(code)s' tidak ditemukan.") % {"code": agency_code})
    desk = Desk(staff=staff, agency=agency)
    if not (desk.may_acknowledge or staff.has(*ROOM_ROLES)):
        raise Forbidden(_("Meja OPD ini hanya untuk petugas OPD tersebut dan ruang kendali."))
    return desk
