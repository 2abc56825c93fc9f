"""The duty roster over JSON: desks, shifts, gaps, clocking in and out, who is on duty, history
and the duty report. Region from the path; outsiders get 404."""

from datetime import datetime, timedelta

from django.utils.translation import gettext as _
from ninja import Query, Router

from laksana.agencies.services import staff_at
from laksana.common import clock
from laksana.common.auth import STAFF_AUTH
from laksana.common.errors import Forbidden
from laksana.common.timefmt import local_iso
from laksana.regions.models import Region

from . import roster
from .present import desk_view, on_duty_view, period_view, report_view, shift_view
from .report import duty_report
from .schemas import (
    ClockInIn,
    DaysQuery,
    DeskOut,
    GapOut,
    OnDutyOut,
    PeriodOut,
    ReportOut,
    ShiftIn,
    ShiftOut,
)

router = Router(tags=["duty roster"], auth=STAFF_AUTH)
BASE = "/regions/{slug}/roster"


def window(region: Region, days: DaysQuery, *, back: int = 0, ahead: int = 0):
    """The days asked for (region's time zone): by default today plus `back`/`ahead` days; a
    window of the same length when only one end is given."""
    span = timedelta(days=back + ahead)
    first, last = days.date_from, days.date_to
    if first is None and last is None:
        today = clock.now().astimezone(region.tz).date()
        first, last = today - timedelta(days=back), today + timedelta(days=ahead)
    return roster.day_window(region, first or last - span, last or first + span)


def _aware(moment: datetime, region: Region) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=region.tz)


@router.get(BASE + "/desks", response=list[DeskOut], summary="Desks and squads of the region")
def desk_list(request, slug: str):
    staff = staff_at(request.auth, slug)
    return [desk_view(d) for d in roster.desks(staff.region)]


@router.post(
    BASE + "/desks/standard",
    response=list[DeskOut],
    summary="Create the standard desks: operators, one per agency, squads (operator, admin)",
)
def standard_desks(request, slug: str):
    staff = staff_at(request.auth, slug)
    if not staff.has(*roster.PLANNERS):
        raise Forbidden(_("Hanya operator atau admin wilayah yang dapat menyiapkan meja piket."))
    return [desk_view(d) for d in roster.ensure_desks(staff.region)]


@router.get(BASE + "/shifts", response=list[ShiftOut], summary="Planned shifts (default: 7 days)")
def shift_list(request, slug: str, days: Query[DaysQuery], desk: int | None = None):
    staff = staff_at(request.auth, slug)
    start, end = window(staff.region, days, ahead=6)
    qs = roster.shifts_between(staff.region, start, end)
    if desk:
        qs = qs.filter(desk_id=desk)
    return [shift_view(s, staff.region) for s in qs]


@router.post(BASE + "/shifts", response={201: ShiftOut}, summary="Plan a shift")
def plan(request, slug: str, payload: ShiftIn):
    staff = staff_at(request.auth, slug)
    shift = roster.plan_shift(
        staff=staff,
        desk=roster.get_desk(staff, payload.desk),
        user_id=payload.user,
        starts_at=_aware(payload.starts_at, staff.region),
        ends_at=_aware(payload.ends_at, staff.region),
    )
    return 201, shift_view(shift, staff.region)


@router.delete(BASE + "/shifts/{shift_id}", response={204: None}, summary="Remove a future shift")
def cancel(request, slug: str, shift_id: int):
    staff = staff_at(request.auth, slug)
    roster.cancel_shift(staff=staff, shift=roster.get_shift(staff, shift_id))
    return 204, None


@router.get(
    BASE + "/desks/{desk_id}/gaps",
    response=list[GapOut],
    summary="When nobody is planned at a desk (default: today)",
)
def gaps(request, slug: str, desk_id: int, days: Query[DaysQuery]):
    staff = staff_at(request.auth, slug)
    start, end = window(staff.region, days)
    return [
        {"starts_at": local_iso(a, staff.region), "ends_at": local_iso(b, staff.region)}
        for a, b in roster.coverage_gaps(desk=roster.get_desk(staff, desk_id), start=start, end=end)
    ]


@router.get(BASE + "/on-duty", response=OnDutyOut, summary="Who is on duty now")
def on_duty(request, slug: str):
    staff = staff_at(request.auth, slug)
    return on_duty_view(roster.on_duty_now(staff.region), staff.region)


@router.get(BASE + "/me", response=PeriodOut | None, summary="My open duty period, if any")
def my_period(request, slug: str):
    staff = staff_at(request.auth, slug)
    period = roster.current_period(staff)
    return period_view(period, staff.region) if period else None


@router.post(BASE + "/clock-in", response={201: PeriodOut}, summary="Clock in at a desk")
def clock_in(request, slug: str, payload: ClockInIn):
    staff = staff_at(request.auth, slug)
    period = roster.clock_in(staff=staff, desk=roster.get_desk(staff, payload.desk))
    return 201, period_view(period, staff.region)


@router.post(BASE + "/clock-out", response=PeriodOut, summary="Clock out")
def clock_out(request, slug: str):
    staff = staff_at(request.auth, slug)
    return period_view(roster.clock_out(staff=staff), staff.region)


@router.get(
    BASE + "/history",
    response=list[PeriodOut],
    summary="Duty history (default: the last 7 days)",
)
def history(
    request, slug: str, days: Query[DaysQuery], user: int | None = None, desk: int | None = None
):
    staff = staff_at(request.auth, slug)
    start, end = window(staff.region, days, back=6)
    qs = roster.history(staff=staff, start=start, end=end, user_id=user, desk_id=desk)
    return [period_view(p, staff.region) for p in qs[:500]]


@router.get(
    BASE + "/report",
    response=ReportOut,
    summary="On duty now; acknowledgment and handling times per shift and person (leaders)",
)
def report(request, slug: str, days: Query[DaysQuery]):
    staff = staff_at(request.auth, slug)
    start, end = window(staff.region, days, back=6)
    return report_view(duty_report(staff=staff, start=start, end=end), staff.region)
