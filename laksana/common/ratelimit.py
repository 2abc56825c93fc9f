"""Fixed-window rate limits shared by every process, kept in Django's cache (a database table by
default, so several web workers count together)."""

import time

from django.core.cache import caches
from django.db import connection, transaction


def allow(key: str, *, limit: int, window: int) -> bool:
    """Count one hit for `key`; False once more than `limit` hits fell in the current window.

    The cache's incr() reads and then writes, so two requests at the same moment could both read
    the old count and slip past the limit. Counting under a lock for the key makes it exact:
    SQLite's IMMEDIATE transaction takes the write lock at BEGIN, and on PostgreSQL a
    transaction-scoped advisory lock on the key serializes only hits of the same key.
    """
    cache = caches["ratelimit"]
    bucket = f"rl:{key}:{int(time.time() // window)}"
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [bucket])
        cache.add(bucket, 0, timeout=window * 2)
        try:
            count = cache.incr(bucket)
        except ValueError:  # expired between add and incr
            cache.set(bucket, 1, timeout=window * 2)
            count = 1
    return count <= limit
