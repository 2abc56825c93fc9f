"""Two operators dispose the same complaint at the same moment, each on its own connection."""

import threading

import pytest
from django.db import connection
from django.test import Client

from laksana.complaints.models import Complaint, Event
from laksana.testing.personas import staff

from .conftest import url


@pytest.mark.django_db(transaction=True)
def test_two_operators_disposing_at_once_one_wins_the_other_is_told(in_state, tangerang):
    c = in_state("verified")
    first = staff("op-a-tng", tangerang, "operator").user
    second = staff("op-b-tng", tangerang, "operator").user
    start = threading.Barrier(2)
    results: dict[str, tuple[int, str]] = {}

    def dispose(user, agency: str) -> None:
        client = Client()
        client.force_login(user)
        start.wait()
        try:
            response = client.post(
                url(tangerang.slug, "laporan", c.number, "dispose"),
                {"version": c.version, "agency": agency},
            )
            results[agency] = (response.status_code, response.content.decode())
        finally:
            connection.close()  # this thread's own connection

    threads = [
        threading.Thread(target=dispose, args=(first, "PUPR")),
        threading.Thread(target=dispose, args=(second, "DLH")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    codes = sorted(status for status, _body in results.values())
    assert codes == [302, 409]
    loser = next(body for status, body in results.values() if status == 409)
    assert "baru saja diubah oleh orang lain" in loser
    winner = next(agency for agency, (status, _b) in results.items() if status == 302)
    fresh = Complaint.objects.get(pk=c.pk)
    assert fresh.agency.code == winner and fresh.version == c.version + 1
    assert Event.objects.filter(complaint=c, type="disposed").count() == 1
