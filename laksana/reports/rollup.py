"""The rollup: the event table counted into DailyStat rows, one region and a set of days at a time.

Steps of `rebuild(region, days)`:
  1. find the complaints with an event on one of the days (the (region, created_at) index);
  2. per chunk of them, replay each whole timeline in order, keeping the state the lifecycle
     services would have had (status, disposed_at, acknowledged_at, ...), the agency that had the
     complaint at each event, and the deadline stage sla's own `plan` gives before and after it;
  3. every event that falls on one of the days adds to its group's counters: a transition to its
     counter, a stage that ended to within/over its deadline (sla's deadline in the region's
     working calendar), and the durations that ended with it, in working minutes;
  4. delete the region's rows of those days and insert the new ones (DailyStat, and AgencyDay
     summed from them with the durations), in one transaction.
So a rebuild is idempotent, and every figure can be recomputed from the events alone.

`catch_up(region)` is the periodic job: the days of the events written since the region's cursor,
plus every earlier day of a complaint whose grouping changed with one of them (verification may
correct category and place and makes it public; privacy may hide it).

Definitions (README, "Reports"):
- acknowledge: from each disposition (or forward) to the agency's first desk acknowledgment or
  acceptance after it, in duty time;
- first response: from each disposition (or forward) to the agency's first response after it,
  in office time;
- resolve: from submission to the complaint's first resolution, in office time;
- field work (the dispatch app's task events, `assigned` then `field` with its step): time to
  start from the assignment to the officer's START (on the way), travel from START to the
  check-in (on site), on site from the check-in to FINISH; each in office time, counted for the
  agency that had the complaint (the task's agency) on the day the later event happened.
"""

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import F

from laksana.common import clock
from laksana.complaints.models import Complaint, Event
from laksana.complaints.models import Status as S
from laksana.regions.calendar import calendar_for
from laksana.regions.models import Region
from laksana.sla.services import deadlines

from .models import (
    COUNTERS,
    DURATIONS,
    STAGE_COUNTERS,
    AgencyDay,
    DailyStat,
    DimensionDay,
    RollupCursor,
)

E = Event.Type
CHUNK = 2000
BREACHABLE = set(deadlines.BREACHABLE)
_TIMELINE = {E.WAITING, E.ANSWERED, E.RESPONDED, E.REOPENED}
# Events after which the complaint's grouping may differ from before (see catch_up).
REGROUPING = {E.VERIFIED, E.ACKNOWLEDGED, E.PRIVACY}
_SIMPLE = {
    E.SUBMITTED: "received",
    E.VERIFIED: "verified",
    E.REJECTED: "rejected",
    E.DISPOSED: "disposed",
    E.ACCEPTED: "accepted",
    E.RESPONDED: "responded",
    E.RESOLVED: "resolved",
    E.CLOSED: "closed",
    E.RETURNED: "returned",
    E.FORWARDED: "forwarded",
    E.REOPENED: "reopened",
}


def dimension_values(category, area, channel, kind) -> list[tuple[str, str]]:
    """A fine row's (dimension, value) pairs in DimensionDay; AREA_CATEGORY crosses the two
    (hot spots and the category x kelurahan table read it instead of the fine rows)."""
    pairs = [
        ("category", str(category)),
        ("area", "" if area is None else str(area)),
        ("channel", channel),
        ("kind", kind),
    ]
    if area is not None:
        pairs.append((AREA_CATEGORY, f"{area}:{category}"))
    return pairs


AREA_CATEGORY = "areacat"  # value "<area id>:<category id>"


def area_category(value: str) -> tuple[int, int]:
    area, category = value.split(":")
    return int(area), int(category)


@dataclass
class Group:
    counts: dict = field(default_factory=lambda: defaultdict(int))
    durations: dict = field(default_factory=lambda: defaultdict(list))


@dataclass
class RebuildResult:
    days: int = 0
    complaints: int = 0
    events: int = 0
    rows: int = 0


def local_day(at: datetime, tz) -> date:
    return at.astimezone(tz).date()


def day_bounds(first: date, last: date, tz) -> tuple[datetime, datetime]:
    """[start of `first`, start of the day after `last`) in the region's zone."""
    return (
        datetime.combine(first, time.min, tzinfo=tz),
        datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz),
    )


def _ranges(days: Iterable[date]) -> list[tuple[date, date]]:
    """Sorted days as runs of consecutive days."""
    runs: list[list[date]] = []
    for day in sorted(set(days)):
        if runs and day - runs[-1][1] == timedelta(days=1):
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return [(a, b) for a, b in runs]


def is_published(region: Region, complaint: dict) -> bool:
    """complaints.privacy.published for a row of values."""
    if complaint["is_confidential"]:
        return False
    if region.publish_before_verification:
        return True
    return complaint["verified_at"] is not None or complaint["status"] == S.NOTED


def working_minutes(calendar, start: datetime, end: datetime, *, clock_name: str) -> int:
    return round(calendar.between(start, end, clock=clock_name) / 60)


# A field step's duration: (step, the step it follows, duration name).
FIELD_STEPS = {
    "en_route": ("assigned", "start_minutes"),
    "on_site": ("en_route", "travel_minutes"),
    "finished": ("on_site", "onsite_minutes"),
}


class Replay:
    """One complaint's timeline replayed event by event (steps 2 and 3 above)."""

    def __init__(self, region: Region, complaint: dict, emit):
        self.region, self.calendar, self.emit = region, calendar_for(region), emit
        self.state = {
            "status": S.SUBMITTED,
            "submitted_at": None,
            "disposed_at": None,
            "acknowledged_at": None,
            "accepted_at": None,
            "resolved_at": None,
            "category_id": complaint["category_id"],
        }
        self.timeline: list[tuple[str, datetime]] = []
        self.agency_id: int | None = None
        self.acked = True  # the current disposition was acknowledged (or there is none)
        self.answered = True  # the current disposition had its first response
        self.resolved_once = False
        self.tasks: dict = {}  # assignment id -> {step: when}

    def plan(self, now: datetime) -> deadlines.Plan:
        if self.state["submitted_at"] is None:  # before the submitted event: no stage yet
            return deadlines.Plan("")
        return deadlines.plan(self.region, self.state, self.timeline, now)

    def step(self, kind: str, to_status: str, agency_id: int | None, data: dict, at: datetime):
        before = self.plan(at)
        counts: dict[str, int] = {}
        durations: dict[str, int] = {}
        agency = holder = self.agency_id  # the agency that had the complaint when this happened
        state = self.state
        if kind in _SIMPLE:
            counts[_SIMPLE[kind]] = 1
        if kind == E.SUBMITTED:
            state["submitted_at"] = at
        elif kind in (E.DISPOSED, E.FORWARDED):
            if kind == E.DISPOSED:
                agency = agency_id
            state["disposed_at"], state["acknowledged_at"] = at, None
            self.agency_id, self.acked, self.answered = agency_id, False, False
        elif kind == E.RETURNED:
            state["disposed_at"] = None
            self.agency_id, self.acked, self.answered = None, True, True
        elif kind in (E.DESK_ACK, E.ACCEPTED):
            if kind == E.DESK_ACK:
                state["acknowledged_at"] = at
            else:
                state["accepted_at"] = at
        elif kind == E.RESOLVED:
            state["resolved_at"] = at
        elif kind == E.REOPENED:
            state["resolved_at"] = None
        elif kind == E.RATED:
            counts["ratings"], counts["rating_sum"] = 1, int(data.get("rating") or 0)
        if kind in (E.DESK_ACK, E.ACCEPTED) and not self.acked:
            self.acked = True
            counts["acknowledged"] = 1
            durations["ack_minutes"] = working_minutes(
                self.calendar, state["disposed_at"], at, clock_name="duty"
            )
        if kind == E.RESPONDED and not self.answered and state["disposed_at"] is not None:
            self.answered = True
            durations["response_minutes"] = working_minutes(
                self.calendar, state["disposed_at"], at, clock_name="office"
            )
        if kind == E.RESOLVED and not self.resolved_once:
            self.resolved_once = True
            durations["resolve_minutes"] = working_minutes(
                self.calendar, state["submitted_at"], at, clock_name="office"
            )
        if kind in (E.ASSIGNED, E.FIELD):
            self._field(kind, data, at, durations)
        if to_status:
            state["status"] = to_status
        if kind in _TIMELINE:
            self.timeline.append((kind, at))
        after = self.plan(at)
        if counts or durations:
            self.emit(at, agency, counts, durations)
        if before.stage in BREACHABLE and (before.stage, before.start) != (
            after.stage,
            after.start,
        ):
            # A stage is the work of whoever had the complaint during it: verification is the
            # command center's even when it ends with a disposition to an agency.
            within = at <= before.deadline(self.calendar)
            self.emit(at, holder, {f"{before.stage}_{'within' if within else 'over'}": 1}, {})

    def _field(self, kind: str, data: dict, at: datetime, durations: dict) -> None:
        task = data.get("assignment")
        if task is None:
            return
        step = "assigned" if kind == E.ASSIGNED else data.get("step", "")
        steps = self.tasks.setdefault(task, {})
        steps.setdefault(step, at)
        if step in FIELD_STEPS:
            before, name = FIELD_STEPS[step]
            if before in steps:
                durations[name] = working_minutes(
                    self.calendar, steps[before], at, clock_name="office"
                )


def _complaint_ids(region: Region, days: list[date]) -> list[int]:
    tz = region.tz
    found: set[int] = set()
    for first, last in _ranges(days):
        start, end = day_bounds(first, last, tz)
        found.update(
            Event.objects.filter(region=region, created_at__gte=start, created_at__lt=end)
            .values_list("complaint_id", flat=True)
            .distinct()
        )
    return sorted(found)


def compute(region: Region, days: Iterable[date]) -> tuple[dict, RebuildResult]:
    """Steps 1–3: the groups of the given days, {(day, agency, category, area, channel, kind,
    published): Group}, from the events alone."""
    wanted = set(days)
    tz = region.tz
    groups: dict[tuple, Group] = defaultdict(Group)
    result = RebuildResult(days=len(wanted))
    ids = _complaint_ids(region, list(wanted))
    result.complaints = len(ids)
    for offset in range(0, len(ids), CHUNK):
        chunk = ids[offset : offset + CHUNK]
        complaints = {
            row["id"]: row
            for row in Complaint.objects.filter(pk__in=chunk).values(
                "id",
                "category_id",
                "area_id",
                "channel",
                "kind",
                "status",
                "verified_at",
                "is_confidential",
            )
        }
        events = (
            Event.objects.filter(complaint_id__in=chunk)
            .order_by("complaint_id", "id")
            .values_list("complaint_id", "type", "to_status", "agency_id", "data", "created_at")
            .iterator(chunk_size=5000)
        )
        replay, current = None, None
        for complaint_id, kind, to_status, agency_id, data, at in events:
            if complaint_id != current:
                current = complaint_id
                row = complaints[complaint_id]
                dims = (
                    row["category_id"],
                    row["area_id"],
                    row["channel"],
                    row["kind"],
                    is_published(region, row),
                )

                def emit(at, agency, counts, durations, dims=dims):
                    day = local_day(at, tz)
                    if day not in wanted:
                        return
                    group = groups[(day, agency, *dims)]
                    for name, value in counts.items():
                        group.counts[name] += value
                    for name, value in durations.items():
                        group.durations[name].append(value)

                replay = Replay(region, row, emit)
            result.events += 1
            replay.step(kind, to_status, agency_id, data or {}, at)
    return groups, result


def rebuild(region: Region, days: Iterable[date]) -> RebuildResult:
    """Recompute the region's rows of these days (idempotent; see the module's steps)."""
    days = sorted(set(days))
    if not days:
        return RebuildResult()
    region.__dict__.pop("_sla_budgets", None)  # read the category budgets afresh once per run
    groups, result = compute(region, days)
    rows, per_agency = [], defaultdict(Group)
    per_value: dict = defaultdict(lambda: [0, 0])
    for (day, agency, category, area, channel, kind, published), group in groups.items():
        values = {name: group.counts.get(name, 0) for name in (*COUNTERS, *STAGE_COUNTERS)}
        for dimension, value in dimension_values(category, area, channel, kind):
            target = per_value[(day, agency, published, dimension, value)]
            target[0] += values["received"]
            target[1] += values["resolved"]
        coarse = per_agency[(day, agency, published)]
        for name, n in group.counts.items():
            coarse.counts[name] += n
        for name, found in group.durations.items():
            coarse.durations[name].extend(found)
        rows.append(
            DailyStat(
                region=region,
                day=day,
                agency_id=agency,
                category_id=category,
                area_id=area,
                channel=channel,
                kind=kind,
                published=published,
                **values,
            )
        )
    agency_rows = [
        AgencyDay(
            region=region,
            day=day,
            agency_id=agency,
            published=published,
            **{name: group.counts.get(name, 0) for name in (*COUNTERS, *STAGE_COUNTERS)},
            **{name: sorted(group.durations.get(name, [])) for name in DURATIONS},
        )
        for (day, agency, published), group in per_agency.items()
    ]
    value_rows = [
        DimensionDay(
            region=region,
            day=day,
            agency_id=agency,
            published=published,
            dimension=dimension,
            value=value,
            received=received,
            resolved=resolved,
        )
        for (day, agency, published, dimension, value), (received, resolved) in per_value.items()
        if received or resolved
    ]
    with transaction.atomic():
        for first, last in _ranges(days):
            for model in (DailyStat, AgencyDay, DimensionDay):
                model.objects.filter(region=region, day__gte=first, day__lte=last).delete()
        DailyStat.objects.bulk_create(rows, batch_size=1000)
        AgencyDay.objects.bulk_create(agency_rows, batch_size=1000)
        DimensionDay.objects.bulk_create(value_rows, batch_size=1000)
        touch(region)
    result.rows = len(rows)
    return result


def rebuild_since(region: Region, since: date | None = None) -> RebuildResult:
    """Every day from `since` (default: the region's first event) to today, and the cursor."""
    tz = region.tz
    head = Event.objects.filter(region=region).order_by("-id").values_list("id", flat=True).first()
    if since is None:
        first = Event.objects.filter(region=region).order_by("created_at").first()
        if first is None:
            return RebuildResult()
        since = local_day(first.created_at, tz)
    today = local_day(clock.now(), tz)
    last = Event.objects.filter(region=region).order_by("-created_at").first()
    until = max(today, local_day(last.created_at, tz)) if last else today
    days = [since + timedelta(days=n) for n in range((until - since).days + 1)]
    result = rebuild(region, days)
    if head is not None:
        _advance(region, head)
    return result


def touch(region: Region) -> None:
    """A new version of the region's aggregates (in the rebuild's transaction)."""
    RollupCursor.objects.get_or_create(region=region)
    RollupCursor.objects.filter(pk=region.pk).update(version=F("version") + 1)


def _advance(region: Region, head: int) -> None:
    cursor, _created = RollupCursor.objects.get_or_create(region=region)
    if head > cursor.last_event_id:
        RollupCursor.objects.filter(pk=region.pk).update(last_event_id=head, updated_at=clock.now())


def catch_up(region: Region, *, limit: int = 200_000) -> RebuildResult:
    """The periodic job: rebuild the days touched by events since the cursor (see above)."""
    tz = region.tz
    cursor = RollupCursor.objects.filter(region=region).first()
    after = cursor.last_event_id if cursor else 0
    new = list(
        Event.objects.filter(region=region, id__gt=after)
        .order_by("id")
        .values_list("id", "complaint_id", "type", "created_at")[:limit]
    )
    if not new:
        return RebuildResult()
    days = {local_day(at, tz) for _id, _c, _t, at in new}
    regrouped = {c for _id, c, kind, _at in new if kind in REGROUPING}
    for offset in range(0, len(regrouped), CHUNK):
        chunk = sorted(regrouped)[offset : offset + CHUNK]
        days.update(
            local_day(at, tz)
            for at in Event.objects.filter(complaint_id__in=chunk).values_list(
                "created_at", flat=True
            )
        )
    result = rebuild(region, days)
    _advance(region, new[-1][0])
    return result


def catch_up_all() -> dict:
    totals = RebuildResult()
    for region in Region.objects.defer("boundary"):
        one = catch_up(region)
        totals.days += one.days
        totals.events += one.events
        totals.rows += one.rows
        totals.complaints += one.complaints
    return totals.__dict__


# ---------------------------------------------------------------------------------------------
# Percentiles of merged samples


def percentile(values: list[int], share: float) -> int | None:
    """Nearest-rank percentile of sorted values (median: share 0.5; the lower middle if even)."""
    if not values:
        return None
    rank = max(1, math.ceil(share * len(values)))
    return values[rank - 1]
