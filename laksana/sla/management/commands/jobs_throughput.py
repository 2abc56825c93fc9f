import time

from django.core.management.base import BaseCommand, CommandError
from django_tasks_db.models import DBTaskResult

from laksana.sla.tasks import ping
from laksana.sla.worker import Worker


class Command(BaseCommand):
    help = (
        "Measure the worker's throughput (jobs/s) on the configured database: enqueue N no-op "
        "jobs, run them with one worker, then remove them. Needs an idle queue."
    )

    def add_arguments(self, parser):
        parser.add_argument("--jobs", type=int, default=1000)

    def handle(self, *args, jobs=1000, **options):
        if DBTaskResult.objects.ready().exists():
            raise CommandError("The queue has jobs waiting; measure on an idle queue.")
        started = time.perf_counter()
        ids = [str(ping.enqueue(n).id) for n in range(jobs)]
        enqueued = time.perf_counter() - started
        worker = Worker(periodic=())
        started = time.perf_counter()
        ran = worker.run_until_idle()
        elapsed = time.perf_counter() - started
        DBTaskResult.objects.filter(id__in=ids).delete()
        self.stdout.write(
            f"enqueued {jobs} jobs in {enqueued:.2f} s ({jobs / enqueued:.0f} jobs/s); "
            f"one worker ran {ran} in {elapsed:.2f} s: {ran / elapsed:.0f} jobs/s"
        )
