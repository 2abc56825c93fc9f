"""The ASGI application (laksana.asgi): a page runs its middleware and view in one step on its
thread, with every middleware applied; a live stream keeps Django's async chain."""

import asyncio

import pytest
from asgiref import sync

from laksana.asgi import application


def _get(path: str) -> tuple[dict, int]:
    """The response's start message to a GET of `path`, and the hand-overs between the event
    loop and a thread it took."""
    handed_over = 0
    original = sync.SyncToAsync.__call__

    async def counted(self, *args, **kwargs):
        nonlocal handed_over
        handed_over += 1
        return await original(self, *args, **kwargs)

    async def get() -> dict:
        sent, received = [], asyncio.Event()

        async def receive():
            if not received.is_set():
                received.set()
                return {"type": "http.request", "body": b"", "more_body": False}
            await asyncio.Event().wait()  # no disconnect

        async def send(message):
            sent.append(message)

        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [(b"host", b"127.0.0.1")],
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 80),
        }
        await application(scope, receive, send)
        return sent[0]

    sync.SyncToAsync.__call__ = counted
    try:
        start = asyncio.run(get())
    finally:
        sync.SyncToAsync.__call__ = original
    return start, handed_over


@pytest.mark.parametrize("path", ["/admin/login/", "/api/v1/openapi.json"])
def test_a_page_runs_every_middleware_in_one_step(path, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    start, handed_over = _get(path)
    headers = {name.decode().lower(): value.decode() for name, value in start["headers"]}
    assert start["status"] == 200
    # The policy (first middleware), the language (sixth) and framing (eleventh) all applied.
    assert "content-security-policy" in headers and headers["x-frame-options"] == "DENY"
    assert headers["content-language"] == "id"
    # The page itself and the request's two signals, as for a bare Django app; Django's own
    # async chain takes 18 with Laksana's middleware.
    assert handed_over <= 3


@pytest.mark.django_db(transaction=True)  # the stream looks its region up in a thread of its own
def test_a_live_stream_keeps_the_async_chain(settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    start, handed_over = _get("/no-such-region/live/stream/")
    assert start["status"] == 404
    assert handed_over > 3
