"""Optional work inside a request's transaction (a duplicate link, a suggestion's record).

Its own failure is logged and forgotten; a failure of the database itself is not. Caught
inside an atomic block, a lost connection or an aborted transaction would leave Django to roll
the whole transaction back silently at its end, while the request answered as if it had
committed: a citizen told "201, your number is TNG-…" for a report that was never stored (the
fault suite's terminated sessions found exactly that). Those errors propagate, so the request
fails (503, retried with its Idempotency-Key) instead."""

import logging
from contextlib import contextmanager

from django.db import InterfaceError, OperationalError, transaction


@contextmanager
def optional(what: str, *, log: logging.Logger, reads: bool = False):
    """`reads=True`: the step only reads. Outside a transaction it then opens none (on SQLite
    a transaction takes the write lock); a failed read there leaves nothing to undo."""
    try:
        if reads and not transaction.get_connection().in_atomic_block:
            yield
        else:
            with transaction.atomic():  # a savepoint: the optional step's own writes undone
                yield
    except (OperationalError, InterfaceError):
        raise
    except Exception:
        connection = transaction.get_connection()
        if connection.needs_rollback or connection.closed_in_transaction:
            raise
        log.exception("%s failed; carrying on without it", what)
