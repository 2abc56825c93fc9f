"""Subscribing a staff member's browser to push alerts, and unsubscribing it."""

import base64
import binascii

from django.utils.translation import gettext as _

from laksana.agencies.services import Staff
from laksana.common import clock
from laksana.common.errors import ValidationFailed
from laksana.notify import egress

from . import keys
from .models import PushSubscription

MAX_DEVICES = 10  # per person and region: the oldest goes when an eleventh subscribes
MAX_ENDPOINT = 500  # the outbox row names the device by its endpoint (recipient: 500)


def _b64url(value, *, length: int, field: str) -> str:
    text = value if isinstance(value, str) else ""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != length or (field == "p256dh" and raw[:1] != b"\x04"):
        raise ValidationFailed(_("Kunci langganan tidak sah."), fields={field: ""})
    return text.rstrip("=")


def _endpoint(value) -> str:
    endpoint = value.strip() if isinstance(value, str) else ""
    if not endpoint or len(endpoint) > MAX_ENDPOINT:
        raise ValidationFailed(_("Alamat layanan push tidak sah."), fields={"endpoint": ""})
    try:
        egress.check_url(endpoint)  # a URL from a browser: only where webhooks may go
    except egress.Refused as exc:
        raise ValidationFailed(str(exc), fields={"endpoint": ""}) from None
    return endpoint


def subscribe(*, staff: Staff, subscription: dict, user_agent: str = "") -> PushSubscription:
    """Keep what PushManager.subscribe() returned (its toJSON()) for this person in this region.
    The same browser subscribing again (another person signed in on it) moves to them."""
    if not keys.enabled():
        raise ValidationFailed(_("Notifikasi push belum disiapkan di instalasi ini."))
    if not isinstance(subscription, dict) or not isinstance(subscription.get("keys"), dict):
        raise ValidationFailed(_("Data langganan tidak lengkap."))
    endpoint = _endpoint(subscription.get("endpoint"))
    p256dh = _b64url(subscription["keys"].get("p256dh"), length=65, field="p256dh")
    auth = _b64url(subscription["keys"].get("auth"), length=16, field="auth")
    found, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={
            "user": staff.user,
            "region": staff.region,
            "p256dh": p256dh,
            "auth": auth,
            "user_agent": (user_agent or "")[:200],
            "failures": 0,
        },
        create_defaults={
            "user": staff.user,
            "region": staff.region,
            "p256dh": p256dh,
            "auth": auth,
            "user_agent": (user_agent or "")[:200],
            "created": clock.now(),
        },
    )
    older = PushSubscription.objects.filter(user=staff.user, region=staff.region).order_by(
        "-created", "-id"
    )
    stale = list(older.values_list("id", flat=True)[MAX_DEVICES:])
    if stale:
        PushSubscription.objects.filter(id__in=stale).delete()
    return found


def unsubscribe(*, staff: Staff, endpoint) -> bool:
    """Forget one of this person's browsers in this region; False if it was not theirs."""
    if not isinstance(endpoint, str) or not endpoint:
        raise ValidationFailed(_("Alamat layanan push tidak sah."), fields={"endpoint": ""})
    deleted, _rows = PushSubscription.objects.filter(
        endpoint=endpoint, user=staff.user, region=staff.region
    ).delete()
    return bool(deleted)


def devices(staff: Staff) -> int:
    return PushSubscription.objects.filter(user=staff.user, region=staff.region).count()
