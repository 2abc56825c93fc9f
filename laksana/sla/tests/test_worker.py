from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from laksana.sla.models import PeriodicJob
from laksana.sla.worker import JOB_LEASE, MAX_ATTEMPTS, PERIODIC, Worker, schedule_periodic

from .jobs import broken, flaky
from .scenarios import frozen

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(timezone.datetime(2026, 11, 2, 3, 0))


def _worker(name="w1") -> Worker:
    return Worker(worker_id=name, periodic=())


def test_each_periodic_run_is_enqueued_once_however_many_workers_ask():
    with frozen(NOW):
        assert schedule_periodic(NOW) == [
            "sla.sweep",
            "notify.pump",
            "mailin.poll",
            "channels.expire",
            "reports.rollup",
            "routing.retrain",
        ]
        assert schedule_periodic(NOW) == []  # a second worker, same moment
        assert schedule_periodic(NOW + timedelta(seconds=30)) == []
    # Each at its own interval: the every-minute jobs again, the five-minute one not yet.
    assert schedule_periodic(NOW + timedelta(seconds=61)) == [
        "sla.sweep",
        "notify.pump",
        "mailin.poll",
    ]
    paths = DBTaskResult.objects.values_list("task_path", flat=True)
    every_minute = [p.task for p in PERIODIC if p.every == timedelta(minutes=1)]
    assert sorted(paths) == sorted([p.task for p in PERIODIC] + every_minute)
    assert PeriodicJob.objects.get(name="sla.sweep").next_run_at == NOW + timedelta(seconds=121)


def test_failed_job_is_retried_with_backoff_until_it_succeeds():
    with frozen(NOW):
        job = flaky.enqueue(succeed_on=3)
        assert _worker().run_until_idle() == 1
        row = DBTaskResult.objects.get(pk=job.id)
        # Back in the queue in 30 s, with the error kept for the admin to read.
        assert row.status == "READY" and row.run_after == NOW + timedelta(seconds=30)
        assert "did not answer" in row.traceback
        assert _worker().run_until_idle() == 0  # not yet
    with frozen(NOW + timedelta(seconds=31)):
        assert _worker("w2").run_until_idle() == 1  # attempt 2 fails: next in 2 minutes
    with frozen(NOW + timedelta(seconds=31 + 121)):
        assert _worker("w3").run_until_idle() == 1
    row = DBTaskResult.objects.get(pk=job.id)
    assert (row.status, row.return_value, row.worker_ids) == ("SUCCESSFUL", 3, ["w1", "w2", "w3"])


def test_job_failing_every_attempt_ends_failed_in_the_admin_list(client, django_user_model):
    job = broken.enqueue()
    moment = NOW
    for attempt in range(MAX_ATTEMPTS):
        with frozen(moment):
            assert _worker(f"w{attempt}").run_until_idle() == 1
        moment += timedelta(hours=2)
    row = DBTaskResult.objects.get(pk=job.id)
    assert (row.status, len(row.worker_ids)) == ("FAILED", MAX_ATTEMPTS)
    with frozen(moment):
        assert _worker().run_until_idle() == 0
    admin = django_user_model.objects.create_superuser("root", "root@example.id", "x")
    client.force_login(admin)
    page = client.get("/admin/django_tasks_database/dbtaskresult/?status__exact=FAILED")
    assert page.status_code == 200 and str(job.id) in page.content.decode()


def test_job_of_a_worker_that_stopped_runs_again_after_its_lease():
    with frozen(NOW):
        job = flaky.enqueue(succeed_on=1)
        dead = _worker("dead")
        assert dead._claim() is not None  # claimed, then the worker is gone
    with frozen(NOW + JOB_LEASE - timedelta(seconds=1)):
        assert _worker("alive").run_until_idle() == 0  # might still be running
    with frozen(NOW + JOB_LEASE + timedelta(seconds=1)):
        assert _worker("alive").run_until_idle() == 1
    row = DBTaskResult.objects.get(pk=job.id)
    assert (row.status, row.worker_ids) == ("SUCCESSFUL", ["dead", "alive"])
