"""Two staff acting on the same complaint at the same moment, on real separate connections."""

import threading

import pytest
from django.db import connection

from laksana.common.errors import DomainError
from laksana.complaints import services
from laksana.complaints.models import Complaint, Event
from laksana.testing.personas import staff


def _race(*actions):
    barrier = threading.Barrier(len(actions))
    results: list = [None] * len(actions)

    def run(i, action):
        try:
            barrier.wait(timeout=10)
            results[i] = action()
        except DomainError as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_operators_disposing_at_once_one_wins_one_gets_409(tangerang, submit):
    first = staff("op-a", tangerang, "operator")
    second = staff("op-b", tangerang, "operator")
    complaint, _token = submit()
    complaint = services.verify(staff=first, complaint=complaint)
    results = _race(
        lambda: services.dispose(staff=first, complaint=complaint, agency_code="PUPR"),
        lambda: services.dispose(staff=second, complaint=complaint, agency_code="DLH"),
    )
    errors = [r for r in results if isinstance(r, DomainError)]
    winners = [r for r in results if isinstance(r, Complaint)]
    assert len(winners) == 1 and len(errors) == 1
    assert errors[0].status == 409 and str(errors[0].detail)
    fresh = Complaint.objects.get(pk=complaint.pk)
    assert fresh.agency_id == winners[0].agency_id and fresh.status == "dispatched"
    assert Event.objects.filter(complaint=complaint, type="disposed").count() == 1


@pytest.mark.django_db(transaction=True)
def test_many_citizens_submitting_at_once_get_distinct_numbers(tangerang):
    def one(i):
        return lambda: (
            services.submit(
                region=tangerang,
                category_code="PJU",
                area_code="36.71.01.1001",
                description=f"Lampu jalan mati nomor tiang {i}, gelap sekali malam hari.",
            ).complaint
        )

    results = _race(*[one(i) for i in range(6)])
    numbers = [r.number for r in results]
    assert all(isinstance(r, Complaint) for r in results)
    assert len(set(numbers)) == 6
