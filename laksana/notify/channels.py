"""Channels deliver one rendered message. E-mail and signed webhooks live here; WhatsApp, Telegram
and SMS are in laksana/channels/transport.py (per-region credentials), listed in NOTIFY_CHANNELS.

A channel's contract:
- `open()` gets ready (connects) without sending anything: a crash here loses nothing;
- `send(message)` hands the message over and returns the receiving side's answer (an SMTP
  reply, an HTTP status) for the record; the outbox marks the row `sending` just before;
  raise OutcomeUnknown when the message may have been taken but no answer came;
- `dedupes_by_key`: whether the receiving side recognises a repeated `message.key`. If it does,
  a send whose outcome is unknown (the worker died) is simply repeated; if not, the row is held as
  `uncertain` for a person to check, so the citizen never gets the same message twice.
- raise PermanentError for what retrying cannot fix (bad address), anything else is retried.
"""

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils.module_loading import import_string

TIMEOUT_SECONDS = 10
DJANGO_SMTP = "django.core.mail.backends.smtp.EmailBackend"


class PermanentError(Exception):
    """Delivery can never succeed as addressed; do not retry."""


class OutcomeUnknown(Exception):
    """The message was handed over but no answer came: it may or may not have been taken."""


@dataclass(frozen=True)
class Message:
    key: str  # the notification's idempotency key
    recipient: str
    subject: str
    body: str
    data: dict = field(default_factory=dict)  # structured payload (webhooks)
    secret: str = ""  # webhook signing key
    region_id: int | None = None  # whose credentials a per-region channel (laksana/channels) uses
    reply_to: str = ""  # where a citizen's reply should go (the region's inbox, laksana/mailin)


# The address citizens' replies to our e-mails go to, by region id ("" for none). The inbox app
# (laksana.mailin) sets it when it starts, so that the outbox knows nothing of it.
def _no_reply_address(region_id: int | None) -> str:
    return ""


reply_address: Callable[[int | None], str] = _no_reply_address


class Channel:
    name = ""
    dedupes_by_key = False

    def open(self) -> None:
        """Connect, without sending anything."""

    def send(self, message: Message) -> str:
        raise NotImplementedError

    def close(self) -> None:
        """Release the connection."""


class EmailChannel(Channel):
    """Through Django's mail backend (SMTP in production, the console in the demo). The
    Message-ID carries the key, which lets mail clients fold a repeat, but SMTP servers do not
    deduplicate, so an unknown outcome is never retried automatically."""

    name = "email"

    def __init__(self) -> None:
        backend, options = settings.EMAIL_BACKEND, {}
        if backend == DJANGO_SMTP:
            # The same, telling refused from unknown, and never waiting for ever on a reply.
            backend = "laksana.notify.smtp.EmailBackend"
            options["timeout"] = settings.EMAIL_TIMEOUT or TIMEOUT_SECONDS
        self.connection = get_connection(backend, fail_silently=False, **options)

    def open(self) -> None:
        self.connection.open()

    def send(self, message: Message) -> str:
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            to=[message.recipient],
            reply_to=[message.reply_to] if message.reply_to else None,
            connection=self.connection,
            headers={
                "Message-ID": f"<{message.key}@laksana>",
                "X-Laksana-Delivery": message.key,
            },
        )
        smtp = getattr(self.connection, "connection", None)
        try:
            email.send()
        except Exception as exc:
            if getattr(smtp, "terminated", False) and getattr(smtp, "reply", None) is None:
                raise OutcomeUnknown(f"{type(exc).__name__}: {exc}") from exc
            raise
        reply = getattr(smtp, "reply", None)
        if reply is None:
            return "accepted"  # a backend without SMTP (console, file: the demo, tests)
        code, text = reply
        return f"{code} {text.decode(errors='replace')}"[:500]

    def close(self) -> None:
        self.connection.close()


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over "<timestamp>.<body>", hex: what X-Laksana-Signature carries."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


class WebhookChannel(Channel):
    """POST JSON to the endpoint. Headers: X-Laksana-Delivery (the key: receivers must ignore a
    delivery they already processed), X-Laksana-Event, X-Laksana-Timestamp (unix seconds) and
    X-Laksana-Signature = "sha256=" + hex HMAC-SHA256(secret, timestamp + "." + body)."""

    name = "webhook"
    dedupes_by_key = True

    def send(self, message: Message) -> None:
        body = json.dumps(message.data, ensure_ascii=False, sort_keys=True).encode()
        timestamp = str(int(time.time()))
        request = urllib.request.Request(
            message.recipient,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "Laksana-Webhook/1",
                "X-Laksana-Delivery": message.key,
                "X-Laksana-Event": str(message.data.get("type", "")),
                "X-Laksana-Timestamp": timestamp,
                "X-Laksana-Signature": signature(message.secret, timestamp, body),
            },
        )
        from . import egress  # it imports PermanentError from here

        egress.check_scheme(message.recipient)
        try:
            # Connects only to addresses egress allows, checked at connect time; no redirects.
            with egress.opener().open(request, timeout=TIMEOUT_SECONDS) as response:
                response.read(1024)
                return f"HTTP {response.status}"
        except urllib.error.HTTPError as exc:
            # A redirect (not followed), or 4xx other than 408/429: the receiver refuses this
            # delivery; retrying won't help.
            if 300 <= exc.code < 500 and exc.code not in (408, 429):
                raise PermanentError(f"HTTP {exc.code}") from exc
            raise
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, egress.Refused):
                raise exc.reason from None
            raise


def _registry() -> dict[str, str]:
    return settings.NOTIFY_CHANNELS


def available() -> set[str]:
    return set(_registry())


def get(name: str) -> Channel:
    """A fresh channel instance (each delivery opens its own connection)."""
    return import_string(_registry()[name])()


def dedupes_by_key(name: str) -> bool:
    return import_string(_registry()[name]).dedupes_by_key
