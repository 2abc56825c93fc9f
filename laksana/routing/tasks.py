"""Background job of the routing app (run by `laksana worker`, scheduled in sla/worker.py)."""

from django_tasks import task


@task()
def retrain() -> dict:
    """The weekly retraining: a new model version per region from its latest handled complaints."""
    from .services import retrain_all

    return retrain_all()
