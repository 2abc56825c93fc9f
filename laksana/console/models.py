from django.conf import settings
from django.db import models

from laksana.agencies.models import Agency
from laksana.regions.models import Region


class RejectionTemplate(models.Model):
    """A ready-made reason for rejecting a complaint, kept per region and editable by its staff.
    The citizen reads the reason, so it is written to them."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE)
    title = models.CharField(max_length=100)
    text = models.TextField()
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "title"]
        indexes = [models.Index(fields=["region", "order"], name="rejecttpl_region")]

    def __str__(self) -> str:
        return self.title


class ResponseTemplate(models.Model):
    """A ready-made public response of one agency (answers it gives often)."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE)
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE)
    title = models.CharField(max_length=100)
    text = models.TextField()
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "title"]
        indexes = [models.Index(fields=["region", "agency", "order"], name="responsetpl_agency")]

    def __str__(self) -> str:
        return self.title


class SavedFilter(models.Model):
    """A staff member's named list filter (the query string of the complaint list)."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    name = models.CharField(max_length=80)
    query = models.CharField(max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["region", "user", "name"], name="savedfilter_user")]

    def __str__(self) -> str:
        return self.name


class OnboardingStep(models.Model):
    """A step of a new region's checklist its admin marked done (steps the data shows done,
    such as a first Open311 key, count without a row)."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE)
    step = models.CharField(max_length=32)
    done_at = models.DateTimeField()
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "step"], name="onboarding_step_unique")
        ]

    def __str__(self) -> str:
        return f"{self.region_id}: {self.step}"
