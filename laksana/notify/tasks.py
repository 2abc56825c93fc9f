"""Background jobs of the outbox (run by `laksana worker`)."""

from datetime import timedelta

from django_tasks import task

from . import delivery

PUMP_GRACE = timedelta(minutes=1)
PUMP_LIMIT = 500


@task()
def deliver(notification_id: int) -> str:
    """Deliver one outbox row (idempotent: a delivered or claimed row is left alone)."""
    return delivery.deliver(notification_id)


@task()
def pump() -> dict:
    """The safety net, run every minute: recover rows whose worker died, and deliver rows whose
    own job was lost (e.g. the process stopped between commit and enqueue)."""
    counts = delivery.recover()
    counts["delivered"] = 0
    for pk in delivery.due_ids(grace=PUMP_GRACE, limit=PUMP_LIMIT):
        counts["delivered"] += delivery.deliver(pk) == "sent"
    return counts
