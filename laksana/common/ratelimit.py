"""Fixed-window rate limits shared by every process, kept in Django's cache (a database table by
default, so several web workers count together)."""

import time

from django.core.cache import caches


def allow(key: str, *, limit: int, window: int) -> bool:
    """Count one hit for `key`; False once more than `limit` hits fell in the current window."""
    cache = caches["ratelimit"]
    bucket = f"rl:{key}:{int(time.time() // window)}"
    cache.add(bucket, 0, timeout=window * 2)
    try:
        count = cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.set(bucket, 1, timeout=window * 2)
        count = 1
    return count <= limit
