"""The live counters are exact: they equal a real count of the event table after any sequence."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from laksana.complaints import services
from laksana.complaints.models import Complaint, Event
from laksana.complaints.tests.images import jpeg_bytes
from laksana.live.models import Tally
from laksana.live.panels import wall_data
from laksana.live.services import BUCKETS, median_minutes, rebuild_tallies
from laksana.testing.personas import staff

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")
MORNING = datetime(2026, 3, 4, 8, 0, tzinfo=WIB)  # a Wednesday


def _real_counts(region) -> dict:
    """Events per (local day, agency, type), counted from the event table itself."""
    counts: dict = {}
    for at, agency_id, type in Event.objects.filter(region=region).values_list(
        "created_at", "agency_id", "type"
    ):
        key = (at.astimezone(WIB).date(), agency_id or 0, type)
        counts[key] = counts.get(key, 0) + 1
    return counts


def _kept_counts(region, names) -> dict:
    rows = Tally.objects.filter(region=region, name__in=names)
    return {(t.day, t.agency_key, t.name): t.value for t in rows if t.value}


@pytest.fixture
def dlh(tangerang):
    return staff("dlh-tng", tangerang, "agency_staff", "DLH")


def test_counters_equal_a_real_count_after_a_sequence_of_transitions(
    tangerang, submit, operator, pupr, dlh, media_root
):
    at = MORNING
    with time_machine.travel(at, tick=False) as clock:

        def later(minutes):
            nonlocal at
            at += timedelta(minutes=minutes)
            clock.move_to(at)

        with pytest.raises(RuntimeError), transaction.atomic():
            submit()
            raise RuntimeError("rolled back: counts nothing")
        a, b, c, d = (submit()[0] for _ in range(4))
        for complaint in (a, b, c, d):
            services.verify(staff=operator, complaint=complaint)
        services.reject(staff=operator, complaint=d, reason="Bukan wilayah kota.")
        later(10)
        for complaint in (a, b, c):
            services.dispose(staff=operator, complaint=complaint)
        later(5)
        services.acknowledge_disposition(staff=pupr, complaint=a)  # 5 minutes: on time
        later(7)
        services.acknowledge_disposition(staff=pupr, complaint=b)  # 12 minutes: on time
        later(28)
        services.acknowledge_disposition(staff=pupr, complaint=c)  # 40 minutes: late
        services.forward(staff=pupr, complaint=c, agency_code="DLH", reason="Saluran, bukan jalan.")
        services.return_to_operator(staff=dlh, complaint=c, reason="Bukan wewenang DLH.")
        services.accept(staff=pupr, complaint=a)
        services.add_photo(
            complaint=a,
            actor=pupr,
            purpose="evidence",
            upload=SimpleUploadedFile("a.jpg", jpeg_bytes()),
        )
        later(24 * 60 + 20)  # the next day
        services.resolve(staff=pupr, complaint=Complaint.objects.get(pk=a.pk), response="Beres.")
        services.rate(complaint=Complaint.objects.get(pk=a.pk), rating=4)
        data = wall_data(tangerang)

    real = _real_counts(tangerang)
    assert _kept_counts(tangerang, {type for (_d, _a, type) in real}) == real
    pupr_id = pupr.agency_ids.pop()
    kept = {(t.day, t.agency_key, t.name): t.value for t in Tally.objects.filter(region=tangerang)}
    wednesday, thursday = MORNING.date(), MORNING.date() + timedelta(days=1)
    assert kept[(wednesday, pupr_id, "ack_on_time")] == 2
    assert (thursday, pupr_id, "rating_sum") in kept and kept[
        (thursday, pupr_id, "rating_count")
    ] == 1

    # The agency board of Thursday: this week's acknowledgments and medians for PUPR.
    board = {row["code"]: row for row in data["panels"]["board"]["agencies"]}
    week = board["PUPR"]["week"]
    assert week["acknowledged"] == 3 and week["ack_on_time_pct"] == 67
    assert 10 < week["median_ack_min"] <= 15  # the true median, 12 minutes, is in that bucket
    # a was resolved 1500 minutes after its disposition: in the bucket (1440, 2160].
    assert 1440 < week["median_resolve_min"] <= 2160
    assert week["satisfaction"] == 4.0
    # Recounting from the event table (for data older than the live app) gives the same counters.
    assert rebuild_tallies(tangerang) == Event.objects.filter(region=tangerang).count()
    assert {
        (t.day, t.agency_key, t.name): t.value for t in Tally.objects.filter(region=tangerang)
    } == kept
    numbers = data["panels"]["numbers"]
    assert numbers["resolved"] == 1 and numbers["received"] == 0  # Thursday's figures
    assert (
        data["open"]
        == Complaint.objects.filter(
            region=tangerang,
            status__in=["submitted", "verified", "dispatched", "in_progress", "waiting"],
        ).count()
    )


def test_the_median_of_a_histogram_is_interpolated_within_its_bucket():
    assert median_minutes([0] * len(BUCKETS)) is None
    one_each = [0] * len(BUCKETS)
    one_each[BUCKETS.index(5)] = 1  # 3 < x <= 5
    one_each[BUCKETS.index(15)] = 1  # 10 < x <= 15
    one_each[BUCKETS.index(45)] = 1  # 30 < x <= 45
    assert 10 < median_minutes(one_each) <= 15
