"""Talking to a real uvicorn process in tests: JSON calls and a small SSE reader with timeouts."""

import http.client
import json
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.test import Client

from laksana.testing.personas import IN_TANGERANG

TIMEOUT = 60  # seconds any single network read may take before the test fails instead of hanging


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


@dataclass
class Event:
    id: int | None = None
    event: str = "message"
    data: dict = field(default_factory=dict)
    raw: str = ""


class Stream:
    """An open SSE response; `next()` returns the next event (comments skipped)."""

    def __init__(self, base: str, path: str, *, cookie: str | None, last_event_id=None):
        url = urlsplit(base)
        self.conn = http.client.HTTPConnection(url.hostname, url.port, timeout=TIMEOUT)
        headers = {"Accept": "text/event-stream"}
        if cookie:
            headers["Cookie"] = f"sessionid={cookie}"
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        self.conn.request("GET", path, headers=headers)
        self.response = self.conn.getresponse()
        self.status = self.response.status
        self.comments: list[str] = []

    def wait_connected(self) -> "Stream":
        while "connected" not in self.comments:
            self._read(stop_at_comment=True)
        return self

    def next(self) -> Event:
        while True:
            event = self._read()
            if event is not None:
                return event

    def _read(self, stop_at_comment: bool = False) -> Event | None:
        event, lines = Event(), []
        while True:
            line = self.response.readline().decode()
            if not line:
                raise EOFError("stream ended")
            line = line.rstrip("\n")
            if line.startswith(":"):
                self.comments.append(line[1:].strip())
                if stop_at_comment:
                    return None
                continue
            if not line:
                if lines:
                    event.raw = "\n".join(lines)
                    return event
                continue
            lines.append(line)
            name, _sep, value = line.partition(": ")
            if name == "id":
                event.id = int(value)
            elif name == "event":
                event.event = value
            elif name == "data":
                event.data = json.loads(value)

    def close(self) -> None:
        self.conn.close()


class Server:
    def __init__(self, base: str):
        self.base = base

    def request(self, method: str, path: str, body=None, *, token=None, cookie=None):
        url = urlsplit(self.base)
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=TIMEOUT)
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if cookie:
            headers["Cookie"] = f"sessionid={cookie}"
        conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
        response = conn.getresponse()
        raw = response.read()
        conn.close()
        is_json = response.getheader("Content-Type", "").startswith("application/json")
        return response.status, json.loads(raw) if is_json else raw.decode()

    def stream(self, path: str, *, cookie=None, last_event_id=None) -> Stream:
        return Stream(self.base, path, cookie=cookie, last_event_id=last_event_id)

    def submit(self, slug: str = "kota-tangerang", **overrides) -> str:
        """A citizen reports through the public API of this server; the complaint's number."""
        body = {
            "category": "JALAN-RUSAK",
            "description": "Jalan berlubang dalam di depan SDN 3, sudah dua minggu.",
            "lat": IN_TANGERANG[0],
            "lng": IN_TANGERANG[1],
            "name": "Siti Aminah",
            "phone": "081234567890",
            **overrides,
        }
        status, data = self.request("POST", f"/api/v1/regions/{slug}/complaints", body)
        assert status == 201, data
        return data["number"]
