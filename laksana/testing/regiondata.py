"""A region filled with one of everything a person can make in it, and the texts that must never
leave it: for the cross-region matrix (common/tests/test_region_matrix.py) and the schemathesis run.

Every secret carries the region's tag (e.g. "RHSTNG"), so a leak names where it came from.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from laksana.accounts import services as accounts
from laksana.accounts import staffing
from laksana.agencies.models import Agency, AreaRule, Category
from laksana.agencies.services import Staff
from laksana.channels.models import ChannelSettings
from laksana.complaints import services
from laksana.complaints.models import Attachment, Complaint
from laksana.complaints.tests.images import jpeg_bytes
from laksana.console.models import RejectionTemplate, ResponseTemplate, SavedFilter
from laksana.dispatch import assignments, roster
from laksana.dispatch.models import Desk, FieldOfficer, Shift
from laksana.lapor.models import LaporImport, LaporRow
from laksana.mailin.models import InboundMail, Mailbox
from laksana.notify.models import WebhookEndpoint
from laksana.open311.keys import create_key
from laksana.push.models import PushSubscription
from laksana.regions.models import Area, Region
from laksana.reports.jobs import exports_dir
from laksana.reports.models import ExportJob
from laksana.sla.models import CategoryPolicy, DayOverride, RegionPolicy
from laksana.testing.personas import staff

# The roles of a region the matrix plays, by the names the issue gives them.
ROLES = {
    "operator": ("operator", None),
    "liaison": ("agency_staff", "PUPR"),
    "officer": ("field_officer", "PUPR"),
    "leader": ("viewer", None),
    "admin": ("region_admin", None),
}


@dataclass
class World:
    region: Region
    tag: str
    people: dict[str, Staff] = field(default_factory=dict)
    complaints: dict[str, Complaint] = field(default_factory=dict)  # by state/kind
    tracking_tokens: dict[str, str] = field(default_factory=dict)
    api_tokens: dict[str, str] = field(default_factory=dict)  # role -> raw bearer token
    api_token_ids: list[int] = field(default_factory=list)
    open311_key: str = ""
    open311_key_id: int = 0
    invitation_token: str = ""
    invitation_id: int = 0
    task_ids: list[int] = field(default_factory=list)
    officer_ids: list[int] = field(default_factory=list)
    shift_ids: list[int] = field(default_factory=list)
    desk_ids: list[int] = field(default_factory=list)
    filter_ids: list[int] = field(default_factory=list)
    rejection_template_ids: list[int] = field(default_factory=list)
    response_template_ids: list[int] = field(default_factory=list)
    photo_paths: list[str] = field(default_factory=list)  # "/<id>.<ext>", as photo URLs end
    photo_ids: list[int] = field(default_factory=list)
    photo_exts: list[str] = field(default_factory=list)
    lapor_import_ids: list[int] = field(default_factory=list)
    lapor_row_ids: list[int] = field(default_factory=list)
    export_job_ids: list[int] = field(default_factory=list)
    user_ids: list[int] = field(default_factory=list)
    secrets: set[str] = field(default_factory=set)  # texts no one outside may ever read

    @property
    def slug(self) -> str:
        return self.region.slug

    def secret(self, what: str) -> str:
        text = f"RHS{self.tag}{what}"
        self.secrets.add(text)
        return text


def populate(region: Region, point: tuple[float, float], tag: str) -> World:
    """Complaints in every stage (public, unpublished, confidential), people of every role with
    API tokens, a field task, shifts, templates, a saved filter, an invitation, an Open311 key and a
    photo. Returns what was made and the region's secrets."""
    w = World(region=region, tag=tag)
    WebhookEndpoint.objects.create(
        region=region,
        name=w.secret("hookname"),
        url=f"https://{tag.lower()}.example.id/hook",
        secret=w.secret("hooksecret"),
    )
    lat, lng = point
    for i, (name, (role, agency)) in enumerate(ROLES.items()):
        member = staff(f"mx-{tag.lower()}-{name}", region, role, agency)
        User.objects.filter(pk=member.user.pk).update(
            first_name=w.secret(f"staffname{i}"),
            email=f"{w.secret(f'staffmail{i}').lower()}@example.id",
            is_staff=name == "admin",
        )
        w.people[name] = member
        w.user_ids.append(member.user.pk)
        token, raw = accounts.create_token(user=member.user, name=w.secret(f"tokenname{i}"))
        w.api_tokens[name] = raw
        w.api_token_ids.append(token.pk)
    op, liaison = w.people["operator"], w.people["liaison"]

    def submit(key: str, *, public: bool = False, **more):
        """A complaint whose reporter and contact are secret; a public one's text and place are
        for everyone (only the reporter's first name, "Warga", may be shown)."""
        n = len(w.complaints)
        phone = f"08129{n:03d}{tag_digits(tag)}"
        w.secrets.add(phone)
        result = services.submit(
            region=region,
            category_code="JALAN-RUSAK",
            description="Jalan berlubang di depan pasar, sudah dua minggu."
            if public
            else w.secret(f"desc{n}"),
            address="Jl. Pasar Baru" if public else w.secret(f"addr{n}"),
            reporter_name=f"Warga {w.secret(f'reporter{n}')}",
            phone=phone,
            email=f"{w.secret(f'mail{n}').lower()}@example.id",
            lat=lat,
            lng=lng,
            **more,
        )
        w.complaints[key] = result.complaint
        w.tracking_tokens[key] = result.token
        return result.complaint

    # New, not yet published: its text is no one's but the staff's.
    submit("submitted")
    # Confidential and with an agency: the number itself must not be seen outside.
    c = submit("confidential", is_confidential=True)
    c = services.verify(staff=op, complaint=c)
    c = services.dispose(
        staff=op, complaint=c, agency_code="PUPR", note=w.secret("disposition note")
    )
    w.complaints["confidential"] = c
    w.secrets.add(c.number)
    # Public and being worked on: its description is public, everything else is not.
    c = submit("public", public=True)
    c = services.verify(staff=op, complaint=c)
    c = services.dispose(staff=op, complaint=c, agency_code="PUPR")
    c = services.accept(staff=liaison, complaint=c)
    services.note(staff=liaison, complaint=c, text=w.secret("internal note"))
    c = Complaint.objects.get(pk=c.pk)
    w.complaints["public"] = c
    upload = SimpleUploadedFile("bukti.jpg", jpeg_bytes(), content_type="image/jpeg")
    services.add_photo(complaint=w.complaints["submitted"], actor=services.Citizen(), upload=upload)
    photos = [a for a in Attachment.objects.filter(complaint__region=region) if a.file]
    w.photo_ids = [a.pk for a in photos]
    w.photo_exts = sorted({a.file.name.rsplit(".", 1)[-1] for a in photos})
    w.photo_paths = [f"/{a.pk}.{a.file.name.rsplit('.', 1)[-1]}" for a in photos]
    officer = FieldOfficer.objects.get(region=region, user=w.people["officer"].user)
    w.officer_ids.append(officer.pk)
    tasks = assignments.assign(
        staff=liaison,
        complaint=c,
        officers=[officer],
        instructions=w.secret("instructions"),
    )
    w.task_ids = [t.pk for t in tasks]
    w.complaints = {k: Complaint.objects.get(pk=v.pk) for k, v in w.complaints.items()}

    roster.ensure_desks(region)
    w.desk_ids = list(Desk.objects.filter(region=region).values_list("pk", flat=True))
    desk = (
        Desk.objects.filter(region=region, kind="operators").first()
        or Desk.objects.filter(region=region).first()
    )
    start = timezone.now() + timedelta(days=1)
    shift = roster.plan_shift(
        staff=op, desk=desk, user_id=op.user.pk, starts_at=start, ends_at=start + timedelta(hours=8)
    )
    w.shift_ids = list(Shift.objects.filter(region=region).values_list("pk", flat=True))
    assert shift.pk in w.shift_ids

    w.rejection_template_ids.append(
        RejectionTemplate.objects.create(
            region=region, title=w.secret("rejtitle"), text=w.secret("rejtext")
        ).pk
    )
    w.response_template_ids.append(
        ResponseTemplate.objects.create(
            region=region,
            agency=Agency.objects.get(region=region, code="PUPR"),
            title=w.secret("resptitle"),
            text=w.secret("resptext"),
        ).pk
    )
    w.filter_ids.append(
        SavedFilter.objects.create(
            region=region, user=op.user, name=w.secret("filter"), query="status=submitted"
        ).pk
    )
    invited = staffing.invite(
        admin=w.people["admin"],
        email=f"{w.secret('invitee').lower()}@example.id",
        role="viewer",
    )
    w.invitation_token = invited.token
    w.invitation_id = invited.invitation.pk
    # Routing and deadline rows a region admin sets in the admin.
    category = Category.objects.get(region=region, code="JALAN-RUSAK")
    area = Area.objects.filter(region=region, level="kelurahan").first()
    AreaRule.objects.get_or_create(
        region=region,
        category=category,
        area=area,
        defaults={"agency": Agency.objects.filter(region=region).exclude(code="PUPR").first()},
    )
    CategoryPolicy.objects.get_or_create(category=category, defaults={"region": region})
    DayOverride.objects.get_or_create(
        policy=RegionPolicy.objects.get_or_create(region=region)[0],
        date=(timezone.now() + timedelta(days=30)).date(),
        defaults={"note": w.secret("holiday")},
    )
    key, raw = create_key(region=region, name=w.secret("o311key"), agency_code=None)
    w.open311_key, w.open311_key_id = raw, key.pk
    _channels(w)
    return w


def _channels(w: World) -> None:
    """What a region sets up to take reports by e-mail, chat and SP4N-LAPOR!, all secret."""
    region = w.region
    Mailbox.objects.create(
        region=region,
        address=f"{w.secret('inbox').lower()}@example.id",
        host="imap.example.id",
        username=w.secret("imapuser"),
        password=w.secret("imappass"),
    )
    InboundMail.objects.create(
        region=region,
        message_id=w.secret("mailid"),
        received_at=timezone.now(),
        sender=f"{w.secret('mailsender').lower()}@example.id",
        subject=w.secret("mailsubject"),
        state=InboundMail.State.ASKED,
        text=w.secret("mailtext"),
    )
    ChannelSettings.objects.create(
        region=region,
        provider="telegram",
        enabled=True,
        bot_token=w.secret("bottoken"),
        secret_token=w.secret("botsecret"),
    )
    batch = LaporImport.objects.create(
        region=region,
        uploaded_by=w.people["operator"].user,
        file_name=w.secret("laporfile"),
        created_at=timezone.now(),
        total=1,
    )
    row = LaporRow.objects.create(
        region=region,
        batch=batch,
        tracking_id=w.secret("lapor")[:40],
        data={"text": w.secret("laportext"), "kecamatan": "X", "kelurahan": "Y"},
        state=LaporRow.State.REVIEW,
    )
    PushSubscription.objects.create(
        user=w.people["liaison"].user,
        region=region,
        endpoint=f"https://push.example.id/{w.secret('pushendpoint')}",
        p256dh=w.secret("pushkey"),
        auth=w.secret("pushauth"),
        created=timezone.now(),
    )
    w.lapor_import_ids.append(batch.pk)
    w.lapor_row_ids.append(row.pk)
    # A large export the leader asked for, written: only the leader may open it.
    folder = exports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    job = ExportJob.objects.create(
        region=region,
        user=w.people["leader"].user,
        report="daftar",
        fmt="csv",
        state=ExportJob.State.DONE,
        total=1,
        done=1,
        download_name=f"{w.secret('exportname')}.csv",
        created_at=timezone.now(),
    )
    job.file_name = f"{job.pk}-{w.tag.lower()}.csv"
    (folder / job.file_name).write_text(f"Nomor\n{w.secret('exportrow')}\n", encoding="utf-8")
    ExportJob.objects.filter(pk=job.pk).update(file_name=job.file_name)
    w.export_job_ids.append(job.pk)


def tag_digits(tag: str) -> str:
    """Four digits of the region's own, so phone numbers of two regions differ."""
    return f"{sum(map(ord, tag)) % 10000:04d}"
