"""The "webpush" channel of the outbox (notify's Channel contract, laksana/notify/channels.py).

pywebpush encrypts the payload for the subscribed browser (RFC 8291, aes128gcm) and signs the
VAPID header (RFC 8292); the request itself goes through notify's egress rules like a webhook
(public addresses over HTTPS, the address checked as the socket connects, no redirects), because a
subscription's endpoint is a URL a browser handed us.

The push service answers 201. 404 or 410: the browser unsubscribed or the subscription expired;
the subscription is deleted and the row fails for good. 413 and other 4xx are permanent too; 429
and 5xx are retried by the outbox. A repeat of the same row (an unknown outcome retried) carries
the same Topic header (the push service replaces an undelivered one) and the service worker shows
it under the same tag (the phone replaces a shown one), so nobody sees an alert twice.
"""

import json
import urllib.error
import urllib.request

from django.conf import settings
from django.db.models import F
from pywebpush import WebPushException, webpush

from laksana.common import clock
from laksana.notify import egress
from laksana.notify.channels import Channel, Message, PermanentError

from . import keys
from .models import PushSubscription

TIMEOUT_SECONDS = 10
TTL_SECONDS = 24 * 3600  # an alert not delivered within a day is stale
GONE = (404, 410)


class _Answer:
    """What pywebpush reads of a requests.Response."""

    def __init__(self, status: int, reason: str, body: bytes) -> None:
        self.status_code, self.reason = status, reason
        self.text = body.decode(errors="replace")[:500]
        self.headers = {}


class EgressSession:
    """A stand-in for requests' module in pywebpush: POSTs under notify's egress rules."""

    def post(self, url: str, *, data=None, headers=None, timeout=None) -> _Answer:
        egress.check_scheme(url)
        request = urllib.request.Request(
            url,
            data=data or b"",
            method="POST",
            headers={"User-Agent": "Laksana-Push/1", **dict(headers or {})},
        )
        try:
            with egress.opener().open(request, timeout=timeout or TIMEOUT_SECONDS) as response:
                return _Answer(response.status, response.reason, response.read(1024))
        except urllib.error.HTTPError as exc:
            return _Answer(exc.code, exc.reason, exc.read(1024) if exc.fp else b"")
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, egress.Refused):
                raise exc.reason from None
            raise OSError(f"{type(exc.reason).__name__}: {exc.reason}") from None


class WebPushChannel(Channel):
    name = "webpush"
    dedupes_by_key = True  # Topic header + notification tag (see the module's docstring)

    def send(self, message: Message) -> str:
        found = keys.pair()
        if found is None:
            raise PermanentError("Web Push is not configured (VAPID_PRIVATE_KEY)")
        vapid, _public = found
        subscription = PushSubscription.objects.filter(endpoint=message.recipient).first()
        if subscription is None:
            raise PermanentError("the subscription was removed")
        key = message.key.replace("-", "")
        data = json.dumps(
            {
                "title": message.data.get("title", ""),
                "body": message.data.get("body", ""),
                "url": message.data.get("url", "/"),
                "tag": key,
            },
            ensure_ascii=False,
        )
        try:
            answer = webpush(
                subscription.info(),
                data=data,
                vapid_private_key=vapid,
                vapid_claims={"sub": settings.VAPID_SUBJECT},
                ttl=TTL_SECONDS,
                timeout=TIMEOUT_SECONDS,
                headers={"Topic": key, "Urgency": "high"},
                requests_session=EgressSession(),
            )
        except WebPushException as exc:
            status = exc.response.status_code if exc.response is not None else None
            self._failed(subscription, status)
            if status in GONE:
                subscription.delete()
                raise PermanentError(f"HTTP {status}: subscription gone, removed") from None
            if status is not None and 300 <= status < 500 and status not in (408, 429):
                raise PermanentError(f"HTTP {status}") from None
            raise OSError(f"HTTP {status}") from None
        PushSubscription.objects.filter(pk=subscription.pk).update(
            last_success=clock.now(), failures=0
        )
        return f"HTTP {answer.status_code}"

    @staticmethod
    def _failed(subscription: PushSubscription, status) -> None:
        PushSubscription.objects.filter(pk=subscription.pk).update(failures=F("failures") + 1)
