"""A staff member's browser (usually their phone) that agreed to receive Web Push alerts."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from laksana.regions.models import Region


class PushSubscription(models.Model):
    """What the browser's PushManager.subscribe() returned: the push service's endpoint (an
    external URL, reached under notify's egress rules) and the keys that encrypt the payload
    (RFC 8291) so that the push service cannot read it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    endpoint = models.URLField(max_length=500, unique=True)  # fits the outbox recipient
    p256dh = models.CharField(max_length=200, help_text="The browser's ECDH public key (base64url)")
    auth = models.CharField(max_length=60, help_text="The browser's auth secret (base64url)")
    user_agent = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField()
    last_success = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("langganan notifikasi push")
        verbose_name_plural = _("langganan notifikasi push")
        indexes = [models.Index(fields=["region", "user"], name="pushsub_region_user")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.endpoint[:40]}…"

    def info(self) -> dict:
        """The subscription as pywebpush takes it."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}
