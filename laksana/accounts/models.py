from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """A personal API token of a staff member. Only its hash is stored; shown once on creation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, help_text="First characters, to recognise it in lists")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Invitation(models.Model):
    """A region admin's invitation to join the region's staff with one role. The link carries a
    secret token; only its hash is stored, and it works once, until it expires."""

    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE)
    email = models.EmailField()
    name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=20)
    agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.CASCADE)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invitations_sent"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations_accepted",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["region", "created_at"], name="invitation_region")]

    def __str__(self) -> str:
        return f"{self.email} → {self.role} ({self.region_id})"

    @property
    def role_label(self) -> str:
        from laksana.agencies.models import Role

        return dict(Role.choices).get(self.role, self.role)


class LoginFailure(models.Model):
    """One failed password sign-in, kept for the lockout window (per username and address)."""

    username = models.CharField(max_length=150)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["username", "ip", "created_at"], name="loginfailure_key")]

    def __str__(self) -> str:
        return f"{self.username}@{self.ip}"
