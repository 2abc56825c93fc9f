from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from laksana.agencies.models import Agency, Category
from laksana.regions.models import Area, Region


class Kind(models.TextChoices):
    COMPLAINT = "pengaduan", _("Pengaduan")
    ASPIRATION = "aspirasi", _("Aspirasi")
    INFORMATION = "permintaan_informasi", _("Permintaan informasi")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Diterima")
    VERIFIED = "verified", _("Diverifikasi")
    DISPATCHED = "dispatched", _("Diteruskan ke OPD")
    IN_PROGRESS = "in_progress", _("Ditindaklanjuti")
    WAITING = "waiting", _("Menunggu tanggapan pelapor")
    RESOLVED = "resolved", _("Selesai ditangani")
    CLOSED = "closed", _("Ditutup")
    REJECTED = "rejected", _("Ditolak")
    DUPLICATE = "duplicate", _("Duplikat")
    NOTED = "noted", _("Dicatat")


OPEN_STATUSES = [
    Status.SUBMITTED,
    Status.VERIFIED,
    Status.DISPATCHED,
    Status.IN_PROGRESS,
    Status.WAITING,
]
FINAL_STATUSES = [Status.CLOSED, Status.REJECTED, Status.DUPLICATE, Status.NOTED]


class Channel(models.TextChoices):
    WEB = "web", _("Situs web")
    API = "api", _("API")
    OPEN311 = "open311", "Open311"
    STAFF = "staff", _("Petugas")
    SMS = "sms", "SMS"
    WHATSAPP = "whatsapp", "WhatsApp"
    TELEGRAM = "telegram", "Telegram"
    EMAIL = "email", _("E-mail")
    # Taken by staff from a citizen who did not use Laksana (see services.intake.record_taken).
    PHONE = "phone", _("Telepon")
    LETTER = "letter", _("Surat")
    WALK_IN = "walk_in", _("Datang langsung")
    SOCIAL = "social", _("Media sosial")
    LAPOR = "lapor", "SP4N-LAPOR!"  # imported from the national system (laksana.lapor)
    DEMO = "demo", _("Data demo")


class ClosingReason(models.TextChoices):
    FIXED = "fixed", _("Sudah diperbaiki")
    NOT_FIXABLE = "not_fixable", _("Tidak dapat diperbaiki")
    DUPLICATE = "duplicate", _("Duplikat")
    NOT_OUR_AUTHORITY = "not_our_authority", _("Bukan wewenang pemerintah daerah")
    WITHDRAWN = "withdrawn", _("Dicabut pelapor")


class Priority(models.IntegerChoices):
    LOW = 1, _("Rendah")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("Tinggi")
    URGENT = 4, _("Darurat")


class Reporter(models.Model):
    """Who sent a complaint. Never shown publicly; agencies see it only if not anonymous."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE)
    name = models.CharField(max_length=120, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["region", "phone"], name="reporter_region_phone"),
            models.Index(fields=["region", "email"], name="reporter_region_email"),
        ]

    def __str__(self) -> str:
        return f"Reporter {self.pk}"


class Complaint(models.Model):
    region = models.ForeignKey(Region, on_delete=models.CASCADE)
    number = models.CharField(
        max_length=32, help_text="Human tracking number, e.g. TNG-2611-000123"
    )
    token_hash = models.CharField(
        max_length=64, unique=True, help_text="sha256 of the secret token"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices, default=Kind.COMPLAINT)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    category = models.ForeignKey(Category, on_delete=models.PROTECT)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT)
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT)
    title = models.CharField(max_length=200, blank=True, help_text="Cleaned-up title by staff")
    description = models.TextField(help_text="The citizen's own words, never edited")
    address = models.CharField(max_length=300, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.WEB)
    reporter = models.ForeignKey(Reporter, null=True, blank=True, on_delete=models.PROTECT)
    is_anonymous = models.BooleanField(default=False)
    is_confidential = models.BooleanField(default=False)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )
    closing_reason = models.CharField(max_length=20, choices=ClosingReason.choices, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_comment = models.TextField(blank=True)
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)
    source = models.CharField(
        max_length=100, blank=True, help_text="Which app or key sent it (e.g. an Open311 key name)"
    )
    attributes = models.JSONField(
        default=dict, blank=True, help_text="Answers to the category's extra questions"
    )
    # Deadlines (sla): the current stage's deadline in working time, and escalation so far.
    next_deadline = models.DateTimeField(null=True, blank=True)
    deadline_stage = models.CharField(max_length=16, blank=True)
    overdue_level = models.PositiveSmallIntegerField(default=0)
    acknowledged_at = models.DateTimeField(
        null=True, blank=True, help_text="When the agency's liaison acknowledged the disposition"
    )
    # Bumped on every change; a client may send the version it saw to detect a stale update.
    version = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    verified_at = models.DateTimeField(null=True, blank=True)
    disposed_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "number"], name="complaint_unique_number"),
            models.UniqueConstraint(
                fields=["region", "idempotency_key"], name="complaint_unique_idempotency_key"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="complaint_rating_1_to_5",
            ),
        ]
        indexes = [
            models.Index(fields=["region", "status", "submitted_at", "id"], name="c_region_status"),
            models.Index(fields=["region", "submitted_at", "id"], name="c_region_submitted"),
            models.Index(fields=["region", "agency", "status", "id"], name="c_region_agency"),
            models.Index(fields=["region", "category", "id"], name="c_region_category"),
            # Staff lists filter by category and status together, newest first.
            models.Index(
                fields=["region", "category", "status", "submitted_at", "id"],
                name="c_region_cat_status",
            ),
            models.Index(fields=["region", "area", "id"], name="c_region_area"),
            models.Index(fields=["region", "updated_at", "id"], name="c_region_updated"),
            models.Index(fields=["region", "next_deadline"], name="c_region_deadline"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def display_title(self) -> str:
        return self.title or self.category.name


class Event(models.Model):
    """One entry of a complaint's timeline. Append-only: never updated, never deleted."""

    class Type(models.TextChoices):
        SUBMITTED = "submitted", _("Laporan diterima")
        VERIFIED = "verified", _("Laporan diverifikasi")
        REJECTED = "rejected", _("Laporan ditolak")
        MERGED = "merged", _("Ditandai duplikat")
        ACKNOWLEDGED = "acknowledged", _("Aspirasi dicatat")
        DISPOSED = "disposed", _("Didisposisikan ke OPD")
        ACCEPTED = "accepted", _("Diterima OPD")
        RETURNED = "returned", _("Dikembalikan: bukan wewenang")
        FORWARDED = "forwarded", _("Diteruskan ke OPD lain")
        RESPONDED = "responded", _("Tanggapan OPD")
        NOTE = "note", _("Catatan internal")
        RESOLVED = "resolved", _("Selesai ditangani")
        REOPENED = "reopened", _("Dibuka kembali oleh pelapor")
        CLOSED = "closed", _("Ditutup")
        RATED = "rated", _("Penilaian pelapor")
        ATTACHMENT = "attachment", _("Foto ditambahkan")
        PRIVACY = "privacy", _("Privasi diperketat")
        OVERDUE = "overdue", _("Melewati batas waktu")
        ESCALATED = "escalated", _("Dieskalasi")
        WAITING = "waiting", _("Menunggu tanggapan pelapor")
        ANSWERED = "answered", _("Pelapor menanggapi")
        ASSIGNED = "assigned", _("Ditugaskan ke petugas lapangan")
        FIELD = "field", _("Pekerjaan lapangan")
        VIEWED = "viewed", _("Data pelapor dilihat")
        UPDATE = "update", _("Pembaruan dari sistem OPD")
        DESK_ACK = "desk_ack", _("Disposisi diterima petugas penghubung")
        MESSAGE = "message", _("Pesan dari pelapor")

    region = models.ForeignKey(Region, on_delete=models.CASCADE)
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=16, choices=Type.choices)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    actor_label = models.CharField(max_length=120, help_text="Who, as shown in the timeline")
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT)
    is_public = models.BooleanField(default=True)
    text = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["complaint", "id"], name="event_complaint"),
            models.Index(fields=["region", "id"], name="event_region"),
            # The live wall replays a past day: events of a region by time.
            models.Index(fields=["region", "created_at"], name="event_region_time"),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id}:{self.type}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Events are append-only: an event is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Events are append-only: an event is never deleted.")


def attachment_path(instance: "Attachment", filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1]
    return f"{instance.region_id}/{instance.sha256[:2]}/{instance.sha256}.{extension}"


class Attachment(models.Model):
    """A photo: the citizen's, or staff evidence. Re-encoded on upload, without EXIF."""

    class Purpose(models.TextChoices):
        REPORT = "report", _("Foto laporan")
        EVIDENCE = "evidence", _("Foto bukti penanganan")

    region = models.ForeignKey(Region, on_delete=models.CASCADE)
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")

    class Stage(models.TextChoices):
        """When a field officer took an evidence photo; blank for every other photo."""

        BEFORE = "before", _("Sebelum ditangani")
        AFTER = "after", _("Sesudah ditangani")

    purpose = models.CharField(max_length=10, choices=Purpose.choices, default=Purpose.REPORT)
    stage = models.CharField(max_length=8, choices=Stage.choices, blank=True)
    file = models.FileField(upload_to=attachment_path)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["complaint", "id"], name="attachment_complaint")]

    def __str__(self) -> str:
        return self.file.name


class StatusCount(models.Model):
    """How many complaints a region (and agency, 0 = none) has in each status, kept by the
    services on every transition so dashboards never COUNT(*) the whole table."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE)
    agency_key = models.BigIntegerField(default=0)
    status = models.CharField(max_length=16, choices=Status.choices)
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["region", "agency_key", "status"], name="statuscount_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_id}/{self.agency_key}/{self.status}={self.count}"
