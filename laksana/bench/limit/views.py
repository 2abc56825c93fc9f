"""The limit's pages: (b) the keyset page rendered by a minimal template, (d) the SSE stream."""

from django.http import StreamingHttpResponse
from django.shortcuts import render

from . import pages
from .fanout import get_fanout


def page(request, slug: str):
    rows, after = pages.page(slug, request.GET.get("after"), 25)
    return render(request, "limit/page.html", {"slug": slug, "rows": rows, "after": after})


async def stream(request, slug: str):
    fanout = await get_fanout()
    queue = fanout.attach(slug)

    async def frames():
        try:
            yield b"retry: 2000\n: connected\n\n"
            while True:
                frame = await queue.get()
                if frame is None:
                    return
                yield frame
        finally:
            fanout.detach(slug, queue)

    response = StreamingHttpResponse(frames(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    return response
