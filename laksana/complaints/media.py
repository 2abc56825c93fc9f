"""Who may open a photo, the address each audience gets for it, and the view that serves it.

A photo the public may see (its complaint is published, `privacy.published`, and the photo is on
the complaint's public page) has a plain address that anyone may open and caches may keep. Every
other photo (a confidential or not yet published complaint's, evidence the public does not see
yet) opens only through a signed address, valid for PHOTO_LINK_MINUTES and bound to that photo and
its region, or for a signed-in staff member who may see the complaint. Files are never served by
their storage path: nothing under /media/ is listed, and only a photo row's own file is sent.
"""

from datetime import datetime

from django.conf import settings
from django.core import signing
from django.core.files.storage import default_storage
from django.db.models import Max
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.views.decorators.http import require_safe

from laksana.agencies.services import staff_in
from laksana.common.errorpages import expired_link
from laksana.common.errors import NotFound

from .models import Attachment, Event
from .privacy import is_public
from .services import visible_to

# Browsers and proxies may keep a public photo this long: a complaint made confidential stops
# showing its photos to new visitors at once, and everywhere within this time.
PUBLIC_MAX_AGE = 300
_SALT = "laksana.complaints.photo"
_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


# ---------------------------------------------------------------------------------------------
# Which photos the public sees


def public_cutoffs(complaint_ids) -> dict[int, datetime]:
    """When each complaint was last resolved: the public sees the agency's evidence up to then
    (a reopen keeps what the earlier resolution showed). One query for any number."""
    rows = (
        Event.objects.filter(complaint_id__in=complaint_ids, type=Event.Type.RESOLVED)
        .values("complaint_id")
        .annotate(at=Max("created_at"))
    )
    return {row["complaint_id"]: row["at"] for row in rows}


def on_public_page(purpose: str, created_at: datetime, cutoff: datetime | None) -> bool:
    """Whether a photo of a published complaint is on its public page: the citizen's photos
    always, the agency's evidence once a resolution followed it."""
    return purpose == Attachment.Purpose.REPORT or (cutoff is not None and created_at <= cutoff)


def shown_publicly(attachment: Attachment) -> bool:
    """Whether anyone may open this photo without being signed in or holding a signed link."""
    complaint = attachment.complaint
    if not is_public(complaint):
        return False
    cutoff = public_cutoffs([complaint.pk]).get(complaint.pk)
    return on_public_page(attachment.purpose, attachment.created_at, cutoff)


# ---------------------------------------------------------------------------------------------
# Addresses


def _signed_value(attachment: Attachment) -> str:
    return f"{attachment.region_id}/{attachment.pk}"


def public_path(region_slug: str, attachment_id: int, content_type: str) -> str:
    """The plain address of a photo: opens it for anyone only while it is public."""
    extension = _EXTENSIONS.get(content_type, "bin")
    return reverse(
        "photo",
        kwargs={"region_slug": region_slug, "attachment_id": attachment_id, "ext": extension},
    )


def photo_url(attachment: Attachment, *, public: bool, region_slug: str | None = None) -> str:
    """The address of a photo for whoever was allowed to list it.

    `public`: the caller lists it on a public page or answer of a published complaint (the
    portal, Open311, the public API): the plain address. Anyone else (staff, the reporter with
    their tracking link, the reporter's own upload) gets a signed one: it opens that photo of that
    region only, until PHOTO_LINK_MINUTES after it was made.
    """
    slug = region_slug or attachment.region.slug
    path = public_path(slug, attachment.pk, attachment.content_type)
    if public:
        return path
    token = signing.TimestampSigner(salt=_SALT).sign(_signed_value(attachment))
    return f"{path}?sig={token.split(':', 1)[1]}"


def _signature_state(attachment: Attachment, token: str) -> str:
    """ "valid", "expired" or "bad" for the `sig` parameter of a photo's address."""
    if not token:
        return "bad"
    try:
        signing.TimestampSigner(salt=_SALT).unsign(
            f"{_signed_value(attachment)}:{token}", max_age=settings.PHOTO_LINK_SECONDS
        )
    except signing.SignatureExpired:
        return "expired"
    except signing.BadSignature:
        return "bad"
    return "valid"


def _staff_may_see(request: HttpRequest, attachment: Attachment) -> bool:
    try:
        staff = staff_in(request.user, attachment.region)
    except NotFound:
        return False
    return visible_to(staff).filter(pk=attachment.complaint_id).exists()


# ---------------------------------------------------------------------------------------------
# The view


@require_safe
def serve(request: HttpRequest, region_slug: str, attachment_id: int, ext: str) -> HttpResponse:
    """Send one photo, to whoever may see it (see the module's docstring).

    Steps: find the photo in the region the address names (404 otherwise, also for a wrong
    extension); a valid signature opens it; else a public photo opens for anyone; else a staff
    member of the region who may see the complaint; else 403 for an expired link, 404 for
    everything else (a stranger learns nothing of what exists)."""
    attachment = (
        Attachment.objects.select_related("region", "complaint__region")
        .filter(region__slug=region_slug, pk=attachment_id)
        .first()
    )
    if attachment is None or ext != _EXTENSIONS.get(attachment.content_type):
        raise Http404("photo")
    signature = _signature_state(attachment, request.GET.get("sig", ""))
    if signature == "valid":
        cache = f"private, max-age={settings.PHOTO_LINK_SECONDS}"
    elif shown_publicly(attachment):
        cache = f"public, max-age={PUBLIC_MAX_AGE}"
    elif _staff_may_see(request, attachment):
        cache = "private, no-store"
    elif signature == "expired":
        return expired_link(request)
    else:
        raise Http404("photo")
    etag = f'"{attachment.sha256}"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        try:
            response = FileResponse(
                default_storage.open(attachment.file.name, "rb"),
                content_type=attachment.content_type,
            )
        except FileNotFoundError:
            raise Http404("photo") from None
        response["ETag"] = etag
    response["Cache-Control"] = cache
    response["X-Content-Type-Options"] = "nosniff"
    return response
