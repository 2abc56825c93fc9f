"""The demo region: accounts for every role and a realistic, replayable 90-day history.

The history is written through the real lifecycle services (with the clock set to the past), so
every complaint, event and counter in the demo is exactly what production would have stored.
"""

import io
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw
from shapely.geometry import Point, shape

from laksana.agencies.models import Agency, Category, Membership, Role
from laksana.agencies.services import Staff
from laksana.common import clock
from laksana.complaints import services
from laksana.complaints.models import Channel, Complaint, Kind
from laksana.regions.models import Area, Region

TEXTS = Path(__file__).parent / "data" / "texts.json"
DEMO_PASSWORD = "laksana-demo"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    name: str
    role: str
    agency: str | None


ACCOUNTS = [
    DemoAccount("admin", "Admin Wilayah Demo", Role.REGION_ADMIN, None),
    DemoAccount("operator", "Rina Operator", Role.OPERATOR, None),
    DemoAccount("opd-admin", "Budi Admin PUPR", Role.AGENCY_ADMIN, "PUPR"),
    DemoAccount("penghubung", "Sari Penghubung PUPR", Role.AGENCY_STAFF, "PUPR"),
    DemoAccount("petugas", "Joko Petugas Lapangan", Role.FIELD_OFFICER, "PUPR"),
    DemoAccount("pimpinan", "Pimpinan Daerah", Role.VIEWER, None),
    DemoAccount("auditor", "Auditor Inspektorat", Role.AUDITOR, None),
]


def ensure_accounts(region: Region) -> list[DemoAccount]:
    """One account per role (password `laksana-demo`), plus a liaison per agency for history."""
    for account in ACCOUNTS:
        user, created = User.objects.get_or_create(username=account.username)
        if created:
            first, _sep, last = account.name.partition(" ")
            user.first_name, user.last_name = first, last
            user.is_staff = account.role == Role.REGION_ADMIN
            user.set_password(DEMO_PASSWORD)
            user.save()
        agency = Agency.objects.get(region=region, code=account.agency) if account.agency else None
        Membership.objects.get_or_create(user=user, region=region, role=account.role, agency=agency)
    for agency in Agency.objects.filter(region=region):
        user, created = User.objects.get_or_create(
            username=f"liaison-{region.slug}-{agency.code.lower()}"
        )
        if created:
            user.first_name, user.last_name = "Penghubung", agency.short_name
            user.set_unusable_password()
            user.save()
        Membership.objects.get_or_create(
            user=user, region=region, role=Role.AGENCY_STAFF, agency=agency
        )
    return ACCOUNTS


PLATFORM_USERNAME = "platform"


def ensure_platform_account() -> User:
    """The demo's platform administrator (a superuser, above regions): adopts regions from the
    admin's form. Password `laksana-demo`, like every demo account; demo only."""
    user, created = User.objects.get_or_create(
        username=PLATFORM_USERNAME,
        defaults={"first_name": "Admin", "last_name": "Platform", "email": "platform@example.id"},
    )
    if created or not user.is_superuser:
        user.is_staff = user.is_superuser = True
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def _texts() -> dict:
    return json.loads(TEXTS.read_text(encoding="utf-8"))


def _staff(user: User, region: Region, role: str, agency: Agency | None = None) -> Staff:
    if agency is None:
        return Staff(user=user, region=region, roles=frozenset({role}))
    return Staff(
        user=user, region=region, roles=frozenset(), agency_roles={agency.id: frozenset({role})}
    )


def _random_point(area: Area, rng: random.Random) -> tuple[float, float]:
    if not area.boundary:  # an adopted region's approximate desa: its centroid
        return area.center_lat, area.center_lng
    polygon = shape(area.boundary)
    minx, miny, maxx, maxy = polygon.bounds
    for _attempt in range(50):
        lng, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if polygon.contains(Point(lng, lat)):
            return round(lat, 6), round(lng, 6)
    return area.center_lat, area.center_lng


def _photo(rng: random.Random, label: str) -> SimpleUploadedFile:
    image = Image.new("RGB", (320, 240), (rng.randrange(60, 200), rng.randrange(60, 200), 90))
    ImageDraw.Draw(image).text((12, 110), label, fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70)
    return SimpleUploadedFile("bukti.jpg", out.getvalue(), content_type="image/jpeg")


class HistoryWriter:
    """Writes complaint `i` of the demo history; the same seed always gives the same history."""

    def __init__(self, region: Region, *, days: int = 90, seed: int = 2611):
        self.region = region
        self.days = days
        self.seed = seed
        self.texts = _texts()
        self.now = timezone.now()
        self.categories = list(Category.objects.filter(region=region, is_public=True))
        # Where a report can be placed: a boundary, or an adopted region's centroid (a desa the
        # national list has without either cannot be pointed at on a map).
        self.kelurahan = [
            a
            for a in Area.objects.filter(region=region, level="kelurahan")
            if a.boundary or a.center_lat is not None
        ]
        self.agencies = list(Agency.objects.filter(region=region))
        operator = User.objects.get(username="operator")
        self.operator = _staff(operator, region, Role.OPERATOR)
        self.liaisons = {
            a.id: _staff(
                User.objects.get(username=f"liaison-{region.slug}-{a.code.lower()}"),
                region,
                Role.AGENCY_STAFF,
                a,
            )
            for a in self.agencies
        }

    def write(self, i: int) -> bool:
        """Write complaint i with its whole lifecycle so far. False if it existed already."""
        key = f"demo-{self.seed}-{i}"
        if Complaint.objects.filter(region=self.region, idempotency_key=key).exists():
            return False
        rng = random.Random(self.seed * 1_000_003 + i)
        # More recent days are busier: the platform is growing. Every draw happens whatever the
        # outcome, so complaint i is the same complaint whenever the history is written.
        age = timedelta(days=self.days * (rng.random() ** 1.4), minutes=rng.randrange(0, 1440))
        hour = rng.choice([6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 19, 20, 21])
        recent = timedelta(minutes=rng.randrange(5, 120))
        at = (self.now - age).astimezone(self.region.tz).replace(hour=hour)
        if at > self.now:
            at = self.now - recent
        category = rng.choice(self.categories)
        texts = self.texts["categories"].get(category.code) or self.texts["categories"]["LAINNYA"]
        kind = rng.choices([Kind.COMPLAINT, Kind.ASPIRATION, Kind.INFORMATION], weights=[86, 9, 5])[
            0
        ]
        template = rng.choice(texts[kind])
        area = rng.choice(self.kelurahan)
        lat, lng = _random_point(area, rng)
        fill = {
            "street": rng.choice(self.texts["streets"]),
            "landmark": rng.choice(self.texts["landmarks"]),
            "kelurahan": area.name,
            "kecamatan": area.parent.name if area.parent else "",
        }
        anonymous = rng.random() < 0.2
        named = not anonymous and rng.random() < 0.8
        name = (
            f"{rng.choice(self.texts['first_names'])} {rng.choice(self.texts['last_names'])}"
            if named
            else ""
        )
        phone = f"08{rng.randrange(11, 99)}{rng.randrange(10**7, 10**8)}" if named else ""
        with clock.at(at):
            result = services.submit(
                region=self.region,
                category_code=category.code,
                kind=kind,
                description=template["description"].format(**fill),
                lat=lat,
                lng=lng,
                address=f"{fill['street']}, {fill['landmark']}",
                reporter_name=name,
                phone=phone,
                is_anonymous=anonymous,
                is_confidential=rng.random() < 0.03,
                channel=Channel.DEMO,
                idempotency_key=key,
            )
        if not result.created:
            return False
        self._live(result.complaint, at, rng, texts, template)
        return True

    def _step(self, at: datetime, rng: random.Random, low_h: float, high_h: float):
        return at + timedelta(hours=rng.uniform(low_h, high_h))

    def _live(self, c: Complaint, at: datetime, rng, texts, template) -> None:
        """Move the complaint through its lifecycle, stopping where 'now' is reached."""
        op = self.operator

        def do(when: datetime, action: Callable[[], Complaint]) -> bool:
            nonlocal c
            if when >= self.now:
                return False
            with clock.at(when):
                c = action()
            return True

        t = self._step(at, rng, 0.1, 20)
        if rng.random() < 0.06:
            do(
                t,
                lambda: services.reject(
                    staff=op, complaint=c, reason=rng.choice(self.texts["reject_reasons"])
                ),
            )
            return
        title = template["title"]
        if not do(t, lambda: services.verify(staff=op, complaint=c, title=title)):
            return
        if c.kind == Kind.ASPIRATION:
            t = self._step(t, rng, 1, 48)
            do(
                t,
                lambda: services.acknowledge(
                    staff=op, complaint=c, text=rng.choice(self.texts["acknowledgements"])
                ),
            )
            return
        t = self._step(t, rng, 0.2, 30)
        if not do(t, lambda: services.dispose(staff=op, complaint=c)):
            return
        if c.agency_id is None:
            return
        if rng.random() < 0.05:  # not this agency's authority: back to the operator, disposed again
            t = self._step(t, rng, 1, 24)
            liaison = self.liaisons[c.agency_id]
            if not do(
                t,
                lambda: services.return_to_operator(
                    staff=liaison, complaint=c, reason=rng.choice(self.texts["return_reasons"])
                ),
            ):
                return
            other = rng.choice(self.agencies)
            t = self._step(t, rng, 0.5, 8)
            if not do(t, lambda: services.dispose(staff=op, complaint=c, agency_code=other.code)):
                return
        liaison = self.liaisons[c.agency_id]
        t = self._step(t, rng, 0.3, 40)
        if not do(t, lambda: services.accept(staff=liaison, complaint=c)):
            return
        if rng.random() < 0.5:
            t = self._step(t, rng, 2, 72)
            if not do(
                t,
                lambda: services.respond(
                    staff=liaison, complaint=c, text=rng.choice(texts["progress"])
                ),
            ):
                return
        if rng.random() < 0.15:
            t = self._step(t, rng, 0.5, 24)
            if not do(
                t,
                lambda: services.note(
                    staff=liaison, complaint=c, text=rng.choice(self.texts["internal_notes"])
                ),
            ):
                return
        t = self._step(t, rng, 6, 24 * 9)
        if t >= self.now:
            return
        if c.category.needs_photo_to_resolve:
            with clock.at(t):
                services.add_photo(
                    complaint=c, actor=liaison, upload=_photo(rng, c.number), purpose="evidence"
                )
            c.refresh_from_db()
        answer = (
            rng.choice(self.texts["information_answers"])
            if c.kind == Kind.INFORMATION
            else rng.choice(texts["responses"])
        )
        if not do(t, lambda: services.resolve(staff=liaison, complaint=c, response=answer)):
            return
        if rng.random() < 0.06:
            t = self._step(t, rng, 4, 72)
            if not do(
                t,
                lambda: services.reopen(
                    complaint=c, reason=rng.choice(self.texts["reopen_reasons"])
                ),
            ):
                return
            t = self._step(t, rng, 12, 24 * 4)
            if not do(
                t,
                lambda: services.resolve(
                    staff=liaison, complaint=c, response=rng.choice(texts["responses"])
                ),
            ):
                return
        if rng.random() < 0.55:
            t = self._step(t, rng, 1, 72)
            stars = rng.choices([1, 2, 3, 4, 5], weights=[5, 7, 15, 35, 38])[0]
            if not do(
                t,
                lambda: services.rate(
                    complaint=c,
                    rating=stars,
                    comment=rng.choice(self.texts["rating_comments"][str(stars)]),
                ),
            ):
                return
        t = self._step(t, rng, 24, 24 * 14)
        do(t, lambda: services.close(actor=op, complaint=c))


def seed_history(region: Region, *, count: int = 2200, progress=None) -> int:
    """Write `count` demo complaints (idempotent: existing ones are skipped); how many are new."""
    writer = HistoryWriter(region)
    created = 0
    batch = 100
    for start in range(0, count, batch):
        with transaction.atomic():
            for i in range(start, min(start + batch, count)):
                created += writer.write(i)
        if progress:
            progress(min(start + batch, count), count)
    return created
