"""The background worker behind `laksana worker` (and the one inside `laksana demo`).

Jobs are Django tasks (django-tasks backport) stored in the database by django-tasks-db, so a job
survives restarts and works the same on SQLite and PostgreSQL. On top of its runner this adds:
- periodic jobs (the SLA sweep, the outbox pump, the reports' rollup): each run is claimed
  with a conditional UPDATE on PeriodicJob.next_run_at, so however many workers run, each run
  is enqueued once;
- jobs of a worker that died (a RUNNING row older than JOB_LEASE) run again; every job is
  idempotent, so running one twice is harmless;
- a failed job is retried with backoff (RETRY_DELAYS); after the last attempt it stays FAILED,
  with its traceback, in the admin's task list;
- a lost database connection (restart, failover, a terminated backend) does not end the worker:
  it closes the connection, waits (RECONNECT_DELAYS, logged), and once the database answers
  again puts back what it held: its RUNNING job to READY at once (not after JOB_LEASE) and,
  through the ON_RECONNECT hooks, the outbox rows it had claimed.
"""

import logging
import os
import socket
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from django.db import close_old_connections, connection, transaction
from django.db.utils import InterfaceError, OperationalError
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker as DbWorker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from .models import PeriodicJob

log = logging.getLogger("laksana.worker")

JOB_LEASE = timedelta(minutes=10)  # longer than any job may run (network calls time out at 10 s)
RETRY_DELAYS = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(hours=1),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
HOUSEKEEPING_SECONDS = 5.0
RECONNECT_FIRST, RECONNECT_MAX = 0.5, 10.0  # seconds; doubled after each failed attempt
# Called (dotted paths) once the database answers again after an outage, to settle what this
# process held: the apps' own code, so the worker needs to know nothing about them.
ON_RECONNECT = ("laksana.notify.delivery.settle_held",)
# Called once when a worker starts (before its first job), to settle what a process on this
# machine left unfinished: e.g. e-mails the mail server took just before the database went away.
ON_START = ("laksana.notify.delivery.settle_journal",)


@dataclass(frozen=True)
class Periodic:
    name: str
    every: timedelta
    task: str  # dotted path of the task


PERIODIC = (
    Periodic("sla.sweep", timedelta(minutes=1), "laksana.sla.tasks.sweep"),
    Periodic("notify.pump", timedelta(minutes=1), "laksana.notify.tasks.pump"),
    Periodic("mailin.poll", timedelta(minutes=1), "laksana.mailin.tasks.poll"),
    # Chat conversations abandoned for 24 h expire (laksana/channels).
    Periodic("channels.expire", timedelta(minutes=5), "laksana.channels.tasks.expire"),
    # The reports' daily aggregates (laksana/reports/rollup.py): recent events every 5 minutes.
    Periodic("reports.rollup", timedelta(minutes=5), "laksana.reports.tasks.rollup"),
    # The routing models learn from the week's handled complaints (laksana/routing, issue 19).
    Periodic("routing.retrain", timedelta(days=7), "laksana.routing.tasks.retrain"),
)


def schedule_periodic(now=None, jobs: tuple[Periodic, ...] = PERIODIC) -> list[str]:
    """Enqueue the periodic jobs that are due; returns the names this worker enqueued."""
    now = now or timezone.now()
    enqueued = []
    for job in jobs:
        row, _created = PeriodicJob.objects.get_or_create(
            name=job.name, defaults={"next_run_at": now}
        )
        if row.next_run_at > now:
            continue
        with transaction.atomic():  # the claim and the enqueue stand or fall together
            claimed = PeriodicJob.objects.filter(name=job.name, next_run_at=row.next_run_at).update(
                next_run_at=now + job.every, last_run_at=now
            )
            if claimed == 1:
                import_string(job.task).enqueue()
                enqueued.append(job.name)
    return enqueued


def recover_abandoned(now=None) -> int:
    """Jobs left RUNNING by a worker that died run again (or fail, after MAX_ATTEMPTS)."""
    now = now or timezone.now()
    stale = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=now - JOB_LEASE
    )
    count = 0
    for pk, workers in stale.values_list("id", "worker_ids"):
        if len(workers) >= MAX_ATTEMPTS:
            count += DBTaskResult.objects.filter(pk=pk, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path="builtins.SystemExit",
                traceback=f"The worker died during each of {len(workers)} attempts.",
            )
            continue
        count += DBTaskResult.objects.filter(pk=pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.READY
        )
    if count:
        log.warning("requeued %d job(s) of workers that stopped", count)
    return count


class Worker:
    """Runs jobs one at a time from the given queues of the given backend."""

    def __init__(
        self,
        *,
        worker_id: str | None = None,
        queues: tuple[str, ...] = ("default",),
        backend: str = "default",
        interval: float = 1.0,
        periodic: tuple[Periodic, ...] = PERIODIC,
    ):
        self.worker_id = worker_id or (
            f"{socket.gethostname()[:30]}-{os.getpid()}-{get_random_string(6)}"
        )
        self.queues = list(queues)
        self.backend = backend
        self.interval = interval
        self.periodic = periodic
        self.processed = 0
        self.stopping = threading.Event()
        self._housekept = 0.0
        self._started = False  # the ON_START hooks have run
        self._idle = True
        self._current: int | None = None  # the job being run (its row is RUNNING, ours)
        self._outage = False  # the database went away; release what we held once it is back
        self._runner = DbWorker(
            queue_names=self.queues,
            interval=interval,
            batch=False,
            backend_name=backend,
            startup_delay=False,
            max_tasks=None,
            worker_id=self.worker_id,
            excluded_queue_names=[],
        )

    def housekeeping(self) -> None:
        self._housekept = time.monotonic()
        if not self._started:  # until they succeed: the database may be away at start
            for hook in ON_START:
                import_string(hook)()
            self._started = True
        recover_abandoned()
        if self.periodic:
            schedule_periodic(jobs=self.periodic)

    def _claim(self) -> DBTaskResult | None:
        ready = DBTaskResult.objects.ready().filter(
            backend_name=self.backend, queue_name__in=self.queues
        )
        # While idle, a plain read first, so an idle worker takes no write lock every second.
        if self._idle and not ready.exists():
            return None
        try:
            with exclusive_transaction(ready.db):
                result = ready.get_locked()
                if result is not None:
                    result.claim(self.worker_id)
                return result
        except OperationalError as exc:
            if is_locked_database_exception(exc):
                return None
            raise

    def run_one(self) -> bool:
        """Run the next ready job, if any. Returns whether one ran."""
        result = self._claim()
        self._idle = result is None
        if result is None:
            return False
        self._current = result.pk
        self._runner.run_task(result)  # a database error here leaves the row RUNNING: see run()
        self._retry_if_failed(result)
        self._current = None
        self.processed += 1
        return True

    def _retry_if_failed(self, result: DBTaskResult) -> None:
        if result.status != TaskResultStatus.FAILED:
            return
        attempts = len(result.worker_ids)
        if attempts >= MAX_ATTEMPTS:
            log.error("job %s (%s) failed for good", result.id, result.task_path)
            return
        # Back to READY later, keeping the last traceback for the admin's task list.
        DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.FAILED).update(
            status=TaskResultStatus.READY,
            run_after=timezone.now() + RETRY_DELAYS[attempts - 1],
            finished_at=None,
        )

    def run_until_idle(self, *, max_jobs: int | None = None) -> int:
        """Housekeeping once, then every ready job until none is left (tests, cron, bench)."""
        self.housekeeping()
        ran = 0
        while (max_jobs is None or ran < max_jobs) and self.run_one():
            ran += 1
        return ran

    def run(self) -> None:
        """Run until stop() is called (or SIGTERM/SIGINT, see the worker command)."""
        log.info("worker %s started on queues %s", self.worker_id, ",".join(self.queues))
        delay = RECONNECT_FIRST
        try:
            while not self.stopping.is_set():
                try:
                    close_old_connections()
                    if self._outage:
                        self.release_held()
                    if time.monotonic() - self._housekept >= HOUSEKEEPING_SECONDS:
                        self.housekeeping()
                    ran = self.run_one()
                except (OperationalError, InterfaceError) as exc:
                    self._lost_database(exc, delay)
                    delay = min(delay * 2, RECONNECT_MAX)
                    continue
                delay = RECONNECT_FIRST
                if not ran:
                    self.stopping.wait(self.interval)
        finally:
            connection.close()
            log.info("worker %s stopped after %d job(s)", self.worker_id, self.processed)

    def _lost_database(self, exc: Exception, delay: float) -> None:
        if not self._outage:
            log.warning("worker %s lost the database (%s)", self.worker_id, str(exc).strip())
        self._outage = True
        try:
            connection.close()  # a broken connection is never reused; the next query reconnects
        except Exception:
            log.debug("closing the broken connection failed", exc_info=True)
        log.warning(
            "worker %s: database unavailable, reconnecting in %.1f s", self.worker_id, delay
        )
        self.stopping.wait(delay)

    def release_held(self) -> None:
        """The database answers again: the job we were running goes back to READY (it runs again
        now; every job is idempotent), and each app settles what this process held."""
        released = 0
        if self._current is not None:
            released = DBTaskResult.objects.filter(
                pk=self._current, status=TaskResultStatus.RUNNING
            ).update(status=TaskResultStatus.READY)
        for hook in ON_RECONNECT:
            import_string(hook)()
        log.warning(
            "worker %s reconnected to the database; %d interrupted job(s) requeued",
            self.worker_id,
            released,
        )
        self._current = None
        self._outage = False

    def stop(self) -> None:
        self.stopping.set()

    def start_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, name=f"worker-{self.worker_id}", daemon=True)
        thread.start()
        return thread
