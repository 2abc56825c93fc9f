"""Database work of the async live code, on a few threads with long-lived connections.

Streams stay open for hours. Django's own sync_to_async would open a connection in each request's
thread and keep it until the stream ends: a thousand screens would hold a thousand connections.
Here every stream's short queries (who is asking, what did they miss) and the hub's one query per
event run on POOL_SIZE threads, each reusing its connection.
"""

import asyncio
import functools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from django.db import InterfaceError, OperationalError, connection

POOL_SIZE = 4
T = TypeVar("T")

_executor = ThreadPoolExecutor(max_workers=POOL_SIZE, thread_name_prefix="laksana-live-db")


def _guarded(fn: Callable[..., T], *args, **kwargs) -> T:
    try:
        return fn(*args, **kwargs)
    except (OperationalError, InterfaceError):
        # The server closed an idle connection (restart, failover): reconnect once and retry.
        if connection.in_atomic_block:
            raise
        connection.close()
        return fn(*args, **kwargs)


async def run(fn: Callable[..., T], *args, **kwargs) -> T:
    """Run a sync function that uses the ORM on the pool, from async code."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_executor, functools.partial(_guarded, fn, *args, **kwargs))


def close_connections() -> None:
    """Close the pool threads' connections (tests: before their database is dropped)."""
    barrier = threading.Barrier(POOL_SIZE)

    def close() -> None:
        barrier.wait(timeout=10)  # one task per thread: each closes its own connection
        connection.close()

    for future in [_executor.submit(close) for _ in range(POOL_SIZE)]:
        future.result(timeout=20)
