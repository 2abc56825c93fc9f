"""The daily aggregates equal what the event table says, figure by figure.

The expected figures are recomputed here from raw events with plain look-backs (not the rollup's
replay): the agency of an event is the target of the last disposition or forward before it,
unless the agency returned it since (a stage's deadline counts for the agency that had it during
the stage); a duration pairs a start event with the first end event
after it; the verify stage's deadline is `verify_days` working days after submission.
"""

from collections import Counter, defaultdict
from datetime import timedelta

import pytest

from laksana.common import clock
from laksana.complaints.models import Complaint, Event
from laksana.regions.calendar import calendar_for
from laksana.reports import rollup
from laksana.reports.models import (
    COUNTERS,
    DURATIONS,
    STAGE_COUNTERS,
    AgencyDay,
    DailyStat,
    DimensionDay,
    RollupCursor,
)
from laksana.sla.services.policy import budgets

pytestmark = pytest.mark.django_db
E = Event.Type
SIMPLE = {
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
VERIFY_ENDS = {E.DISPOSED, E.REJECTED, E.MERGED, E.ACKNOWLEDGED}
# A field step, the step before it and the duration between them.
FIELD = {"en_route": ("assigned", "start"), "on_site": ("en_route", "travel")}
FIELD["finished"] = ("on_site", "onsite")


def _field_step(event) -> str:
    if event.type == E.ASSIGNED:
        return "assigned"
    return event.data.get("step", "") if event.type == E.FIELD else ""


def _agency_at(events: list, index: int):
    """The agency that had the complaint at events[index] (look back, independent of replay)."""
    event = events[index]
    if event.type == E.DISPOSED:
        return event.agency_id
    for earlier in reversed(events[:index]):
        if earlier.type == E.RETURNED:
            return None
        if earlier.type in (E.DISPOSED, E.FORWARDED):
            return earlier.agency_id
    return None


def _holder_before(events: list, index: int):
    """The agency that had the complaint just before events[index]."""
    for earlier in reversed(events[:index]):
        if earlier.type == E.RETURNED:
            return None
        if earlier.type in (E.DISPOSED, E.FORWARDED):
            return earlier.agency_id
    return None


def _first_after(events, start, types, stop=(E.DISPOSED, E.FORWARDED, E.RETURNED)):
    for later in events[start + 1 :]:
        if later.type in types:
            return later
        if later.type in stop:
            return None
    return None


def _expected(region) -> dict:
    tz = region.tz
    calendar = calendar_for(region)
    figures: dict = defaultdict(Counter)
    samples: dict = defaultdict(lambda: defaultdict(list))
    complaints = {c.pk: c for c in Complaint.objects.filter(region=region)}
    by_complaint = defaultdict(list)
    for event in Event.objects.filter(region=region).order_by("id"):
        by_complaint[event.complaint_id].append(event)
    for pk, events in by_complaint.items():
        c = complaints[pk]
        public = not c.is_confidential and (c.verified_at is not None or c.status == "noted")
        dims = (c.category_id, c.area_id, c.channel, c.kind, public)

        def key(event, index, events=events, dims=dims):
            return (event.created_at.astimezone(tz).date(), _agency_at(events, index), *dims)

        submitted = events[0]
        assert submitted.type == E.SUBMITTED
        verify_budget = budgets(region, c.category_id).verify_days * calendar.office_day_seconds
        verify_deadline = calendar.add(submitted.created_at, verify_budget)
        verify_open = True
        first_resolved = True
        for i, event in enumerate(events):
            k = key(event, i)
            if event.type in SIMPLE:
                figures[k][SIMPLE[event.type]] += 1
            if event.type == E.RATED:
                figures[k]["ratings"] += 1
                figures[k]["rating_sum"] += event.data["rating"]
            if event.type in VERIFY_ENDS and verify_open:
                late = event.created_at > verify_deadline
                holder = (*k[:1], _holder_before(events, i), *k[2:])
                figures[holder]["verify_over" if late else "verify_within"] += 1
                verify_open = False
            if event.type == E.RETURNED:
                verify_open = True
            if event.type in (E.DISPOSED, E.FORWARDED):
                ack = _first_after(events, i, (E.DESK_ACK, E.ACCEPTED))
                if ack is not None:
                    j = events.index(ack)
                    minutes = calendar.between(event.created_at, ack.created_at, clock="duty")
                    samples[key(ack, j)]["ack_minutes"].append(round(minutes / 60))
                    figures[key(ack, j)]["acknowledged"] += 1
                answer = _first_after(events, i, (E.RESPONDED,))
                if answer is not None:
                    j = events.index(answer)
                    minutes = calendar.between(event.created_at, answer.created_at)
                    samples[key(answer, j)]["response_minutes"].append(round(minutes / 60))
            step = _field_step(event)
            if step in FIELD:  # look back for the same task's step before this one
                before, name = FIELD[step]
                task = event.data["assignment"]
                start = next(
                    e
                    for e in events[:i]
                    if _field_step(e) == before and e.data.get("assignment") == task
                )
                minutes = calendar.between(start.created_at, event.created_at)
                samples[k][f"{name}_minutes"].append(round(minutes / 60))
            if event.type == E.RESOLVED and first_resolved:
                first_resolved = False
                minutes = calendar.between(submitted.created_at, event.created_at)
                samples[k]["resolve_minutes"].append(round(minutes / 60))
    return {"figures": figures, "samples": samples}


def _coarse(k: tuple) -> tuple:
    """A full DailyStat key as its AgencyDay key: (day, agency, published)."""
    return (k[0], k[1], k[-1])


def _kept(region) -> tuple[dict, dict]:
    figures, samples = defaultdict(Counter), defaultdict(dict)
    for row in DailyStat.objects.filter(region=region):
        k = (row.day, row.agency_id, row.category_id, row.area_id, row.channel, row.kind)
        k = (*k, row.published)
        for name in (*COUNTERS, *STAGE_COUNTERS):
            if getattr(row, name):
                figures[k][name] += getattr(row, name)
    coarse = defaultdict(Counter)
    for row in AgencyDay.objects.filter(region=region):
        k = (row.day, row.agency_id, row.published)
        for name in (*COUNTERS, *STAGE_COUNTERS):
            if getattr(row, name):
                coarse[k][name] += getattr(row, name)
        for name in DURATIONS:
            if getattr(row, name):
                samples[k][name] = list(getattr(row, name))
    # The per-agency rows are the sums of the fine ones.
    summed = defaultdict(Counter)
    for k, c in figures.items():
        summed[_coarse(k)].update(c)
    assert coarse == summed
    # The breakdowns' rows are the sums of the fine ones per dimension.
    by_value = Counter()
    for (day, agency, category, area, channel, kind, published), c in figures.items():
        for dimension, value in rollup.dimension_values(category, area, channel, kind):
            for name in ("received", "resolved"):
                by_value[(day, agency, published, dimension, value, name)] += c[name]
    kept = Counter()
    for row in DimensionDay.objects.filter(region=region):
        for name in ("received", "resolved"):
            key = (row.day, row.agency_id, row.published, row.dimension, row.value, name)
            kept[key] += getattr(row, name)
    assert +kept == +by_value and kept
    return figures, samples


def test_every_figure_of_the_rollup_equals_a_recount_from_raw_events(history):
    rollup.rebuild_since(history)
    expected = _expected(history)
    figures, samples = _kept(history)
    agency_stages = ("acknowledge_", "respond_", "resolve_")  # checked by their totals below
    stage_free = {
        k: Counter({n: v for n, v in c.items() if not n.startswith(agency_stages)})
        for k, c in figures.items()
    }
    stage_free = {k: c for k, c in stage_free.items() if c}
    want = {k: c for k, c in expected["figures"].items() if c}
    assert stage_free == want
    grouped = defaultdict(lambda: defaultdict(list))
    for k, found in expected["samples"].items():
        for name, values in found.items():
            grouped[_coarse(k)][name].extend(values)
    want_samples = {
        k: {name: sorted(values) for name, values in s.items()} for k, s in grouped.items()
    }
    assert samples == want_samples
    assert (
        sum(c["received"] for c in figures.values())
        == Complaint.objects.filter(region=history).count()
    )
    # The agency stages: every one that ended is counted once, within or over its deadline.
    totals = Counter()
    for c in figures.values():
        totals.update(c)
    assert totals["acknowledge_within"] + totals["acknowledge_over"] > 0
    assert totals["respond_within"] + totals["respond_over"] > 0
    assert totals["verify_within"] > 0
    # Field work is in the recount: the demo's tasks started, arrived and finished.
    for name in ("start_minutes", "travel_minutes", "onsite_minutes"):
        assert any(name in found for found in samples.values()), name


def test_rebuilding_is_idempotent_and_the_job_catches_up_from_its_cursor(history, operator):
    first = rollup.rebuild_since(history)
    rows = sorted(DailyStat.objects.filter(region=history).values_list("day", "received"))
    again = rollup.rebuild_since(history)
    assert again.rows == first.rows
    assert sorted(DailyStat.objects.filter(region=history).values_list("day", "received")) == rows
    cursor = RollupCursor.objects.get(region=history)
    assert cursor.last_event_id == Event.objects.filter(region=history).latest("id").id
    # Nothing new: the job does nothing; a new complaint: only its day is rebuilt.
    assert rollup.catch_up(history).days == 0
    from laksana.complaints import services
    from laksana.testing.personas import IN_TANGERANG

    services.submit(
        region=history,
        category_code="JALAN-RUSAK",
        description="Jalan berlubang dalam di depan pasar, sudah seminggu.",
        lat=IN_TANGERANG[0],
        lng=IN_TANGERANG[1],
    )
    result = rollup.catch_up(history)
    assert result.days == 1
    total = sum(DailyStat.objects.filter(region=history).values_list("received", flat=True))
    assert total == Complaint.objects.filter(region=history).count()
    assert rollup.catch_up(history).days == 0


def test_verification_that_corrects_the_category_moves_earlier_days_too(tangerang, operator):
    from laksana.complaints import services
    from laksana.testing.personas import IN_TANGERANG

    start = clock.now() - timedelta(days=3)
    with clock.at(start):
        complaint = services.submit(
            region=tangerang,
            category_code="JALAN-RUSAK",
            description="Saluran air tersumbat sampah di depan pasar, banjir tiap hujan.",
            lat=IN_TANGERANG[0],
            lng=IN_TANGERANG[1],
        ).complaint
    rollup.catch_up(tangerang)
    received = DailyStat.objects.get(region=tangerang, received=1)
    assert received.category.code == "JALAN-RUSAK" and not received.published
    services.verify(staff=operator, complaint=complaint, category_code="DRAINASE")
    rollup.catch_up(tangerang)
    received = DailyStat.objects.get(region=tangerang, received=1)
    assert received.category.code == "DRAINASE" and received.published
    assert received.day == start.astimezone(tangerang.tz).date()


def test_percentile_is_the_nearest_rank():
    assert rollup.percentile([], 0.5) is None
    assert rollup.percentile([5], 0.9) == 5
    assert rollup.percentile([1, 2, 3, 4], 0.5) == 2
    assert rollup.percentile(list(range(1, 11)), 0.9) == 9
