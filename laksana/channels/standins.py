"""A stand-in of the providers' HTTP APIs, run as a real HTTP server on 127.0.0.1: it answers the
documented calls (WhatsApp Cloud API /messages and media, Telegram sendMessage, getFile and file
download, an SMS gateway's send) and records every call it got.

The channels' tests run it against the webhooks, and `laksana demo` runs it so that the demo's
WhatsApp and Telegram replies have somewhere to go (WHATSAPP_GRAPH_URL and TELEGRAM_API_URL are
pointed at it in the demo process only, see laksana/demo/chats.py). Not for production: it
accepts any phone number id and keeps every call in memory (the demo keeps the last few).

Like the Cloud API, it takes free-form WhatsApp messages (text, interactive) only within 24 hours
of the citizen's last message and refuses the others with error 131047 and Meta's documented
payload; templates it takes at any time, if approved (`approved`: name -> number of body
variables, ours by default; else error 132001, a wrong number of parameters 132000). It hears of a
citizen's message the way Meta does, before the webhook: whoever plays the citizen calls
`citizen_wrote` (the tests' and the demo's webhook posts do).
"""

import contextlib
import io
import itertools
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from PIL import Image

from .whatsapp import TEMPLATES

WINDOW_SECONDS = 24 * 3600


def _graph_error(code: int, title: str, details: str = "") -> dict:
    """An error answer as the Graph API gives it."""
    return {
        "error": {
            "message": f"(#{code}) {title}",
            "type": "OAuthException",
            "code": code,
            "error_data": {"messaging_product": "whatsapp", "details": details or title},
            "fbtrace_id": "AStandInTrace",
        }
    }


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 80, 40)).save(out, "JPEG")
    return out.getvalue()


def sent_text(provider: str, body: dict | None) -> tuple[str, str]:
    """(recipient, text) of a message-sending call's JSON body."""
    body = body or {}
    if provider == "telegram":
        return str(body.get("chat_id", "")), str(body.get("text", ""))
    if provider == "whatsapp":
        if body.get("type") == "template":
            template = body.get("template") or {}
            values = [
                str(p.get("text", ""))
                for c in template.get("components") or []
                for p in c.get("parameters") or []
            ]
            return str(body.get("to", "")), f"[template {template.get('name')}] " + " | ".join(
                values
            )
        if body.get("type") == "interactive":
            return str(body.get("to", "")), str(
                (body.get("interactive") or {}).get("body", {}).get("text", "")
            )
        return str(body.get("to", "")), str((body.get("text") or {}).get("body", ""))
    return str(body.get("to", "")), str(body.get("text", ""))


class ProviderStandIn:
    """`on_message(provider, recipient, text)` is called for every message sent to it (the demo
    prints them); `keep` bounds the calls remembered (None: all, as the tests read them)."""

    def __init__(
        self,
        *,
        bot_token: str = "",
        access_token: str = "",
        on_message: Callable[[str, str, str], None] | None = None,
        keep: int | None = None,
    ):
        self.calls: list[dict] | deque = [] if keep is None else deque(maxlen=keep)
        self.on_message = on_message
        self.numbers = itertools.count()  # ids of the messages sent through it
        self.photo = jpeg()
        self.bot_token, self.access_token = bot_token, access_token
        self.last_inbound: dict[str, float] = {}  # WhatsApp id -> when they last wrote (unix)
        self.approved: dict[str, int] = {name: n for name, (n, _body) in TEMPLATES.items()}
        # The Cloud API may also take a text outside the window and report 131047 afterwards, in
        # a `failed` status webhook: with this on, it does (`status_webhook` builds that report).
        self.window_reported_later = False
        self.undelivered: dict[str, str] = {}  # message id -> the WhatsApp id it never reached
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, status: int, body, content_type="application/json"):
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _record(self, method):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                call = {
                    "method": method,
                    "path": parts.path,
                    "query": parse_qs(parts.query),
                    "headers": dict(self.headers),
                    "json": json.loads(raw) if raw else None,
                }
                stand_in.calls.append(call)
                return call

            def do_GET(self):
                stand_in.route(self, self._record("GET"))

            def do_POST(self):
                stand_in.route(self, self._record("POST"))

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def route(self, handler, call) -> None:
        path, method = call["path"], call["method"]
        provider = self.provider_of(path)
        refused = self.whatsapp_refusal(call["json"] or {}) if provider == "whatsapp" else None
        call["refused"] = refused
        if provider and refused is None and self.on_message is not None:
            # A printing problem must not fail the provider's answer.
            with contextlib.suppress(Exception):
                self.on_message(provider, *sent_text(provider, call["json"]))
        bearer = call["headers"].get("Authorization", "")
        # WhatsApp Cloud API (Graph), under /v21.0
        if m := re.fullmatch(r"/v21\.0/(\d+)/messages", path):
            if bearer != f"Bearer {self.access_token}":
                return handler._answer(401, {"error": {"message": "Invalid OAuth access token"}})
            n = next(self.numbers)
            if refused is not None:
                if not self.window_reported_later or refused["error"]["code"] != 131047:
                    return handler._answer(400, refused)
                self.undelivered[f"wamid.OUT{n}"] = str(call["json"].get("to", ""))
            return handler._answer(
                200, {"messaging_product": "whatsapp", "messages": [{"id": f"wamid.OUT{n}"}]}
            )
        if m := re.fullmatch(r"/v21\.0/(MEDIA\w+)", path):
            if bearer != f"Bearer {self.access_token}":
                return handler._answer(401, {})
            return handler._answer(
                200,
                {
                    "url": f"{self.url}/whatsapp-media/{m.group(1)}",
                    "mime_type": "image/jpeg",
                    "id": m.group(1),
                },
            )
        if path.startswith("/whatsapp-media/"):
            return handler._answer(200, self.photo, "image/jpeg")
        # Telegram Bot API
        if m := re.fullmatch(r"/bot([^/]+)/(\w+)", path):
            if m.group(1) != self.bot_token:
                return handler._answer(401, {"ok": False, "description": "Unauthorized"})
            if m.group(2) == "sendMessage":
                return handler._answer(
                    200, {"ok": True, "result": {"message_id": next(self.numbers)}}
                )
            if m.group(2) == "getFile":
                file_id = call["query"]["file_id"][0]
                return handler._answer(
                    200,
                    {
                        "ok": True,
                        "result": {"file_id": file_id, "file_path": f"photos/{file_id}.jpg"},
                    },
                )
        if path.startswith(f"/file/bot{self.bot_token}/photos/"):
            return handler._answer(200, self.photo, "image/jpeg")
        # SMS gateway
        if path == "/sms/send" and method == "POST":
            return handler._answer(200, {"id": f"sms-{next(self.numbers)}", "status": "queued"})
        return handler._answer(404, {"error": "unknown"})

    def citizen_wrote(self, wa_id: str, at: float | None = None) -> None:
        """A citizen's WhatsApp message reached the business (opens their 24-hour window)."""
        self.last_inbound[str(wa_id)] = time.time() if at is None else at

    def whatsapp_refusal(self, body: dict) -> dict | None:
        """The Cloud API's error answer to this /messages body, None when it is taken."""
        to, kind = str(body.get("to", "")), body.get("type", "text")
        if kind == "template":
            template = body.get("template") or {}
            name = template.get("name")
            if name not in self.approved or (template.get("language") or {}).get("code") != "id":
                return _graph_error(132001, "Template name does not exist in the translation")
            given = sum(
                len(c.get("parameters") or [])
                for c in template.get("components") or []
                if c.get("type") == "body"
            )
            if given != self.approved[name]:
                return _graph_error(132000, "Number of parameters does not match")
            return None
        last = self.last_inbound.get(to)
        if last is None or time.time() - last > WINDOW_SECONDS:
            return _graph_error(
                131047,
                "Re-engagement message",
                "Message failed to send because more than 24 hours have passed since the "
                "customer last replied to this number.",
            )
        return None

    def status_webhook(self, wamid: str, phone_number_id: str) -> dict:
        """Meta's webhook reporting that message `wamid` failed outside the window (131047)."""
        error = _graph_error(131047, "Re-engagement message")["error"]
        status = {
            "id": wamid,
            "status": "failed",
            "timestamp": str(int(time.time())),
            "recipient_id": self.undelivered.get(wamid, ""),
            "errors": [
                {
                    "code": 131047,
                    "title": "Re-engagement message",
                    "message": "Re-engagement message",
                    "error_data": {"details": error["error_data"]["details"]},
                }
            ],
        }
        return whatsapp_webhook({"statuses": [status]}, phone_number_id=phone_number_id)

    SENDING = {
        "whatsapp": r"/v21\.0/\d+/messages",
        "telegram": r"/bot[^/]+/sendMessage",
        "sms": r"/sms/send",
    }

    @classmethod
    def provider_of(cls, path: str) -> str | None:
        """The provider whose message-sending call this path is (None: another call)."""
        for provider, pattern in cls.SENDING.items():
            if re.fullmatch(pattern, path):
                return provider
        return None

    def sent(self, provider: str) -> list[dict]:
        """The message-sending calls, in order."""
        return [c for c in list(self.calls) if self.provider_of(c["path"]) == provider]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def whatsapp_webhook(value: dict, *, phone_number_id: str, **metadata) -> dict:
    """The envelope of a Cloud API webhook call around one change's `value` (messages or
    statuses), as Meta posts it."""
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "WABA-1",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {**metadata, "phone_number_id": phone_number_id},
                            **value,
                        },
                    }
                ],
            }
        ],
    }
