"""Public complaint endpoints: submit, track by secret token, add photos, reopen, rate."""

from django.utils.translation import gettext as _
from ninja import File, Router
from ninja.files import UploadedFile

from laksana.common import ratelimit
from laksana.common.errors import NotFound, ValidationFailed
from laksana.regions.services import get_region

from . import media, services
from .models import Channel
from .present import public_view, track_url
from .schemas import (
    ComplaintPublic,
    ErrorOut,
    PhotoOut,
    RateIn,
    ReopenIn,
    SubmitIn,
    SubmitOut,
)

router = Router(tags=["public"])

# Every public route may answer 429 (rate limit, with Retry-After) in the API's error shape.
LIMITED = {429: ErrorOut, 404: ErrorOut}


def _by_token(request, token: str, *, write: bool = True):
    """The complaint of a secret token; guessing tokens and flooding writes are rate-limited
    per address (common.ratelimit)."""
    ratelimit.refuse_if_guessing(request)
    if write:
        ratelimit.enforce("write", ratelimit.client_address(request))
    try:
        return services.get_by_token(token)
    except NotFound:
        ratelimit.count_token_miss(request)
        raise


@router.post(
    "/regions/{slug}/complaints",
    response={201: SubmitOut, 200: SubmitOut, **LIMITED},
    summary="Submit a complaint (public)",
    description="Send an `Idempotency-Key` header (any unique string per submission) so a retry "
    "after a lost connection returns the same complaint instead of creating a second one.",
)
def submit(request, slug: str, payload: SubmitIn):
    ratelimit.enforce("submit", ratelimit.client_address(request))
    region = get_region(slug)
    result = services.submit(
        region=region,
        category_code=payload.category,
        description=payload.description,
        kind=payload.kind,
        lat=payload.lat,
        lng=payload.lng,
        area_code=payload.area,
        address=payload.address,
        reporter_name=payload.name,
        phone=payload.phone,
        email=payload.email,
        is_anonymous=payload.anonymous,
        is_confidential=payload.confidential,
        channel=Channel.API,
        idempotency_key=request.headers.get("Idempotency-Key") or None,
    )
    body = {
        "number": result.complaint.number,
        "token": result.token,
        "track_url": request.build_absolute_uri(track_url(result.complaint, result.token)),
        "status": result.complaint.status,
        "created": result.created,
    }
    return (201 if result.created else 200), body


@router.get(
    "/track/{token}",
    response={200: ComplaintPublic, **LIMITED},
    url_name="track",
    summary="Track a complaint by its secret token",
)
def track(request, token: str):
    return public_view(_by_token(request, token, write=False))


@router.post(
    "/track/{token}/photos",
    response={201: PhotoOut, **LIMITED},
    summary="Add a photo to a new complaint (JPEG, PNG or WebP)",
)
def add_photo(request, token: str, photo: UploadedFile = File(...)):
    complaint = _by_token(request, token)
    attachment = services.add_photo(complaint=complaint, actor=services.Citizen(), upload=photo)
    url = media.photo_url(attachment, public=media.shown_publicly(attachment))
    return 201, {"url": url, "purpose": attachment.purpose}


@router.post(
    "/track/{token}/reopen",
    response={200: ComplaintPublic, **LIMITED},
    summary="Reopen a resolved complaint (within 10 working days)",
)
def reopen(request, token: str, payload: ReopenIn):
    complaint = services.reopen(complaint=_by_token(request, token), reason=payload.reason)
    return public_view(complaint)


@router.post(
    "/track/{token}/rate",
    response={200: ComplaintPublic, **LIMITED},
    summary="Rate the follow-up (1–5), once per outcome (again after a reopen)",
)
def rate(request, token: str, payload: RateIn):
    complaint = _by_token(request, token)
    if not 1 <= payload.rating <= 5:
        raise ValidationFailed(_("Nilai harus 1 sampai 5."), fields={"rating": ""})
    complaint = services.rate(complaint=complaint, rating=payload.rating, comment=payload.comment)
    return public_view(complaint)
