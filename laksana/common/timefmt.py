"""Times are stored in UTC and shown in the region's own zone (WIB, WITA or WIT)."""

from datetime import datetime

from laksana.regions.models import Region


def local_iso(moment: datetime | None, region: Region) -> str | None:
    return moment.astimezone(region.tz).isoformat(timespec="seconds") if moment else None
