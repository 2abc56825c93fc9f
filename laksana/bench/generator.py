"""Bulk data for the benchmark: realistic complaints of a region, loaded fast.

This is the one place allowed to write complaints without the lifecycle services: a million
complaints through `services.submit` and friends would take hours. Its rows must still be exactly
what the services would have written: numbers from Region.complaint_seq in submission order, token
hashes, versions, one event per step with the services' texts and data, and StatusCount counters
equal to a real count. The tests in laksana/bench/tests check that against the services' own rules.

PostgreSQL loads with COPY (psycopg 3); other databases (SQLite in the tests) with bulk_create.
"""

import base64
import hashlib
import hmac
import io
import json
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone
from PIL import Image

from laksana.agencies.models import Membership, Role
from laksana.complaints.models import Attachment, Complaint, Event, Reporter
from laksana.complaints.services import hash_token
from laksana.regions.models import Region

from .lifecycle import CITIZEN, OPERATOR, Plan, Planner
from .loading import bulk_session, write_chunk
from .sequences import reserve_ids

CHUNK = 10_000
# From this many complaints on (PostgreSQL), secondary indexes are dropped during the load and
# built again after it: one sort per index is far cheaper than millions of index updates.
# (A writer thread loading one chunk while the next is planned was tried: the GIL made it slower.)
BULK_FROM = 50_000
# Keep the detail scenario's complaint clear of 'now' so its 50 entries all lie in the past.
LONG_TIMELINE_MIN_AGE = timedelta(days=12)
BUSY_HOURS = [6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 19, 20, 21]

# Column order of the rows _RowBuilder makes (check_columns() guards against schema drift).
# fmt: off
COMPLAINT_COLUMNS = [
    "id", "region_id", "number", "token_hash", "kind", "status", "category_id", "agency_id",
    "area_id", "title", "description", "address", "lat", "lng", "priority", "channel",
    "reporter_id", "is_anonymous", "is_confidential", "duplicate_of_id", "closing_reason",
    "rating", "rating_comment", "idempotency_key", "source", "attributes", "next_deadline",
    "deadline_stage", "overdue_level", "acknowledged_at", "version", "submitted_at",
    "updated_at", "verified_at", "disposed_at", "accepted_at", "resolved_at", "closed_at",
]
EVENT_COLUMNS = [
    "id", "region_id", "complaint_id", "type", "from_status", "to_status", "actor_id",
    "actor_label", "agency_id", "is_public", "text", "data", "created_at",
]
REPORTER_COLUMNS = ["id", "region_id", "name", "phone", "email", "created_at"]
ATTACHMENT_COLUMNS = [
    "id", "region_id", "complaint_id", "purpose", "stage", "file", "content_type", "size", "width",
    "height", "sha256", "uploaded_by_id", "created_at",
]
# fmt: on
TABLES = [
    (Reporter, REPORTER_COLUMNS),
    (Complaint, COMPLAINT_COLUMNS),
    (Attachment, ATTACHMENT_COLUMNS),
    (Event, EVENT_COLUMNS),
]


@dataclass
class Generated:
    region: str
    complaints: int
    events: int
    reporters: int
    attachments: int
    first_seq: int
    long_timeline: str
    method: str
    seconds: float


def tracking_token(region_slug: str, seed: int, seq: int) -> str:
    """The secret token of generated complaint number `seq`: the bench recomputes it to track."""
    key = f"{region_slug}:{seed}:{seq}".encode()
    digest = hmac.new(b"laksana-bench", key, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()


def check_columns() -> None:
    """Fail loudly when a model gained a column the loader does not fill and the database would
    not default (another branch's change): silently wrong rows would be worse."""
    for model, columns in TABLES:
        for f in model._meta.concrete_fields:
            if f.attname not in columns and not (f.null or f.has_db_default()):
                raise RuntimeError(f"bench generator: {model.__name__}.{f.attname} is not filled")


def submission_times(count: int, *, now: datetime, days: int, seed: int, tz) -> list[datetime]:
    """When each complaint came in, oldest first: busier lately (the platform grows), and at the
    hours people report."""
    rng = random.Random(seed)
    times = []
    for _i in range(count):
        age = timedelta(days=days * (rng.random() ** 1.4), minutes=rng.randrange(0, 1440))
        at = (now - age).astimezone(tz).replace(hour=rng.choice(BUSY_HOURS))
        if at >= now:
            at = now - timedelta(minutes=rng.randrange(5, 120))
        times.append(at.astimezone(UTC))
    times.sort()
    return times


class Actors:
    """The staff the history is written as: one operator and one liaison per agency."""

    def __init__(self, region: Region, agency_ids: list[int]):
        self.operator = self._user(f"bench-operator-{region.slug}", "Operator", "Bench")
        Membership.objects.get_or_create(user=self.operator, region=region, role=Role.OPERATOR)
        self.liaisons = {}
        for agency_id in agency_ids:
            user = self._user(f"bench-liaison-{region.slug}-{agency_id}", "Penghubung", "Bench")
            Membership.objects.get_or_create(
                user=user, region=region, role=Role.AGENCY_STAFF, agency_id=agency_id
            )
            self.liaisons[agency_id] = user

    @staticmethod
    def _user(username: str, first: str, last: str) -> User:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        return user

    def of(self, actor) -> tuple[int | None, str]:
        if actor == CITIZEN:
            return None, "Pelapor"
        user = self.operator if actor == OPERATOR else self.liaisons[actor]
        return user.id, (user.get_full_name() or user.get_username())[:120]


def evidence_photo(region: Region) -> dict:
    """One real JPEG shared by every generated evidence attachment (stored once, by content)."""
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (90, 120, 90)).save(out, "JPEG", quality=70)
    data = out.getvalue()
    sha = hashlib.sha256(data).hexdigest()
    name = f"{region.id}/{sha[:2]}/{sha}.jpg"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(data))
    return {"file": name, "size": len(data), "sha256": sha}


def generate(
    region: Region,
    *,
    count: int,
    seed: int = 2611,
    days: int = 365,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
    chunk: int = CHUNK,
) -> Generated:
    """Add `count` complaints to a region, with whole timelines, counters and numbering.

    Steps: plan submission times (sorted, so numbers follow time); per chunk of complaints, plan
    each life, reserve primary keys, build the rows of reporters, complaints, attachments and
    events, load them (COPY on PostgreSQL), then move the region's sequence and status counters
    in the same transaction, so a committed chunk is always consistent.
    """
    started = time.monotonic()
    check_columns()
    now = now or timezone.now()
    region.refresh_from_db()
    planner = Planner(region, now=now, seed=seed)
    actors = Actors(region, planner.agency_ids)
    photo = evidence_photo(region)
    times = submission_times(count, now=now, days=days, seed=seed + region.id, tz=region.tz)
    long_k = max((k for k, at in enumerate(times) if at <= now - LONG_TIMELINE_MIN_AGE), default=0)
    first_seq = region.complaint_seq + 1
    builder = _RowBuilder(region, seed, actors, photo)
    totals = Counter()
    long_number = ""
    large = count >= BULK_FROM and connection.vendor == "postgresql"
    with bulk_session(TABLES, rebuild_indexes=large):
        for start in range(0, count, chunk):
            plans = []
            for k in range(start, min(start + chunk, count)):
                seq = first_seq + k
                rng = random.Random(seed * 1_000_003 + seq)
                plans.append((seq, planner.plan(times[k], rng, long_timeline=k == long_k)))
                if k == long_k:
                    long_number = builder.number(plans[-1][1], seq)
            rows, counters = builder.rows(plans)
            for model, _columns in TABLES:
                totals[model] += len(rows[model])
            write_chunk(region, TABLES, rows, counters, len(plans))
            if progress:
                progress(min(start + chunk, count), count)
    region.refresh_from_db()
    return Generated(
        region=region.slug,
        complaints=totals[Complaint],
        events=totals[Event],
        reporters=totals[Reporter],
        attachments=totals[Attachment],
        first_seq=first_seq,
        long_timeline=long_number,
        method="copy" if connection.vendor == "postgresql" else "bulk_create",
        seconds=time.monotonic() - started,
    )


class _RowBuilder:
    """Turns plans into table rows (tuples in the column order above)."""

    def __init__(self, region: Region, seed: int, actors: Actors, photo: dict):
        self.region, self.seed, self.actors, self.photo = region, seed, actors, photo
        self.tz = region.tz
        self.prefix = region.tracking_prefix
        self.labels = {}
        self.encoded: dict[tuple, str] = {}

    def json(self, data: dict) -> str:
        """Event data as JSON; the few distinct small dicts are encoded once each."""
        key = tuple(data.items())
        text = self.encoded.get(key)
        if text is None:
            text = self.encoded[key] = json.dumps(data, ensure_ascii=False)
        return text

    def number(self, plan: Plan, seq: int) -> str:
        return f"{self.prefix}-{plan.at.astimezone(self.tz):%y%m}-{seq:06d}"

    def actor(self, actor) -> tuple[int | None, str]:
        if actor not in self.labels:
            self.labels[actor] = self.actors.of(actor)
        return self.labels[actor]

    def rows(self, plans: list[tuple[int, Plan]]) -> tuple[dict, Counter]:
        region_id = self.region.id
        n_reporters = sum(1 for _s, p in plans if p.reporter)
        n_photos = sum(1 for _s, p in plans if p.evidence_at)
        n_events = sum(len(p.steps) for _s, p in plans)
        complaint_id = reserve_ids(Complaint, len(plans))
        reporter_id = reserve_ids(Reporter, n_reporters) if n_reporters else 0
        photo_id = reserve_ids(Attachment, n_photos) if n_photos else 0
        event_id = reserve_ids(Event, n_events)
        rows = {Reporter: [], Complaint: [], Attachment: [], Event: []}
        counters = Counter()
        photo = self.photo
        for seq, p in plans:
            rid = None
            if p.reporter:
                rid = reporter_id
                reporter_id += 1
                rows[Reporter].append((rid, region_id, *p.reporter, p.at))
            token = tracking_token(self.region.slug, self.seed, seq)
            rows[Complaint].append(
                (
                    complaint_id, region_id, self.number(p, seq), hash_token(token), p.kind,
                    p.status, p.category_id, p.agency_id, p.area_id, p.title, p.description,
                    p.address, p.lat, p.lng, 2, p.channel, rid, p.is_anonymous,
                    p.is_confidential, None, p.closing_reason, p.rating, p.rating_comment, None,
                    "", "{}", p.next_deadline, p.deadline_stage, 0, None, p.version, p.at,
                    p.updated_at, p.verified_at,
                    p.disposed_at, p.accepted_at, p.resolved_at, p.closed_at,
                )
            )  # fmt: skip
            counters[(p.agency_id or 0, p.status)] += 1
            for step in p.steps:
                data = step.data
                if p.evidence_at and step.type == Event.Type.ATTACHMENT:
                    data = {"attachment": photo_id, "purpose": "evidence"}
                    liaison, _label = self.actor(step.actor)
                    rows[Attachment].append(
                        (
                            photo_id, region_id, complaint_id, "evidence", "", photo["file"],
                            "image/jpeg", photo["size"], 320, 240, photo["sha256"], liaison,
                            step.at,
                        )
                    )  # fmt: skip
                    photo_id += 1
                actor_id, label = self.actor(step.actor)
                rows[Event].append(
                    (
                        event_id, region_id, complaint_id, step.type, step.from_status,
                        step.to_status, actor_id, label, step.agency_id, step.public, step.text,
                        self.json(data), step.at,
                    )
                )  # fmt: skip
                event_id += 1
            complaint_id += 1
        return rows, counters
