"""The SQLite backend's checkpoints run beside the writers (issue 15, item 8): no connection
copies the WAL inside its own commit, one thread per process does it after commits, and the
WAL starts over instead of growing while writers keep committing."""

import pytest
from django.db import connection, transaction

from laksana.common.sqlite3 import base
from laksana.regions.models import Region

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("committed"),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's WAL checkpoints"),
]


def _commit_some(times: int) -> None:
    for n in range(times):
        with transaction.atomic():
            Region.objects.create(
                slug=f"uji-{n}", name=f"Uji {n}", code=f"U{n}", tracking_prefix=f"U{n}"
            )
            Region.objects.filter(slug=f"uji-{n}").delete()


def _wait_for_run(checkpointer, after) -> tuple:
    with checkpointer.ran:
        assert checkpointer.ran.wait_for(lambda: checkpointer.last is not after, timeout=60)
        return checkpointer.last


def test_connections_leave_checkpoints_to_the_process_thread():
    connection.ensure_connection()
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cursor.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
    checkpointer = connection._checkpointer
    assert checkpointer.thread.is_alive()
    before = checkpointer.last
    _commit_some(3)
    _busy, pages, copied = _wait_for_run(checkpointer, before)
    assert pages > 0 and copied == pages  # the commits' frames are in the database file


def test_a_long_wal_is_finished_between_two_writers(monkeypatch):
    """Past RESTART_PAGES the checkpointer copies what its passive run left while holding the
    process's write queue (so the next writer may start the WAL over), and hands it back."""
    monkeypatch.setattr(base, "RESTART_PAGES", 1)
    monkeypatch.setattr(base, "CHECKPOINT_SECONDS", 0.0)
    connection.ensure_connection()
    checkpointer = connection._checkpointer
    restarts = checkpointer.restarts
    for _round in range(3):
        before = checkpointer.last
        _commit_some(5)
        _busy, pages, copied = _wait_for_run(checkpointer, before)
        assert copied == pages
    assert checkpointer.restarts > restarts
    _commit_some(1)  # the write queue was handed back: writers go on
