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
