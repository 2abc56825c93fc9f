"""`laksana worker` outlives its database connection (issue 15, item 3): the backend is
terminated while the worker idles and while it holds a delivery; the worker reconnects with
backoff, puts back what it held and the receiver gets the delivery once.

The case of a worker process killed outright (kill -9) mid-delivery, completed exactly once per
delivery key by a second worker, is test_crash.py."""

import logging
import threading
from contextlib import contextmanager

import psycopg
import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from laksana.complaints import services
from laksana.notify.models import Notification, WebhookEndpoint
from laksana.sla.worker import Worker
from laksana.testing.personas import CONTOH_DIR, IN_CONTOH, ensure_region

from .fakes import PausingWebhookChannel, Receiver

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("committed"),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="PostgreSQL only: terminates the worker's backend with pg_terminate_backend; "
        "SQLite has no server connection to lose",
    ),
]


def _terminate_other_backends() -> int:
    """What a database restart does to the worker: its connection is gone."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@contextmanager
def _database_refusing_connections():
    """What a restarting database looks like to a worker between two jobs (it holds no
    connection while idle): every new connection is refused until the block ends."""
    db = connection.settings_dict
    name = connection.ops.quote_name(db["NAME"])
    # From another database: PostgreSQL does not let a session lock out its own database.
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        admin.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
        try:
            yield
        finally:
            admin.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")


def _submit(region):
    return services.submit(
        region=region,
        category_code="SAMPAH",
        description="Sampah menumpuk tiga hari di depan pasar.",
        lat=IN_CONTOH[0],
        lng=IN_CONTOH[1],
    ).complaint


def _wait_for(predicate, timeout=30.0) -> bool:
    done = threading.Event()
    for _ in range(int(timeout / 0.1)):
        if predicate():
            return True
        done.wait(0.1)
    return False


@pytest.fixture
def receiver(settings):
    receiver = Receiver()
    yield receiver
    receiver.close()


@pytest.fixture
def worker(caplog):
    caplog.set_level(logging.INFO, logger="laksana")
    worker = Worker(worker_id="w-outage", periodic=(), interval=0.1)
    thread = worker.start_thread()
    assert _wait_for(lambda: "started on queues" in caplog.text)
    yield worker, thread
    worker.stop()
    thread.join(30)


def _sent(receiver, complaint):
    row = Notification.objects.get(complaint=complaint, channel="webhook")
    return row.status == "sent" and len(receiver.requests) >= 1


def test_worker_survives_losing_the_database_while_idle(worker, receiver, caplog):
    worker, thread = worker
    region = ensure_region(CONTOH_DIR)
    WebhookEndpoint.objects.create(region=region, name="Gudang data", url=receiver.url)
    assert _wait_for(lambda: worker._housekept)  # it has worked with the database
    with _database_refusing_connections():
        # It keeps trying, each wait longer than the last (0.5 s, 1 s, ...).
        assert _wait_for(lambda: caplog.text.count("reconnecting in") >= 2)
        assert "reconnecting in 0.5 s" in caplog.text and "reconnecting in 1.0 s" in caplog.text
        assert thread.is_alive()
    complaint = _submit(region)
    assert _wait_for(lambda: _sent(receiver, complaint))
    assert thread.is_alive()
    assert "lost the database" in caplog.text and "reconnected to the database" in caplog.text
    assert len(receiver.requests) == 1


def test_worker_losing_the_database_mid_delivery_retries_it_and_delivers_once(
    worker, receiver, settings, caplog
):
    worker, thread = worker
    settings.NOTIFY_CHANNELS = {
        **settings.NOTIFY_CHANNELS,
        "webhook": "laksana.notify.tests.fakes.PausingWebhookChannel",
    }
    PausingWebhookChannel.opened.clear()
    PausingWebhookChannel.resume.clear()
    region = ensure_region(CONTOH_DIR)
    WebhookEndpoint.objects.create(region=region, name="Gudang data", url=receiver.url)
    complaint = _submit(region)
    assert PausingWebhookChannel.opened.wait(30)  # the row is claimed, the job RUNNING
    row = Notification.objects.get(complaint=complaint, channel="webhook")
    job = DBTaskResult.objects.get(task_path="laksana.notify.tasks.deliver")
    assert (row.status, job.status) == ("claimed", "RUNNING")
    assert _terminate_other_backends() >= 1
    PausingWebhookChannel.resume.set()
    assert _wait_for(lambda: _sent(receiver, complaint))
    assert thread.is_alive()
    assert "reconnected to the database; 1 interrupted job(s) requeued" in caplog.text
    job.refresh_from_db()
    assert job.status == "SUCCESSFUL" and job.worker_ids == ["w-outage", "w-outage"]
    keys = [r["headers"]["X-Laksana-Delivery"] for r in receiver.requests]
    assert keys == [str(row.key)]  # once: nothing had left when the connection went
