"""Django's SQLite backend, with the process's write transactions queued in arrival order.

SQLite has one writer at a time. A transaction that finds the write lock taken waits in SQLite's
busy handler, which sleeps and retries (every 100 ms after the first few tries), and whoever
retries first after the holder commits gets the lock. Under a burst (30 citizens submitting at
once) most writers take a few transactions' time, but some lose the race over and over: p99
14–18 s against a p50 of 0.4 s (issue 15). Here the writers of one process wait in a FIFO queue
before BEGIN IMMEDIATE, each woken the moment the one before it commits, so a writer waits
for the writers ahead of it and no longer. Writers of other processes (the worker) still meet
at SQLite's busy handler.
"""

import collections
import threading

from django.db.backends.sqlite3 import base


class WriteQueue:
    """A lock handed to its waiters in the order they asked for it."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._waiting: collections.deque = collections.deque()
        self._held = False

    def acquire(self, timeout: float) -> bool:
        ticket = object()
        with self._changed:
            self._waiting.append(ticket)
            mine = self._changed.wait_for(
                lambda: not self._held and self._waiting[0] is ticket, timeout
            )
            if not mine:
                self._waiting.remove(ticket)
                self._changed.notify_all()  # the next in line may be free to go now
                return False
            self._waiting.popleft()
            self._held = True
            return True

    def release(self) -> None:
        with self._changed:
            self._held = False
            self._changed.notify_all()


WRITERS = WriteQueue()


class DatabaseWrapper(base.DatabaseWrapper):
    queued = False  # this connection holds WRITERS

    def _start_transaction_under_autocommit(self):
        if self.transaction_mode in ("IMMEDIATE", "EXCLUSIVE") and not self.queued:
            # Past the busy timeout go on anyway: SQLite's own wait then decides, as before.
            timeout = float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))
            self.queued = WRITERS.acquire(timeout)
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._dequeue()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._dequeue()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._dequeue()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._dequeue()

    def _dequeue(self) -> None:
        if self.queued:
            self.queued = False
            WRITERS.release()
