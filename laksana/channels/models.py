"""Chat channels of a region (WhatsApp, Telegram, SMS): their settings, the provider messages
already taken in, and the conversations that collect a report."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from laksana.complaints.models import Complaint
from laksana.regions.models import Region


class Provider(models.TextChoices):
    WHATSAPP = "whatsapp", "WhatsApp"
    TELEGRAM = "telegram", "Telegram"
    SMS = "sms", "SMS"


# Fields holding credentials: masked in the admin, never logged, never shown again in full.
SECRET_FIELDS = (
    "access_token",
    "app_secret",
    "verify_token",
    "bot_token",
    "secret_token",
    "api_key",
)


class ChannelSettings(models.Model):
    """One provider account of a region. Only the fields of its provider are used."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="channel_settings")
    provider = models.CharField(_("penyedia"), max_length=16, choices=Provider.choices)
    enabled = models.BooleanField(_("aktif"), default=False)
    # WhatsApp Business Cloud API
    phone_number_id = models.CharField(_("ID nomor telepon (WhatsApp)"), max_length=64, blank=True)
    access_token = models.CharField(_("token akses (WhatsApp)"), max_length=500, blank=True)
    app_secret = models.CharField(
        _("app secret (WhatsApp)"),
        max_length=200,
        blank=True,
        help_text=_("Memeriksa header X-Hub-Signature-256 setiap webhook."),
    )
    verify_token = models.CharField(
        _("verify token (WhatsApp)"),
        max_length=200,
        blank=True,
        help_text=_("Teks yang sama diisikan di pengaturan webhook aplikasi Meta."),
    )
    # Telegram Bot API
    bot_token = models.CharField(_("token bot (Telegram)"), max_length=200, blank=True)
    secret_token = models.CharField(
        _("secret token webhook (Telegram, SMS)"),
        max_length=256,
        blank=True,
        help_text=_(
            "Telegram mengirimnya di header X-Telegram-Bot-Api-Secret-Token (setWebhook); "
            "gateway SMS di header X-Laksana-Token."
        ),
    )
    # SMS gateway (generic HTTP, see laksana/channels/sms.py)
    gateway_url = models.URLField(_("URL gateway SMS"), max_length=500, blank=True)
    api_key = models.CharField(
        _("kunci API (SMS)"),
        max_length=300,
        blank=True,
        help_text=_("Dikirim ke gateway sebagai Authorization: Bearer."),
    )
    sender = models.CharField(_("pengirim (SMS)"), max_length=32, blank=True)
    whatsapp_templates = models.JSONField(
        _("nama template pesan (WhatsApp)"),
        default=dict,
        blank=True,
        help_text=_(
            "Di luar 24 jam sejak pesan terakhir warga, kabar laporan dikirim sebagai template "
            'yang disetujui Meta. Kosong = nama bawaan (lihat README); mis. {"verified": '
            '"tng_laporan_diverifikasi"} mengganti satu nama. Variabel template tetap sama.'
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pengaturan saluran")
        verbose_name_plural = _("pengaturan saluran (WhatsApp, Telegram, SMS)")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "provider"], name="channelsettings_one_per_provider"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_provider_display()} ({self.region})"


class InboundMessage(models.Model):
    """A provider message already taken in: a provider's retry of it is recognised and dropped.
    Holds no content (that lives in the conversation while it is needed)."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE)
    provider = models.CharField(max_length=16, choices=Provider.choices)
    message_id = models.CharField(max_length=200)
    received_at = models.DateTimeField()

    class Meta:
        constraints = [
            # Telegram's update ids are per bot and a region has its own bot: region is part of it.
            models.UniqueConstraint(
                fields=["region", "provider", "message_id"], name="inbound_once_per_message"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.message_id}"


class Conversation(models.Model):
    """One sender on one provider in one region: the report being collected (`draft`) and where
    replies go. The draft is personal data like a form's: cleared when submitted, cancelled or
    left for 24 hours."""

    class Step(models.TextChoices):
        IDLE = "idle", _("Tidak ada laporan yang sedang diisi")
        DESCRIPTION = "description", _("Menunggu isi laporan")
        LOCATION = "location", _("Menunggu lokasi")
        PHOTO = "photo", _("Menunggu foto")
        CATEGORY = "category", _("Menunggu kategori")

    region = models.ForeignKey(Region, on_delete=models.CASCADE)
    provider = models.CharField(max_length=16, choices=Provider.choices)
    # HMAC of the sender's id: looked up by it, without an index of phone numbers.
    sender_hash = models.CharField(max_length=64)
    # Where replies go (WhatsApp id, Telegram chat id, phone number): like a reporter's contact,
    # never shown publicly.
    address = models.CharField(max_length=64)
    step = models.CharField(max_length=12, choices=Step.choices, default=Step.IDLE)
    draft = models.JSONField(default=dict, blank=True)
    opted_out = models.BooleanField(default=False)
    # The citizen's last message: WhatsApp takes free text only within 24 hours of it (the
    # customer-service window); later updates go as approved templates (channels/whatsapp.py).
    last_inbound_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["region", "provider", "sender_hash"], name="conversation_one_per_sender"
            )
        ]
        indexes = [models.Index(fields=["step", "updated_at"], name="conversation_expiry")]

    def __str__(self) -> str:
        return f"{self.provider} conversation {self.pk} ({self.step})"  # no phone number


class ChatReport(models.Model):
    """A complaint that came by chat: its updates go back to that conversation."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE)
    complaint = models.OneToOneField(Complaint, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="reports")
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["region", "conversation"], name="chatreport_conversation")]

    def __str__(self) -> str:
        return f"chat report {self.complaint_id}"


class SmsPart(models.Model):
    """One part of a long SMS the gateway delivered in pieces (concatenated SMS), kept until the
    last part arrives."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE)
    sender_hash = models.CharField(max_length=64)
    reference = models.CharField(max_length=64)
    part = models.PositiveSmallIntegerField()
    parts = models.PositiveSmallIntegerField()
    text = models.TextField()
    received_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["region", "sender_hash", "reference", "part"], name="smspart_once"
            )
        ]

    def __str__(self) -> str:
        return f"SMS part {self.part}/{self.parts} of {self.reference}"
