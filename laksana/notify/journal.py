"""What happened at the channel, written to a local file before the database hears of it.

The outbox row says `sending` before a message is handed over and `sent` after, but the
database may be gone (or the worker killed) in between: the one fact that matters, whether the
receiving server took the message, would then be lost and the row end `uncertain`. So the worker
appends, and fsyncs, one line per step to a journal on its own disk:

    {"key": ..., "attempt": n, "step": "handing"}                       about to send
    {"key": ..., "attempt": n, "step": "sent", "receipt": "250 ..."}     taken
    {"key": ..., "attempt": n, "step": "refused", "error": "..."}        not taken
    {"key": ..., "attempt": n, "step": "unknown", "error": "..."}        sent, no reply

and the row is settled from it as soon as the database answers again (delivery.settle_journal:
after a reconnect, at worker start, by the pump). A row `sending` with no line at all was never
handed over; only "handing" or "unknown" without more is truly unknown and needs a person.
The file is one per database in the data folder (LAKSANA_DATA_DIR), shared by the workers of
this machine.
"""

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings


def path() -> Path:
    # One journal per database: delivery keys and attempts are only unique within one, and
    # several databases (test workers, installations) may share a data folder.
    from django.db import connection

    name = str(connection.settings_dict.get("NAME") or "")
    digest = hashlib.sha256(f"{connection.vendor}:{name}".encode()).hexdigest()[:12]
    return Path(settings.DATA_DIR) / f"notify-journal-{digest}.jsonl"


@contextmanager
def _locked(mode: str) -> Iterator:
    target = path()
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, mode, encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield handle
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def write(key: str, attempt: int, step: str, **detail: str) -> None:
    """Append one step and make it durable before returning."""
    line = json.dumps(
        {"key": str(key), "attempt": attempt, "step": step, "pid": os.getpid(), **detail},
        ensure_ascii=False,
    )
    with _locked("a") as handle:
        handle.write(line + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def outcomes() -> dict[tuple[str, int], dict]:
    """The last step journalled for each (key, attempt)."""
    if not path().exists():
        return {}
    found: dict[tuple[str, int], dict] = {}
    with _locked("r") as handle:
        for line in handle:
            try:
                entry = json.loads(line)
            except ValueError:
                continue  # a line cut short by a crash mid-write: nothing was sent after it
            found[(entry["key"], entry["attempt"])] = entry
    return found


def forget(settled: set[tuple[str, int]]) -> None:
    """Drop the lines of attempts whose rows the database now records (keeps the file short)."""
    if not settled or not path().exists():
        return
    with _locked("r+") as handle:
        kept = []
        for line in handle:
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if (entry["key"], entry["attempt"]) not in settled:
                kept.append(line)
        handle.seek(0)
        handle.writelines(kept)
        handle.truncate()
        handle.flush()
        os.fsync(handle.fileno())
