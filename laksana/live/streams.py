"""Server-Sent Events: the wall of a region, the desk of an agency, and the replay of a past day.

Async views (served by uvicorn under ASGI). A stream joins the process's hub first, then sends what
the client missed (events with id > Last-Event-ID, or > ?after= for a first connection from the
wall's initial data), then continues live, skipping ids it already sent: no gaps, no duplicates
(a region's event ids follow commit order, see StreamHead). A comment line is sent as heartbeat.
"""

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user
from django.db.models import Q
from django.http import HttpRequest, JsonResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from laksana.agencies.models import Agency
from laksana.common.errors import DomainError, ValidationFailed
from laksana.complaints.models import Event

from . import pool
from .access import desk_staff, wall_staff
from .frames import complaint_card, desk_frame, event_item, events_with_complaints, sse, wall_frame
from .hub import Client, get_hub, latest_event_id

RESUME_LIMIT = 1000
REPLAY_MAX_GAP_SECONDS = 3.0  # quiet hours of a replayed day pass in a few seconds


def _error(exc: DomainError) -> JsonResponse:
    return JsonResponse({"detail": str(exc.detail), "code": exc.code}, status=exc.status)


def _last_id(request: HttpRequest) -> int | None:
    raw = request.headers.get("Last-Event-ID") or request.GET.get("after")
    try:
        return max(int(raw), 0) if raw else None
    except ValueError:
        return None


def _response(events: AsyncIterator[bytes]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(events, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx must pass each event on at once
    return response


def _backlog(region_id: int, agency_id: int | None, after: int) -> tuple[list, int | None]:
    """Frames of the events after `after` (of a desk when agency_id), oldest first; when more
    than RESUME_LIMIT were missed, none and the newest id instead (the client reloads)."""
    events = Event.objects.filter(region_id=region_id, id__gt=after)
    if agency_id is not None:  # as the hub routes them: see hub.desk_agencies
        code = Agency.objects.filter(pk=agency_id).values_list("code", flat=True).first()
        events = events.filter(
            Q(agency_id=agency_id) | Q(type=Event.Type.FORWARDED, data__from=code)
        )
    rows = list(events_with_complaints(events)[: RESUME_LIMIT + 1])
    if len(rows) > RESUME_LIMIT:
        return [], latest_event_id(region_id)
    frame = wall_frame if agency_id is None else desk_frame
    return [(e.id, frame(e)) for e in rows], None


async def _live(client: Client, after: int | None) -> AsyncIterator[bytes]:
    hub = get_hub()
    await hub.attach(client)
    try:
        yield b"retry: 2000\n: connected\n\n"
        sent = after or 0
        if after is not None:
            frames, reset_to = await pool.run(_backlog, client.region_id, client.agency_id, after)
            if reset_to is not None:
                sent = reset_to
                yield sse({"reason": "behind"}, id=reset_to, event="reset")
            for event_id, frame in frames:
                sent = event_id
                yield frame
        while True:
            # Everything queued since the last wake-up goes out in one write.
            chunk, item = [], await client.queue.get()
            while True:
                if item is None:  # this client fell behind: end; it resumes by Last-Event-ID
                    if chunk:
                        yield b"".join(chunk)
                    return
                event_id, frame = item
                if event_id > sent or (event_id == 0 and not chunk):
                    sent = max(sent, event_id)
                    chunk.append(frame)
                if client.queue.empty():
                    break
                item = client.queue.get_nowait()
            if chunk:
                yield b"".join(chunk)
    finally:
        hub.detach(client)


def _wall_region(request: HttpRequest, region_slug: str) -> int:
    return wall_staff(get_user(request), region_slug).region.id


def _desk(request: HttpRequest, region_slug: str, agency_code: str) -> tuple[int, int]:
    desk = desk_staff(get_user(request), region_slug, agency_code)
    return desk.staff.region.id, desk.agency.id


async def wall_stream(request: HttpRequest, region_slug: str):
    try:
        region_id = await pool.run(_wall_region, request, region_slug)
    except DomainError as exc:
        return _error(exc)
    return _response(_live(Client(region_id), _last_id(request)))


async def desk_stream(request: HttpRequest, region_slug: str, agency_code: str):
    try:
        region_id, agency_id = await pool.run(_desk, request, region_slug, agency_code)
    except DomainError as exc:
        return _error(exc)
    return _response(_live(Client(region_id, agency_id), _last_id(request)))


# ---------------------------------------------------------------------------------------------
# Replay


def _replay_params(request: HttpRequest, region_slug: str) -> tuple[list[Event], float]:
    region = wall_staff(get_user(request), region_slug).region
    try:
        day = date.fromisoformat(request.GET.get("day", ""))
        speed = min(max(float(request.GET.get("speed", "60")), 1.0), 100_000.0)
    except ValueError:
        raise ValidationFailed(
            _("Tanggal (YYYY-MM-DD) atau kecepatan tayang ulang tidak valid."), fields={"day": ""}
        ) from None
    start = datetime.combine(day, time.min, tzinfo=region.tz)
    events = Event.objects.filter(
        region=region, created_at__gte=start, created_at__lt=start + timedelta(days=1)
    )
    return list(events_with_complaints(events).order_by("created_at", "id")), speed


def _replayed(events: list[Event], speed: float, sleep: Callable) -> AsyncIterator[bytes]:
    async def frames() -> AsyncIterator[bytes]:
        yield b": replay\n\n"
        status: dict[int, str] = {}
        previous = None
        for e in events:
            if previous is not None:
                gap = (e.created_at - previous).total_seconds() / speed
                await sleep(min(gap, REPLAY_MAX_GAP_SECONDS))
            previous = e.created_at
            # The complaint as it was then: its status after this event, not today's.
            status[e.complaint_id] = e.to_status or status.get(e.complaint_id, e.complaint.status)
            yield sse(event_item(e, complaint_card(e.complaint), status=status[e.complaint_id]))
        yield sse({"events": len(events)}, event="end")

    return frames()


async def replay_stream(request: HttpRequest, region_slug: str):
    try:
        events, speed = await pool.run(_replay_params, request, region_slug)
    except DomainError as exc:
        return _error(exc)
    return _response(_replayed(events, speed, asyncio.sleep))
