"""Stored, then 500 (issue 15, item 5): work scheduled after the commit (the live publish, the
queueing of notification jobs) may fail when the database drops right after the commit. It must
never turn the committed success into an error: the citizen gets their number, the row stays, and
the outbox pump finds what was not queued."""

import json
import logging

import pytest
from django.db import OperationalError

from laksana.complaints.models import Complaint
from laksana.notify.models import Notification
from laksana.portal.tests.helpers import report_data
from laksana.testing.personas import IN_TANGERANG

pytestmark = pytest.mark.django_db(transaction=True)  # real commits, real on_commit callbacks
URL = "/api/v1/regions/kota-tangerang/complaints"


@pytest.fixture
def database_gone_after_commit(monkeypatch):
    """Every after-commit step fails as if the connection had just dropped."""

    def gone(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    class Unqueueable:  # the delivery task, whose enqueue writes to the lost database
        enqueue = staticmethod(gone)

    monkeypatch.setattr("laksana.live.bus.publish", gone)
    monkeypatch.setattr("laksana.notify.tasks.deliver", Unqueueable())


def test_api_submission_is_answered_201_when_the_after_commit_work_fails(
    client, tangerang, database_gone_after_commit, caplog
):
    body = {
        "category": "SAMPAH",
        "description": "Sampah menumpuk di depan pasar sudah lima hari, bau sekali.",
        "lat": IN_TANGERANG[0],
        "lng": IN_TANGERANG[1],
        "email": "warga@example.org",
    }
    with caplog.at_level(logging.WARNING):
        response = client.post(URL, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    answer = response.json()
    stored = Complaint.objects.get(number=answer["number"])
    assert stored.description == body["description"] and answer["token"]
    # The e-mail row is durable although its job was never queued: the pump delivers it.
    assert Notification.objects.filter(event__complaint=stored, status="pending").exists()
    assert "closed the connection" in caplog.text  # logged, not swallowed silently


def test_portal_submission_still_shows_the_tracking_link(
    client, tangerang, database_gone_after_commit
):
    form = report_data(email="warga@example.org")
    response = client.post("/kota-tangerang/lapor/", form, follow=True)
    assert response.status_code == 200
    (stored,) = Complaint.objects.all()
    html = response.content.decode()
    assert stored.number in html and "/kota-tangerang/lacak/" in html
