"""Talking to the providers' HTTP APIs: the outbox channels (notify's Channel contract, see
laksana/notify/channels.py) that send replies and updates, and the photo downloads.

Every request goes through notify's egress rules (public addresses over HTTPS unless the
installation allows a network; no redirects followed), the same as outgoing webhooks. Tokens
travel in headers (WhatsApp, SMS) or the path Telegram requires; neither is ever logged (the log
filter redacts Telegram's /bot<token>/ too) nor kept in an outbox row's error.
"""

import json
import logging
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings

from laksana.notify import egress
from laksana.notify.channels import Channel, Message, PermanentError

from . import sms, whatsapp
from .models import ChannelSettings, Provider
from .services import settings_for

log = logging.getLogger("laksana.channels")
TIMEOUT_SECONDS = 10
WHATSAPP_TEXT_LIMIT = 4096
WHATSAPP_INTERACTIVE_LIMIT = 1024  # an interactive message's body
TELEGRAM_TEXT_LIMIT = 4096


def request(
    method: str,
    url: str,
    *,
    body: dict | None = None,
    headers: dict | None = None,
    limit: int = 1 << 20,
) -> tuple[int, bytes]:
    """One HTTP request under the egress rules; returns (status, body). A refusal the sender
    cannot fix by retrying (4xx but 408/429, a redirect, a forbidden address) is PermanentError;
    anything else (timeouts, 5xx) is retried by the outbox."""
    data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
    all_headers = {"User-Agent": "Laksana/1", **(headers or {})}
    if data is not None:
        all_headers["Content-Type"] = "application/json; charset=utf-8"
    egress.check_scheme(url)
    prepared = urllib.request.Request(url, data=data, method=method, headers=all_headers)
    try:
        with egress.opener().open(prepared, timeout=TIMEOUT_SECONDS) as response:
            content = response.read(limit + 1)
            if len(content) > limit:
                raise PermanentError(f"answer larger than {limit} bytes")
            return response.status, content
    except urllib.error.HTTPError as exc:
        code = _error_code(exc)
        described = f"HTTP {exc.code}" + (f" error {code}" if code is not None else "")
        if 300 <= exc.code < 500 and exc.code not in (408, 429):
            refused = PermanentError(described)
            refused.error_code = code  # the provider's own code (WhatsApp: 131047 and others)
            raise refused from None
        raise OSError(described) from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, egress.Refused):
            raise exc.reason from None
        raise OSError(f"{type(exc.reason).__name__}: {exc.reason}") from None


def _error_code(exc: urllib.error.HTTPError) -> int | None:
    """The numeric `error.code` of a Graph API error answer (None for any other answer)."""
    try:
        found = _json(exc.read(1 << 16)).get("error")
    except (OSError, ValueError, AttributeError):
        return None
    code = found.get("code") if isinstance(found, dict) else None
    return code if isinstance(code, int) else None


def _json(content: bytes) -> dict:
    try:
        found = json.loads(content or b"{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _text(message: Message) -> str:
    return message.body.strip()


class _ChatChannel(Channel):
    provider = ""

    def account(self, message: Message) -> ChannelSettings:
        found = settings_for(message.region_id, self.provider) if message.region_id else None
        if found is None:
            raise PermanentError(f"{self.provider} is not switched on in this region")
        return found

    def send(self, message: Message) -> str:
        return self.deliver(self.account(message), message)

    def deliver(self, account: ChannelSettings, message: Message) -> str:
        raise NotImplementedError


# ---------------------------------------------------------------------------------------------
# WhatsApp Business Cloud API


def whatsapp_body(to: str, text: str, data: dict) -> dict:
    """The /messages request: an interactive list for choices, a location request when we ask
    where, plain text otherwise (and when the text is too long for an interactive body)."""
    base = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to}
    options = data.get("options") or []
    if options and len(options) <= 10 and len(text) <= WHATSAPP_INTERACTIVE_LIMIT:
        rows = [
            {"id": oid[:200], "title": title[:24], "description": title[:72]}
            for oid, title in options
        ]
        return {
            **base,
            "type": "interactive",
            "interactive": {
                "type": "list",
                "body": {"text": text},
                "action": {"button": "Pilih", "sections": [{"title": "Pilihan", "rows": rows}]},
            },
        }
    if data.get("ask_location") and len(text) <= WHATSAPP_INTERACTIVE_LIMIT:
        return {
            **base,
            "type": "interactive",
            "interactive": {
                "type": "location_request_message",
                "body": {"text": text},
                "action": {"name": "send_location"},
            },
        }
    return {
        **base,
        "type": "text",
        "text": {"preview_url": False, "body": text[:WHATSAPP_TEXT_LIMIT]},
    }


class WhatsAppChannel(_ChatChannel):
    """Within the citizen's 24-hour window the text (or interactive message) itself; outside
    it, or when the Cloud API refuses the text with 131047, the update's approved template
    (whatsapp.py)."""

    name = provider = Provider.WHATSAPP

    def deliver(self, account: ChannelSettings, message: Message) -> str:
        if not message.data.get("template") and whatsapp.in_window(account, message.recipient):
            body = whatsapp_body(message.recipient, _text(message), message.data)
            try:
                return self.post(account, body)
            except PermanentError as exc:
                if getattr(exc, "error_code", None) != whatsapp.RE_ENGAGEMENT:
                    raise
                log.info("channels: whatsapp text refused outside the window, sending a template")
        body = whatsapp.template_body(account, message)
        return self.post(account, body, note=f"template {body['template']['name']}")

    def post(self, account: ChannelSettings, body: dict, *, note: str = "") -> str:
        url = (
            f"{settings.WHATSAPP_GRAPH_URL}/{urllib.parse.quote(account.phone_number_id)}/messages"
        )
        status, content = request(
            "POST", url, body=body, headers={"Authorization": f"Bearer {account.access_token}"}
        )
        ids = [m.get("id", "") for m in _json(content).get("messages") or [] if isinstance(m, dict)]
        return " ".join(p for p in (f"HTTP {status}", *ids, note) if p)[:500]


def whatsapp_media(account: ChannelSettings, media_id: str) -> bytes:
    """A photo's bytes: its short-lived URL from the Graph API, then the file (both with the
    access token)."""
    auth = {"Authorization": f"Bearer {account.access_token}"}
    _status, content = request(
        "GET", f"{settings.WHATSAPP_GRAPH_URL}/{urllib.parse.quote(media_id)}", headers=auth
    )
    url = _json(content).get("url")
    if not url:
        raise PermanentError("media without a URL")
    _status, data = request("GET", url, headers=auth, limit=settings.MAX_UPLOAD_BYTES)
    return data


# ---------------------------------------------------------------------------------------------
# Telegram Bot API


def _bot(account: ChannelSettings, method: str) -> str:
    return f"{settings.TELEGRAM_API_URL}/bot{account.bot_token}/{method}"


def telegram_body(chat_id: str, text: str, data: dict) -> dict:
    """sendMessage: a reply keyboard of the choices (its buttons send their text, "2. …", which
    the conversation reads by its number), a location button when we ask where."""
    body = {"chat_id": chat_id, "text": text[:TELEGRAM_TEXT_LIMIT]}
    options = data.get("options") or []
    if options:
        keyboard = [[{"text": f"{i}. {title}"[:64]}] for i, (_id, title) in enumerate(options, 1)]
        body["reply_markup"] = {
            "keyboard": keyboard,
            "one_time_keyboard": True,
            "resize_keyboard": True,
        }
    elif data.get("ask_location"):
        body["reply_markup"] = {
            "keyboard": [[{"text": "Kirim lokasi", "request_location": True}]],
            "one_time_keyboard": True,
            "resize_keyboard": True,
        }
    elif data.get("kind") == "reply":
        body["reply_markup"] = {"remove_keyboard": True}
    return body


class TelegramChannel(_ChatChannel):
    name = provider = Provider.TELEGRAM

    def deliver(self, account: ChannelSettings, message: Message) -> str:
        status, content = request(
            "POST",
            _bot(account, "sendMessage"),
            body=telegram_body(message.recipient, _text(message), message.data),
        )
        answer = _json(content)
        if not answer.get("ok"):
            raise PermanentError(f"Telegram refused: {str(answer.get('description', ''))[:200]}")
        return f"HTTP {status} message {answer.get('result', {}).get('message_id', '')}"


def telegram_file(account: ChannelSettings, file_id: str) -> bytes:
    _status, content = request(
        "GET", _bot(account, "getFile") + "?" + urllib.parse.urlencode({"file_id": file_id})
    )
    path = (_json(content).get("result") or {}).get("file_path")
    if not path:
        raise PermanentError("file without a path")
    url = f"{settings.TELEGRAM_API_URL}/file/bot{account.bot_token}/{urllib.parse.quote(path)}"
    _status, data = request("GET", url, limit=settings.MAX_UPLOAD_BYTES)
    return data


# ---------------------------------------------------------------------------------------------
# SMS


class SmsChannel(_ChatChannel):
    """Through the region's gateway (sms.py: the adapter interface and its generic HTTP one)."""

    name = provider = Provider.SMS

    def deliver(self, account: ChannelSettings, message: Message) -> str:
        return sms.gateway(account).send(
            account, to=message.recipient, text=_text(message), key=message.key
        )
