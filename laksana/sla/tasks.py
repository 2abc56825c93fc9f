"""Background jobs of the sla app (run by `laksana worker`)."""

from django_tasks import task


@task()
def sweep() -> dict:
    """Mark and escalate complaints past their deadline; auto-close the silent resolved ones."""
    from .services.sweep import sweep as run_sweep

    return run_sweep().as_dict()


@task()
def ping(n: int = 0) -> int:
    """Does nothing: measures what the queue itself costs per job (see jobs_throughput)."""
    return n
