"""Personal API tokens: created for a user, stored hashed, revocable."""

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth import authenticate
from django.utils import timezone
from django.utils.translation import gettext as _

from laksana.common.errors import DomainError, NotFound

from .models import ApiToken

PREFIX = "lks_"


class BadCredentials(DomainError):
    status = 401
    code = "bad_credentials"


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_token(*, user, name: str) -> tuple[ApiToken, str]:
    key = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=key[:12], key_hash=_hash(key)
    )
    return token, key


def token_for_password(
    *, username: str, password: str, name: str, request=None
) -> tuple[ApiToken, str]:
    # The request lets the sign-in lockout (accounts.lockout) count failures per address.
    user = authenticate(request, username=username, password=password)
    if user is None or not user.is_active:
        raise BadCredentials(_("Nama pengguna atau kata sandi salah."))
    return create_token(user=user, name=name or "api")


def user_for_key(key: str):
    """The active user a token belongs to, or None. Marks the token used (at most once a minute)."""
    if not key:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(key), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def revoke_token(*, user, token_id: int) -> None:
    updated = ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not updated:
        raise NotFound(_("Token tidak ditemukan."))
