"""Possible duplicates (issue 19): the same problem reported several times, scored 0..1 with
reasons, for the console (merge) and the wall (a cluster of reports is one incident).

Steps of `candidates`:
1. the radius and window of the report's category (ROUTING_DUPLICATE_RADII, else
   ROUTING_DUPLICATE_METRES; ROUTING_DUPLICATE_WINDOWS, else ROUTING_DUPLICATE_HOURS, either
   side of its submission);
2. the region's reports in that window (index region + submitted_at, or region + category +
   status + submitted_at for the same category only) inside the radius's bounding box, at most
   CANDIDATES of them: never a scan of all complaints. Without a place, the same category only;
3. the exact distance (haversine), kept when within the radius;
4. text similarity: cosine of TF-IDF character n-grams (3-5 inside words, like the model's
   char_wb: robust to "jln", typos), the IDF from these few texts;
5. score = weighted place, words and time nearness (place counts most when both have one),
   lowered for another category; kept from MIN_SCORE, best first.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from itertools import chain
from sys import intern

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from laksana.common import clock
from laksana.common.optional import optional
from laksana.complaints.hooks import EventSubscriber
from laksana.complaints.models import OPEN_STATUSES, Complaint, Status
from laksana.conf import env, env_numbers

from .models import DuplicateLink
from .services import complaint_text

CANDIDATES = 100
# A new report is compared before its submission's transaction, while the citizen waits for the
# tracking number: only the newest few nearby.
ARRIVAL_CANDIDATES = 10
# Texts whose grams a worker keeps (about 9 KB each: 18 MB): the candidates of a score of
# staff pages and of every arrival in between.
GRAM_CACHE = 2048
MIN_SCORE = 0.35  # shown in the console from here
CLUSTER = 0.6  # the wall folds a new report into an earlier one from here
OTHER_CATEGORY = 0.75  # a report filed under another category is less likely the same problem
WEIGHTS = {"place": 0.45, "text": 0.35, "time": 0.2}
WEIGHTS_NO_PLACE = {"text": 0.65, "time": 0.35}
NO_PLACE = 0.8  # without places to compare the score never reaches certainty
_GONE = (Status.REJECTED, Status.DUPLICATE)
_WORD = re.compile(r"\w+")


@dataclass
class Match:
    complaint: Complaint
    score: float
    metres: float | None
    hours: float
    text: float
    same_category: bool
    reasons: list[str] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(self.score * 100)


def _per_category(setting: str, default: str, category_code: str) -> float:
    return env_numbers(setting).get(category_code.upper()) or float(env(default))


def radius(category_code: str) -> int:
    """Metres within which two reports of this category may be about one problem: a fallen
    tree is one spot, a flood covers streets."""
    metres = _per_category("ROUTING_DUPLICATE_RADII", "ROUTING_DUPLICATE_METRES", category_code)
    return max(1, round(metres))  # nearness is a share of it


def window(category_code: str) -> timedelta:
    """Time either side of a report in which another of this category may be the same problem:
    a fallen tree is cleared within a day, a broken road is reported again for weeks."""
    hours = _per_category("ROUTING_DUPLICATE_WINDOWS", "ROUTING_DUPLICATE_HOURS", category_code)
    return timedelta(hours=hours)


def metres_between(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(min(1.0, a)))


def _located(c: Complaint) -> bool:
    return c.lat is not None and c.lng is not None


def nearby(
    complaint: Complaint,
    *,
    base: QuerySet | None = None,
    same_category: bool = False,
    pool: int = CANDIDATES,
) -> QuerySet:
    """Step 2: the bounded candidate query (region, window, bounding box, at most CANDIDATES)."""
    qs = Complaint.objects.filter(region_id=complaint.region_id) if base is None else base
    span = window(complaint.category.code)
    qs = qs.filter(
        submitted_at__gte=complaint.submitted_at - span,
        submitted_at__lte=complaint.submitted_at + span,
    ).exclude(pk=complaint.pk)
    if same_category or not _located(complaint):
        # The (region, category, status, submitted_at) index: one range per open status.
        qs = qs.filter(category_id=complaint.category_id, status__in=OPEN_STATUSES)
    else:
        qs = qs.exclude(status__in=_GONE)
    if _located(complaint):
        dlat = radius(complaint.category.code) / 111_320
        dlng = dlat / max(math.cos(math.radians(complaint.lat)), 0.01)
        qs = qs.filter(
            lat__range=(complaint.lat - dlat, complaint.lat + dlat),
            lng__range=(complaint.lng - dlng, complaint.lng + dlng),
        )
    return (
        qs.select_related("category")
        .only(
            "number", "status", "title", "description", "address", "lat", "lng", "submitted_at",
            "category_id", "category__name", "category__code", "region_id", "is_confidential",
        )
        .order_by("-submitted_at", "-id")[:pool]
    )  # fmt: skip


# A term frequency's weight, one float object per count: the cache below holds hundreds of
# thousands of weights, nearly all for counts 1 to 3.
_TF = tuple(1 + math.log(n) for n in range(1, 65))


@lru_cache(maxsize=GRAM_CACHE)  # an earlier report is compared with every later one nearby
def _grams(text: str) -> dict[str, float]:
    """Character 3-5-grams inside each word padded with spaces (like scikit-learn's char_wb),
    each with its sublinear term frequency 1 + log(count).

    The grams are interned and the weights shared: a 200-character report has about 300
    grams, 31 KB as fresh strings and floats, 9 KB as a dict of shared ones (the full cache
    took 125 MB of a web worker's memory, issue 20)."""
    grams: Counter = Counter()
    for word in _WORD.findall(text.lower()):
        padded = f" {word} "
        for n in range(3, 6):
            grams.update(intern(padded[i : i + n]) for i in range(len(padded) - n + 1))
    return {g: _TF[n - 1] if n <= len(_TF) else 1 + math.log(n) for g, n in grams.items()}


def _similarities(text: str, others: list[str]) -> list[float]:
    """Cosine of sublinear TF-IDF vectors of character n-grams, the IDF over these texts only.
    Plain Python: a few short texts, compared while the citizen waits for the number."""
    docs = [_grams(t) for t in (text, *others)]
    df = Counter(chain.from_iterable(docs))
    total = len(docs)
    # Squared: a cosine only ever multiplies two of a gram's weights.
    idf2 = {g: (math.log((1 + total) / (1 + n)) + 1) ** 2 for g, n in df.items()}

    def norm(d: dict[str, float]) -> float:
        return math.sqrt(sum(tf * tf * idf2[g] for g, tf in d.items())) or 1.0

    mine = docs[0]
    mine_norm = norm(mine)
    found = []
    for other in docs[1:]:
        small, large = (other, mine) if len(other) < len(mine) else (mine, other)
        dot = sum(tf * large[g] * idf2[g] for g, tf in small.items() if g in large)
        found.append(dot / (mine_norm * norm(other)))
    return found


def _span_label(hours: float) -> str:
    if hours < 1:
        n = round(hours * 60)
        return ngettext("%(n)d menit", "%(n)d menit", n) % {"n": n}
    if hours < 48:
        n = round(hours)
        return ngettext("%(n)d jam", "%(n)d jam", n) % {"n": n}
    n = round(hours / 24)
    return ngettext("%(n)d hari", "%(n)d hari", n) % {"n": n}


def candidates(
    complaint: Complaint,
    *,
    base: QuerySet | None = None,
    same_category: bool = False,
    limit: int = 5,
    minimum: float = MIN_SCORE,
    pool: int = CANDIDATES,
) -> list[Match]:
    """Earlier or later reports that may be about the same problem, best first (see the module's
    steps). `base` narrows them to what the asking staff member may see."""
    found = list(nearby(complaint, base=base, same_category=same_category, pool=pool))
    reach = radius(complaint.category.code)
    span_hours = window(complaint.category.code).total_seconds() / 3600
    # Per candidate in reach: its metres, hours, and the score without the words (`without`)
    # and the share the words may add to it (`per_word`).
    kept: list[tuple[Complaint, float | None, float, float, float]] = []
    for other in found:
        metres = None
        if _located(complaint) and _located(other):
            metres = metres_between(complaint.lat, complaint.lng, other.lat, other.lng)
            if metres > reach:
                continue
        hours = abs((other.submitted_at - complaint.submitted_at).total_seconds()) / 3600
        near_in_time = max(0.0, 1 - hours / span_hours) if span_hours else 0.0
        if metres is not None:
            place = max(0.0, 1 - metres / reach)
            without = WEIGHTS["place"] * place + WEIGHTS["time"] * near_in_time
            per_word = WEIGHTS["text"]
        else:
            without = NO_PLACE * WEIGHTS_NO_PLACE["time"] * near_in_time
            per_word = NO_PLACE * WEIGHTS_NO_PLACE["text"]
        if other.category_id != complaint.category_id:
            without, per_word = without * OTHER_CATEGORY, per_word * OTHER_CATEGORY
        kept.append((other, metres, hours, without, per_word))
    # Not one could reach `minimum` even with the same words: the text comparison (the IDF is
    # over all of them, so it is all or none) would change nothing.
    if not any(without + per_word >= minimum for _o, _m, _h, without, per_word in kept):
        return []
    text = complaint_text(complaint.title, complaint.description)
    similar = _similarities(text, [complaint_text(o.title, o.description) for o, *_r in kept])
    matches = []
    for (other, metres, hours, without, per_word), words in zip(kept, similar, strict=True):
        score = without + per_word * words
        if score < minimum:
            continue
        same = other.category_id == complaint.category_id
        reasons = []
        if metres is not None:
            reasons.append(_("%(m)d m (radius %(r)d m)") % {"m": round(metres), "r": reach})
        else:
            reasons.append(_("tanpa lokasi"))
        reasons.append(_("teks mirip %(p)d%%") % {"p": round(words * 100)})
        reasons.append(_("selisih %(gap)s (jendela %(window)s)") % {
            "gap": _span_label(hours), "window": _span_label(span_hours)
        })  # fmt: skip
        reasons.append(_("kategori sama") if same else _("kategori lain: %(name)s") % {
            "name": other.category.name
        })  # fmt: skip
        matches.append(Match(other, round(score, 4), metres, hours, round(words, 4), same, reasons))
    matches.sort(key=lambda m: (-m.score, m.complaint.pk))
    return matches[:limit]


def for_staff(staff, complaint: Complaint, *, limit: int = 5) -> list[Match]:
    """The console's "Kemungkinan duplikat": only reports this staff member may see."""
    from laksana.complaints.services import visible_to

    return candidates(complaint, base=visible_to(staff), limit=limit)


@dataclass(frozen=True)
class Arrival:
    """The incident a new report belongs to: its first report, and the score of the match."""

    original_id: int
    original_number: str
    score: float


def find_arrival(complaint: Complaint) -> Arrival | None:
    """When a located report arrives: the earlier open report of its category it most looks
    like (from CLUSTER), pointing at the first report of that incident. Reads only: asked
    before the new report is stored (it may have no id yet)."""
    if not _located(complaint):
        return None
    found = candidates(
        complaint, same_category=True, limit=1, minimum=CLUSTER, pool=ARRIVAL_CANDIDATES
    )
    best = found[0] if found else None
    if best is None or best.complaint.submitted_at > complaint.submitted_at:
        return None
    original = best.complaint
    earlier = (
        DuplicateLink.objects.filter(complaint=original)
        .values_list("original_id", "original_number")
        .first()
    )
    original_id, number = earlier if earlier else (original.pk, original.number)
    return Arrival(original_id, number, best.score)


def link_arrival(complaint: Complaint, arrival: Arrival | None) -> DuplicateLink | None:
    """Store the stored `complaint`'s link to the incident `find_arrival` found for it."""
    if arrival is None:
        return None
    return DuplicateLink.objects.create(
        region_id=complaint.region_id,
        complaint=complaint,
        original_id=arrival.original_id,
        original_number=arrival.original_number,
        score=arrival.score,
        created_at=clock.now(),
    )


class ArrivalLinks(EventSubscriber):
    """Registered in RoutingConfig.ready(): links a new report to its incident in the
    submission's transaction, so the wall's card of its event already knows it. The search
    runs before that transaction (`arriving`), the one insert in it (`arrived`)."""

    def arriving(self, complaint) -> Arrival | None:
        if not _located(complaint):
            return None
        with optional("duplicate search", log=logging.getLogger(__name__), reads=True):
            return find_arrival(complaint)
        return None

    def arrived(self, complaint, found: Arrival | None) -> None:
        if found is None:
            return
        with optional(f"duplicate link of {complaint.pk}", log=logging.getLogger(__name__)):
            link_arrival(complaint, found)
