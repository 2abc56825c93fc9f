"""Abuse: the honeypot, the per-address rate limit, and correct records under concurrent load."""

import threading

import pytest
from django.db import connections
from django.test import Client

from laksana.complaints.models import Complaint, StatusCount

from .helpers import field_error, report_data, stored

pytestmark = pytest.mark.usefixtures("regions_after_flush")

URL = "/kota-tangerang/lapor/"


@pytest.mark.django_db
def test_a_filled_honeypot_stores_nothing_and_says_so(client, tangerang):
    before = stored()
    response = client.post(URL, report_data(website="https://murah.example"))
    assert response.status_code == 400
    assert "harus dikosongkan" in field_error(response.content.decode(), "id_website")
    assert stored() == before


@pytest.mark.django_db
def test_too_many_reports_from_one_address_get_a_friendly_429(client, tangerang, settings):
    settings.PORTAL_SUBMIT_RATE = (2, 600)
    for n in (1, 2):
        assert client.post(URL, report_data(idempotency_key=f"k{n}")).status_code == 302
    before = stored()
    description = "Lampu jalan mati di gang Kenanga sejak Senin."
    response = client.post(URL, report_data(idempotency_key="k3", description=description))
    html = response.content.decode()
    assert response.status_code == 429 and response["Retry-After"] == "600"
    assert "Terlalu banyak laporan dikirim dari jaringan Anda" in html
    assert description in html  # what the citizen typed is still there to send later
    assert stored() == before
    other_address = client.post(URL, report_data(idempotency_key="k4"), REMOTE_ADDR="10.1.2.3")
    assert other_address.status_code == 302


def _post_together(payloads: list[dict], **extra) -> list:
    """POST every payload from its own thread (its own database connection) at the same moment."""
    start = threading.Barrier(len(payloads))
    results: list = [None] * len(payloads)

    def send(index: int, data: dict) -> None:
        try:
            start.wait()
            results[index] = Client().post(URL, data, **extra)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(i, p)) for i, p in enumerate(payloads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_respect_the_limit_and_are_recorded_exactly(tangerang, settings):
    settings.PORTAL_SUBMIT_RATE = (3, 600)
    responses = _post_together([report_data(idempotency_key=f"burst-{i}") for i in range(6)])
    codes = sorted(r.status_code for r in responses)
    assert codes == [302, 302, 302, 429, 429, 429]
    numbers = list(Complaint.objects.filter(region=tangerang).values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 3
    counted = StatusCount.objects.get(region=tangerang, agency_key=0, status="submitted").count
    assert counted == 3


@pytest.mark.django_db(transaction=True)
def test_the_same_form_sent_four_times_at_once_creates_one_complaint(tangerang):
    responses = _post_together([report_data(idempotency_key="one-tap")] * 4)
    assert {r.status_code for r in responses} == {302}
    assert len({r["Location"] for r in responses}) == 1
    assert Complaint.objects.filter(region=tangerang).count() == 1
