"""What one generated complaint looks like and what happened to it, as plain data.

The planner follows the demo history's choices (laksana.demo.services.HistoryWriter) and the
lifecycle services' bookkeeping (status, timestamps, version, event texts and data), but writes
nothing: the generator turns plans into rows. Keeping the two in step is what lets the bulk loader
claim its rows equal what the services would have stored.
"""

import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.utils.translation import gettext as _
from shapely import prepare
from shapely.geometry import Point, shape

from laksana.agencies.models import Agency, AreaRule, Category
from laksana.complaints.models import Channel, ClosingReason, Event, Kind
from laksana.complaints.models import Status as S
from laksana.regions.calendar import calendar_for
from laksana.regions.models import Area, Region
from laksana.sla.services import deadlines as dl
from laksana.sla.services.policy import budgets

E = Event.Type

TEXTS = Path(__file__).resolve().parent.parent / "demo" / "data" / "texts.json"
POINTS_PER_KELURAHAN = 64
LONG_TIMELINE_EVENTS = 50
# How citizens reach the city: mostly the web and WhatsApp, a little of everything else.
CHANNELS = [
    (Channel.WEB, 45),
    (Channel.WHATSAPP, 20),
    (Channel.API, 10),
    (Channel.SMS, 6),
    (Channel.TELEGRAM, 6),
    (Channel.EMAIL, 5),
    (Channel.OPEN311, 8),
]
OPERATOR = "operator"
CITIZEN = "citizen"
# Where sla.services.deadlines.plan gives a stage; every other status has none.
_DEADLINE_STATUSES = (S.SUBMITTED, S.VERIFIED, S.DISPATCHED, S.IN_PROGRESS, S.WAITING, S.RESOLVED)


@dataclass
class Step:
    """One timeline entry; `actor` is OPERATOR, CITIZEN or an agency id (that agency's liaison)."""

    type: str
    at: datetime
    actor: object
    agency_id: int | None
    from_status: str = ""
    to_status: str = ""
    text: str = ""
    public: bool = True
    data: dict = field(default_factory=dict)


@dataclass
class Plan:
    at: datetime
    category_id: int
    kind: str
    area_id: int
    lat: float
    lng: float
    description: str
    address: str
    channel: str
    reporter: tuple[str, str, str] | None
    is_anonymous: bool
    is_confidential: bool
    status: str = S.SUBMITTED
    agency_id: int | None = None
    title: str = ""
    version: int = 1
    updated_at: datetime | None = None
    verified_at: datetime | None = None
    disposed_at: datetime | None = None
    accepted_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    rating: int | None = None
    rating_comment: str = ""
    closing_reason: str = ""
    steps: list[Step] = field(default_factory=list)
    evidence_at: datetime | None = None
    next_deadline: datetime | None = None
    deadline_stage: str = ""


@dataclass(frozen=True)
class Place:
    area_id: int
    parent_id: int | None
    kelurahan: str
    kecamatan: str
    points: tuple[tuple[float, float], ...]


def kelurahan_places(region: Region, rng: random.Random) -> tuple[list[Place], list[float]]:
    """Every kelurahan with a pool of points inside it, and its weight.

    The reference data has population only for the whole city, so a kelurahan's share of
    complaints follows its area (urban Kota Tangerang is settled nearly edge to edge).
    """
    places, weights = [], []
    for area in Area.objects.filter(region=region, level=Area.Level.KELURAHAN).select_related(
        "parent"
    ):
        if not area.boundary:
            continue
        polygon = shape(area.boundary)
        prepare(polygon)
        minx, miny, maxx, maxy = polygon.bounds
        points: list[tuple[float, float]] = []
        while len(points) < POINTS_PER_KELURAHAN:
            lng, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
            if polygon.contains(Point(lng, lat)):
                points.append((round(lat, 6), round(lng, 6)))
        places.append(
            Place(
                area.id,
                area.parent_id,
                area.name,
                area.parent.name if area.parent else "",
                tuple(points),
            )
        )
        weights.append(polygon.area)
    return places, weights


class Planner:
    """Plans complaint lives in one region; the same seed and index always give the same plan."""

    def __init__(self, region: Region, *, now: datetime, seed: int):
        self.region = region
        self.now = now
        self.texts = json.loads(TEXTS.read_text(encoding="utf-8"))
        self.categories = list(
            Category.objects.filter(region=region, is_public=True, is_active=True).order_by(
                "order", "id"
            )
        )
        # Roads, drains and rubbish dominate real complaint lists: earlier categories weigh more.
        self.category_weights = [1 / (i + 3) for i in range(len(self.categories))]
        self.agencies = {a.id: a for a in Agency.objects.filter(region=region)}
        self.agency_ids = sorted(self.agencies)
        self.texts_by_agency: dict[tuple[str, int], str] = {}
        self.rules = {
            (r.category_id, r.area_id): r.agency_id for r in AreaRule.objects.filter(region=region)
        }
        self.places, self.place_weights = kelurahan_places(region, random.Random(seed))
        if not self.categories or not self.places:
            raise ValueError(f"{region.slug}: load its areas and catalogue before generating")
        # Deadlines: the region's calendar and each category's budgets, read once (the services
        # read them per transition; one query per complaint would halve the generator's speed).
        self.calendar = calendar_for(region)
        self.budgets = {c.id: budgets(region, c.id) for c in self.categories}

    def said(self, what: str, agency_id: int) -> str:
        """The services' event text naming an agency (translated once per agency)."""
        key = (what, agency_id)
        if key not in self.texts_by_agency:
            name = self.agencies[agency_id].name
            template = (
                _("Laporan diteruskan ke %(agency)s.")
                if what == "disposed"
                else _("%(agency)s menindaklanjuti laporan.")
            )
            self.texts_by_agency[key] = template % {"agency": name}
        return self.texts_by_agency[key]

    def point(self, rng: random.Random) -> tuple[Place, float, float]:
        place = rng.choices(self.places, weights=self.place_weights)[0]
        lat, lng = rng.choice(place.points)
        return place, lat, lng

    def agency_for(self, category: Category, place: Place) -> int | None:
        for area_id in (place.area_id, place.parent_id):
            if (category.id, area_id) in self.rules:
                return self.rules[(category.id, area_id)]
        return category.default_agency_id

    def plan(self, at: datetime, rng: random.Random, *, long_timeline: bool = False) -> Plan:
        category = rng.choices(self.categories, weights=self.category_weights)[0]
        texts = self.texts["categories"].get(category.code) or self.texts["categories"]["LAINNYA"]
        kind = rng.choices([Kind.COMPLAINT, Kind.ASPIRATION, Kind.INFORMATION], weights=[86, 9, 5])[
            0
        ]
        if long_timeline:
            kind = Kind.COMPLAINT
        template = rng.choice(texts[kind])
        place, lat, lng = self.point(rng)
        fill = {
            "street": rng.choice(self.texts["streets"]),
            "landmark": rng.choice(self.texts["landmarks"]),
            "kelurahan": place.kelurahan,
            "kecamatan": place.kecamatan,
        }
        anonymous = rng.random() < 0.2
        named = not anonymous and rng.random() < 0.8
        reporter = None
        if named:
            name = f"{rng.choice(self.texts['first_names'])} {rng.choice(self.texts['last_names'])}"
            reporter = (name, f"08{rng.randrange(11, 99)}{rng.randrange(10**7, 10**8)}", "")
        channel = rng.choices([c for c, _w in CHANNELS], weights=[w for _c, w in CHANNELS])[0]
        p = Plan(
            at=at,
            category_id=category.id,
            kind=kind,
            area_id=place.area_id,
            lat=lat,
            lng=lng,
            description=template["description"].format(**fill),
            address=f"{fill['street']}, {fill['landmark']}",
            channel=channel,
            reporter=reporter,
            is_anonymous=anonymous,
            is_confidential=rng.random() < 0.03,
            updated_at=at,
        )
        p.steps.append(
            Step(E.SUBMITTED, at, CITIZEN, None, "", S.SUBMITTED, data={"channel": channel})
        )
        life = _Life(self, p, rng, category, texts, template, place)
        life.long() if long_timeline else life.run()
        p.next_deadline, p.deadline_stage = self.deadline(p)
        return p

    def deadline(self, p: Plan) -> tuple[datetime | None, str]:
        """The deadline fields the plan's last transition wrote: sla.services.deadlines.plan's
        rules for the final state and timeline (the tests compare with the services' own), the
        deadline itself from the sla module's Plan and the region's calendar.

        Generated lives never wait for the reporter (no pause), are never acknowledged at the
        desk (accepting acknowledges) and are not swept, so overdue_level stays 0 and
        acknowledged_at empty, as the transitions leave them."""
        if p.status not in _DEADLINE_STATUSES:
            return None, ""
        limits = self.budgets[p.category_id]
        day = self.calendar.office_day_seconds
        if p.status == S.RESOLVED:
            if not limits.autoclose_days:
                return None, ""
            stage, start, budget = dl.AUTOCLOSE, p.resolved_at, limits.autoclose_days * day
        elif p.disposed_at is not None:
            since = max([p.disposed_at, *(s.at for s in p.steps if s.type == E.REOPENED)])
            responded = any(s.type == E.RESPONDED and s.at >= since for s in p.steps)
            accepted = p.accepted_at is not None and p.accepted_at >= p.disposed_at
            if limits.ack_minutes and not accepted:
                stage, start, budget = dl.ACKNOWLEDGE, p.disposed_at, limits.ack_minutes * 60
            elif not responded:
                stage, start, budget = dl.RESPOND, since, limits.respond_days * day
            elif limits.resolve_days:
                stage, start, budget = dl.RESOLVE, since, limits.resolve_days * day
            else:
                return None, ""
        else:
            stage, start, budget = dl.VERIFY, p.at, limits.verify_days * day
        return dl.Plan(stage, start, budget).deadline(self.calendar), stage


class _Life:
    """Moves one plan through the state machine, stopping where 'now' is reached."""

    def __init__(self, planner, plan, rng, category, texts, template, place):
        self.planner, self.p, self.rng = planner, plan, rng
        self.category, self.texts, self.template, self.place = category, texts, template, place
        self.t = plan.at

    def wait(self, low_h: float, high_h: float) -> bool:
        self.t = self.t + timedelta(hours=self.rng.uniform(low_h, high_h))
        return self.t < self.planner.now

    def change(self, type, *, actor, to=None, text="", public=True, data=None, ev_agency=None, **f):
        """Mirror of services.core._change: bump version, set fields, one event."""
        p = self.p
        old = p.status
        new = to or old
        for name, value in f.items():
            setattr(p, name, value)
        p.status, p.updated_at, p.version = new, self.t, p.version + 1
        agency = ev_agency if ev_agency is not None else p.agency_id
        moved = new != old
        p.steps.append(
            Step(
                type,
                self.t,
                actor,
                agency,
                old if moved else "",
                new if moved else "",
                text,
                public,
                data or {},
            )
        )

    def pick(self, key: str) -> str:
        return self.rng.choice(self.planner.texts[key])

    def dispose(self, agency_id: int) -> None:
        self.change(
            E.DISPOSED,
            actor=OPERATOR,
            to=S.DISPATCHED,
            text=self.planner.said("disposed", agency_id),
            data={"agency": self.planner.agencies[agency_id].code, "note": ""},
            ev_agency=agency_id,
            agency_id=agency_id,
            disposed_at=self.t,
        )

    def run(self) -> None:  # noqa: C901 - one branch per lifecycle step, in order
        p, rng, planner = self.p, self.rng, self.planner
        if not self.wait(0.1, 20):
            return
        if rng.random() < 0.06:
            reason = self.pick("reject_reasons")
            self.change(E.REJECTED, actor=OPERATOR, to=S.REJECTED, text=reason, closed_at=self.t)
            return
        self.verify()
        if p.kind == Kind.ASPIRATION:
            if self.wait(1, 48):
                text = self.pick("acknowledgements")
                self.change(E.ACKNOWLEDGED, actor=OPERATOR, to=S.NOTED, text=text, closed_at=self.t)
            return
        agency_id = planner.agency_for(self.category, self.place)
        if agency_id is None or not self.wait(0.2, 30):
            return
        self.dispose(agency_id)
        if rng.random() < 0.05:  # not this agency's authority: back to the operator, disposed again
            if not self.wait(1, 24):
                return
            self.change(
                E.RETURNED,
                actor=agency_id,
                to=S.VERIFIED,
                text=self.pick("return_reasons"),
                public=False,
                data={"agency": planner.agencies[agency_id].code},
                ev_agency=agency_id,
                agency_id=None,
                disposed_at=None,
            )
            if not self.wait(0.5, 8):
                return
            self.dispose(rng.choice(planner.agency_ids))
        if not self.wait(0.3, 40):
            return
        self.accept()
        if rng.random() < 0.5:
            if not self.wait(2, 72):
                return
            self.change(E.RESPONDED, actor=p.agency_id, text=rng.choice(self.texts["progress"]))
        if rng.random() < 0.15:
            if not self.wait(0.5, 24):
                return
            text = self.pick("internal_notes")
            self.change(E.NOTE, actor=p.agency_id, text=text, public=False)
        if not self.wait(6, 24 * 9):
            return
        answer = (
            self.pick("information_answers")
            if p.kind == Kind.INFORMATION
            else rng.choice(self.texts["responses"])
        )
        self.resolve(answer)
        if rng.random() < 0.06:
            if not self.wait(4, 72):
                return
            reason = self.pick("reopen_reasons")
            self.change(E.REOPENED, actor=CITIZEN, to=S.IN_PROGRESS, text=reason, resolved_at=None)
            if not self.wait(12, 24 * 4):
                return
            self.resolve(rng.choice(self.texts["responses"]))
        if rng.random() < 0.55:
            if not self.wait(1, 72):
                return
            stars = rng.choices([1, 2, 3, 4, 5], weights=[5, 7, 15, 35, 38])[0]
            comment = rng.choice(planner.texts["rating_comments"][str(stars)])
            self.change(
                E.RATED,
                actor=CITIZEN,
                text=comment,
                data={"rating": stars},
                rating=stars,
                rating_comment=comment,
            )
        if self.wait(24, 24 * 14):
            self.change(
                E.CLOSED,
                actor=OPERATOR,
                to=S.CLOSED,
                data={"reason": ClosingReason.FIXED},
                closing_reason=ClosingReason.FIXED,
                closed_at=self.t,
            )

    def verify(self) -> None:
        title = self.template["title"]
        self.change(
            E.VERIFIED,
            actor=OPERATOR,
            to=S.VERIFIED,
            data={"title": title},
            title=title,
            verified_at=self.t,
        )

    def accept(self) -> None:
        self.change(
            E.ACCEPTED,
            actor=self.p.agency_id,
            to=S.IN_PROGRESS,
            text=self.planner.said("accepted", self.p.agency_id),
            accepted_at=self.t,
        )

    def resolve(self, response: str) -> None:
        p = self.p
        if self.category.needs_photo_to_resolve and p.evidence_at is None:
            # services.add_photo: the attachment, then an `attachment` event through _change.
            p.evidence_at = self.t
            self.change(E.ATTACHMENT, actor=p.agency_id, public=False, data={"purpose": "evidence"})
        self.change(E.RESOLVED, actor=p.agency_id, to=S.RESOLVED, text=response, resolved_at=self.t)

    def long(self) -> None:
        """The detail scenario's complaint: in progress with a 50-entry timeline."""
        p, rng = self.p, self.rng
        agency_id = self.planner.agency_for(self.category, self.place) or self.planner.agency_ids[0]
        for step in (self.verify, lambda: self.dispose(agency_id), self.accept):
            self.wait(0.5, 2)
            step()
        while len(p.steps) < LONG_TIMELINE_EVENTS:
            self.wait(0.5, 6)
            if rng.random() < 0.6:
                self.change(E.RESPONDED, actor=agency_id, text=rng.choice(self.texts["progress"]))
            else:
                text = self.pick("internal_notes")
                self.change(E.NOTE, actor=agency_id, text=text, public=False)
