"""Subscribe/unsubscribe (JSON POSTs from push.js, CSRF-protected, for a signed-in staff member of
the region the URL names) and the service worker, served from the site's root so that its scope
may be the whole site."""

import json
from functools import cache
from pathlib import Path

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET, require_POST

from laksana.agencies.services import staff_at
from laksana.common.errors import DomainError, ValidationFailed

from . import services

WORKER = Path(__file__).parent / "static" / "push" / "push-sw.js"
MAX_BODY = 4096


def _error(exc: DomainError) -> JsonResponse:
    return JsonResponse(
        {"code": exc.code, "detail": str(exc.detail), "fields": exc.fields}, status=exc.status
    )


def _json(request: HttpRequest) -> dict:
    if len(request.body) > MAX_BODY:
        raise ValidationFailed("too large")
    try:
        found = json.loads(request.body or b"{}")
    except ValueError:
        raise ValidationFailed("JSON") from None
    if not isinstance(found, dict):
        raise ValidationFailed("JSON")
    return found


@require_POST
def subscribe(request: HttpRequest, region_slug: str) -> JsonResponse:
    try:
        staff = staff_at(request.user, region_slug)  # 404 for anyone without a role here
        body = _json(request)
        services.subscribe(
            staff=staff,
            subscription=body,
            user_agent=request.headers.get("User-Agent", ""),
        )
    except DomainError as exc:
        return _error(exc)
    return JsonResponse({"subscribed": True, "devices": services.devices(staff)}, status=201)


@require_POST
def unsubscribe(request: HttpRequest, region_slug: str) -> JsonResponse:
    try:
        staff = staff_at(request.user, region_slug)
        removed = services.unsubscribe(staff=staff, endpoint=_json(request).get("endpoint"))
    except DomainError as exc:
        return _error(exc)
    return JsonResponse({"removed": removed, "devices": services.devices(staff)})


@cache
def _worker() -> bytes:
    return WORKER.read_bytes()


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(_worker(), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"  # browsers check for a new worker at each visit
    return response
