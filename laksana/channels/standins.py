"""A stand-in of the providers' HTTP APIs, run as a real HTTP server on 127.0.0.1: it answers the
documented calls (WhatsApp Cloud API /messages and media, Telegram sendMessage, getFile and file
download, an SMS gateway's send) and records every call it got.

The channels' tests run it against the webhooks, and `laksana demo` runs it so that the demo's
WhatsApp and Telegram replies have somewhere to go (WHATSAPP_GRAPH_URL and TELEGRAM_API_URL are
pointed at it in the demo process only, see laksana/demo/chats.py). Not for production: it
accepts any phone number id and keeps every call in memory (the demo keeps the last few).
"""

import contextlib
import io
import itertools
import json
import re
import threading
from collections import deque
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from PIL import Image


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
        if provider and self.on_message is not None:
            # A printing problem must not fail the provider's answer.
            with contextlib.suppress(Exception):
                self.on_message(provider, *sent_text(provider, call["json"]))
        bearer = call["headers"].get("Authorization", "")
        # WhatsApp Cloud API (Graph), under /v21.0
        if m := re.fullmatch(r"/v21\.0/(\d+)/messages", path):
            if bearer != f"Bearer {self.access_token}":
                return handler._answer(401, {"error": {"message": "Invalid OAuth access token"}})
            n = next(self.numbers)
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
