from zoneinfo import ZoneInfo

from django.db import models


class Region(models.Model):
    """A local government (pemerintah daerah): the tenant. Everything it owns carries its id."""

    TIMEZONES = [
        ("Asia/Jakarta", "WIB (Asia/Jakarta)"),
        ("Asia/Makassar", "WITA (Asia/Makassar)"),
        ("Asia/Jayapura", "WIT (Asia/Jayapura)"),
    ]

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    code = models.CharField("Kemendagri code", max_length=16, unique=True)
    timezone = models.CharField(max_length=40, choices=TIMEZONES, default="Asia/Jakarta")
    tracking_prefix = models.CharField(max_length=8, unique=True)
    boundary = models.JSONField(null=True, blank=True, help_text="GeoJSON geometry, [lng, lat]")
    center_lat = models.FloatField(null=True, blank=True)
    center_lng = models.FloatField(null=True, blank=True)
    population = models.PositiveIntegerField(null=True, blank=True)
    # LAPOR! practice: a complaint reaches the public only after an operator verified it. A
    # region may choose to publish every complaint at once (confidential ones never).
    publish_before_verification = models.BooleanField(
        default=False,
        help_text="Show complaints publicly as soon as they are sent, before verification.",
    )
    emergency_number = models.CharField(
        max_length=16,
        default="112",
        help_text="The number citizens call in an emergency (shown before emergency categories).",
    )
    # Last tracking sequence handed out; bumped with a conditional UPDATE under the row lock.
    complaint_seq = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def tz_abbreviation(self) -> str:
        return {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}.get(
            self.timezone, self.timezone
        )


class Area(models.Model):
    """A kecamatan or kelurahan/desa with its Kemendagri code and boundary."""

    class Level(models.TextChoices):
        KECAMATAN = "kecamatan", "Kecamatan"
        KELURAHAN = "kelurahan", "Kelurahan/Desa"

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="areas")
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=120)
    level = models.CharField(max_length=12, choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    postcode = models.CharField(max_length=10, blank=True)
    boundary = models.JSONField(null=True, blank=True, help_text="GeoJSON geometry, [lng, lat]")
    center_lat = models.FloatField(null=True, blank=True)
    center_lng = models.FloatField(null=True, blank=True)
    # An adopted region's desa/kelurahan without a boundary of its own: points in its kecamatan
    # go to the nearest centroid, until a boundary file is loaded.
    approximate = models.BooleanField(
        default=False, help_text="Located by nearest centroid (no boundary loaded yet)."
    )

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="area_unique_code_per_region")
        ]
        indexes = [models.Index(fields=["region", "level", "code"], name="area_region_level")]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.name}"
