"""Live activity for the demo: citizens report, operators verify and dispose, liaisons acknowledge,
agencies accept and resolve, citizens rate, all through the real lifecycle services.

`run(region, stop)` keeps going until `stop` is set (a threading.Event), one action every few
seconds on average; now and then a burst of flood reports in one kelurahan sets off the wall's
alarm. It uses the demo's accounts (`operator` and one liaison per agency, see
laksana.demo.services.ensure_accounts).
"""

import io
import json
import logging
import random
import threading

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import close_old_connections, connection
from PIL import Image
from shapely.geometry import Point, shape

from laksana.agencies.models import Category, Membership, Role
from laksana.agencies.services import Staff, staff_in
from laksana.common.errors import DomainError
from laksana.complaints import services
from laksana.complaints.models import Channel, Complaint, Kind, Status
from laksana.demo.services import TEXTS
from laksana.regions.models import Area, Region

log = logging.getLogger("laksana.live")

CHANNELS = {
    Channel.WEB: 35,
    Channel.WHATSAPP: 30,
    Channel.SMS: 10,
    Channel.TELEGRAM: 10,
    Channel.API: 10,
    Channel.EMAIL: 5,
}
# Relative weights of the next action; an action with nothing to act on is skipped.
ACTIONS = {
    "submit": 8,
    "verify": 6,
    "dispose": 5,
    "acknowledge": 5,
    "accept": 4,
    "resolve": 3,
    "rate": 1,
    "close": 1,
}
BURST_CHANCE = 0.004  # about one burst in 20 minutes at the default pace


class Simulator:
    def __init__(self, region: Region, *, seed: int | None = None):
        self.region = region
        self.rng = random.Random(seed)
        self.texts = json.loads(TEXTS.read_text(encoding="utf-8"))
        self.categories = list(Category.objects.filter(region=region, is_public=True))
        self.kelurahan = [
            a for a in Area.objects.filter(region=region, level=Area.Level.KELURAHAN) if a.boundary
        ]
        self.operator = staff_in(User.objects.get(username="operator"), region)
        self.liaisons: dict[int, Staff] = {}
        for membership in Membership.objects.filter(
            region=region, role=Role.AGENCY_STAFF
        ).select_related("user"):
            self.liaisons.setdefault(membership.agency_id, staff_in(membership.user, region))
        self.burst: list[tuple[Category, Area]] = []

    def step(self) -> str | None:
        """Do one plausible action; its name, or None when there was nothing to do."""
        if self.burst:
            category, area = self.burst.pop()
            self.submit(category, area)
            return "burst"
        if self.rng.random() < BURST_CHANCE:
            flood = [c for c in self.categories if c.code == "BANJIR"] or self.categories
            chosen = (self.rng.choice(flood), self.rng.choice(self.kelurahan))
            self.burst = [chosen] * self.rng.randint(5, 7)
            return self.step()
        name = self.rng.choices(list(ACTIONS), weights=list(ACTIONS.values()))[0]
        try:
            return name if getattr(self, name)() is not False else None
        except DomainError as exc:  # someone acted on it first, or it needs what we lack
            log.info("simulate: %s skipped: %s", name, exc.detail)
            return None

    def _point(self, area: Area) -> tuple[float, float]:
        polygon = shape(area.boundary)
        minx, miny, maxx, maxy = polygon.bounds
        for _attempt in range(50):
            lng, lat = self.rng.uniform(minx, maxx), self.rng.uniform(miny, maxy)
            if polygon.contains(Point(lng, lat)):
                return round(lat, 6), round(lng, 6)
        return area.center_lat, area.center_lng

    def submit(self, category: Category | None = None, area: Area | None = None):
        category = category or self.rng.choice(self.categories)
        area = area or self.rng.choice(self.kelurahan)
        texts = self.texts["categories"].get(category.code) or self.texts["categories"]["LAINNYA"]
        template = self.rng.choice(texts[Kind.COMPLAINT])
        fill = {
            "street": self.rng.choice(self.texts["streets"]),
            "landmark": self.rng.choice(self.texts["landmarks"]),
            "kelurahan": area.name,
            "kecamatan": area.parent.name if area.parent_id else "",
        }
        lat, lng = self._point(area)
        first, last = (
            self.rng.choice(self.texts["first_names"]),
            self.rng.choice(self.texts["last_names"]),
        )
        services.submit(
            region=self.region,
            category_code=category.code,
            description=template["description"].format(**fill),
            lat=lat,
            lng=lng,
            address=f"{fill['street']}, {fill['landmark']}",
            reporter_name=f"{first} {last}",
            is_anonymous=self.rng.random() < 0.2,
            channel=self.rng.choices(list(CHANNELS), weights=list(CHANNELS.values()))[0],
        )

    def _newest(self, status: str, **filters) -> Complaint | None:
        return (
            Complaint.objects.filter(region=self.region, status=status, **filters)
            .order_by("-submitted_at")
            .first()
        )

    def verify(self):
        complaint = self._newest(Status.SUBMITTED)
        if complaint is None:
            return False
        services.verify(staff=self.operator, complaint=complaint)

    def dispose(self):
        complaint = self._newest(Status.VERIFIED, kind=Kind.COMPLAINT)
        if complaint is None:
            return False
        services.dispose(staff=self.operator, complaint=complaint)

    def _for_liaison(self, status: str, **filters) -> tuple[Complaint, Staff] | None:
        complaint = self._newest(status, agency_id__in=list(self.liaisons), **filters)
        return (complaint, self.liaisons[complaint.agency_id]) if complaint else None

    def acknowledge(self):
        found = self._for_liaison(Status.DISPATCHED, acknowledged_at__isnull=True)
        if found is None:
            return False
        services.acknowledge_disposition(staff=found[1], complaint=found[0])

    def accept(self):
        found = self._for_liaison(Status.DISPATCHED, acknowledged_at__isnull=False)
        if found is None:
            return False
        services.accept(staff=found[1], complaint=found[0])

    def resolve(self):
        found = self._for_liaison(Status.IN_PROGRESS)
        if found is None:
            return False
        complaint, liaison = found
        if complaint.category.needs_photo_to_resolve:
            services.add_photo(
                complaint=complaint, actor=liaison, upload=_photo(), purpose="evidence"
            )
            complaint.refresh_from_db()
        texts = self.texts["categories"].get(complaint.category.code, {}).get("responses")
        response = self.rng.choice(texts or self.texts["information_answers"])
        services.resolve(staff=liaison, complaint=complaint, response=response)

    def rate(self):
        complaint = self._newest(Status.RESOLVED, rating__isnull=True)
        if complaint is None:
            return False
        stars = self.rng.choices([1, 2, 3, 4, 5], weights=[5, 7, 15, 35, 38])[0]
        services.rate(complaint=complaint, rating=stars)

    def close(self):
        complaint = self._newest(Status.RESOLVED, rating__isnull=False)
        if complaint is None:
            return False
        services.close(actor=self.operator, complaint=complaint)


def _photo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (90, 140, 90)).save(out, "JPEG", quality=70)
    return SimpleUploadedFile("bukti.jpg", out.getvalue(), content_type="image/jpeg")


def run(
    region: Region,
    stop: threading.Event,
    *,
    mean_interval: float = 4.0,
    seed: int | None = None,
    limit: int | None = None,
) -> int:
    """Generate activity until `stop` is set (or `limit` actions are done); how many were done."""
    simulator = Simulator(region, seed=seed)
    done = 0
    try:
        while limit is None or done < limit:
            if stop.wait(simulator.rng.expovariate(1 / mean_interval)):
                break
            close_old_connections()
            try:
                done += simulator.step() is not None
            except Exception:  # the demo must keep living through one bad step
                log.exception("simulate: step failed")
    finally:
        connection.close()
    return done
