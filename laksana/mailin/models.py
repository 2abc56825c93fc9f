"""E-mail in: a region's inbox, polled over IMAP, and every message read from it (services.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from laksana.regions.models import Region


class Mailbox(models.Model):
    """The inbox citizens write to (and reply to notifications into), one per region."""

    region = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="mailbox")
    address = models.EmailField(_("alamat"), help_text=_("Alamat yang dipakai warga."))
    host = models.CharField(_("server IMAP"), max_length=200)
    port = models.PositiveIntegerField(_("port"), default=993)
    use_ssl = models.BooleanField(_("IMAP lewat TLS"), default=True)
    username = models.CharField(_("nama pengguna"), max_length=200)
    password = models.CharField(_("kata sandi"), max_length=200)
    folder = models.CharField(_("folder"), max_length=100, default="INBOX")
    is_active = models.BooleanField(_("aktif"), default=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("kotak masuk e-mail")
        verbose_name_plural = _("kotak masuk e-mail")

    def __str__(self) -> str:
        return self.address


class InboundMail(models.Model):
    """One message read from a region's inbox, once: idempotent on its Message-ID."""

    class State(models.TextChoices):
        REPORT = "report", _("menjadi laporan")
        ANSWER = "answer", _("jawaban pelapor")
        MESSAGE = "message", _("pesan pelapor pada laporannya")
        ASKED = "asked", _("menunggu lokasi dari pengirim")
        EXPIRED = "expired", _("kedaluwarsa tanpa laporan")
        IGNORED = "ignored", _("diabaikan")

    region = models.ForeignKey(Region, on_delete=models.CASCADE)
    message_id = models.CharField(max_length=255)
    received_at = models.DateTimeField()
    sender = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300, blank=True)
    state = models.CharField(max_length=8, choices=State.choices)
    reason = models.CharField(max_length=200, blank=True)  # why ignored, for the log and admin
    text = models.TextField(blank=True)  # kept only while waiting for the sender's location
    photos = models.JSONField(default=list)  # [{"name", "data" (base64)}] only while waiting
    complaint = models.ForeignKey(
        "complaints.Complaint", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "message_id"], name="inboundmail_unique")
        ]
        indexes = [
            models.Index(fields=["region", "state", "received_at"], name="inboundmail_state")
        ]

    def __str__(self) -> str:
        return f"{self.sender}: {self.subject}"
