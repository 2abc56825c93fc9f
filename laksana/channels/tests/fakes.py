"""A stand-in of the providers' HTTP APIs, run as a real HTTP server on 127.0.0.1 in the test:
it answers the documented calls (WhatsApp Cloud API /messages and media, Telegram sendMessage,
getFile and file download, an SMS gateway's send) and records every call it got."""

import io
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from PIL import Image


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 80, 40)).save(out, "JPEG")
    return out.getvalue()


class ProviderStandIn:
    def __init__(self, *, bot_token: str = "", access_token: str = ""):
        self.calls: list[dict] = []
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
        bearer = call["headers"].get("Authorization", "")
        # WhatsApp Cloud API (Graph), under /v21.0
        if m := re.fullmatch(r"/v21\.0/(\d+)/messages", path):
            if bearer != f"Bearer {self.access_token}":
                return handler._answer(401, {"error": {"message": "Invalid OAuth access token"}})
            n = len(self.sent("whatsapp"))
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
                return handler._answer(200, {"ok": True, "result": {"message_id": len(self.calls)}})
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
            return handler._answer(200, {"id": f"sms-{len(self.calls)}", "status": "queued"})
        return handler._answer(404, {"error": "unknown"})

    def sent(self, provider: str) -> list[dict]:
        """The message-sending calls, in order."""
        patterns = {
            "whatsapp": r"/v21\.0/\d+/messages",
            "telegram": r"/bot[^/]+/sendMessage",
            "sms": r"/sms/send",
        }
        return [c for c in self.calls if re.fullmatch(patterns[provider], c["path"])]

    def close(self):
        self.server.shutdown()
        self.server.server_close()
