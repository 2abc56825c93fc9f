"""Imports of SP4N-LAPOR! exports: the national system dispatches complaints to the region's
agencies, and the region takes them in as its own (services.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from laksana.regions.models import Region


class LaporImport(models.Model):
    """One uploaded export file and how far its rows have come (the progress bar)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("menunggu")
        RUNNING = "running", _("berjalan")
        DONE = "done", _("selesai")
        FAILED = "failed", _("gagal")

    region = models.ForeignKey(Region, on_delete=models.CASCADE)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    file_name = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)  # new complaints
    already = models.PositiveIntegerField(default=0)  # imported by an earlier file
    review = models.PositiveIntegerField(default=0)  # waiting for a person to map them
    error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["region", "created_at"], name="laporimport_region")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"


class LaporRow(models.Model):
    """One LAPOR! report, once per region whatever the number of files it came in."""

    class State(models.TextChoices):
        PENDING = "pending", _("belum diproses")
        IMPORTED = "imported", _("menjadi laporan")
        REVIEW = "review", _("perlu dipetakan")

    region = models.ForeignKey(Region, on_delete=models.CASCADE)
    batch = models.ForeignKey(LaporImport, on_delete=models.CASCADE, related_name="rows")
    tracking_id = models.CharField(max_length=40)
    data = models.JSONField()  # the row as read, column name -> text
    overrides = models.JSONField(default=dict)  # what a person chose on the review screen
    problems = models.JSONField(default=list)  # [{"field": ..., "message": ...}]
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    complaint = models.ForeignKey(
        "complaints.Complaint", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "tracking_id"], name="laporrow_unique")
        ]
        indexes = [models.Index(fields=["batch", "state"], name="laporrow_batch_state")]

    def __str__(self) -> str:
        return self.tracking_id
