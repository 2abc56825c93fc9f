"""A worker process killed in the middle of a delivery job: the job runs again on another
worker and the citizen gets one message, never two (see laksana.notify.delivery)."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
import time_machine
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from laksana.complaints import services
from laksana.notify.models import Notification, WebhookEndpoint
from laksana.sla.worker import JOB_LEASE, Worker
from laksana.testing.personas import CONTOH_DIR, IN_CONTOH, ensure_region

from .fakes import Receiver

# Committed data (another process must see it); grouped with the other tests that commit, so
# fewer xdist workers have to reload the test regions after the flush that follows them.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("committed")]


def _database_url() -> str:
    """The test database, for a worker in another process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _doomed_worker(crash_at: str, mail_dir: Path) -> int:
    """Run a worker in its own process until it kills itself at `crash_at`."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "laksana.notify.tests.crash_settings",
        "DATABASE_URL": _database_url(),
        "LAKSANA_MAIL_DIR": str(mail_dir),
        "LAKSANA_CRASH_AT": crash_at,
    }
    done = subprocess.run(
        [sys.executable, "-m", "django", "worker", "--batch", "--worker-id", "doomed"],
        env=env,
        capture_output=True,
        timeout=120,
    )
    return done.returncode


def _submit(region, email=""):
    return services.submit(
        region=region,
        category_code="SAMPAH",
        description="Sampah menumpuk tiga hari di depan pasar.",
        lat=IN_CONTOH[0],
        lng=IN_CONTOH[1],
        email=email,
    ).complaint


def _after_the_leases(settings, mail_dir):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(mail_dir)
    return time_machine.travel(timezone.now() + JOB_LEASE + timedelta(minutes=1), tick=False)


@pytest.mark.parametrize(
    ("crash_at", "final_status"),
    [
        ("open", "sent"),  # nothing had left: delivered by the second worker
        ("after_send", "uncertain"),  # it had left: held for an admin, not sent twice
    ],
)
def test_killed_worker_job_runs_again_and_the_citizen_gets_one_email(
    crash_at, final_status, settings, tmp_path
):
    region = ensure_region(CONTOH_DIR)
    complaint = _submit(region, email="warga@example.id")  # its delivery job is queued
    assert _doomed_worker(crash_at, tmp_path) == 9
    row = Notification.objects.get(complaint=complaint)
    assert row.status == ("claimed" if crash_at == "open" else "sending")
    with _after_the_leases(settings, tmp_path):
        Worker(worker_id="survivor").run_until_idle()
    job = DBTaskResult.objects.get(task_path="laksana.notify.tasks.deliver")
    assert (job.status, job.worker_ids) == ("SUCCESSFUL", ["doomed", "survivor"])
    row.refresh_from_db()
    assert row.status == final_status
    messages = [p.read_text() for p in tmp_path.iterdir()]
    assert len(messages) == 1 and complaint.number in messages[0]
    assert f"<{row.key}@laksana>" in messages[0]


def test_killed_worker_webhook_is_sent_again_with_the_same_key(settings, tmp_path):
    region = ensure_region(CONTOH_DIR)
    receiver = Receiver()
    try:
        WebhookEndpoint.objects.create(region=region, name="Gudang data", url=receiver.url)
        complaint = _submit(region)
        assert _doomed_worker("after_send", tmp_path) == 9
        with _after_the_leases(settings, tmp_path):
            Worker(worker_id="survivor").run_until_idle()
    finally:
        receiver.close()
    row = Notification.objects.get(complaint=complaint, channel="webhook")
    assert row.status == "sent"
    keys = [r["headers"]["X-Laksana-Delivery"] for r in receiver.requests]
    # Delivered twice with one key: the receiver sees it is the same delivery and keeps one.
    assert keys == [str(row.key), str(row.key)]
