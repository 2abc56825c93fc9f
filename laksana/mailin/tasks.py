"""The worker polls every region's inbox each minute (sla.worker.PERIODIC)."""

from django_tasks import task

from . import services


@task()
def poll() -> dict:
    return services.poll_all()
