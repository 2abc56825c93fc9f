"""Routing from the citizen's words (issue 19): suggest a complaint's category and agency.

One model per region and target (category, agency), the text model of classifier.py: TF-IDF
of character n-grams and words into a logistic regression with balanced class
weights, its probabilities calibrated (sigmoid, 3 folds) when every class has enough rows. Trained
on the region's handled complaints plus the starter corpus (data/routing/starter.csv) mapped to the
region's own agencies. Deterministic: fixed random_state, no shuffling, rows in a stable order.
"""

from __future__ import annotations

import csv
import io
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import joblib
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from laksana.agencies.models import Agency, Category
from laksana.complaints.models import ClosingReason, Complaint, Event, Status
from laksana.regions.models import Region

from .classifier import TOP, Classifier
from .fits import TARGETS, payloads
from .models import RoutingModel

STARTER = Path(settings.BASE_DIR) / "data" / "routing" / "starter.csv"
# Below this confidence the console keeps the rules' choice (category default agency, area rules).
CONFIDENT = 0.5

# Complaints whose classification an operator has confirmed.
_VERIFIED_GONE = (Status.SUBMITTED, Status.REJECTED, Status.DUPLICATE)


@dataclass
class Row:
    text: str
    category: str | None
    agency: str | None
    at: datetime | None = None  # None: starter corpus
    source: str = "starter"
    group: str = ""  # rows of one group are never split between training and test


@dataclass
class Guess:
    code: str
    name: str
    confidence: float
    words: list[str] = field(default_factory=list)


@dataclass
class Suggestion:
    categories: list[Guess]
    agencies: list[Guess]
    version: int

    @property
    def category(self) -> Guess | None:
        return self.categories[0] if self.categories else None

    @property
    def agency(self) -> Guess | None:
        return self.agencies[0] if self.agencies else None


def complaint_text(title: str = "", description: str = "", address: str = "") -> str:
    return " \n".join(part for part in (title or "", description or "", address or "") if part)


# --- training data ------------------------------------------------------------------------------


def starter_rows(region: Region, path: Path = STARTER) -> list[Row]:
    """The starter corpus in the region's own codes: a row's category if the region has it; its
    agency the category's default agency in this region (adoption sets it to the agency of the
    same function), else the region's agency with the row's function."""
    categories = {
        c.code: c
        for c in Category.objects.filter(region=region, is_active=True).select_related(
            "default_agency"
        )
    }
    by_function: dict[str, str] = {}
    for code, functions in (
        Agency.objects.filter(region=region, is_active=True)
        .order_by("code")
        .values_list("code", "functions")
    ):
        for f in functions.split():
            by_function.setdefault(f, code)
    rows = []
    with path.open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            category = categories.get(r["category"])
            agency = None
            default = category.default_agency if category is not None else None
            if default is not None and default.is_active:
                agency = default.code
            if agency is None:
                agency = by_function.get(r.get("agency_function", ""))
            if category is None and agency is None:
                continue
            rows.append(
                Row(
                    r["text"],
                    category.code if category else None,
                    agency,
                    group=r.get("stem") or "",
                )
            )
    return rows


def history_rows(region: Region) -> list[Row]:
    """The region's complaints as labels: the category an operator confirmed, and the agency that
    finally accepted it. A complaint never teaches the agency it was returned from ("bukan
    wewenang"), nor any agency when it was closed as not the region's authority."""
    returned: dict[int, set[int]] = {}
    for complaint_id, agency_id in Event.objects.filter(
        region=region, type=Event.Type.RETURNED, agency__isnull=False
    ).values_list("complaint_id", "agency_id"):
        returned.setdefault(complaint_id, set()).add(agency_id)
    rows = []
    qs = (
        Complaint.objects.filter(region=region, verified_at__isnull=False)
        .exclude(status__in=_VERIFIED_GONE)
        .select_related("category", "agency")
        .order_by("submitted_at", "id")
    )
    for c in qs.iterator(chunk_size=2000):
        agency = None
        if (
            c.agency_id
            and c.accepted_at is not None
            and c.agency_id not in returned.get(c.id, ())
            and c.closing_reason != ClosingReason.NOT_OUR_AUTHORITY
        ):
            agency = c.agency.code
        text = complaint_text(c.title, c.description, c.address)
        rows.append(Row(text, c.category.code, agency, at=c.submitted_at, source="history"))
    return rows


def training_rows(region: Region) -> list[Row]:
    return starter_rows(region) + history_rows(region)


# --- the model ----------------------------------------------------------------------------------


def _fit(rows: list[Row], target: str, *, calibrate: bool = True) -> Classifier | None:
    labelled = [r for r in rows if getattr(r, target)]
    if len({getattr(r, target) for r in labelled}) < 2:
        return None
    return Classifier(
        [r.text for r in labelled],
        [getattr(r, target) for r in labelled],
        calibrate=calibrate,
        groups=[r.group or f"row-{i}" for i, r in enumerate(labelled)],
    )


def train(region: Region, *, rows: list[Row] | None = None) -> dict[str, RoutingModel]:
    """Train and store a new version of the region's category and agency models."""
    rows = training_rows(region) if rows is None else rows
    fitted = payloads(rows)
    stored = {}
    for target in TARGETS:
        if target not in fitted:
            continue
        payload, classes, calibrated, seconds, reused = fitted[target]
        used = [r for r in rows if getattr(r, target)]
        with transaction.atomic():
            last = (
                RoutingModel.objects.select_for_update()
                .filter(region=region, target=target)
                .order_by("-version")
                .values_list("version", flat=True)
                .first()
            )
            stored[target] = RoutingModel.objects.create(
                region=region,
                target=target,
                version=(last or 0) + 1,
                trained_at=timezone.now(),
                payload=payload,
                samples=len(used),
                history_samples=sum(r.source == "history" for r in used),
                starter_samples=sum(r.source == "starter" for r in used),
                classes=classes,
                metrics={
                    "train_seconds": seconds,  # of the fit, also when it was one before
                    "calibrated": calibrated,
                    "same_rows_as_a_fit_before": reused,
                },
            )
    return stored


_cache: dict[tuple[int, str], tuple[int, Classifier]] = {}
_lock = threading.Lock()


def load(region: Region, target: str, version: int | None = None) -> tuple[int, Classifier] | None:
    """The region's model of a target, `version` or else the newest, unpickled once per process
    and version."""
    if version is None:
        version = RoutingModel.objects.filter(region=region, target=target).aggregate(
            newest=Max("version")
        )["newest"]
        if version is None:
            return None
    key = (region.pk, target)
    cached = _cache.get(key)
    if cached is not None and cached[0] == version:
        return cached
    payload = (
        RoutingModel.objects.filter(region=region, target=target, version=version)
        .values_list("payload", flat=True)
        .first()
    )
    if payload is None:  # deleted since it was seen as the newest
        return None
    clf = joblib.load(io.BytesIO(bytes(payload)))
    with _lock:
        _cache[key] = (version, clf)
    return version, clf


def _quoted(model, *fields: str) -> list[str]:
    qn = connection.ops.quote_name
    return [qn(model._meta.db_table)] + [qn(model._meta.get_field(f).column) for f in fields]


def _versions_and_names(
    region: Region, codes: dict[str, list[str]]
) -> tuple[dict[str, int], dict[str, dict[str, str]]]:
    """One statement: the newest version of each of the region's targets, and {target: {code:
    name}} of `codes` among the region's own active categories and agencies. Plain SQL, named
    from the models' metadata: Django compiling these small queries cost more than running
    them (1.1 of a 2.2 ms suggestion on SQLite, profiled; 0.06 ms as SQL)."""
    table, region_id, target, version = _quoted(RoutingModel, "region", "target", "version")
    selects = [
        f"SELECT 'version', {target}, NULL, MAX({version}) FROM {table} "
        f"WHERE {region_id} = %s GROUP BY {target}"
    ]
    params: list = [region.pk]
    for kind, model in (("category", Category), ("agency", Agency)):
        wanted = codes.get(kind)
        if wanted:
            table, region_id, active, code, name = _quoted(
                model, "region", "is_active", "code", "name"
            )
            marks = ", ".join(["%s"] * len(wanted))
            selects.append(
                f"SELECT '{kind}', {code}, {name}, NULL FROM {table} "
                f"WHERE {region_id} = %s AND {active} = %s AND {code} IN ({marks})"
            )
            params += [region.pk, True, *wanted]
    versions: dict[str, int] = {}
    names: dict[str, dict[str, str]] = {}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), params)
        for kind, code, name, newest in cursor.fetchall():
            if kind == "version":
                versions[code] = newest
            else:
                names.setdefault(kind, {})[code] = name
    return versions, names


def guesses(models: dict[str, Classifier], text: str, *, k: int = TOP) -> dict[str, list]:
    """Each target's k best (code, confidence, words) for a text. Targets trained together share
    one vectorizer (fit_targets): the text is read once for them, which was half of the models'
    time."""
    read: dict[str, tuple] = {}
    found = {}
    for target, clf in models.items():
        encoded = read.get(clf.reading)
        if encoded is None:
            encoded = read[clf.reading] = clf.encode(text)
        found[target] = clf.top_encoded(encoded, k=k)
    return found


def suggest(region: Region, text: str, title: str = "", address: str = "") -> Suggestion | None:
    """Top-3 categories and agencies of the region for a citizen's words, or None when the region
    has no model yet. Only the region's own, active categories and agencies are returned.

    Steps (one round trip to the database once this process holds the newest models):
    1. guess with the models this process holds (none at first);
    2. in one statement, read the newest versions and the names of the guessed codes that are
       the region's own and active now (a name or an agency may change in any process);
    3. when a version differs (a model trained in another process, or none held yet), load the
       newest models and go back to 1; the guesses are then those of the versions just read.
    """
    full = complaint_text(title, text, address)
    if not full.strip():
        return None
    held = {str(t): _cache[(region.pk, t)] for t in TARGETS if (region.pk, t) in _cache}
    for _attempt in range(3):  # a second model trained between two passes is the only third
        spare = TOP + 2  # two more, for codes closed since training
        guessed = guesses({t: clf for t, (_v, clf) in held.items()}, full, k=spare)
        codes = {t: [g[0] for g in found] for t, found in guessed.items()}
        versions, names = _versions_and_names(region, codes)
        if versions == {t: v for t, (v, _clf) in held.items()}:
            break
        held = {}
        for target, version in versions.items():
            loaded = load(region, target, version)
            if loaded is not None:
                held[target] = loaded
    found = {
        target: [
            Guess(code, names[target][code], round(p, 4), words)
            for code, p, words in guessed.get(target, [])
            if code in names.get(target, {})
        ][:TOP]
        for target in ("category", "agency")
    }
    if not found["category"] and not found["agency"]:
        return None
    return Suggestion(found["category"], found["agency"], max(v for v, _clf in held.values()))


def as_dict(s: Suggestion | None) -> dict | None:
    if s is None:
        return None

    def g(x: Guess) -> dict:
        return {"code": x.code, "name": x.name, "confidence": x.confidence, "words": x.words}

    return {
        "version": s.version,
        "category": g(s.category) if s.category else None,
        "agency": g(s.agency) if s.agency else None,
        "categories": [g(x) for x in s.categories],
        "agencies": [g(x) for x in s.agencies],
    }


def suggest_for(complaint: Complaint) -> Suggestion | None:
    return suggest(complaint.region, complaint.description, complaint.title, complaint.address)


def retrain_all() -> dict[str, int]:
    """The weekly job: a new model version for every region that has categories."""
    done = {}
    for region in Region.objects.filter(categories__isnull=False).distinct().order_by("pk"):
        done[region.slug] = len(train(region))
    return done


def safe_suggest_for(complaint: Complaint, *, shown: str | None = None) -> Suggestion | None:
    """suggest_for, but a broken or missing model never breaks the page that asks: the rules
    (category default agency, area rules) are the fallback. `shown` (form, api, bulk): a person
    sees it, so it is recorded for the accuracy in real use (routing.usage)."""
    import logging

    from laksana.common.optional import optional

    s = None
    with optional(f"routing suggestion for {complaint.pk}", log=logging.getLogger(__name__)):
        s = suggest_for(complaint)
        if shown is not None:
            from .usage import record_shown

            record_shown(complaint, s, shown)
    return s


def for_form(complaint: Complaint) -> dict | None:
    """What the verification form shows: the top category and agency, whether each is confident
    enough to be pre-selected, its percentage and the words that drove it."""
    s = safe_suggest_for(complaint, shown="form")
    if s is None:
        return None

    def view(g: Guess | None) -> dict | None:
        if g is None:
            return None
        return {
            "code": g.code,
            "name": g.name,
            "percent": round(g.confidence * 100),
            "words": ", ".join(g.words),
            "confident": g.confidence >= CONFIDENT,
        }

    return {"category": view(s.category), "agency": view(s.agency), "version": s.version}
