"""The limit's JSON endpoints, through django-ninja as Laksana's API is: (a) a keyset page,
the 1,000-row page, and (c) one submission written as two rows in one transaction."""

import hashlib
import secrets
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from ninja import NinjaAPI, Schema

from . import pages
from .models import Note, Submission

api = NinjaAPI(title="Laksana bench: the stack limit", docs_url=None)


class Row(Schema):
    number: str
    kind: str
    status: str
    title: str
    priority: int
    channel: str
    submitted_at: datetime
    updated_at: datetime
    category_code: str
    category_name: str
    agency_code: str | None
    area_name: str | None


class Page(Schema):
    items: list[Row]
    next_cursor: str | None


class WideRow(Schema):
    number: str
    status: str
    description: str
    address: str
    lat: float | None
    lng: float | None
    submitted_at: datetime
    updated_at: datetime
    category_code: str
    category_name: str


class SubmissionIn(Schema):
    category: str
    description: str
    kind: str = "complaint"
    lat: float | None = None
    lng: float | None = None
    address: str = ""
    name: str = ""
    phone: str = ""
    anonymous: bool = False


class Receipt(Schema):
    number: str
    token: str


def _flat(row: dict) -> dict:
    return {key.replace("__", "_"): value for key, value in row.items()}


@api.get("/regions/{slug}/complaints", response=Page)
def complaint_page(request, slug: str, cursor: str | None = None, limit: int = 25):
    rows, after = pages.page(slug, cursor, max(1, min(limit, 100)))
    return {"items": [_flat(r) for r in rows], "next_cursor": after}


@api.get("/regions/{slug}/complaints-1000", response=list[WideRow])
def complaint_page_1000(request, slug: str):
    rows, _after = pages.page(slug, None, 1000, pages.WIDE_ROW)
    return [_flat(r) for r in rows]


def write(slug: str, body: SubmissionIn) -> tuple[Submission, Note, str]:
    """The two rows of one submission, in the caller's transaction; and its secret token."""
    token = secrets.token_urlsafe(16)
    now = timezone.now()
    rid = pages.region_id(slug)
    submission = Submission.objects.create(
        region_id=rid,
        kind=body.kind,
        category_code=body.category,
        description=body.description,
        address=body.address,
        lat=body.lat,
        lng=body.lng,
        reporter_name="" if body.anonymous else body.name,
        reporter_phone="" if body.anonymous else body.phone,
        is_anonymous=body.anonymous,
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        submitted_at=now,
        updated_at=now,
    )
    note = Note.objects.create(
        submission=submission,
        region_id=rid,
        type="submitted",
        data={"channel": "web", "category": body.category},
        created_at=now,
    )
    return submission, note, token


def number(submission: Submission) -> str:
    return f"LIM-{submission.pk:06d}"


@api.post("/regions/{slug}/submissions", response={201: Receipt})
def submit(request, slug: str, body: SubmissionIn):
    with transaction.atomic():
        submission, _note, token = write(slug, body)
    return 201, {"number": number(submission), "token": token}
