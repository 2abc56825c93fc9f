"""The worker's side of an SP4N-LAPOR! import: large files are brought in off the request."""

import logging

from django.db import DatabaseError
from django_tasks import task

from . import services

log = logging.getLogger("laksana.lapor")


@task()
def run_import(batch_id: int) -> dict:
    batch = services.run_import(batch_id)
    return {"created": batch.created, "already": batch.already, "review": batch.review}


def queue(batch_id: int) -> None:
    """After the upload's commit. If the queue is away, the import page's "continue" button (and
    `laksana lapor run`) start it by hand; nothing uploaded is lost."""
    try:
        run_import.enqueue(batch_id)
    except DatabaseError:
        log.warning("lapor: could not queue import %s", batch_id, exc_info=True)
