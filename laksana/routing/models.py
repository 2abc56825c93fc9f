"""The trained routing models, one row per region and target (category or agency)."""

from django.db import models

from laksana.regions.models import Region


class RoutingModel(models.Model):
    """A region's text classifier, pickled with joblib; the newest version of a target is used."""

    class Target(models.TextChoices):
        CATEGORY = "category", "Kategori"
        AGENCY = "agency", "OPD"

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="routing_models")
    target = models.CharField(max_length=16, choices=Target.choices)
    version = models.PositiveIntegerField()
    trained_at = models.DateTimeField()
    payload = models.BinaryField(help_text="joblib bytes of the fitted pipeline and its labels")
    samples = models.PositiveIntegerField(default=0, help_text="Training rows, all sources")
    history_samples = models.PositiveIntegerField(default=0, help_text="Rows from complaints")
    starter_samples = models.PositiveIntegerField(default=0, help_text="Rows from the corpus")
    classes = models.PositiveIntegerField(default=0)
    metrics = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["region", "target", "version"], name="routing_model_version_unique"
            )
        ]
        indexes = [models.Index(fields=["region", "target", "-version"])]

    def __str__(self) -> str:
        return f"{self.region_id}:{self.target} v{self.version}"


class ShownSuggestion(models.Model):
    """A suggestion a person was shown (verification form, staff API, bulk acceptance) and what
    the operator then did with it, so the model's accuracy in real use is a figure: written
    when shown, completed by the lifecycle's events (routing.usage.UsageEvents)."""

    class Via(models.TextChoices):
        FORM = "form", "Formulir verifikasi"
        API = "api", "API staf"
        BULK = "bulk", "Terima saran massal"

    region = models.ForeignKey(Region, on_delete=models.CASCADE)
    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="routing_suggestions"
    )
    version = models.PositiveIntegerField(help_text="Model version that made the suggestion")
    via = models.CharField(max_length=8, choices=Via.choices)
    category = models.CharField(max_length=40, blank=True, help_text="Suggested category code")
    category_confidence = models.FloatField(null=True, blank=True)
    agency = models.CharField(max_length=40, blank=True, help_text="Suggested agency code")
    agency_confidence = models.FloatField(null=True, blank=True)
    shown_at = models.DateTimeField()
    # Filled by the events: the verification's category, the first disposition's agency, the
    # agency that finally accepted it (after any forwards and returns).
    category_taken = models.BooleanField(null=True)
    agency_taken = models.BooleanField(null=True)
    final_agency = models.CharField(max_length=40, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "version"], name="routing_shown_once_per_version"
            )
        ]
        indexes = [models.Index(fields=["region", "shown_at"], name="routing_shown_region")]

    def __str__(self) -> str:
        return f"{self.complaint_id} v{self.version}"


class DuplicateLink(models.Model):
    """The best earlier report a new one looks like (routing.duplicates), found once when it
    arrives: the wall shows a cluster of them as one incident."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE)
    complaint = models.OneToOneField(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="duplicate_link"
    )
    original = models.ForeignKey(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="similar_links"
    )
    original_number = models.CharField(max_length=32)
    score = models.FloatField()
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["region", "original"], name="routing_dup_original")]

    def __str__(self) -> str:
        return f"{self.complaint_id}~{self.original_number} ({self.score:.2f})"
