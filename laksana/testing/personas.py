"""Test helpers: the two regions every test may use, and people with roles in them.

Regions: Kota Tangerang (the real demo data) and Kota Contoh (a tiny synthetic WITA region) so every
test can check that one region's people see nothing of the other's.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User

from laksana.agencies.models import Agency, Membership
from laksana.agencies.services import Staff, load_catalogue, staff_in
from laksana.regions.models import Region
from laksana.regions.services import load_region
from laksana.sla.services.policy import load_policy

TANGERANG_DIR = Path(settings.BASE_DIR) / "data" / "regions" / "kota-tangerang"
CONTOH_DIR = Path(__file__).parent / "data" / "kota-contoh"

# A point inside Kelurahan Sukarasa, Kecamatan Tangerang; and one in the Java Sea.
IN_TANGERANG = (-6.1728, 106.6318)
OUTSIDE = (-5.95, 106.60)
IN_CONTOH = (-5.17, 119.42)
PASSWORD = "rahasia-uji-123"


def ensure_region(directory: Path) -> Region:
    manifest_slug = "kota-tangerang" if directory == TANGERANG_DIR else "kota-contoh"
    region = Region.objects.filter(slug=manifest_slug).first()
    if region is None or not region.categories.exists():
        region = load_region(directory)
        load_catalogue(region, directory)
        load_policy(region, directory)
    return region


def person(username: str, region: Region, role: str, agency_code: str | None = None) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": username.title()}
    )
    if created:
        user.set_password(PASSWORD)
        user.save()
    agency = Agency.objects.get(region=region, code=agency_code) if agency_code else None
    Membership.objects.get_or_create(user=user, region=region, role=role, agency=agency)
    return user


def staff(username: str, region: Region, role: str, agency_code: str | None = None) -> Staff:
    return staff_in(person(username, region, role, agency_code), region)
