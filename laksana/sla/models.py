"""A region's deadline rules: its working calendar, the deadline of each stage, overrides per
category, and who is told when a deadline passes. Edited by region admins in Django admin; a region
without a row here gets the national defaults (SP4N-LAPOR!: 3, 5 and 10 working days)."""

from datetime import time

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from laksana.agencies.models import Category
from laksana.regions.models import Region


def validate_weekend(value: str) -> None:
    try:
        days = {int(part) for part in value.split(",") if part.strip()}
    except ValueError:
        days = {0}
    if not days <= set(range(1, 8)) or len(days) > 6:
        raise ValidationError(_("Tulis nomor hari 1–7 (1 = Senin, 7 = Minggu), dipisah koma."))


class RegionPolicy(models.Model):
    """One region's calendar and deadline per stage (all in the region's own time zone)."""

    region = models.OneToOneField(
        Region, primary_key=True, on_delete=models.CASCADE, related_name="sla_policy"
    )
    weekend = models.CharField(
        _("hari libur mingguan"),
        max_length=20,
        default="6,7",
        validators=[validate_weekend],
        help_text=_("Nomor hari ISO dipisah koma: 1 = Senin … 6 = Sabtu, 7 = Minggu."),
    )
    national_holidays = models.BooleanField(
        _("libur nasional dan cuti bersama"),
        default=True,
        help_text=_("Hari libur nasional dan cuti bersama (paket holidays, ID) bukan hari kerja."),
    )
    office_start = models.TimeField(_("jam kantor mulai"), default=time(8, 0))
    office_end = models.TimeField(_("jam kantor selesai"), default=time(16, 0))
    duty_start = models.TimeField(
        _("piket ruang kendali mulai"),
        null=True,
        blank=True,
        help_text=_("Kosongkan jam mulai dan selesai piket untuk 24 jam setiap hari."),
    )
    duty_end = models.TimeField(_("piket ruang kendali selesai"), null=True, blank=True)
    verify_days = models.PositiveSmallIntegerField(
        _("verifikasi dan disposisi (hari kerja)"), default=3
    )
    ack_minutes = models.PositiveSmallIntegerField(
        _("konfirmasi disposisi (menit piket)"),
        default=15,
        help_text=_("Petugas penghubung mengonfirmasi disposisi; 0 = tanpa batas ini."),
    )
    respond_days = models.PositiveSmallIntegerField(
        _("tanggapan pertama OPD (hari kerja)"), default=5
    )
    resolve_days = models.PositiveSmallIntegerField(
        _("penyelesaian (hari kerja)"),
        null=True,
        blank=True,
        help_text=_("Dihitung dari disposisi; kosong = tanpa batas penyelesaian."),
    )
    autoclose_days = models.PositiveSmallIntegerField(
        _("tutup otomatis setelah selesai (hari kerja)"),
        default=10,
        help_text=_("0 = tidak pernah ditutup otomatis."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("aturan batas waktu wilayah")
        verbose_name_plural = _("aturan batas waktu wilayah")

    def __str__(self) -> str:
        return str(self.region)

    def clean(self) -> None:
        if self.office_end <= self.office_start:
            raise ValidationError({"office_end": _("Jam selesai harus setelah jam mulai.")})
        if (self.duty_start is None) != (self.duty_end is None):
            raise ValidationError(
                {"duty_end": _("Isi jam mulai dan selesai piket, atau kosongkan keduanya.")}
            )

    @property
    def weekend_days(self) -> frozenset[int]:
        """As date.weekday() numbers (0 = Monday)."""
        return frozenset(int(p) - 1 for p in self.weekend.split(",") if p.strip())


class DayOverride(models.Model):
    """A day the region declares off, or a national day off it cancels (a working day)."""

    class Kind(models.TextChoices):
        OFF = "off", _("Libur tambahan daerah")
        WORK = "work", _("Hari kerja (libur dibatalkan)")

    # The policy's key is its region's id, so policy_id is the region id (scoping, indexes).
    policy = models.ForeignKey(RegionPolicy, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("tanggal"))
    kind = models.CharField(_("jenis"), max_length=4, choices=Kind.choices, default=Kind.OFF)
    note = models.CharField(_("keterangan"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("hari libur atau hari kerja khusus")
        verbose_name_plural = _("hari libur atau hari kerja khusus")
        constraints = [
            models.UniqueConstraint(fields=["policy", "date"], name="sla_day_unique_per_region")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class CategoryPolicy(models.Model):
    """Deadlines of one category that differ from its region's (empty = the region's)."""

    category = models.OneToOneField(
        Category, primary_key=True, on_delete=models.CASCADE, related_name="sla_policy"
    )
    region = models.ForeignKey(Region, on_delete=models.CASCADE, editable=False)
    verify_days = models.PositiveSmallIntegerField(null=True, blank=True)
    ack_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    respond_days = models.PositiveSmallIntegerField(null=True, blank=True)
    resolve_days = models.PositiveSmallIntegerField(null=True, blank=True)
    autoclose_days = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("batas waktu per kategori")
        verbose_name_plural = _("batas waktu per kategori")
        indexes = [models.Index(fields=["region"], name="sla_category_region")]

    def __str__(self) -> str:
        return str(self.category)

    def save(self, *args, **kwargs):
        self.region_id = self.category.region_id  # always the category's own region
        super().save(*args, **kwargs)


class Audience(models.TextChoices):
    AGENCY_ADMINS = "agency_admins", _("Admin OPD penanggung jawab")
    COMMAND_CENTER = "command_center", _("Ruang kendali (operator dan admin wilayah)")


class EscalationLevel(models.Model):
    """Level N of a breach: who is told, and how long after the deadline (in the stage's working
    time: office minutes for day deadlines, duty minutes for acknowledgment)."""

    policy = models.ForeignKey(RegionPolicy, on_delete=models.CASCADE, related_name="levels")
    level = models.PositiveSmallIntegerField(_("tingkat"))
    after_minutes = models.PositiveIntegerField(
        _("setelah batas waktu (menit kerja)"),
        default=0,
        help_text=_("0 = saat batas waktu lewat; 480 = satu hari kerja 8 jam kemudian."),
    )
    notify = models.CharField(_("diberi tahu"), max_length=20, choices=Audience.choices)

    class Meta:
        ordering = ["policy", "level"]
        verbose_name = _("tingkat eskalasi")
        verbose_name_plural = _("tingkat eskalasi")
        constraints = [
            models.UniqueConstraint(fields=["policy", "level"], name="sla_level_unique"),
            models.CheckConstraint(condition=models.Q(level__gte=1), name="sla_level_from_1"),
        ]

    def __str__(self) -> str:
        return f"{self.policy}: {self.level}"


class PeriodicJob(models.Model):
    """When a periodic job (sweep, outbox pump) is next due. Workers claim a run with a
    conditional UPDATE on next_run_at, so several workers enqueue each run once."""

    name = models.CharField(max_length=64, primary_key=True)
    next_run_at = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name
