"""Keyset pagination of complaint lists on (submitted_at, id): a deep page costs what the first
page costs. The staff API, the console and the public list all page this way."""

import base64
import json
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from laksana.common.errors import ValidationFailed

from .models import Complaint


def encode(complaint: Complaint) -> str:
    raw = json.dumps([complaint.submitted_at.isoformat(), complaint.pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str, *, field: str = "cursor") -> tuple[datetime, int]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor.encode() + b"=="))
        return datetime.fromisoformat(raw[0]), int(raw[1])
    except (ValueError, TypeError, IndexError, KeyError, json.JSONDecodeError):
        raise ValidationFailed(_("Kursor halaman tidak valid."), fields={field: ""}) from None


def after(qs: QuerySet, cursor: str | None, *, oldest_first: bool, field: str = "cursor"):
    """The rows after the cursor, ordered; without a cursor, all of them ordered."""
    if cursor:
        at, pk = decode(cursor, field=field)
        # The plain range on submitted_at is redundant with the OR, but it is what lets the
        # database start the index scan at the cursor instead of filtering every newer row.
        if oldest_first:
            qs = qs.filter(submitted_at__gte=at).filter(
                Q(submitted_at__gt=at) | Q(submitted_at=at, pk__gt=pk)
            )
        else:
            qs = qs.filter(submitted_at__lte=at).filter(
                Q(submitted_at__lt=at) | Q(submitted_at=at, pk__lt=pk)
            )
    return qs.order_by(*(("submitted_at", "pk") if oldest_first else ("-submitted_at", "-pk")))


def split(rows: list, size: int) -> tuple[list, str | None]:
    """Rows fetched with one extra (size + 1) -> (the page, the cursor of the next page)."""
    return rows[:size], (encode(rows[size - 1]) if len(rows) > size else None)


def page(
    qs: QuerySet,
    *,
    region,
    cursor: str | None,
    size: int,
    oldest_first: bool = False,
    field: str = "cursor",
) -> tuple[list[Complaint], str | None]:
    """One page of `region`'s complaints after the cursor, and the next page's cursor.

    Every row is given `region` (they all belong to it): local times, deadlines and URLs read a
    row's region, which would otherwise be loaded again for each row, with its own calendar.
    """
    rows = list(after(qs, cursor, oldest_first=oldest_first, field=field)[: size + 1])
    for row in rows:
        row.region = region
    return split(rows, size)
