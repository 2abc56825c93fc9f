from django.conf import settings
from django.db import models

from laksana.agencies.models import Agency
from laksana.complaints.models import Complaint
from laksana.regions.models import Region


class ApiKey(models.Model):
    """A key an application uses to write through Open311 in one region. Only its hash is kept;
    the key itself is shown once, when it is created."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="open311_keys")
    name = models.CharField(max_length=100, help_text="Which application uses it")
    prefix = models.CharField(max_length=16, help_text="First characters, to recognise it")
    key_hash = models.CharField(max_length=64, unique=True)
    rate_limit = models.PositiveIntegerField(default=60, help_text="Requests per minute")
    agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="Set for an agency's own system: it may then post service request updates.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["region", "created_at"], name="o311key_region")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Submission(models.Model):
    """What an Open311 client sent with a request that the complaint itself does not keep."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE)
    complaint = models.OneToOneField(
        Complaint, on_delete=models.CASCADE, related_name="open311_submission"
    )
    api_key = models.ForeignKey(ApiKey, null=True, on_delete=models.SET_NULL)
    media_url = models.URLField(max_length=1000, blank=True)
    device_id = models.CharField(max_length=100, blank=True)
    account_id = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return f"Open311 {self.complaint_id}"


class ReceivedUpdate(models.Model):
    """An update_id an agency's system already sent: a repeat is refused, not applied twice."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE)
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE)
    update_id = models.CharField(max_length=64)
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE)
    api_key = models.ForeignKey(ApiKey, null=True, on_delete=models.SET_NULL)
    status = models.CharField(max_length=40)
    received_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["region", "agency", "update_id"], name="o311update_unique_id"
            )
        ]

    def __str__(self) -> str:
        return self.update_id
