"""Background job of the reports app (run by `laksana worker`, scheduled in sla/worker.py)."""

from django_tasks import task


@task()
def rollup() -> dict:
    """Count the events written since the last run into the daily aggregates (idempotent)."""
    from .rollup import catch_up_all

    return catch_up_all()


@task()
def export(job_id: int) -> dict:
    """Write a large export's file (jobs.run; the progress page polls the job)."""
    from .jobs import run

    job = run(job_id)
    return {"state": job.state, "rows": job.done}
