"""The one clock services read. The demo generator sets it to replay history at past times."""

import contextlib
import contextvars
from collections.abc import Iterator
from datetime import datetime

from django.utils import timezone

_fixed: contextvars.ContextVar[datetime | None] = contextvars.ContextVar(
    "laksana_now", default=None
)


def now() -> datetime:
    return _fixed.get() or timezone.now()


@contextlib.contextmanager
def at(moment: datetime) -> Iterator[None]:
    """Run the block as if it were `moment` (used to write a realistic past, never in requests)."""
    token = _fixed.set(moment)
    try:
        yield
    finally:
        _fixed.reset(token)
