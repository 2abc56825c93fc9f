"""A figure's drill-down lists exactly the complaints behind it.

On a generated history with a demo history on top (dispositions, returns, forwards, reopens over
60 days), every count of the agency performance page for the last 30 days is compared with the
console list its link opens: the list holds the complaints with that event on one of the days,
by the agency the figure gives it to, and the figure is the number of those events. The
expected sets are recounted from raw events with the look-back of test_rollup, not the filter.
"""

from collections import defaultdict
from urllib.parse import parse_qs, urlsplit

import pytest
from django.http import QueryDict
from django.test import Client

from laksana.common import clock
from laksana.complaints.models import Event
from laksana.console import search
from laksana.reports import drill, rollup, services
from laksana.reports.periods import Period
from laksana.testing.personas import staff

from .test_rollup import _agency_at

pytestmark = pytest.mark.django_db
E = Event.Type
MEASURES = {
    "disposed": E.DISPOSED,
    "accepted": E.ACCEPTED,
    "resolved": E.RESOLVED,
    "returned": E.RETURNED,
    "reopened": E.REOPENED,
}


def _expected(region, period: Period) -> tuple[dict, dict]:
    """{(agency_id, type): events counted} and {(agency_id, type): complaint ids}, from raw
    events: an event counts on its local day for the agency that had the complaint then."""
    counts, ids = defaultdict(int), defaultdict(set)
    timelines = defaultdict(list)
    for event in Event.objects.filter(region=region).order_by("complaint_id", "created_at", "id"):
        timelines[event.complaint_id].append(event)
    wanted = set(MEASURES.values()) | {E.SUBMITTED}
    for events in timelines.values():
        for i, event in enumerate(events):
            day = event.created_at.astimezone(region.tz).date()
            if event.type not in wanted or not period.first <= day <= period.last:
                continue
            agency = _agency_at(events, i)
            if event.type == E.RETURNED:  # the agency that returned it
                agency = event.agency_id
            counts[(agency, event.type)] += 1
            ids[(agency, event.type)].add(event.complaint_id)
    return counts, ids


def _listed(viewer, href: str) -> set[int]:
    query = QueryDict(urlsplit(href).query)
    listed = search.filtered(viewer, search.Filters.from_query(query))
    return set(listed.values_list("id", flat=True))


def test_every_count_drills_down_to_the_complaints_behind_it(history):
    region = history
    rollup.rebuild_since(region)
    viewer = staff("pimpinan-drill", region, "viewer")
    today = clock.now().astimezone(region.tz).date()
    period = Period.last_days(today, 30)
    counts, ids = _expected(region, period)
    rows = services.agency_performance(services.Scope(region), period)
    checked = 0
    for row in rows:
        if not row.code:
            continue
        for measure, kind in MEASURES.items():
            key = (row.agency.id, kind)
            assert row.figures[measure] == counts.get(key, 0), (row.code, measure)
            if not counts.get(key):
                continue
            href = drill.drill(region, period, measure, agency=row.code)
            query = parse_qs(urlsplit(href).query)
            assert query["event"] == [kind] and query["from"] == [period.first.isoformat()]
            assert _listed(viewer, href) == ids[key], (row.code, measure)
            checked += 1
    assert checked >= 10  # the history has every kind of transition for several agencies
    # "Received" of the whole region: the complaints submitted on the period's days.
    total = sum(r.figures["received"] for r in rows)
    received = {i for (_a, kind), found in ids.items() if kind == E.SUBMITTED for i in found}
    assert total == sum(n for (_a, kind), n in counts.items() if kind == E.SUBMITTED)
    assert _listed(viewer, drill.drill(region, period, "received")) == received


def test_the_list_names_the_event_its_dates_apply_to_and_refuses_an_unknown_one(history):
    viewer = staff("pimpinan-drill", history, "viewer")
    client = Client()
    client.force_login(viewer.user)
    base = f"/{history.slug}/console/laporan/"
    page = client.get(f"{base}?event=resolved&from=2026-01-01").content.decode()
    assert '<option value="resolved" selected>' in page
    bad = client.get(f"{base}?event=deleted")
    assert bad.status_code == 422
    assert "Jenis peristiwa tidak dikenal" in bad.content.decode()
