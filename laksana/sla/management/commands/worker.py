import signal

from django.core.management.base import BaseCommand

from laksana.sla.worker import Worker


class Command(BaseCommand):
    help = (
        "Run background jobs (notifications, deadline sweeps) from the database queue. "
        "Run one or more; each job runs once, and jobs of a worker that stopped run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--queue", default="default", help="Comma-separated queue names")
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds to wait when idle (default 1)"
        )
        parser.add_argument("--worker-id", default=None, help="Unique id (default: host-pid-rnd)")
        parser.add_argument(
            "--batch", action="store_true", help="Run the jobs that are ready, then exit"
        )

    def handle(self, *args, queue="default", interval=1.0, worker_id=None, batch=False, **opts):
        worker = Worker(worker_id=worker_id, queues=tuple(queue.split(",")), interval=interval)
        if batch:
            ran = worker.run_until_idle()
            self.stdout.write(f"{ran} job(s) run.")
            return

        # SIGTERM/SIGINT: finish the job in hand, then stop (a second signal kills as usual;
        # the unfinished job then runs again on another worker after its lease).
        def stop(signum, frame):
            signal.signal(signum, signal.SIG_DFL)
            worker.stop()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"Worker {worker.worker_id} running; Ctrl+C to stop.")
        worker.run()
