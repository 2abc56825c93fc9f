"""Inside the bench database (a child process with DATABASE_URL pointing at it): migrate, load the
region, generate the complaints, and hand the parent what its scenarios need as JSON."""

import base64
import json
import random
import secrets
import sys
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from laksana.agencies.models import Category, Membership, Role
from laksana.agencies.services import load_catalogue
from laksana.complaints.models import Complaint
from laksana.regions.models import Region
from laksana.regions.services import load_region
from laksana.reports.rollup import rebuild_since

from .generator import generate, tracking_token
from .lifecycle import Planner

REGIONS_DIR = Path(settings.BASE_DIR) / "data" / "regions"
INTAKE_BODIES = 400
TRACK_TOKENS = 200


def progress_bar(label: str):
    started = time.monotonic()

    def show(done: int, total: int) -> None:
        width = 30
        filled = width * done // total
        elapsed = time.monotonic() - started
        rate = done / elapsed if elapsed else 0
        eta = (total - done) / rate if rate else 0
        sys.stderr.write(
            f"\r  {label} [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}"
            f"  {rate:,.0f}/s  eta {eta:,.0f}s "
        )
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def staff_session(user: User) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def encode_cursor(submitted_at, pk: int) -> str:
    """A staff-list cursor, as laksana.complaints.queries writes them."""
    raw = json.dumps([submitted_at.isoformat(), pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def intake_bodies(region: Region, seed: int) -> list[dict]:
    """Varied citizen submissions with points inside kelurahan, as the public API takes them."""
    planner = Planner(region, now=timezone.now(), seed=seed)
    codes = dict(Category.objects.filter(region=region).values_list("id", "code"))
    rng = random.Random(seed)
    bodies = []
    for _i in range(INTAKE_BODIES):
        plan = planner.plan(timezone.now(), rng)
        name, phone, _email = plan.reporter or ("", "", "")
        bodies.append(
            {
                "category": codes[plan.category_id],
                "description": plan.description,
                "kind": plan.kind,
                "lat": plan.lat,
                "lng": plan.lng,
                "address": plan.address,
                "name": name,
                "phone": phone,
                "anonymous": plan.is_anonymous,
            }
        )
    return bodies


REPORT_DAYS = timedelta(days=35)


def prepare(*, size: int, seed: int, region_slug: str, days: int) -> dict:
    """Fill a fresh database for one data size; returns the scenarios' context."""
    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    directory = REGIONS_DIR / region_slug
    region = load_region(directory)
    load_catalogue(region, directory)
    result = generate(region, count=size, seed=seed, days=days, progress=progress_bar("complaints"))
    sys.stderr.write(
        f"  {result.complaints:,} complaints, {result.events:,} events, "
        f"{result.attachments:,} photos in {result.seconds:.1f}s ({result.method})\n"
    )
    started = time.monotonic()
    # The reports' daily aggregates (issue 18) of the weeks the report scenarios read: replaying
    # a year of a million complaints would take most of an hour of the bench's time.
    recent = (timezone.now() - REPORT_DAYS).astimezone(region.tz).date()
    counted = rebuild_since(region, recent)
    sys.stderr.write(
        f"  report aggregates: {counted.events:,} events replayed into {counted.rows:,} rows "
        f"in {time.monotonic() - started:.1f}s\n"
    )
    password = secrets.token_urlsafe(16)
    user, _created = User.objects.get_or_create(
        username="bench-api-operator", defaults={"first_name": "Operator", "last_name": "API"}
    )
    user.set_password(password)
    user.save()
    Membership.objects.get_or_create(user=user, region=region, role=Role.OPERATOR)
    if connection.vendor == "postgresql":
        # Fresh bulk-loaded tables have no statistics until autovacuum gets to them; a database
        # in service would have them, so give the planner the same.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "region": region.slug,
        "size": size,
        "generated": result.__dict__,
        "username": user.username,
        "password": password,
        "session": staff_session(user),
        "long_timeline": result.long_timeline,
        "track_tokens": _track_tokens(region, seed, result.first_seq, size),
        "filters": _filters(region),
        "deep_cursor": _deep_cursor(region, size),
        "intake": intake_bodies(region, seed + 1),
        "month": _last_month(region),
        "agency": _busiest_agency(region),
    }


def _last_month(region: Region) -> str:
    """The last whole month (YYYY-MM) in the region's zone: the report scenarios' month."""
    first = timezone.now().astimezone(region.tz).date().replace(day=1)
    before = first - timedelta(days=1)
    return f"{before.year}-{before.month:02d}"


def _busiest_agency(region: Region) -> str:
    """The code of the agency with the most complaints (its public transparency page)."""
    row = (
        Complaint.objects.filter(region=region, agency__isnull=False)
        .values("agency__code")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    return row["agency__code"] if row else ""


def _track_tokens(region: Region, seed: int, first_seq: int, size: int) -> list[str]:
    rng = random.Random(seed)
    seqs = [first_seq + rng.randrange(size) for _i in range(min(TRACK_TOKENS, size))]
    return [tracking_token(region.slug, seed, seq) for seq in seqs]


def _filters(region: Region) -> list[list[str]]:
    """Status and category pairs an operator would filter by: the busiest ones, plus open work."""
    busiest = (
        Complaint.objects.filter(region=region)
        .values("status", "category__code")
        .annotate(n=Count("id"))
        .order_by("-n")[:4]
    )
    pairs = [[row["status"], row["category__code"]] for row in busiest]
    pairs += [["submitted,verified", code] for _s, code in pairs[:2]]
    pairs += [["in_progress", code] for _s, code in pairs[:2]]
    return pairs


def _deep_cursor(region: Region, size: int) -> str:
    """A cursor 90% of the way down the newest-first list."""
    row = (
        Complaint.objects.filter(region=region)
        .order_by("-submitted_at", "-id")
        .values_list("submitted_at", "id")[int(size * 0.9)]
    )
    return encode_cursor(*row)


def main(*, size: int, seed: int, region_slug: str, days: int) -> None:
    context = prepare(size=size, seed=seed, region_slug=region_slug, days=days)
    sys.stdout.write(json.dumps(context, default=str) + "\n")
