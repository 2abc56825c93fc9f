"""The read paths the benchmark measures keep their shape: a fixed number of queries per page,
and keyset pages that together list every complaint once, in order."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from laksana.bench.generator import generate
from laksana.complaints import queries
from laksana.complaints.models import Complaint, StatusCount
from laksana.complaints.present import staff_row
from laksana.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated(tangerang, media_root):
    return generate(tangerang, count=120, seed=11, chunk=50)


def _walk(staff, **filters) -> list[str]:
    numbers, cursor = [], None
    for _page in range(100):
        rows, cursor = queries.staff_list(staff, cursor=cursor, limit=7, **filters)
        numbers += [c.number for c in rows]
        if cursor is None:
            return numbers
    raise AssertionError("pagination did not end")


def test_walking_the_pages_lists_every_complaint_once_in_order(generated, operator, tangerang):
    everything = Complaint.objects.filter(region=tangerang)
    newest = list(everything.order_by("-submitted_at", "-id").values_list("number", flat=True))
    assert _walk(operator) == newest
    assert _walk(operator, oldest_first=True) == newest[::-1]
    closed = list(
        everything.filter(status="closed")
        .order_by("-submitted_at", "-id")
        .values_list("number", flat=True)
    )
    assert closed and _walk(operator, status="closed") == closed


def test_a_list_page_costs_the_same_queries_for_one_row_as_for_fifty(generated, operator):
    def count(limit: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            rows, _cursor = queries.staff_list(operator, limit=limit)
            [staff_row(c) for c in rows]
        return len(captured)

    assert count(1) == count(50)


@pytest.mark.django_db(transaction=True)
def test_submissions_outside_a_transaction_get_consecutive_numbers_and_counts(submit, tangerang):
    """The intake takes its number in a statement of its own (PostgreSQL) so the Region row is
    not locked through the whole insert; numbers and counters must come out the same."""
    start = Region.objects.get(pk=tangerang.pk).complaint_seq
    numbers = [submit()[0].number for _i in range(3)]
    assert [int(n.rsplit("-", 1)[1]) for n in numbers] == [start + 1, start + 2, start + 3]
    assert Region.objects.get(pk=tangerang.pk).complaint_seq == start + 3
    counted = StatusCount.objects.get(region=tangerang, agency_key=0, status="submitted").count
    assert counted == Complaint.objects.filter(region=tangerang, status="submitted").count()


def test_a_submission_inside_a_transaction_numbers_within_it(submit, tangerang):
    start = Region.objects.get(pk=tangerang.pk).complaint_seq
    with transaction.atomic():
        complaint, _token = submit()
        assert complaint.number.endswith(f"-{start + 1:06d}")
        transaction.set_rollback(True)
    assert Region.objects.get(pk=tangerang.pk).complaint_seq == start


def test_a_console_list_costs_the_same_queries_for_one_row_as_for_a_full_page(
    generated, operator, client
):
    """Each row shows the working time left before its deadline, counted in the region's
    calendar: the rows share the staff's region, so the calendar is loaded once per page."""
    client.force_login(operator.user)
    url = f"/{operator.region.slug}/console/laporan/"
    one = Complaint.objects.filter(region=operator.region).exclude(deadline_stage="").first()

    def count(query: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url + query)
        assert response.status_code == 200
        return len(captured)

    count("")  # the first request after signing in also writes the session
    full = count("")
    assert count(f"?q={one.number}") == full
    # the newest (first page) are the ones still open, with a deadline (8 of these 120)
    assert Complaint.objects.exclude(deadline_stage="").count() >= 5
