"""Background jobs of the outbox (run by `laksana worker`).

The jobs know the delivery rules (delivery.py), never the other way round: a failed attempt's
retry and an admin's resend are queued here.
"""

import logging
from datetime import datetime, timedelta

from django.db import DatabaseError
from django_tasks import task

from . import delivery

log = logging.getLogger("laksana.notify")

PUMP_GRACE = timedelta(minutes=1)
PUMP_LIMIT = 500


def _queue_retry(notification_id: int, when: datetime) -> None:
    deliver.using(run_after=when).enqueue(notification_id)


@task()
def deliver(notification_id: int) -> str:
    """Deliver one outbox row (idempotent: a delivered or claimed row is left alone)."""
    return delivery.deliver(notification_id, on_retry=_queue_retry)


@task()
def pump() -> dict:
    """The safety net, run every minute: recover rows whose worker died, and deliver rows whose
    own job was lost (e.g. the process stopped between commit and enqueue)."""
    counts = delivery.recover()
    counts["delivered"] = 0
    for pk in delivery.due_ids(grace=PUMP_GRACE, limit=PUMP_LIMIT):
        counts["delivered"] += delivery.deliver(pk, on_retry=_queue_retry) == "sent"
    return counts


def queue(ids: list[int]) -> None:
    """Queue the delivery jobs of rows just committed. Called after the commit: a failure here
    (the database went away) is logged, never raised, because what the caller stored is stored
    and the pump delivers rows whose job was never queued within PUMP_GRACE."""
    for position, pk in enumerate(ids):
        try:
            deliver.enqueue(pk)
        except DatabaseError:
            log.warning(
                "notify: could not queue delivery of %d notification(s) from %s; the pump "
                "delivers them",
                len(ids) - position,
                pk,
                exc_info=True,
            )
            return


def resend(rows) -> int:
    """An admin's decision to send failed or uncertain rows again (new attempts, same key)."""
    ids = delivery.reopen(rows)
    for pk in ids:
        deliver.enqueue(pk)
    return len(ids)
