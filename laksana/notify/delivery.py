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
from datetime import datetime, timedelta

from django.utils import timezone

from laksana.common import clock

from . import channels
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


def _now() -> datetime:
    return clock.now()


def deliver(pk: int) -> str:
    """Deliver one outbox row if it is due; returns its status afterwards."""
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
        return _failed(row, row.status, exc, permanent=True)
    attempt = row.attempts + 1
    claimed = Notification.objects.filter(
        pk=pk, status=N.PENDING, attempts=row.attempts, next_attempt_at__lte=now
    ).update(status=N.CLAIMED, attempts=attempt, lease_until=now + LEASE)
    if claimed != 1:
        return "taken"
    row.attempts = attempt
    channel = None
    try:
        channel = channels.get(row.channel)
        channel.open()
        if not _move(row, N.CLAIMED, N.SENDING, lease_until=_now() + LEASE):
            return "taken"  # our lease ran out and another worker has it now
        channel.send(message)
    except Exception as exc:
        return _failed(row, None, exc, permanent=isinstance(exc, channels.PermanentError))
    finally:
        try:
            if channel is not None:
                channel.close()
        except Exception:
            log.warning("closing the %s channel failed", row.channel, exc_info=True)
    _move(row, N.SENDING, N.SENT, sent_at=_now(), lease_until=None, last_error="")
    return N.SENT


def _claimable(row: Notification, now: datetime) -> bool:
    return row.status == N.PENDING and row.next_attempt_at <= now


def _move(row: Notification, old: str, new: str, **fields) -> bool:
    moved = Notification.objects.filter(pk=row.pk, status=old, attempts=row.attempts).update(
        status=new, **fields
    )
    if moved:
        row.status = new
    return bool(moved)


def _failed(row: Notification, old: str | None, exc: Exception, *, permanent: bool) -> str:
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
    from .tasks import deliver as deliver_task

    deliver_task.using(run_after=retry_at).enqueue(row.pk)
    return N.PENDING


def recover(now: datetime | None = None, *, pk: int | None = None) -> dict[str, int]:
    """Rows whose worker died: `claimed` -> pending (nothing was sent); `sending` -> pending
    for channels that deduplicate by key, else `uncertain` (see the module's docstring)."""
    now = now or _now()
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


def resend(rows) -> int:
    """An admin's decision to send failed or uncertain rows again (new attempts, same key)."""
    now = timezone.now()
    ids = list(rows.filter(status__in=[N.FAILED, N.UNCERTAIN]).values_list("id", flat=True))
    Notification.objects.filter(id__in=ids).update(
        status=N.PENDING, attempts=0, next_attempt_at=now, lease_until=None
    )
    from .tasks import deliver as deliver_task

    for pk in ids:
        deliver_task.enqueue(pk)
    return len(ids)
