import hashlib
import hmac
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from laksana.complaints import services
from laksana.notify import delivery
from laksana.notify.models import Notification, WebhookEndpoint
from laksana.notify.tasks import deliver as deliver_job
from laksana.notify.tasks import pump
from laksana.sla.tests.scenarios import frozen
from laksana.sla.worker import Worker

from .fakes import Receiver

pytestmark = pytest.mark.django_db
CITIZEN = "warga@example.id"


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def _row(**filters) -> Notification:
    return Notification.objects.select_related("endpoint").get(**filters)


def test_a_row_is_sent_once_with_its_idempotency_key(submit):
    c, _token = submit(email=CITIZEN)
    row = _row(complaint=c)
    assert delivery.deliver(row.pk) == "sent"
    assert delivery.deliver(row.pk) == "sent"  # the job ran twice: nothing more is sent
    [message] = mail.outbox
    assert message.to == [CITIZEN] and c.number in message.subject
    assert message.extra_headers["Message-ID"] == f"<{row.key}@laksana>"
    row.refresh_from_db()
    assert (row.status, row.attempts, row.sent_at is not None) == ("sent", 1, True)


def test_mail_server_down_means_retries_with_backoff_then_delivery(submit, settings, tmp_path):
    settings.EMAIL_BACKEND = "laksana.notify.tests.fakes.RefusingBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    start = timezone.now()
    with frozen(start):
        c, _token = submit(email=CITIZEN)
        row = _row(complaint=c)
        assert deliver_job.call(row.pk) == "pending"  # the job queues its retry
    row.refresh_from_db()
    assert row.attempts == 1 and row.next_attempt_at == start + timedelta(minutes=1)
    assert "refused" in row.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with frozen(start + timedelta(seconds=59)):
        assert delivery.deliver(row.pk) == "pending"  # not due yet: untouched
    with frozen(start + timedelta(seconds=61)):
        # The retry job queued by the failure runs now.
        assert Worker(periodic=()).run_until_idle() == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, len(mail.outbox)) == ("sent", 2, 1)


def test_a_row_that_keeps_failing_ends_failed_and_admins_can_send_it_again(
    submit, settings, tmp_path, client, django_user_model
):
    settings.EMAIL_BACKEND = "laksana.notify.tests.fakes.RefusingBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    c, _token = submit(email=CITIZEN)
    row = _row(complaint=c)
    moment = timezone.now()
    for _attempt in range(delivery.MAX_ATTEMPTS):
        with frozen(moment):
            delivery.deliver(row.pk)
        moment += timedelta(hours=7)
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", delivery.MAX_ATTEMPTS)
    admin = django_user_model.objects.create_superuser("root", "root@example.id", "x")
    client.force_login(admin)
    page = client.get("/admin/notify/notification/?status__exact=failed")
    assert page.status_code == 200 and c.number in page.content.decode()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.post(
        "/admin/notify/notification/",
        {"action": "send_again", "_selected_action": [row.pk]},
    )
    assert Worker(periodic=()).run_until_idle() >= 1
    row.refresh_from_db()
    assert row.status == "sent" and len(mail.outbox) == 1


def test_webhook_is_signed_and_carries_no_personal_data(submit, operator, tangerang, receiver):
    endpoint = WebhookEndpoint.objects.create(
        region=tangerang, name="Sistem PUPR", url=receiver.url, event_types="disposed"
    )
    c, _token = submit(email=CITIZEN, reporter_name="Siti Aminah", phone="081234567890")
    c = services.dispose(staff=operator, complaint=services.verify(staff=operator, complaint=c))
    row = _row(channel="webhook")
    assert row.event.type == "disposed"  # the endpoint asked for dispositions only
    assert delivery.deliver(row.pk) == "sent"
    [request] = receiver.requests
    headers = request["headers"]
    expected = hmac.new(
        endpoint.secret.encode(),
        headers["X-Laksana-Timestamp"].encode() + b"." + request["raw"],
        hashlib.sha256,
    ).hexdigest()
    assert headers["X-Laksana-Signature"] == "sha256=" + expected
    assert headers["X-Laksana-Delivery"] == str(row.key)
    assert request["json"]["complaint"] == c.number and request["json"]["agency"] == "PUPR"
    raw = request["raw"].decode()
    assert "Siti" not in raw and "0812" not in raw and CITIZEN not in raw


def test_webhook_refusing_the_delivery_is_not_retried(submit, tangerang):
    refusing = Receiver(statuses=(410,))
    try:
        WebhookEndpoint.objects.create(region=tangerang, name="Lama", url=refusing.url)
        c, _token = submit()
        row = _row(complaint=c, channel="webhook")
        assert delivery.deliver(row.pk) == "failed"
        assert "HTTP 410" in _row(pk=row.pk).last_error
    finally:
        refusing.close()


def test_the_pump_delivers_rows_whose_job_was_lost(submit):
    start = timezone.now()
    with frozen(start):
        c, _token = submit(email=CITIZEN)  # its job is queued after commit: never, in this test
    with frozen(start + timedelta(seconds=30)):
        assert pump.call()["delivered"] == 0  # its own job may still be on the way
    with frozen(start + timedelta(minutes=2)):
        assert pump.call()["delivered"] == 1
    assert _row(complaint=c).status == "sent" and len(mail.outbox) == 1
