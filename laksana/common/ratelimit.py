"""Sliding-window rate limits shared by every process, kept in Django's cache (a table of the main
database by default, so several web workers count together on SQLite and PostgreSQL alike).

Each key keeps a log of the moments of its allowed hits in the last `window` seconds. A hit is
allowed while fewer than `limit` moments are in the log. Unlike a fixed window (a counter per
clock minute), a burst cannot pass twice the limit by straddling a window boundary: the window
moves with every hit.

Every limit of the product is named in LIMITS, so one table says what is limited and how much;
settings.RATE_LIMITS may override any entry (name -> (limit, seconds)).
"""

import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.utils.translation import gettext as _

from laksana.common.errors import DomainError

# name -> (hits, seconds), per client address unless said otherwise. Generous where citizens
# write, because many Indonesian phones share one carrier-grade NAT address.
LIMITS: dict[str, tuple[int, int]] = {
    # New complaints: the portal form, the JSON API, Open311 POST requests; per chat sender too.
    "submit": (20, 600),
    # Messages a chat sender (WhatsApp, Telegram, SMS) may send us, per sender.
    "chat_message": (40, 600),
    # Other public writes on a complaint: photos, reopen, rating, answers, Open311 updates.
    "write": (60, 600),
    # Secret tracking tokens that matched nothing: guessing gets refused, a citizen never misses.
    "token_miss": (20, 600),
    # The portal's look-up by number + contact.
    "lookup": (10, 600),
    # Password-reset e-mails asked for: per address, and per e-mail address asked about.
    "password_reset": (5, 3600),
    "password_reset_email": (3, 3600),
}


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int  # seconds until the next hit would be allowed (0 when allowed)


class RateLimited(DomainError):
    """Raised by interfaces when a limit is reached; the JSON API answers 429 with Retry-After."""

    status = 429
    code = "rate_limited"

    def __init__(self, retry_after: int, detail=None):
        super().__init__(
            detail
            or _("Terlalu banyak permintaan. Tunggu %(n)d detik, lalu coba lagi.")
            % {"n": retry_after}
        )
        self.retry_after = retry_after


def limit_of(name: str) -> tuple[int, int]:
    return {**LIMITS, **getattr(settings, "RATE_LIMITS", {})}[name]


def _lock(bucket: str) -> None:
    """Serialize hits of one key (inside a transaction): SQLite's IMMEDIATE transaction takes the
    write lock at BEGIN; on PostgreSQL a transaction-scoped advisory lock on the key serializes
    only that key's hits."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [bucket])


def _decide(log: list[float], now: float, limit: int, window: int) -> Decision:
    if len(log) < limit:
        return Decision(True, 0)
    # The hit that leaves the window first makes room for the next one.
    oldest = log[-limit]
    return Decision(False, max(1, math.ceil(oldest + window - now)))


def hit(key: str, *, limit: int, window: int, count: bool = True) -> Decision:
    """Count one hit for `key` (unless `count` is False: only ask) and say whether it is allowed.
    A refused hit is not logged, so a client that keeps trying is let in as its old hits age."""
    cache = caches["ratelimit"]
    bucket = f"rls:{key}"
    now = time.time()
    with transaction.atomic():
        _lock(bucket)
        log = [t for t in cache.get(bucket, []) if t > now - window]
        decision = _decide(log, now, limit, window)
        if decision.allowed and count:
            log.append(now)
            # Keep no more moments than the limit needs: the log stays small under a flood.
            cache.set(bucket, log[-limit:], timeout=window + 1)
    return decision


def allow(key: str, *, limit: int, window: int) -> bool:
    """Count one hit for `key`; False once `limit` hits fell in the last `window` seconds."""
    return hit(key, limit=limit, window=window).allowed


def check(name: str, who: str, *, count: bool = True) -> Decision:
    """Count one hit of the named limit (LIMITS) for `who` (an address, usually)."""
    if who in getattr(settings, "RATE_LIMIT_EXEMPT_ADDRESSES", ()):
        return Decision(True, 0)
    limit, window = limit_of(name)
    return hit(f"{name}:{who}", limit=limit, window=window, count=count)


def enforce(name: str, who: str) -> None:
    """Count one hit of the named limit for `who`; raise RateLimited when over it."""
    decision = check(name, who)
    if not decision.allowed:
        raise RateLimited(decision.retry_after)


def client_address(request) -> str:
    # REMOTE_ADDR only: a forwarded-for header is whatever the client wants it to be unless a
    # trusted proxy sets it, and the deployment's proxy is expected to set REMOTE_ADDR correctly.
    return (request.META.get("REMOTE_ADDR") if request is not None else None) or "unknown"


def refuse_if_guessing(request) -> None:
    """Before looking up a secret tracking token: refuse (RateLimited) an address whose recent
    look-ups matched nothing too often. Only misses count, so a citizen opening their own link
    again and again is never refused, while trying tokens is stopped after a few guesses."""
    decision = check("token_miss", client_address(request), count=False)
    if not decision.allowed:
        raise RateLimited(decision.retry_after)


def count_token_miss(request) -> None:
    check("token_miss", client_address(request))
