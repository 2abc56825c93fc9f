"""Test helpers: configure a region's deadline rules and walk a complaint to a stage at a given
local time (real services, real database, time frozen with time-machine)."""

from dataclasses import dataclass
from datetime import date, datetime, time

import time_machine

from laksana.agencies.models import Category
from laksana.complaints import services
from laksana.regions.models import Region
from laksana.sla.models import CategoryPolicy, DayOverride, EscalationLevel, RegionPolicy
from laksana.testing.personas import IN_CONTOH, IN_TANGERANG, person, staff


@dataclass(frozen=True)
class Place:
    """Who acts, where, and on which category (one that needs no photo to be resolved)."""

    region: Region
    point: tuple[float, float]
    operator: object
    handler: object
    category: str


def tangerang_place(region: Region, category: str = "PARKIR-LIAR") -> Place:
    agency = Category.objects.get(region=region, code=category).default_agency.code
    return Place(
        region=region,
        point=IN_TANGERANG,
        operator=staff("op-tng", region, "operator"),
        handler=staff(f"{agency.lower()}-tng", region, "agency_staff", agency),
        category=category,
    )


def contoh_place(region: Region) -> Place:
    return Place(
        region=region,
        point=IN_CONTOH,
        operator=staff("op-contoh", region, "operator"),
        handler=staff("dlh-contoh", region, "agency_staff", "DLH"),
        category="LAINNYA",
    )


def local(region: Region, text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=region.tz)


def shown(region: Region, moment: datetime | None) -> str | None:
    return moment.astimezone(region.tz).strftime("%Y-%m-%d %H:%M") if moment else None


def frozen(moment: datetime):
    return time_machine.travel(moment, tick=False)


def with_email(username: str, region: Region, role: str, agency: str | None = None):
    """A persona with an e-mail address (username@pemkot.example.id), so staff get told."""
    user = person(username, region, role, agency)
    user.email = f"{username}@pemkot.example.id"
    user.save()
    return user


def configure(
    region: Region,
    *,
    days=(),
    category=None,
    levels=(),
    office=None,
    duty=None,
    **fields,
) -> RegionPolicy:
    """Save the region's rules: RegionPolicy fields, days [(iso date, "off"|"work")], a category
    override (code, {field: value}), escalation levels [(level, after_minutes, notify)]."""
    if office:
        fields["office_start"], fields["office_end"] = (time.fromisoformat(t) for t in office)
    if duty:
        fields["duty_start"], fields["duty_end"] = (time.fromisoformat(t) for t in duty)
    policy, _created = RegionPolicy.objects.update_or_create(region=region, defaults=fields)
    for day, kind in days:
        DayOverride.objects.create(policy=policy, date=date.fromisoformat(day), kind=kind)
    if category:
        code, overrides = category
        CategoryPolicy.objects.create(
            category=Category.objects.get(region=region, code=code), **overrides
        )
    for level, after, notify in levels:
        EscalationLevel.objects.create(
            policy=policy, level=level, after_minutes=after, notify=notify
        )
    return policy


def walk(place: Place, stage: str, at: datetime, *, category: str | None = None, **submit):
    """Submit a complaint at `at` and take it to `stage` at that same moment."""
    with frozen(at):
        fields = {
            "region": place.region,
            "category_code": category or place.category,
            "description": "Laporan uji batas waktu di lokasi ini, mohon ditindaklanjuti.",
            "lat": place.point[0],
            "lng": place.point[1],
            "reporter_name": "Siti Aminah",
            "email": "siti@example.id",
            **submit,
        }
        c = services.submit(**fields).complaint
        if stage == "verify":
            return c
        c = services.verify(staff=place.operator, complaint=c)
        c = services.dispose(staff=place.operator, complaint=c)
        if stage == "acknowledge":
            return c
        c = services.accept(staff=place.handler, complaint=c)
        if stage == "respond":
            return c
        c = services.respond(staff=place.handler, complaint=c, text="Petugas dijadwalkan.")
        if stage == "resolve":
            return c
        return services.resolve(staff=place.handler, complaint=c, response="Sudah ditertibkan.")
