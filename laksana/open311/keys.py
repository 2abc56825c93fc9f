"""Open311 API keys: created by region admins (console or command line), shown once, stored as a
sha256 hash, scoped to one region, each with its own rate limit."""

import hashlib
import secrets

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from laksana.agencies.services import get_agency
from laksana.common import clock
from laksana.common.errors import NotFound, ValidationFailed
from laksana.common.ratelimit import allow
from laksana.regions.models import Region

from .errors import Open311Error, too_long
from .models import ApiKey

PREFIX = "o311_"
DEFAULT_RATE_LIMIT = 60
MAX_RATE_LIMIT = 100_000


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(
    *,
    region: Region,
    name: str,
    rate_limit: int = DEFAULT_RATE_LIMIT,
    agency_code: str | None = None,
    created_by=None,
) -> tuple[ApiKey, str]:
    """A new key; the second value is the key itself, which is never stored or shown again."""
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Wajib diisi.")
    elif len(name) > 100:
        errors["name"] = too_long(100)
    if not isinstance(rate_limit, int) or not 1 <= rate_limit <= MAX_RATE_LIMIT:
        errors["rate_limit"] = _("Batas per menit harus 1 sampai %(n)d.") % {"n": MAX_RATE_LIMIT}
    agency = None
    if agency_code:
        try:
            agency = get_agency(region, agency_code)
        except ValidationFailed as exc:
            errors["agency"] = str(exc.detail)
    if errors:
        raise ValidationFailed(_("Periksa kembali isian kunci API."), fields=errors)
    key = PREFIX + secrets.token_urlsafe(32)
    api_key = ApiKey.objects.create(
        region=region,
        name=name,
        prefix=key[:12],
        key_hash=_hash(key),
        rate_limit=rate_limit,
        agency=agency,
        created_by=created_by,
        created_at=clock.now(),
    )
    return api_key, key


def keys_of(region: Region) -> QuerySet:
    return ApiKey.objects.filter(region=region).select_related("agency")


def revoke_key(*, region: Region, key_id: int) -> ApiKey:
    """Revoke a key of this region at once; revoking twice is harmless."""
    api_key = keys_of(region).filter(pk=key_id).first()
    if api_key is None:
        raise NotFound(_("Kunci API tidak ditemukan."))
    if api_key.revoked_at is None:
        api_key.revoked_at = clock.now()
        ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(
            revoked_at=api_key.revoked_at
        )
    return api_key


def authenticate(raw: str | None, region: Region) -> ApiKey:
    """The active key of this region, counted against its rate limit; else 403 (or 429)."""
    if not raw:
        raise Open311Error(403, [("api_key", _("Wajib diisi untuk mengirim data."))])
    api_key = (
        ApiKey.objects.select_related("agency")
        .filter(key_hash=_hash(raw), revoked_at__isnull=True)
        .first()
    )
    if api_key is None:
        raise Open311Error(403, [("api_key", _("Kunci API tidak sah atau sudah dicabut."))])
    if api_key.region_id != region.id:
        raise Open311Error(
            403, [("api_key", _("Kunci API ini tidak berlaku untuk jurisdiction_id ini."))]
        )
    # The prefix is random per key, so counts never carry over to a later key with a reused id.
    if not allow(f"open311:{api_key.prefix}", limit=api_key.rate_limit, window=60):
        message = _("Terlalu banyak permintaan: paling banyak %(n)d per menit.")
        raise Open311Error(429, [("api_key", message % {"n": api_key.rate_limit})])
    return api_key
