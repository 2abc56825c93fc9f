"""Roster pages: who is on duty now, clocking in and out, planning shifts, history, the report."""

from datetime import date, datetime, time, timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from laksana.agencies.models import Membership
from laksana.agencies.services import Staff
from laksana.common import clock
from laksana.common.errors import DomainError, Forbidden, ValidationFailed

from . import roster
from .pages import attempt, staff_page
from .report import duty_report


def _roster_url(staff: Staff) -> str:
    return reverse("dispatch:roster", kwargs={"region_slug": staff.region.slug})


def _today(staff: Staff) -> date:
    return clock.now().astimezone(staff.region.tz).date()


def _people(staff: Staff, plannable: list) -> list[tuple[int, str]]:
    """Whom a planner may put on their desks: everyone holding a role at one of them."""
    agencies = {d.agency_id for d in plannable if d.agency_id}
    memberships = Membership.objects.filter(region=staff.region).select_related("user", "agency")
    if not staff.has(*roster.PLANNERS):
        memberships = memberships.filter(agency_id__in=agencies)
    people: dict[int, str] = {}
    for m in memberships.order_by("user__first_name", "user__username"):
        label = m.user.get_full_name() or m.user.get_username()
        people.setdefault(
            m.user_id, f"{label} ({m.agency.short_name if m.agency else m.get_role_display()})"
        )
    return sorted(people.items(), key=lambda p: p[1])


def _roster_context(staff: Staff) -> dict:
    region = staff.region
    today = _today(staff)
    start, end = roster.day_window(region, today, today + timedelta(days=6))
    all_desks = list(roster.desks(region))
    plannable = [d for d in all_desks if roster.may_plan(staff, d)]
    day_start, day_end = roster.day_window(region, today, today)
    now = clock.now()
    return {
        "region": region,
        "now": roster.on_duty_now(region),
        "period": roster.current_period(staff),
        "my_desks": [d for d in all_desks if roster.may_sit(staff, d)],
        "shifts": [
            (s, roster.may_plan(staff, s.desk) and s.starts_at > now)
            for s in roster.shifts_between(region, start, end)
        ],
        "plannable": plannable,
        "people": _people(staff, plannable) if plannable else [],
        **_gaps(plannable, day_start, day_end),
        "today": today,
        "can_setup": staff.has(*roster.PLANNERS) and not all_desks,
        "sees_report": staff.sees_whole_region,
    }


def _gaps(plannable: list, start: datetime, end: datetime) -> dict:
    """Today's holes per desk; desks nobody is planned at all day are listed apart, briefly."""
    gaps, unplanned = [], []
    for desk in plannable:
        holes = roster.coverage_gaps(desk=desk, start=start, end=end)
        if holes == [(start, end)]:
            unplanned.append(desk)
        elif holes:
            gaps.append((desk, holes))
    return {"gaps": gaps, "unplanned": unplanned, "day_end": end}


@staff_page
def roster_page(request: HttpRequest, staff: Staff) -> HttpResponse:
    return render(request, "dispatch/roster.html", _roster_context(staff))


def _run(request: HttpRequest, staff: Staff, action, done: str) -> HttpResponse:
    return attempt(
        request,
        action,
        done=done,
        then=_roster_url(staff),
        template="dispatch/roster.html",
        context=lambda: _roster_context(staff),
    )


@staff_page
@require_POST
def clock_in(request: HttpRequest, staff: Staff) -> HttpResponse:
    return _run(
        request,
        staff,
        lambda: roster.clock_in(staff=staff, desk=roster.get_desk(staff, request.POST.get("desk"))),
        _("Anda masuk piket."),
    )


@staff_page
@require_POST
def clock_out(request: HttpRequest, staff: Staff) -> HttpResponse:
    return _run(request, staff, lambda: roster.clock_out(staff=staff), _("Anda keluar piket."))


def _moment(staff: Staff, day: str, at: str, field: str) -> datetime:
    try:
        return datetime.combine(
            date.fromisoformat(day), time.fromisoformat(at), tzinfo=staff.region.tz
        )
    except ValueError:
        raise ValidationFailed(_("Tanggal atau jam tidak valid."), fields={field: ""}) from None


@staff_page
@require_POST
def plan(request: HttpRequest, staff: Staff) -> HttpResponse:
    post = request.POST

    def create():
        starts = _moment(staff, post.get("day", ""), post.get("start", ""), "start")
        ends = _moment(staff, post.get("day", ""), post.get("end", ""), "end")
        if ends <= starts:  # a night shift ends the next day
            ends += timedelta(days=1)
        user = post.get("user", "")
        return roster.plan_shift(
            staff=staff,
            desk=roster.get_desk(staff, post.get("desk", "")),
            user_id=int(user) if user.isdigit() else 0,
            starts_at=starts,
            ends_at=ends,
        )

    return _run(request, staff, create, _("Giliran ditambahkan."))


@staff_page
@require_POST
def cancel(request: HttpRequest, staff: Staff, shift_id: int) -> HttpResponse:
    shift = roster.get_shift(staff, shift_id)
    return _run(
        request, staff, lambda: roster.cancel_shift(staff=staff, shift=shift), _("Giliran dihapus.")
    )


@staff_page
@require_POST
def setup(request: HttpRequest, staff: Staff) -> HttpResponse:
    def create():
        if not staff.has(*roster.PLANNERS):
            raise Forbidden(_("Hanya operator atau admin wilayah."))
        return roster.ensure_desks(staff.region)

    return _run(request, staff, create, _("Meja piket disiapkan."))


def _days(request: HttpRequest, staff: Staff, back: int) -> tuple[date, date]:
    """The date filter of a list page (default: the last `back` days up to today)."""
    today = _today(staff)
    try:
        first = date.fromisoformat(request.GET.get("date_from") or "")
    except ValueError:
        first = today - timedelta(days=back)
    try:
        last = date.fromisoformat(request.GET.get("date_to") or "")
    except ValueError:
        last = today
    return first, last


def _window_or_error(staff: Staff, request: HttpRequest, back: int):
    first, last = _days(request, staff, back)
    try:
        start, end = roster.day_window(staff.region, first, last)
        return first, last, start, end, ""
    except DomainError as exc:
        today = _today(staff)
        start, end = roster.day_window(staff.region, today, today)
        return today, today, start, end, str(exc.detail)


@staff_page
def history_page(request: HttpRequest, staff: Staff) -> HttpResponse:
    first, last, start, end, error = _window_or_error(staff, request, 6)
    periods = roster.history(staff=staff, start=start, end=end)[:500]
    return render(
        request,
        "dispatch/history.html",
        {
            "region": staff.region,
            "periods": periods,
            "date_from": first,
            "date_to": last,
            "error": error,
        },
        status=422 if error else 200,
    )


@staff_page
def report_page(request: HttpRequest, staff: Staff) -> HttpResponse:
    first, last, start, end, error = _window_or_error(staff, request, 6)
    return render(
        request,
        "dispatch/report.html",
        {
            "region": staff.region,
            "report": duty_report(staff=staff, start=start, end=end),
            "date_from": first,
            "date_to": last,
            "error": error,
        },
        status=422 if error else 200,
    )
