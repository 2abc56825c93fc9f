"""The benchmark's bulk generator writes what the lifecycle services would have written.

On PostgreSQL these run the COPY loader, on SQLite the bulk_create one (the suite runs on both).
"""

from collections import Counter

import pytest
from django.db import connection

from laksana.bench import generator
from laksana.bench.generator import generate, tracking_token
from laksana.complaints import services
from laksana.complaints.models import Complaint, Event, StatusCount
from laksana.complaints.models import Status as S
from laksana.regions.services import locate
from laksana.testing.personas import staff

pytestmark = pytest.mark.django_db
SIZE = 200


def _real_counts(region) -> dict:
    real = Counter()
    for agency_id, status in Complaint.objects.filter(region=region).values_list(
        "agency_id", "status"
    ):
        real[(agency_id or 0, status)] += 1
    return dict(real)


def _kept_counts(region) -> dict:
    return {
        (row.agency_key, row.status): row.count
        for row in StatusCount.objects.filter(region=region)
        if row.count
    }


@pytest.fixture
def generated(tangerang, media_root):
    return generate(tangerang, count=SIZE, seed=7, chunk=64)


def test_generator_uses_copy_on_postgresql_and_bulk_create_elsewhere(generated):
    expected = "copy" if connection.vendor == "postgresql" else "bulk_create"
    assert generated.method == expected
    assert generated.complaints == SIZE
    assert Complaint.objects.filter(region__slug="kota-tangerang").count() == SIZE


def test_counters_equal_a_real_count_in_every_region(generated, tangerang, contoh):
    generate(contoh, count=50, seed=7)
    for region in (tangerang, contoh):
        assert _kept_counts(region) == _real_counts(region)
    assert sum(_kept_counts(contoh).values()) == 50


def test_numbers_are_unique_follow_submission_time_and_continue_with_services(
    generated, tangerang, submit
):
    rows = list(
        Complaint.objects.filter(region=tangerang)
        .order_by("id")
        .values_list("number", "submitted_at")
    )
    numbers = [n for n, _at in rows]
    assert len(set(numbers)) == SIZE
    seqs = [int(n.rsplit("-", 1)[1]) for n in numbers]
    assert seqs == list(range(1, SIZE + 1))
    assert [at for _n, at in rows] == sorted(at for _n, at in rows)
    tangerang.refresh_from_db()
    assert tangerang.complaint_seq == SIZE
    complaint, _token = submit()
    assert complaint.number.endswith(f"-{SIZE + 1:06d}")
    assert _kept_counts(tangerang) == _real_counts(tangerang)


def test_every_timeline_follows_the_state_machine(generated, tangerang):
    events = Counter()
    for c in Complaint.objects.filter(region=tangerang).prefetch_related("events"):
        timeline = list(c.events.all())
        events[c.status] += len(timeline)
        assert timeline[0].type == Event.Type.SUBMITTED
        status = S.SUBMITTED
        for e in timeline[1:]:
            if e.to_status:
                assert e.from_status == status, (c.number, e.type)
                status = e.to_status
        assert status == c.status
        # Every entry after submission went through services.core._change, which bumps version.
        assert c.version == len(timeline)
        assert [e.created_at for e in timeline] == sorted(e.created_at for e in timeline)
    closed = Complaint.objects.filter(region=tangerang, status=S.CLOSED).count()
    assert closed > SIZE // 4
    assert 4.5 <= events[S.CLOSED] / closed <= 9


def test_one_complaint_has_a_fifty_event_timeline(generated, tangerang):
    long = Complaint.objects.get(region=tangerang, number=generated.long_timeline)
    assert long.events.count() == 50
    assert long.status == S.IN_PROGRESS


def test_generated_complaints_work_with_the_real_services(generated, tangerang, operator):
    number = (
        Complaint.objects.filter(region=tangerang)
        .order_by("-id")
        .values_list("number", flat=True)[0]
    )
    seq = int(number.rsplit("-", 1)[1])
    complaint = services.get_by_token(tracking_token("kota-tangerang", 7, seq))
    assert complaint.number == number
    target = Complaint.objects.filter(region=tangerang, status=S.IN_PROGRESS).first()
    liaison = staff("pupr-bench", tangerang, "agency_staff", target.agency.code)
    changed = services.respond(staff=liaison, complaint=target, text="Masih dikerjakan tim.")
    assert changed.version == target.version + 1
    newest = Complaint.objects.filter(region=tangerang, status=S.SUBMITTED).first()
    if newest is not None:
        services.verify(staff=operator, complaint=newest)
    assert _kept_counts(tangerang) == _real_counts(tangerang)


def test_generated_points_lie_in_the_complaints_kelurahan(generated, tangerang):
    for c in Complaint.objects.filter(region=tangerang).order_by("id")[:25]:
        assert locate(tangerang, lat=c.lat, lng=c.lng).id == c.area_id


@pytest.mark.django_db(transaction=True)
def test_a_large_load_rebuilds_the_indexes_it_dropped_and_stays_consistent(
    tangerang, media_root, monkeypatch
):
    """The large-load path (indexes dropped and rebuilt on PostgreSQL), made small."""
    monkeypatch.setattr(generator, "BULK_FROM", 100)

    def indexes() -> set:
        with connection.cursor() as cursor:
            return {
                (table, tuple(sorted(cursor_index["columns"])))
                for table in ("complaints_complaint", "complaints_event", "complaints_reporter")
                for cursor_index in connection.introspection.get_constraints(cursor, table).values()
                if cursor_index["index"]
            }

    before = indexes()
    result = generate(tangerang, count=300, seed=5, chunk=64)
    assert indexes() == before
    assert result.complaints == Complaint.objects.filter(region=tangerang).count() == 300
    assert Event.objects.filter(region=tangerang).count() == result.events
    assert _kept_counts(tangerang) == _real_counts(tangerang)
