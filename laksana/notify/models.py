import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from laksana.complaints.models import Complaint, Event
from laksana.regions.models import Region


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    """Another system of the region (an agency's own application, a data warehouse) that
    receives the region's complaint events, signed with HMAC-SHA256 over the body."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="webhooks")
    name = models.CharField(_("nama"), max_length=120)
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(
        _("rahasia"),
        max_length=100,
        default=new_secret,
        help_text=_("Kunci HMAC-SHA256; penerima memeriksa header X-Laksana-Signature."),
    )
    event_types = models.CharField(
        _("jenis peristiwa"),
        max_length=500,
        blank=True,
        help_text=_("Dipisah koma (mis. disposed,resolved); kosong = semua."),
    )
    is_active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("webhook keluar")
        verbose_name_plural = _("webhook keluar")
        indexes = [models.Index(fields=["region", "is_active"], name="webhook_region_active")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from .egress import Refused, check_url

        try:
            check_url(self.url)
        except Refused as exc:
            raise ValidationError({"url": str(exc)}) from None

    def wants(self, event_type: str) -> bool:
        wanted = {t.strip() for t in self.event_types.split(",") if t.strip()}
        return not wanted or event_type in wanted


class Notification(models.Model):
    """One message to one recipient on one channel: the outbox.

    Written in the same transaction as the event it announces, then delivered by a job. Status
    machine (each step a conditional UPDATE, so two workers never deliver the same row):

        pending --claim--> claimed --point of no return--> sending --ok--> sent
           ^                  |                              |
           +--error, retry----+------------------------------+--error, last try--> failed
        claimed, lease expired: back to pending (nothing left the building);
        sending, lease expired: pending again if the channel deduplicates by our key
                                (webhooks), else uncertain (e-mail: never sent twice).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu")
        CLAIMED = "claimed", _("Diambil pekerja")
        SENDING = "sending", _("Sedang dikirim")
        SENT = "sent", _("Terkirim")
        FAILED = "failed", _("Gagal")
        UNCERTAIN = "uncertain", _("Tidak pasti (periksa)")

    class Audience(models.TextChoices):
        CITIZEN = "citizen", _("Pelapor")
        STAFF = "staff", _("Petugas")
        SYSTEM = "system", _("Sistem lain")

    key = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False, help_text="Idempotency key"
    )
    region = models.ForeignKey(Region, on_delete=models.CASCADE)
    # Both empty for a chat channel's conversation reply (laksana/channels), which belongs to no
    # complaint yet; every announcement of an event has both.
    complaint = models.ForeignKey(
        Complaint, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(max_length=16)
    audience = models.CharField(max_length=8, choices=Audience.choices)
    recipient = models.CharField(max_length=500, help_text="Address, number or URL")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    language = models.CharField(max_length=8)
    payload = models.JSONField(help_text="What the message says, as of the event")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    receipt = models.CharField(
        max_length=500,
        blank=True,
        help_text="The receiving server's answer (SMTP reply, HTTP status)",
    )
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("notifikasi")
        verbose_name_plural = _("notifikasi (outbox)")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "channel", "recipient"], name="notification_once_per_recipient"
            )
        ]
        indexes = [
            models.Index(fields=["region", "status", "id"], name="notification_region_status"),
            models.Index(fields=["complaint", "audience", "id"], name="notification_complaint"),
            # The pump's scan across regions: due rows and expired leases.
            models.Index(fields=["status", "next_attempt_at"], name="notification_due"),
            models.Index(fields=["status", "lease_until"], name="notification_lease"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} → {self.recipient} ({self.status})"
