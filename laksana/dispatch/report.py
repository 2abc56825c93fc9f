"""How many are on duty and how fast they act: the command center leaders' duty report.

What is measured (all from the append-only timeline, so the figures can be recomputed any time):
- acknowledgment time: an agency liaison's `desk_ack` minus the disposition it confirms (the latest
  `disposed`/`forwarded` before it) — the same as Complaint.acknowledged_at − disposed_at;
- handling time: for each decision a person makes on a complaint (operators: verify, reject, merge,
  record an aspiration, dispose; agencies: accept, return, forward), the time since the complaint's
  previous status change, i.e. since it landed in their court;
- field times per officer: assigned → START, START → check-in (travel), check-in → FINISH.
Each measurement belongs to the person who acted and to the duty period they were clocked in for
at that moment (none: "outside duty").
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from laksana.agencies.services import Staff
from laksana.common import clock
from laksana.common.errors import Forbidden
from laksana.complaints.models import Event

from .models import Assignment, DutyPeriod
from .roster import OnDuty, on_duty_now

DECISIONS = (
    "verified",
    "rejected",
    "merged",
    "acknowledged",
    "disposed",
    "accepted",
    "returned",
    "forwarded",
)
ACK = "desk_ack"


@dataclass
class Stat:
    """Count, median and mean of durations in seconds."""

    seconds: list[float] = field(default_factory=list)

    def add(self, value: float | None) -> None:
        if value is not None and value >= 0:
            self.seconds.append(value)

    @property
    def count(self) -> int:
        return len(self.seconds)

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None

    @property
    def mean(self) -> float | None:
        return statistics.fmean(self.seconds) if self.seconds else None

    def as_dict(self) -> dict:
        median, mean = self.median, self.mean
        return {
            "count": self.count,
            "median_seconds": round(median) if median is not None else None,
            "mean_seconds": round(mean) if mean is not None else None,
        }


@dataclass
class ShiftRow:
    period: DutyPeriod
    ack: Stat = field(default_factory=Stat)
    handling: Stat = field(default_factory=Stat)


@dataclass
class PersonRow:
    user_id: int
    name: str
    periods: int = 0
    seconds_on_duty: float = 0
    ack: Stat = field(default_factory=Stat)
    handling: Stat = field(default_factory=Stat)
    outside_duty: int = 0


@dataclass
class FieldRow:
    officer_id: int
    name: str
    assigned: int = 0
    finished: int = 0
    unable: int = 0
    to_start: Stat = field(default_factory=Stat)
    travel: Stat = field(default_factory=Stat)
    on_site: Stat = field(default_factory=Stat)


@dataclass
class DutyReport:
    start: datetime
    end: datetime
    now: OnDuty
    shifts: list[ShiftRow]
    people: list[PersonRow]
    field_work: list[FieldRow]
    ack: Stat
    handling: Stat

    @property
    def operators_on_duty(self) -> int:
        return self.now.counts.get("operators", 0)


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def _seconds(delta: timedelta | None) -> float | None:
    return delta.total_seconds() if delta is not None else None


def _measurements(region_id: int, start: datetime, end: datetime):
    """(actor_id, at, kind, seconds) for each acknowledgment and decision in the window."""
    earlier = Event.objects.filter(complaint_id=OuterRef("complaint_id"), id__lt=OuterRef("id"))
    last_change = earlier.filter(Q(to_status__gt="") | Q(type="forwarded")).order_by("-id")
    last_disposition = earlier.filter(type__in=("disposed", "forwarded")).order_by("-id")
    rows = (
        Event.objects.filter(
            region_id=region_id,
            created_at__gte=start,
            created_at__lt=end,
            type__in=(*DECISIONS, ACK),
            actor__isnull=False,
        )
        .annotate(
            since_change=Subquery(last_change.values("created_at")[:1]),
            since_disposition=Subquery(last_disposition.values("created_at")[:1]),
        )
        .values_list("actor_id", "created_at", "type", "since_change", "since_disposition")
        .order_by("id")
    )
    for actor_id, at, type_, since_change, since_disposition in rows:
        before = since_disposition if type_ == ACK else since_change
        if before is not None:
            yield actor_id, at, "ack" if type_ == ACK else "handling", (at - before).total_seconds()


def duty_report(*, staff: Staff, start: datetime, end: datetime) -> DutyReport:
    """The report for [start, end): who is on duty now, each duty period and each person's
    acknowledgment and handling times, and the field officers' times."""
    if not staff.sees_whole_region:
        raise Forbidden(_("Laporan piket hanya untuk ruang kendali dan pimpinan."))
    region = staff.region
    now = clock.now()
    periods = list(
        DutyPeriod.objects.filter(region=region, clocked_in_at__lt=end)
        .filter(Q(clocked_out_at__isnull=True) | Q(clocked_out_at__gt=start))
        .select_related("desk", "user")
        .order_by("clocked_in_at", "id")
    )
    shifts = [ShiftRow(p) for p in periods]
    by_user: dict[int, list[ShiftRow]] = defaultdict(list)
    people: dict[int, PersonRow] = {}
    for row in shifts:
        p = row.period
        by_user[p.user_id].append(row)
        person = people.setdefault(p.user_id, PersonRow(p.user_id, _name(p.user)))
        person.periods += 1
        stop = min(p.clocked_out_at or now, end)
        person.seconds_on_duty += max(0.0, (stop - max(p.clocked_in_at, start)).total_seconds())
    total_ack, total_handling = Stat(), Stat()
    unknown: set[int] = set()
    for actor_id, at, kind, seconds in _measurements(region.id, start, end):
        (total_ack if kind == "ack" else total_handling).add(seconds)
        row = next(
            (
                r
                for r in by_user.get(actor_id, ())
                if r.period.clocked_in_at <= at < (r.period.clocked_out_at or now)
            ),
            None,
        )
        if actor_id not in people:
            people[actor_id] = PersonRow(actor_id, "")
            unknown.add(actor_id)
        person = people[actor_id]
        getattr(person, kind).add(seconds)
        if row is None:
            person.outside_duty += 1
        else:
            getattr(row, kind).add(seconds)
    if unknown:
        for user in get_user_model().objects.filter(pk__in=unknown):
            people[user.pk].name = _name(user)
    return DutyReport(
        start=start,
        end=end,
        now=on_duty_now(region),
        shifts=shifts,
        people=sorted(people.values(), key=lambda p: (-p.periods, p.name)),
        field_work=_field_rows(region.id, start, end),
        ack=total_ack,
        handling=total_handling,
    )


def _field_rows(region_id: int, start: datetime, end: datetime) -> list[FieldRow]:
    rows: dict[int, FieldRow] = {}
    tasks = Assignment.objects.filter(
        region_id=region_id, assigned_at__gte=start, assigned_at__lt=end
    ).select_related("officer__user")
    for task in tasks:
        row = rows.setdefault(task.officer_id, FieldRow(task.officer_id, task.officer.name))
        row.assigned += 1
        row.finished += task.state == "finished"
        row.unable += task.state == "unable"
        row.to_start.add(_seconds(task.time_to_start))
        row.travel.add(_seconds(task.travel_time))
        row.on_site.add(_seconds(task.time_on_site))
    return sorted(rows.values(), key=lambda r: r.name)
