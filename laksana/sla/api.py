"""Deadline figures for staff: overdue complaints per agency, and one complaint's time left.

Every route resolves the region from the path and the caller's roles in it (staff_in: 404 for
people of other regions); anonymous callers get 401.
"""

from ninja import Router, Schema

from laksana.agencies.services import staff_at
from laksana.common import clock
from laksana.common.auth import STAFF_AUTH
from laksana.common.timefmt import local_iso
from laksana.complaints.services import get_for_staff

from .services import overdue_by_agency, overdue_counts, time_left

router = Router(tags=["sla"], auth=STAFF_AUTH)


class AgencyOverdue(Schema):
    agency: str
    name: str
    overdue: int


class OverdueOut(Schema):
    region: str
    as_of: str
    command_center: int  # still being verified or disposed: late at the command center
    agencies: list[AgencyOverdue]


class TimeLeftOut(Schema):
    number: str
    stage: str
    stage_label: str
    deadline: str | None
    seconds_left: int
    overdue: bool
    paused: bool
    label: str


@router.get(
    "/regions/{slug}/sla/overdue",
    response=OverdueOut,
    summary="Complaints past their deadline, per agency",
)
def overdue(request, slug: str):
    staff = staff_at(request.auth, slug)
    now = clock.now()
    return {
        "region": staff.region.slug,
        "as_of": local_iso(now, staff.region),
        "command_center": overdue_counts(staff.region, now=now).get(None, 0),
        "agencies": overdue_by_agency(staff.region, now=now),
    }


@router.get(
    "/regions/{slug}/sla/complaints/{number}",
    response={200: TimeLeftOut, 204: None},
    summary="A complaint's current deadline and working time left (204: none applies)",
)
def complaint_time_left(request, slug: str, number: str):
    staff = staff_at(request.auth, slug)
    complaint = get_for_staff(staff, number)
    left = time_left(complaint)
    if left is None:
        return 204, None
    return {
        "number": complaint.number,
        "stage": left.stage,
        "stage_label": left.stage_label,
        "deadline": local_iso(left.deadline, complaint.region),
        "seconds_left": int(left.seconds),
        "overdue": left.overdue,
        "paused": left.paused,
        "label": left.label,
    }
