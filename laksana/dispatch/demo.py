"""Demo data for field work and the duty roster: `seed(region)`, idempotent.

Everything is written through the real services (with the clock set to the recent past), so the
demo shows exactly what production would store: officers with coverage areas and shared
positions, the standard desks with a roster for today and tomorrow, people clocked in now and
yesterday, and complaints whose field work stands at every step — one resolved with the officer's
evidence from citizen to officer to resolution.
"""

import contextlib
import io
from datetime import datetime, time, timedelta

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image, ImageDraw

from laksana.agencies.models import Agency, Membership, Role
from laksana.agencies.services import Staff, staff_in
from laksana.common import clock
from laksana.common.errors import ValidationFailed
from laksana.complaints import services
from laksana.complaints.models import Channel
from laksana.regions.models import Area, Region

from . import assignments as work
from . import roster
from .models import Assignment, Availability, DutyPeriod, FieldOfficer
from .officers import ensure_officer, remember_position, set_availability, set_location_sharing

# (username, display name, agency, kecamatan index, on duty and sharing its position)
OFFICERS = [
    ("petugas", "Joko Petugas Lapangan", "PUPR", 0, True),
    ("petugas-pupr-2", "Agus Saputra", "PUPR", 1, True),
    ("petugas-pupr-3", "Dedi Kurniawan", "PUPR", 2, True),
    ("petugas-pupr-4", "Rizki Ramadhan", "PUPR", 3, False),
    ("petugas-dlh-1", "Wati Lestari", "DLH", 0, True),
]
# (key, category, step the field work has reached, officer index)
STORIES = [
    ("assigned", "JALAN-RUSAK", "assigned", 0),
    ("en-route", "DRAINASE", "en_route", 1),
    ("on-site", "JALAN-RUSAK", "on_site", 2),
    ("finished", "JEMBATAN", "finished", 0),
    ("resolved", "JALAN-RUSAK", "resolved", 1),
    ("unable", "DRAINASE", "unable", 2),
]
DESCRIPTIONS = {
    "JALAN-RUSAK": "Jalan berlubang cukup dalam, motor sering terperosok saat hujan.",
    "DRAINASE": "Saluran air tersumbat sampah, air meluap ke jalan setiap sore.",
    "JEMBATAN": "Pagar jembatan penyeberangan patah, berbahaya untuk anak sekolah.",
}


def _user(username: str, name: str) -> User:
    user, created = User.objects.get_or_create(username=username)
    if created:
        user.first_name, _sep, user.last_name = name.partition(" ")
        user.set_unusable_password()  # demo-only people; log in as the demo's own accounts
        user.save()
    return user


def _member(region: Region, role: str, agency: Agency | None, preferred: str, name: str) -> Staff:
    """The demo's own account for a role when it exists, else any holder, else a new person."""
    holders = Membership.objects.filter(region=region, role=role, agency=agency)
    chosen = holders.filter(user__username=preferred).first() or holders.order_by("id").first()
    if chosen is None:
        user = _user(f"{preferred}-{region.slug}", name)
        chosen = Membership.objects.create(user=user, region=region, role=role, agency=agency)
    return staff_in(chosen.user, region)


def _photo(label: str) -> SimpleUploadedFile:
    image = Image.new("RGB", (480, 360), (70, 120, 90))
    ImageDraw.Draw(image).text((16, 170), label, fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=75)
    return SimpleUploadedFile("sesudah.jpg", out.getvalue(), content_type="image/jpeg")


def _officers(region: Region, agencies: dict[str, Agency], now: datetime) -> list[FieldOfficer]:
    kecamatan = list(Area.objects.filter(region=region, level="kecamatan").order_by("code"))
    team = []
    for username, name, code, place, active in OFFICERS:
        user = _user(username, name)
        Membership.objects.get_or_create(
            user=user, region=region, role=Role.FIELD_OFFICER, agency=agencies[code]
        )
        officer = ensure_officer(region=region, user=user, agency=agencies[code])
        area = kecamatan[place % len(kecamatan)]
        if not officer.areas.exists():
            officer.areas.add(area, *area.children.all()[:2])
        if active and officer.availability == Availability.OFF_DUTY:  # first run only
            set_availability(officer=officer, availability=Availability.ON_DUTY)
            set_location_sharing(officer=officer, enabled=True)
            with clock.at(now - timedelta(minutes=2 + place)):
                remember_position(officer, (area.center_lat, area.center_lng + 0.002, 15.0))
        team.append(officer)
    return team


def _plan(planner: Staff, desk, user: User, starts: datetime, hours: int) -> None:
    # Already planned (a second run) or overlapping: keep what exists.
    with contextlib.suppress(ValidationFailed):
        roster.plan_shift(
            staff=planner,
            desk=desk,
            user_id=user.pk,
            starts_at=starts,
            ends_at=starts + timedelta(hours=hours),
        )


def _roster(region: Region, people: dict[str, Staff], team, now: datetime) -> None:
    desks = {(d.kind, d.agency.code if d.agency else ""): d for d in roster.ensure_desks(region)}
    planner = people["operator"]
    today = now.astimezone(region.tz).date()
    for offset in (-1, 0, 1):
        day = datetime.combine(today + timedelta(days=offset), time.min, tzinfo=region.tz)
        _plan(
            planner, desks[("operators", "")], people["operator"].user, day + timedelta(hours=7), 8
        )
        _plan(planner, desks[("operators", "")], people["admin"].user, day + timedelta(hours=15), 8)
        _plan(
            planner, desks[("agency", "PUPR")], people["liaison"].user, day + timedelta(hours=7), 9
        )
        for officer in team:
            if officer.agency.code == "PUPR":
                _plan(planner, desks[("squad", "PUPR")], officer.user, day + timedelta(hours=7), 9)
    yesterday = datetime.combine(today - timedelta(days=1), time(7, 5), tzinfo=region.tz)
    for person, desk in [
        (people["operator"], desks[("operators", "")]),
        (people["liaison"], desks[("agency", "PUPR")]),
    ]:
        if not DutyPeriod.objects.filter(region=region, user=person.user).exists():
            with clock.at(yesterday):
                roster.clock_in(staff=person, desk=desk)
            with clock.at(yesterday + timedelta(hours=8)):
                roster.clock_out(staff=person)
        if roster.current_period(person) is None:
            with clock.at(now - timedelta(hours=1)):
                roster.clock_in(staff=person, desk=desk)


def _story(region: Region, people: dict, officer: FieldOfficer, index: int, now: datetime) -> bool:
    """Complaint `index` of STORIES, its field work brought to its step; False if it exists."""
    key, category, step, _officer = STORIES[index]
    area = officer.areas.filter(level="kelurahan").first() or officer.areas.first()
    at = now - timedelta(hours=3, minutes=20 * index)
    with clock.at(at):
        result = services.submit(
            region=region,
            category_code=category,
            description=DESCRIPTIONS[category],
            lat=area.center_lat,
            lng=area.center_lng,
            address=f"Jl. Contoh Lapangan No. {index + 1}",
            reporter_name="Sri Wahyuni" if index % 2 else "Bambang Hartono",
            phone=f"08121234{5600 + index}",
            is_anonymous=index == 2,
            channel=Channel.DEMO,
            idempotency_key=f"dispatch-demo-{key}",
        )
    if not result.created:
        return False
    c, op, liaison = result.complaint, people["operator"], people["liaison"]
    officer_staff = staff_in(officer.user, region)
    with clock.at(at + timedelta(minutes=6)):
        c = services.verify(staff=op, complaint=c)
    with clock.at(at + timedelta(minutes=11)):
        c = services.dispose(staff=op, complaint=c, agency_code=officer.agency.code)
    with clock.at(at + timedelta(minutes=15)):
        services.acknowledge_disposition(staff=liaison, complaint=c)
        c = services.accept(staff=liaison, complaint=c)
    t = at + timedelta(minutes=30)
    with clock.at(t):
        (task,) = work.assign(staff=liaison, complaint=c, officers=[officer])
    if step == "assigned":
        return True
    if step == "unable":
        with clock.at(t + timedelta(minutes=25)):
            work.unable(
                staff=officer_staff,
                assignment=task,
                reason="Lokasi tergenang, alat berat belum bisa masuk.",
            )
        return True
    with clock.at(t + timedelta(minutes=7)):
        task = work.start(staff=officer_staff, assignment=task)
    if step == "en_route":
        return True
    with clock.at(t + timedelta(minutes=31)):
        lat, lng = c.lat + 0.0003, c.lng  # about 33 m from the reported point
        task = work.check_in(
            staff=officer_staff, assignment=task, lat=lat, lng=lng, accuracy=12
        ).assignment
    if step == "on_site":
        return True
    with clock.at(t + timedelta(minutes=78)):
        work.finish(
            staff=officer_staff,
            assignment=task,
            photo=_photo(c.number),
            outcome="fixed",
            notes="Sudah diperbaiki, lokasi aman dilalui.",
        )
    if step == "resolved":
        with clock.at(t + timedelta(minutes=95)):
            work.resolve_with_evidence(staff=liaison, complaint=c)
    return True


@transaction.atomic
def seed(region: Region) -> dict:
    """Officers, the roster and field work in every state for `region` (Kota Tangerang's agencies
    PUPR and DLH). Running it again adds nothing. Returns what exists afterwards."""
    agencies = {a.code: a for a in Agency.objects.filter(region=region, code__in=["PUPR", "DLH"])}
    now = clock.now()
    people = {
        "operator": _member(region, Role.OPERATOR, None, "operator", "Rina Operator"),
        "admin": _member(region, Role.REGION_ADMIN, None, "admin", "Admin Wilayah"),
        "liaison": _member(
            region, Role.AGENCY_STAFF, agencies["PUPR"], "penghubung", "Sari Penghubung"
        ),
    }
    team = _officers(region, agencies, now)
    created = sum(_story(region, people, team[story[3]], i, now) for i, story in enumerate(STORIES))
    _roster(region, people, team, now)
    return {
        "officers": FieldOfficer.objects.filter(region=region).count(),
        "assignments": Assignment.objects.filter(region=region).count(),
        "new_complaints": created,
        "on_duty": DutyPeriod.objects.filter(region=region, clocked_out_at__isnull=True).count(),
    }
