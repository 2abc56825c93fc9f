from django.conf import settings
from django.db import models

from laksana.regions.models import Area, Region


class Agency(models.Model):
    """An OPD: dinas, badan, kecamatan/kelurahan office, BUMD or RSUD."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="agencies")
    code = models.CharField(max_length=32)
    short_name = models.CharField(max_length=80)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, blank=True)
    # The same words in every region (public_works, water_utility, ...): adopting a region maps
    # the template's categories to the new region's agencies by these, not by code or name.
    functions = models.CharField(
        max_length=120, blank=True, help_text="What it does, space-separated (e.g. public_works)."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["short_name"]
        verbose_name_plural = "agencies"
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="agency_unique_code_per_region")
        ]

    def __str__(self) -> str:
        return self.short_name


class Category(models.Model):
    """What a complaint is about; Open311's 'service'. Has a default agency."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="categories")
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    group = models.CharField(max_length=80, blank=True)
    description = models.TextField(blank=True)
    default_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.SET_NULL, related_name="default_for"
    )
    is_public = models.BooleanField(default=True, help_text="Offered to citizens and Open311.")
    is_active = models.BooleanField(default=True)
    needs_photo_to_resolve = models.BooleanField(
        default=False, help_text="Field work: resolving needs a photo as evidence."
    )
    is_emergency = models.BooleanField(
        default=False,
        help_text="Danger to life or property (fire, rescue): citizens are sent to the emergency "
        "number first, and the wall flags such complaints at once.",
    )
    # Open311 service definition attributes: [{code, variable, datatype, required, description,
    # order, values: [{key, name}]}]
    attributes = models.JSONField(default=list, blank=True)
    keywords = models.CharField(max_length=300, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(
                fields=["region", "code"], name="category_unique_code_per_region"
            )
        ]

    def __str__(self) -> str:
        return self.name


class AreaRule(models.Model):
    """Routing override: in this area, this category goes to another agency (e.g. a kecamatan)."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE)
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="area_rules")
    area = models.ForeignKey(Area, on_delete=models.CASCADE)
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["category", "area"], name="arearule_unique_category_area"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category} @ {self.area} → {self.agency}"


class Role(models.TextChoices):
    REGION_ADMIN = "region_admin", "Admin wilayah"
    OPERATOR = "operator", "Operator ruang kendali"
    AGENCY_ADMIN = "agency_admin", "Admin OPD"
    AGENCY_STAFF = "agency_staff", "Petugas penghubung OPD"
    FIELD_OFFICER = "field_officer", "Petugas lapangan"
    VIEWER = "viewer", "Pimpinan (lihat saja)"
    AUDITOR = "auditor", "Auditor"


AGENCY_ROLES = frozenset({Role.AGENCY_ADMIN, Role.AGENCY_STAFF, Role.FIELD_OFFICER})
_AGENCY_ROLE_VALUES = sorted(r.value for r in AGENCY_ROLES)  # sorted: stable migrations


class Membership(models.Model):
    """A person's role in a region (with its agency for agency roles). One may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "region", "role", "agency"], name="membership_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=_AGENCY_ROLE_VALUES, agency__isnull=False)
                | (~models.Q(role__in=_AGENCY_ROLE_VALUES) & models.Q(agency__isnull=True)),
                name="membership_agency_iff_agency_role",
            ),
        ]
        indexes = [models.Index(fields=["region", "role"], name="membership_region_role")]

    def __str__(self) -> str:
        where = f" {self.agency.short_name}" if self.agency_id else ""
        return f"{self.user} — {self.get_role_display()}{where} ({self.region})"
