"""Delivering outbox rows: claim, then send, with every step a conditional UPDATE.

At-least-once up to the channel, at most once across it. A job may run twice (the queue is
at-least-once, a killed worker's job runs again), so delivering must be idempotent:
1. render the message (no side effects: a crash here loses nothing);
2. claim the row, pending -> claimed with a lease (only one worker wins);
3. open the channel's connection (still nothing sent; a crash leaves `claimed`, which the pump
   returns to `pending` once the lease has expired);
4. mark it `sending` (the point of no return), hand the message over, mark it `sent`.
A worker that dies between 4's hand-over and its `sent` leaves the row `sending`: nobody knows
whether the message left. Channels that deduplicate by our key (webhooks: X-Laksana-Delivery) are
simply sent again; for e-mail the row becomes `uncertain` and is never resent automatically, so
the citizen never gets the same message twice; admins see it in the outbox list and may resend.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext as _

from laksana.common import clock

from . import channels, journal
from .models import Notification
from .render import render

log = logging.getLogger("laksana.notify")

N = Notification.Status
LEASE = timedelta(minutes=5)  # far longer than any channel's timeout
# Waits after the 1st, 2nd, ... failed attempt; after the last one the row is `failed`.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
RetryHook = Callable[[int, datetime], None]


def _now() -> datetime:
    return clock.now()


def deliver(pk: int, *, on_retry: RetryHook | None = None) -> str:
    """Deliver one outbox row if it is due; returns its status afterwards. After a failed
    attempt that will be retried, `on_retry(pk, when)` (tasks.py queues the retry's job)."""
    row = Notification.objects.select_related("endpoint").filter(pk=pk).first()
    if row is None:
        return "missing"
    now = _now()
    if row.status in (N.CLAIMED, N.SENDING) and row.lease_until and row.lease_until < now:
        recover(now, pk=pk)  # this job runs again after its worker died: settle the row first
        row.refresh_from_db()
    if not _claimable(row, now):
        return row.status
    try:
        message = render(row)
    except Exception as exc:
        log.exception("notification %s could not be rendered", pk)
        return _failed(row, row.status, exc, permanent=True, on_retry=on_retry)
    attempt = row.attempts + 1
    claimed = Notification.objects.filter(
        pk=pk, status=N.PENDING, attempts=row.attempts, next_attempt_at__lte=now
    ).update(status=N.CLAIMED, attempts=attempt, lease_until=now + LEASE)
    if claimed != 1:
        return "taken"
    row.attempts = attempt
    _held[pk] = attempt  # released by settle_held() if the database goes away meanwhile
    channel = None
    try:
        try:
            channel = channels.get(row.channel)
            channel.open()
            if not _move(row, N.CLAIMED, N.SENDING, lease_until=_now() + LEASE):
                return "taken"  # our lease ran out and another worker has it now
        except DatabaseError:
            raise  # the worker settles what it held once the database is back
        except Exception as exc:
            permanent = isinstance(exc, channels.PermanentError)
            return _failed(row, None, exc, permanent=permanent, on_retry=on_retry)
        # From here the channel's answer is journalled before the database hears of it.
        return _send(row, channel, message, on_retry=on_retry)
    finally:
        try:
            if channel is not None:
                channel.close()
        except Exception:
            log.warning("closing the %s channel failed", row.channel, exc_info=True)


def _send(row: Notification, channel, message, *, on_retry: RetryHook | None) -> str:
    key, attempt = str(row.key), row.attempts
    journal.write(key, attempt, "handing")
    try:
        receipt = channel.send(message) or ""
    except channels.OutcomeUnknown as exc:
        journal.write(key, attempt, "unknown", error=str(exc)[:500])
        _uncertain(row, f"{exc}")
        return N.UNCERTAIN
    except Exception as exc:
        journal.write(key, attempt, "refused", error=f"{type(exc).__name__}: {exc}"[:500])
        permanent = isinstance(exc, channels.PermanentError)
        return _failed(row, None, exc, permanent=permanent, on_retry=on_retry)
    journal.write(key, attempt, "sent", receipt=receipt)
    _move(row, N.SENDING, N.SENT, sent_at=_now(), lease_until=None, last_error="", receipt=receipt)
    _held.pop(row.pk, None)
    journal.forget({(key, attempt)})
    return N.SENT


def _uncertain(row: Notification, why: str) -> None:
    Notification.objects.filter(pk=row.pk, status=N.SENDING, attempts=row.attempts).update(
        status=N.UNCERTAIN,
        lease_until=None,
        last_error=_("Dikirim, tetapi server penerima tidak menjawab: %(why)s") % {"why": why},
    )
    _held.pop(row.pk, None)


# Rows this process claimed and has not settled: {pk: attempt}.
_held: dict[int, int] = {}


def settle_held() -> dict[str, int]:
    """After the database came back: settle what this process held when it went away. A row
    still `claimed` was never handed over: pending again at once. A `sending` one is settled
    from the journal (settle_journal)."""
    counts = settle_journal()
    released = 0
    for pk, attempt in list(_held.items()):
        released += Notification.objects.filter(pk=pk, attempts=attempt, status=N.CLAIMED).update(
            status=N.PENDING, lease_until=None, next_attempt_at=_now()
        )
        _held.pop(pk, None)
    counts["released"] = released
    if released:
        log.warning("notify: %d claimed notification(s) released after a database outage", released)
    return counts


def settle_journal() -> dict[str, int]:
    """Rows left `sending` whose attempt this machine's journal knows: `sent` (with the
    receiving server's answer), `refused` (pending, retried), `unknown`/`handing` (uncertain:
    the message may have been taken, only a person can tell)."""
    entries = journal.outcomes()
    counts = {"sent": 0, "retried": 0, "uncertain": 0}
    if not entries:
        return counts
    keys = {key for key, _attempt in entries}
    settled = set()
    rows = Notification.objects.filter(status=N.SENDING, key__in=keys)
    for row in rows:
        entry = entries.get((str(row.key), row.attempts))
        if entry is None:
            continue
        step = entry["step"]
        if step == "sent":
            done = _move(
                row,
                N.SENDING,
                N.SENT,
                sent_at=_now(),
                lease_until=None,
                last_error="",
                receipt=entry.get("receipt", ""),
            )
            counts["sent"] += done
        elif step == "refused" or channels.dedupes_by_key(row.channel):
            # Not taken, or the receiver recognises a repeat by our key: send again.
            counts["retried"] += _move(
                row,
                N.SENDING,
                N.PENDING,
                lease_until=None,
                next_attempt_at=_now(),
                last_error=entry.get("error") or "",
            )
        else:
            _uncertain(row, entry.get("error") or _("pekerja terputus saat mengirim"))
            counts["uncertain"] += 1
        _held.pop(row.pk, None)
    # Lines whose rows are no longer `sending` (settled now or before) are not needed.
    still = {
        (str(k), a)
        for k, a in Notification.objects.filter(status=N.SENDING, key__in=keys).values_list(
            "key", "attempts"
        )
    }
    settled = set(entries) - still
    journal.forget(settled)
    if any(counts.values()):
        log.warning("notify: settled from the journal: %s", counts)
    return counts


def _claimable(row: Notification, now: datetime) -> bool:
    return row.status == N.PENDING and row.next_attempt_at <= now


def _move(row: Notification, old: str, new: str, **fields) -> bool:
    moved = Notification.objects.filter(pk=row.pk, status=old, attempts=row.attempts).update(
        status=new, **fields
    )
    if moved:
        row.status = new
    return bool(moved)


def _failed(
    row: Notification,
    old: str | None,
    exc: Exception,
    *,
    permanent: bool,
    on_retry: RetryHook | None,
) -> str:
    """Record a failed attempt: retry after the backoff, or give up and show it to admins."""
    error = f"{type(exc).__name__}: {exc}"[:2000]
    log.warning("notification %s attempt %s failed: %s", row.pk, row.attempts, error)
    states = [old] if old else [N.CLAIMED, N.SENDING]
    if permanent or row.attempts >= MAX_ATTEMPTS:
        Notification.objects.filter(pk=row.pk, status__in=states).update(
            status=N.FAILED, last_error=error, lease_until=None
        )
        return N.FAILED
    retry_at = _now() + BACKOFF[max(row.attempts, 1) - 1]
    Notification.objects.filter(pk=row.pk, status__in=states).update(
        status=N.PENDING, last_error=error, lease_until=None, next_attempt_at=retry_at
    )
    if on_retry is not None:
        on_retry(row.pk, retry_at)
    return N.PENDING


def recover(now: datetime | None = None, *, pk: int | None = None) -> dict[str, int]:
    """Rows whose worker died: `claimed` -> pending (nothing was sent); `sending` -> pending
    for channels that deduplicate by key, else `uncertain` (see the module's docstring)."""
    now = now or _now()
    settle_journal()  # what this machine's journal knows needs no guessing
    expired = Notification.objects.filter(lease_until__lt=now)
    if pk is not None:
        expired = expired.filter(pk=pk)
    counts = {"retried": 0, "uncertain": 0}
    counts["retried"] += expired.filter(status=N.CLAIMED).update(
        status=N.PENDING, lease_until=None, next_attempt_at=now
    )
    repeatable = [name for name in channels.available() if channels.dedupes_by_key(name)]
    counts["retried"] += expired.filter(status=N.SENDING, channel__in=repeatable).update(
        status=N.PENDING,
        lease_until=None,
        next_attempt_at=now,
        last_error="Pekerja berhenti saat mengirim; dikirim ulang dengan kunci yang sama.",
    )
    counts["uncertain"] = expired.filter(status=N.SENDING).update(
        status=N.UNCERTAIN,
        lease_until=None,
        last_error="Pekerja berhenti saat mengirim; tidak diketahui apakah pesan terkirim.",
    )
    return counts


def due_ids(now: datetime | None = None, *, grace: timedelta, limit: int) -> list[int]:
    """Pending rows due for longer than `grace` (their own queued job should have run by then)."""
    now = now or _now()
    return list(
        Notification.objects.filter(status=N.PENDING, next_attempt_at__lte=now - grace)
        .order_by("next_attempt_at")
        .values_list("id", flat=True)[:limit]
    )


def reopen(rows) -> list[int]:
    """An admin's decision to send failed or uncertain rows again (new attempts, same key):
    they are pending and due now; returns their ids (tasks.resend queues their jobs)."""
    now = timezone.now()
    ids = list(rows.filter(status__in=[N.FAILED, N.UNCERTAIN]).values_list("id", flat=True))
    Notification.objects.filter(id__in=ids).update(
        status=N.PENDING, attempts=0, next_attempt_at=now, lease_until=None
    )
    return ids


def redeliver(pk: int, *, why: str, payload: dict) -> bool:
    """A row taken by the receiving side that reported afterwards it could not deliver it (a
    WhatsApp status webhook: error 131047) goes again, as `payload` says (e.g. as a template):
    sent -> pending, due now. Once only: a repeat of that report finds the row no longer sent.
    Returns whether it was reopened (tasks.queue delivers it)."""
    return bool(
        Notification.objects.filter(pk=pk, status=N.SENT).update(
            status=N.PENDING,
            payload=payload,
            next_attempt_at=_now(),
            lease_until=None,
            sent_at=None,
            last_error=why[:2000],
        )
    )
