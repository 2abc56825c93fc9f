"""Staff endpoints: list and read complaints, and one endpoint per lifecycle transition.

Every route resolves the region from the path and the caller's roles in it once (staff_in: 404
for outsiders), then calls exactly one service function.
"""

from datetime import date

from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile

from laksana.agencies.services import staff_at
from laksana.common.auth import STAFF_AUTH

from . import contact, media, queries, services
from .present import staff_row, staff_view
from .schemas import (
    AcknowledgeIn,
    CloseIn,
    ComplaintPage,
    ComplaintStaff,
    DisposeIn,
    ForwardIn,
    MergeIn,
    PhotoOut,
    PrivacyIn,
    ReasonIn,
    ResolveIn,
    TextIn,
    VerifyIn,
    VersionIn,
)

router = Router(tags=["staff"], auth=STAFF_AUTH)
BASE = "/regions/{slug}/staff/complaints"


class ListFilters(Schema):
    status: str | None = None
    agency: str | None = None
    category: str | None = None
    area: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    q: str | None = None
    reporter: str | None = None  # name, phone or e-mail: contact.reporter_filter (audited)
    order: str = "newest"
    cursor: str | None = None
    limit: int = 50


@router.get(BASE, response=ComplaintPage, summary="List complaints (keyset-paginated)")
def list_complaints(request, slug: str, filters: Query[ListFilters]):
    """`reporter=` finds complaints by the reporter's name, phone (written any way) or e-mail,
    for roles that may see contact details (403 otherwise); every complaint it returns is
    recorded in that complaint's internal timeline as a view of personal data."""
    staff = staff_at(request.auth, slug)
    rows, next_cursor = queries.staff_list(
        staff,
        status=filters.status,
        agency=filters.agency,
        category=filters.category,
        area=filters.area,
        date_from=filters.date_from,
        date_to=filters.date_to,
        q=filters.q,
        reporter=filters.reporter,
        oldest_first=filters.order == "oldest",
        cursor=filters.cursor,
        limit=filters.limit,
    )
    if filters.reporter:  # who reported what is personal data: each complaint returned is logged
        contact.record_search(
            staff=staff, complaints=rows, query=filters.reporter, via=contact.Via.API_SEARCH
        )
    return {"items": [staff_row(c) for c in rows], "next_cursor": next_cursor}


@router.get(BASE + "/{number}", response=ComplaintStaff, summary="One complaint with its timeline")
def complaint_detail(request, slug: str, number: str, include: Query[str] = ""):
    """`include=contact` adds the reporter's name, phone and e-mail (for roles that may see them;
    403 otherwise). Each such answer is recorded in the complaint's internal timeline."""
    staff = staff_at(request.auth, slug)
    complaint = services.get_for_staff(staff, number)
    details = None
    if "contact" in include.split(","):
        details = contact.reveal(staff=staff, complaint=complaint, via=contact.Via.API)
    from laksana.routing.services import as_dict, safe_suggest_for

    view = staff_view(staff, complaint, contact=details)
    # Recorded as shown only to those who decide (routing.usage: accuracy in real use).
    shown = "api" if staff.has("operator", "region_admin") else None
    view["suggestion"] = as_dict(safe_suggest_for(complaint, shown=shown))
    return view


def _act(request, slug: str, number: str, action, **kwargs) -> dict:
    staff = staff_at(request.auth, slug)
    complaint = services.get_for_staff(staff, number)
    changed = action(staff=staff, complaint=complaint, **kwargs)
    changed.refresh_from_db()
    return staff_view(staff, changed)


@router.post(BASE + "/{number}/verify", response=ComplaintStaff, summary="Verify (operator)")
def verify(request, slug: str, number: str, payload: VerifyIn):
    return _act(
        request,
        slug,
        number,
        services.verify,
        version=payload.version,
        category_code=payload.category,
        area_code=payload.area,
        priority=payload.priority,
        title=payload.title,
    )


@router.post(BASE + "/{number}/reject", response=ComplaintStaff, summary="Reject (operator)")
def reject(request, slug: str, number: str, payload: ReasonIn):
    return _act(
        request, slug, number, services.reject, reason=payload.reason, version=payload.version
    )


@router.post(
    BASE + "/{number}/merge",
    response=ComplaintStaff,
    summary="Mark as duplicate of another complaint (operator)",
)
def merge(request, slug: str, number: str, payload: MergeIn):
    staff = staff_at(request.auth, slug)
    target = services.get_for_staff(staff, payload.duplicate_of)
    return _act(request, slug, number, services.merge, into=target, version=payload.version)


@router.post(
    BASE + "/{number}/acknowledge",
    response=ComplaintStaff,
    summary="Record an aspiration (operator)",
)
def acknowledge(request, slug: str, number: str, payload: AcknowledgeIn):
    return _act(
        request, slug, number, services.acknowledge, text=payload.text, version=payload.version
    )


@router.post(
    BASE + "/{number}/dispose", response=ComplaintStaff, summary="Dispose to an agency (operator)"
)
def dispose(request, slug: str, number: str, payload: DisposeIn):
    return _act(
        request,
        slug,
        number,
        services.dispose,
        agency_code=payload.agency,
        note=payload.note,
        version=payload.version,
    )


@router.post(BASE + "/{number}/accept", response=ComplaintStaff, summary="Accept (agency)")
def accept(request, slug: str, number: str, payload: VersionIn | None = None):
    return _act(
        request, slug, number, services.accept, version=payload.version if payload else None
    )


@router.post(
    BASE + "/{number}/return",
    response=ComplaintStaff,
    summary="Return as not our authority (agency)",
)
def return_(request, slug: str, number: str, payload: ReasonIn):
    return _act(
        request,
        slug,
        number,
        services.return_to_operator,
        reason=payload.reason,
        version=payload.version,
    )


@router.post(
    BASE + "/{number}/forward",
    response=ComplaintStaff,
    summary="Forward to another agency (agency)",
)
def forward(request, slug: str, number: str, payload: ForwardIn):
    return _act(
        request,
        slug,
        number,
        services.forward,
        agency_code=payload.agency,
        reason=payload.reason,
        version=payload.version,
    )


@router.post(
    BASE + "/{number}/respond", response=ComplaintStaff, summary="Public progress response (agency)"
)
def respond(request, slug: str, number: str, payload: TextIn):
    return _act(request, slug, number, services.respond, text=payload.text, version=payload.version)


@router.post(BASE + "/{number}/note", response=ComplaintStaff, summary="Internal note")
def note(request, slug: str, number: str, payload: TextIn):
    return _act(request, slug, number, services.note, text=payload.text, version=payload.version)


@router.post(BASE + "/{number}/resolve", response=ComplaintStaff, summary="Resolve (agency)")
def resolve(request, slug: str, number: str, payload: ResolveIn):
    return _act(
        request, slug, number, services.resolve, response=payload.response, version=payload.version
    )


@router.post(BASE + "/{number}/close", response=ComplaintStaff, summary="Close (operator)")
def close(request, slug: str, number: str, payload: CloseIn):
    def close_as_staff(*, staff, complaint, **fields):
        return services.close(actor=staff, complaint=complaint, **fields)

    return _act(
        request,
        slug,
        number,
        close_as_staff,
        reason=payload.reason,
        text=payload.text,
        version=payload.version,
    )


@router.post(
    BASE + "/{number}/privacy",
    response=ComplaintStaff,
    summary="Make anonymous and/or confidential (never weaker)",
)
def privacy(request, slug: str, number: str, payload: PrivacyIn):
    return _act(
        request,
        slug,
        number,
        services.restrict_privacy,
        anonymous=payload.anonymous,
        confidential=payload.confidential,
        version=payload.version,
    )


@router.post(
    BASE + "/{number}/evidence",
    response={201: PhotoOut},
    summary="Attach a photo as evidence of the follow-up (agency)",
)
def evidence(request, slug: str, number: str, photo: UploadedFile = File(...)):
    staff = staff_at(request.auth, slug)
    complaint = services.get_for_staff(staff, number)
    attachment = services.add_photo(
        complaint=complaint, actor=staff, upload=photo, purpose="evidence"
    )
    return 201, {"url": media.photo_url(attachment, public=False), "purpose": attachment.purpose}
