"""The names a list shows of a complaint's category, agency and area, by id, kept per process.

The lists (the console's, the portal's, the wall's newest cards) joined the category, the agency,
the kelurahan and its kecamatan for every row: four more tables for PostgreSQL to plan (the
wall's seven-table join took 7 ms of planning for a 0.8 ms query) and four more model instances
a row for Django to build, most of a list query's time, for a few names that change when an
administrator edits them. Each process keeps a region's names here (laksana.common.configcache:
at most CONFIG_SECONDS old, dropped at once on a change in this process); rows naming one made
since another process read them make it read them again (`covering`).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from laksana.agencies.models import Agency, Category
from laksana.common.configcache import ConfigCache

from .models import Area, Region

NAMES = ConfigCache("region names", models=("agencies.Agency", "agencies.Category", "regions.Area"))


@dataclass(frozen=True)
class Names:
    """Every one of the region's, active or not (a row may name one made inactive since)."""

    categories: dict[int, tuple[str, bool]]  # name, is an emergency
    agencies: dict[int, str]  # short name, in the agencies' own order
    agency_codes: dict[int, str]
    inactive_agencies: frozenset[int]
    areas: dict[int, tuple[str, str, str | None]]  # level, name, the parent's name (a kecamatan)

    def know(self, category_ids: Iterable, agency_ids: Iterable, area_ids: Iterable) -> bool:
        return (
            all(pk in self.categories for pk in category_ids)
            and all(pk in self.agencies for pk in agency_ids if pk)
            and all(pk in self.areas for pk in area_ids if pk)
        )


def _load(region_id: int) -> Names:
    areas = list(
        Area.objects.filter(region_id=region_id).values_list("id", "level", "name", "parent")
    )
    name_of = {pk: name for pk, _level, name, _parent in areas}
    categories = Category.objects.filter(region_id=region_id)
    agencies = list(
        Agency.objects.filter(region_id=region_id).values_list(
            "id", "code", "short_name", "is_active"
        )
    )
    return Names(
        categories={
            pk: (name, emergency)
            for pk, name, emergency in categories.values_list("id", "name", "is_emergency")
        },
        agencies={pk: short for pk, _code, short, _active in agencies},
        agency_codes={pk: code for pk, code, _short, _active in agencies},
        inactive_agencies=frozenset(pk for pk, _code, _short, active in agencies if not active),
        areas={pk: (level, name, name_of.get(parent)) for pk, level, name, parent in areas},
    )


def names(region: Region) -> Names:
    """The region's names as this process last read them. Shared: read them, never change them."""
    return NAMES.get(region.pk, lambda: _load(region.pk))


def covering(
    region: Region, *, categories: Iterable = (), agencies: Iterable = (), areas: Iterable = ()
) -> Names:
    """The region's names, read again if these ids (a page's rows') name one this process has
    not seen yet (made since in another process)."""
    found = names(region)
    if not found.know(categories, agencies, areas):
        NAMES.clear()
        found = names(region)
    return found
