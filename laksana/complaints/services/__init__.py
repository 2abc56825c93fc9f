"""The complaint lifecycle: the only code that creates complaints or changes their status.

Every function takes keyword-only arguments, runs in one transaction, checks who is acting (role and
region), checks the current state, writes exactly one Event and publishes it after commit. Anything
illegal raises a DomainError (see laksana.common.errors) and leaves the database unchanged.

Concurrency: a change locks the complaint row (SELECT ... FOR UPDATE on PostgreSQL; SQLite's
IMMEDIATE transactions serialize writers) and then updates it conditionally on the version it read.
Two staff acting at once: the first wins, the second finds the state changed and gets a 409.
"""

from .core import *  # noqa: F403
from .intake import *  # noqa: F403
from .timeline import *  # noqa: F403
from .transitions import *  # noqa: F403
