"""Helpers the console's views share: what a role may do to a complaint, and the page context."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from laksana.agencies.models import Agency, Category
from laksana.agencies.services import Staff, suggest_agency
from laksana.complaints import contact as contacts
from laksana.complaints.models import Complaint, Event, Kind, Priority
from laksana.complaints.models import Status as S
from laksana.complaints.present import staff_actors
from laksana.complaints.privacy import mask
from laksana.dispatch.assignments import may_assign
from laksana.regions.models import Area

from .. import search
from ..access import OPERATORS
from ..models import RejectionTemplate, ResponseTemplate
from ..texts import DEFAULT_REJECTION_REASONS


def is_operator(staff: Staff) -> bool:
    return staff.has(*OPERATORS)


def handles(staff: Staff, complaint: Complaint) -> bool:
    return staff.has_in_agency(complaint.agency_id, "agency_admin", "agency_staff")


def masks_text(staff: Staff) -> bool:
    """Leaders read the citizens' words with phone, e-mail and NIK numbers masked."""
    return staff.has("viewer") and not staff.sees_personal_data


def available_actions(staff: Staff, c: Complaint) -> set[str]:
    """The actions to offer: those the services would accept from this role in this state.
    (The services check again; this only keeps the page from offering what would fail.)"""
    can: set[str] = set()
    if is_operator(staff):
        if c.status in (S.SUBMITTED, S.VERIFIED):
            can |= {"reject", "merge", "privacy", "ask"}
            if c.kind == Kind.ASPIRATION:
                can.add("acknowledge")
        if c.status == S.SUBMITTED:
            can.add("verify")
        if c.status == S.VERIFIED:
            can.add("dispose")
        if c.status in (S.DISPATCHED, S.IN_PROGRESS):
            can |= {"privacy", "evidence"}
        if c.status == S.RESOLVED:
            can.add("close")
        can.add("note")
    if handles(staff, c):
        can.add("note")
        if c.status in (S.DISPATCHED, S.IN_PROGRESS):
            can |= {"evidence", "ask"}
        # Accepting a disposition says it was seen: the confirmation is for before that only.
        if c.status == S.DISPATCHED and c.acknowledged_at is None:
            can.add("desk-ack")
        if c.status == S.DISPATCHED:
            can |= {"accept", "return", "forward"}
        if c.status == S.IN_PROGRESS:
            can |= {"respond", "resolve"}
    if c.status == S.WAITING:
        can -= {"ask"}
    return can


def rejection_templates(region) -> list[dict]:
    rows = [
        {"title": t.title, "text": t.text} for t in RejectionTemplate.objects.filter(region=region)
    ]
    return rows or [
        {"title": str(title), "text": str(text)} for title, text in DEFAULT_REJECTION_REASONS
    ]


def complaint_context(staff: Staff, complaint: Complaint, *, contact: dict | None = None) -> dict:
    """Everything the complaint page shows; personal data only where the role allows it, and
    the reporter's contact only as revealed (and recorded) by contacts.reveal."""
    region = staff.region
    masked = masks_text(staff)
    events = list(Event.objects.filter(complaint=complaint).select_related("agency").order_by("id"))
    if masked:
        for event in events:
            event.text = mask(event.text)
    actors = staff_actors(events)
    for event in events:
        event.who = actors[event.id]
    can = available_actions(staff, complaint)
    context = {
        "region": region,
        "staff": staff,
        "complaint": complaint,
        "description": mask(complaint.description) if masked else complaint.description,
        "address": mask(complaint.address) if masked else complaint.address,
        "events": events,
        "photos": list(complaint.attachments.all()),
        "can": can,
        "contact_allowed": contacts.may_see(staff, complaint),
        "contact": contact,
        "duplicate_of": complaint.duplicate_of if complaint.duplicate_of_id else None,
        "duplicates": list(complaint.duplicates.all().only("number", "status", "title")),
        "priorities": Priority.choices,
    }
    if complaint.status in (S.DISPATCHED, S.IN_PROGRESS) and may_assign(staff, complaint):
        context["field_url"] = reverse(
            "dispatch:assign", kwargs={"region_slug": region.slug, "number": complaint.number}
        )
    if can & {"verify", "dispose", "forward"}:
        context["agencies"] = list(
            Agency.objects.filter(region=region, is_active=True).only("code", "short_name")
        )
        context["suggested"] = suggest_agency(complaint.category, complaint.area)
    if "verify" in can:
        from laksana.routing.services import for_form

        routing = for_form(complaint)
        context["routing"] = routing
        # The model's category and agency are pre-selected only when it is confident; otherwise
        # the form keeps the citizen's category and the rules' agency (suggest_agency).
        context["selected_category"] = (
            routing["category"]["code"]
            if routing and routing["category"] and routing["category"]["confident"]
            else complaint.category.code
        )
        context["selected_agency"] = (
            routing["agency"]["code"]
            if routing and routing["agency"] and routing["agency"]["confident"]
            else ""
        )
        context["categories"] = list(
            Category.objects.filter(region=region, is_active=True).only("code", "name")
        )
        # only(): areas carry boundary polygons, which a list of options never needs.
        context["areas"] = list(
            Area.objects.filter(region=region, level="kelurahan")
            .select_related("parent")
            .only("code", "name", "parent__name")
            .order_by("parent__name", "name")
        )
    if "reject" in can:
        context["reject_templates"] = rejection_templates(region)
    if "merge" in can:
        from laksana.routing.duplicates import for_staff

        context["candidates"] = search.duplicate_candidates(staff, complaint)
        # Scored by place (the category's radius), words and time (routing.duplicates).
        context["similar"] = for_staff(staff, complaint)
    if can & {"respond", "resolve"}:
        context["response_templates"] = list(
            ResponseTemplate.objects.filter(region=region, agency_id=complaint.agency_id)
        )
    if "close" in can:
        from laksana.complaints.models import ClosingReason

        context["closing_reasons"] = ClosingReason.choices
    return context


def safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def complaint_url(staff: Staff, number: str) -> str:
    return reverse("console:complaint", kwargs={"region_slug": staff.region.slug, "number": number})


def done(request: HttpRequest, message: str, fallback: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(safe_next(request, fallback))


def page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    return render(request, template, context, status=status)
