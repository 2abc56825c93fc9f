"""Password sign-in lockout: after too many failures for one username from one address, refuse
further tries for a while, so a password cannot be guessed by brute force.

Failures live in a table of the main database (not a per-process cache), so every web worker
counts together; they are cleared on a successful sign-in and pruned once older than the window.
"""

from datetime import timedelta

from django.utils.translation import gettext as _

from laksana.common import clock
from laksana.common.errors import DomainError

from .models import LoginFailure

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)


class LockedOut(DomainError):
    status = 429
    code = "locked_out"


def _key(username: str) -> str:
    return (username or "").strip().lower()[:150]


def client_ip(request) -> str | None:
    """The caller's address as the server saw it (a proxy must be trusted explicitly; it is not)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def is_locked(*, username: str, ip: str | None) -> bool:
    since = clock.now() - WINDOW
    failures = LoginFailure.objects.filter(username=_key(username), ip=ip, created_at__gte=since)
    return failures.count() >= MAX_FAILURES


def check(*, username: str, ip: str | None) -> None:
    """Raise LockedOut (429) while the username is locked from this address."""
    if is_locked(username=username, ip=ip):
        minutes = int(WINDOW.total_seconds() // 60)
        raise LockedOut(
            _(
                "Terlalu banyak percobaan masuk yang gagal. Tunggu %(minutes)d menit, lalu coba "
                "lagi."
            )
            % {"minutes": minutes}
        )


def record_failure(*, username: str, ip: str | None) -> None:
    now = clock.now()
    LoginFailure.objects.filter(created_at__lt=now - WINDOW).delete()
    LoginFailure.objects.create(username=_key(username), ip=ip, created_at=now)


def record_success(*, username: str, ip: str | None) -> None:
    LoginFailure.objects.filter(username=_key(username), ip=ip).delete()
