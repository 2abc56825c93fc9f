"""The live room's JSON: the wall's data in one call, an agency desk's queue, acknowledging."""

from datetime import date

from django.utils.translation import gettext as _
from ninja import Router

from laksana.common.auth import STAFF_AUTH
from laksana.common.errors import NotFound
from laksana.complaints import services
from laksana.complaints.models import Complaint

from .access import desk_staff, wall_staff
from .desk import desk_data
from .frames import desk_card, with_cards
from .panels import wall_data

router = Router(tags=["live"], auth=STAFF_AUTH)
BASE = "/regions/{slug}/live"


@router.get(
    BASE + "/wall", url_name="live_wall", summary="The wall's data: stream cursor and every panel"
)
def wall(request, slug: str, panels: str | None = None, day: date | None = None):
    """`panels`: comma-separated names (default all); `day`: figures of a past day (replay)."""
    staff = wall_staff(request.auth, slug)
    names = [n for n in panels.split(",") if n] if panels else None
    return wall_data(staff.region, names=names, day=day)


@router.get(
    BASE + "/desk/{code}", url_name="live_desk", summary="An agency desk's queue and stream cursor"
)
def desk(request, slug: str, code: str):
    return desk_data(desk_staff(request.auth, slug, code))


@router.post(
    BASE + "/desk/{code}/{number}/acknowledge",
    summary="The liaison confirms they saw a disposition (timed for the duty report)",
)
def acknowledge(request, slug: str, code: str, number: str):
    desk = desk_staff(request.auth, slug, code)
    complaint = services.get_for_staff(desk.staff, number)
    if complaint.agency_id != desk.agency.id:
        raise NotFound(_("Laporan %(number)s tidak ada di meja ini.") % {"number": number})
    services.acknowledge_disposition(staff=desk.staff, complaint=complaint)
    return desk_card(with_cards(Complaint.objects).get(pk=complaint.pk))
