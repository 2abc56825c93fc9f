"""Password sign-in lockout, one for every way in: the console's sign-in page, the Django admin's,
the API's token exchange (and anything else that calls django.contrib.auth.authenticate).

Refused for a while, once within the window there were too many failures
- for one username from one address (MAX_FAILURES),
- from one address across usernames (MAX_FAILURES_PER_IP): trying many names, one password each,
- for one username across addresses (MAX_FAILURES_PER_USERNAME): guessing from many machines.

How it covers every way in: `LockoutBackend` is the first authentication backend. While a
username or address is locked it raises PermissionDenied, which makes authenticate() refuse
without asking the password backends; Django's user_login_failed signal records each failure and
user_logged_in clears the username's failures. The console's sign-in page and the token endpoint
also call `check` first, to answer 429 with the reason instead of "wrong password".

Failures live in a table of the main database (not a per-process cache), so every web worker
counts together; they are cleared on a successful sign-in and pruned once older than the window.
"""

from datetime import timedelta

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.utils.translation import gettext as _

from laksana.common import clock
from laksana.common.errors import DomainError

from .models import LoginFailure

MAX_FAILURES = 5
MAX_FAILURES_PER_IP = 20
MAX_FAILURES_PER_USERNAME = 20
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
    recent = LoginFailure.objects.filter(created_at__gte=clock.now() - WINDOW)
    name = _key(username)
    return (
        recent.filter(username=name, ip=ip).count() >= MAX_FAILURES
        or (ip is not None and recent.filter(ip=ip).count() >= MAX_FAILURES_PER_IP)
        or recent.filter(username=name).count() >= MAX_FAILURES_PER_USERNAME
    )


def check(*, username: str, ip: str | None) -> None:
    """Raise LockedOut (429) while the username is locked from this address."""
    if is_locked(username=username, ip=ip):
        minutes = int(WINDOW.total_seconds() // 60)
        error = LockedOut(
            _(
                "Terlalu banyak percobaan masuk yang gagal. Tunggu %(minutes)d menit, lalu coba "
                "lagi."
            )
            % {"minutes": minutes}
        )
        error.retry_after = int(WINDOW.total_seconds())
        raise error


def record_failure(*, username: str, ip: str | None) -> None:
    now = clock.now()
    LoginFailure.objects.filter(created_at__lt=now - WINDOW).delete()
    LoginFailure.objects.create(username=_key(username), ip=ip, created_at=now)


def record_success(*, username: str, ip: str | None) -> None:
    LoginFailure.objects.filter(username=_key(username), ip=ip).delete()


class LockoutBackend:
    """First in AUTHENTICATION_BACKENDS: refuses every password sign-in while it is locked out.
    It never signs anyone in itself (authenticate returns None otherwise)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            return None
        if is_locked(username=username, ip=client_ip(request)):
            if request is not None:
                request.laksana_locked_out = True
            raise PermissionDenied
        return None

    # No get_user(): sessions are never this backend's, and force_login() picks the first backend
    # that has one.


@receiver(user_login_failed, dispatch_uid="laksana_lockout_failed")
def _failed(sender, credentials, request=None, **kwargs):
    if getattr(request, "laksana_locked_out", False):
        return  # refused unasked while locked: not a new guess at the password
    username = credentials.get("username")
    if username:
        record_failure(username=username, ip=client_ip(request))


@receiver(user_logged_in, dispatch_uid="laksana_lockout_success")
def _succeeded(sender, request, user, **kwargs):
    record_success(username=user.get_username(), ip=client_ip(request))
