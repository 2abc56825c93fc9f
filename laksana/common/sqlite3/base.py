"""Django's SQLite backend, with the process's write transactions queued in arrival order.

SQLite has one writer at a time. A transaction that finds the write lock taken waits in SQLite's
busy handler, which sleeps and retries (every 100 ms after the first few tries), and whoever
retries first after the holder commits gets the lock. Under a burst (30 citizens submitting at
once) most writers take a few transactions' time, but some lose the race over and over: p99
14–18 s against a p50 of 0.4 s (issue 15). Here the writers of one process wait in a FIFO queue
before BEGIN IMMEDIATE, each woken the moment the one before it commits, so a writer waits
for the writers ahead of it and no longer. Writers of other processes (the worker) still meet
at SQLite's busy handler.

Checkpoints run beside the writers, not inside them. By default the connection whose commit
takes the WAL past 1,000 pages copies the WAL into the database and flushes both to disk
before its COMMIT returns, while this process's write queue is still its: measured at 30
submitters, a third of all the time the write lock was held went to such commits, 80–370 ms
each, and every writer queued behind them (issue 15, item 8). Here the connections do no
checkpoint of their own (wal_autocheckpoint=0); a commit wakes one thread per process that
runs PASSIVE checkpoints on its own connection, at most one per CHECKPOINT_SECONDS. A passive
checkpoint takes no write lock: writers go on committing while it copies and flushes.
"""

import collections
import logging
import os
import sqlite3
import threading
import time

from django.db.backends.sqlite3 import base

log = logging.getLogger("laksana.sqlite")
CHECKPOINT_SECONDS = 1.0  # at most one checkpoint per second while commits come
# And one at least this often: single statements outside a transaction (autocommit) commit
# without passing through _commit, so a process writing only those would never wake it.
IDLE_CHECKPOINT_SECONDS = 10.0
# The WAL starts again from its beginning only when a writer finds it wholly copied and no
# reader in it; beside writers that keep committing that never happens, and it only grows.
# Past this many pages (4 KiB each) the checkpointer copies the few frames its passive run
# left while holding the write queue, so the next writer restarts the WAL.
RESTART_PAGES = 2000


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


class Checkpointer:
    """One thread per process and database file, copying the WAL into the database after
    commits (see the module's docstring). Its connection stays open, so a request closing its
    own never is the file's last one (which would checkpoint and delete the WAL inline)."""

    def __init__(self, path: str, timeout: float) -> None:
        self.path, self.timeout = path, timeout
        self.pid = os.getpid()
        self.wanted = threading.Event()
        self.last: tuple[int, int, int] | None = None  # (busy, WAL pages, pages copied)
        self.restarts = 0  # runs that copied the rest while holding the write queue
        self.ran = threading.Condition()
        self.thread = threading.Thread(target=self.run, name="sqlite-checkpoint", daemon=True)
        self.thread.start()

    def run(self) -> None:
        conn = None
        while True:
            self.wanted.wait(IDLE_CHECKPOINT_SECONDS)
            self.wanted.clear()
            try:
                if conn is None:
                    conn = sqlite3.connect(self.path, timeout=self.timeout, check_same_thread=False)
                last = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                if last[1] >= RESTART_PAGES and WRITERS.acquire(self.timeout):
                    # Copy the rest between two of this process's writers, so the next one
                    # starts the WAL from its beginning again.
                    try:
                        last = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                        self.restarts += 1
                    finally:
                        WRITERS.release()
                with self.ran:
                    self.last = tuple(last)
                    self.ran.notify_all()
            except Exception:  # never let the thread die: the WAL would then only grow
                log.warning("SQLite checkpoint of %s failed", self.path, exc_info=True)
                if conn is not None:
                    conn.close()
                conn = None
            time.sleep(CHECKPOINT_SECONDS)


_checkpointers: dict[str, Checkpointer] = {}
_checkpointers_lock = threading.Lock()


def checkpointer(path: str, timeout: float) -> Checkpointer:
    found = _checkpointers.get(path)
    if found is not None and found.pid == os.getpid():
        return found
    with _checkpointers_lock:  # first commit in this process (or in a forked child)
        found = _checkpointers.get(path)
        if found is None or found.pid != os.getpid():
            found = _checkpointers[path] = Checkpointer(path, timeout)
        return found


class DatabaseWrapper(base.DatabaseWrapper):
    queued = False  # this connection holds WRITERS
    _checkpointer: Checkpointer | None = None

    def get_new_connection(self, conn_params):
        conn = super().get_new_connection(conn_params)
        if not self.is_in_memory_db():
            conn.execute("PRAGMA wal_autocheckpoint=0")  # Checkpointer does it, beside writers
            timeout = float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))
            self._checkpointer = checkpointer(str(self.settings_dict["NAME"]), timeout)
        return conn

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
            if self._checkpointer is not None:
                self._checkpointer.wanted.set()

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
