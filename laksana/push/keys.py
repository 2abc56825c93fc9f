"""The VAPID key pair (RFC 8292) that identifies this installation to the push services.

From settings (VAPID_PRIVATE_KEY, VAPID_PUBLIC_KEY, VAPID_SUBJECT); in development and the demo
(DEBUG=1) without a key, one is generated on first use and kept in
<LAKSANA_DATA_DIR>/vapid-private.txt (mode 0600), so subscriptions survive a restart. Without a key
in production, push is off: no button, no outbox rows. Changing the key invalidates every
subscription (browsers subscribed with the old public key).
"""

import os
from functools import cache

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from py_vapid import Vapid
from py_vapid.utils import b64urlencode

KEY_FILE = "vapid-private.txt"


def _raw_private(vapid: Vapid) -> str:
    number = vapid.private_key.private_numbers().private_value
    return b64urlencode(number.to_bytes(32, "big"))


def public_of(vapid: Vapid) -> str:
    point = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64urlencode(point)


def _generated() -> str:
    path = settings.DATA_DIR / KEY_FILE
    if path.exists():
        return path.read_text().strip()
    vapid = Vapid()
    vapid.generate_keys()
    private = _raw_private(vapid)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process won the race: use its key
        return path.read_text().strip()
    with os.fdopen(fd, "w") as f:
        f.write(private + "\n")
    return private


@cache
def _pair(private: str, public: str, debug: bool) -> tuple[Vapid, str] | None:
    if not private:
        if not debug:
            return None
        private = _generated()
    vapid = Vapid.from_string(private)
    derived = public_of(vapid)
    if public and public.rstrip("=") != derived:
        raise ImproperlyConfigured("VAPID_PUBLIC_KEY does not belong to VAPID_PRIVATE_KEY.")
    return vapid, derived


def pair() -> tuple[Vapid, str] | None:
    """(signing key, public key for the browsers), or None when push is off."""
    return _pair(settings.VAPID_PRIVATE_KEY, settings.VAPID_PUBLIC_KEY, settings.DEBUG)


def enabled() -> bool:
    return pair() is not None


def public_key() -> str:
    found = pair()
    return found[1] if found else ""


def generate() -> tuple[str, str]:
    """A new (private, public) pair, base64url, for an operator's environment."""
    vapid = Vapid()
    vapid.generate_keys()
    return _raw_private(vapid), public_of(vapid)
