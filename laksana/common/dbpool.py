"""The PostgreSQL connection pool's options (DATABASE_POOL=1), chosen by the database fault
suite (laksana/common/tests/test_fault_database.py): a restart, failover or terminated backend
costs the seconds the database is away, no more.

- While the database is away psycopg_pool retries with a doubling delay (1, 2, 4, 8, 16 s ...),
  so service came back up to twice the outage late. Here an attempt gives up after
  RECONNECT_SECONDS and `retry_now` starts the next at once: one attempt about every second,
  however long the outage.
- A request waits at most WAIT_SECONDS for a connection, then answers 503 with Retry-After
  (the pool's default of 30 s outlasts the patience of clients and proxies). A short outage is
  then only a slow answer, not an error.

Not done: every idle pooled connection is dead after a restart, and each costs the request
handed it a 503 once the database is back (a few per process). psycopg_pool's `check` (Django's
CONN_HEALTH_CHECKS) would test each before handing it out, but it waits 1, 2, 4 s ... before
trying each further connection: after every backend was terminated, a request handed the dead
connections one by one waited out its whole timeout (10 s, then a 503) and service took 21 s
to return, against 0.8 s without it.
"""

import logging

log = logging.getLogger("laksana.outage")

WAIT_SECONDS = 10
RECONNECT_SECONDS = 2


def retry_now(pool) -> None:
    """psycopg_pool's `reconnect_failed`: the attempt gave up; start another now (check()
    grows an empty pool) instead of leaving waiting requests to their timeout."""
    log.warning("database: no connection for %s s; still trying", RECONNECT_SECONDS)
    pool.check()


def options(max_size: int) -> dict:
    """Django's OPTIONS["pool"]."""
    return {
        "min_size": 1,
        "max_size": max_size,
        "timeout": WAIT_SECONDS,
        "reconnect_timeout": RECONNECT_SECONDS,
        "reconnect_failed": retry_now,
    }
