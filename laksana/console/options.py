"""The choices of the console lists' filter forms: the region's active agencies and categories,
its kecamatan and kelurahan, as (code, name) pairs.

Every list page showed about 175 of them, read in four queries as model instances and written out
by a template loop per option (a third of the operator inbox's time). They change when an
administrator edits them, so each process keeps them (laksana.common.configcache: at most
CONFIG_SECONDS old, dropped at once on a change in this process), each option written once, and the
page writes them out with one tag (templatetags.console.options).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from laksana.agencies.models import Agency, Category
from laksana.common.configcache import ConfigCache
from laksana.regions.models import Area, Region


class Options:
    """`<option>` elements of (value, label) pairs, each written (and escaped) once, plain and
    selected; a page then only picks which one of each it shows."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self.items = tuple(
            (
                str(value),
                format_html('<option value="{}">{}</option>', value, label),
                format_html('<option value="{}" selected>{}</option>', value, label),
            )
            for value, label in pairs
        )

    def html(self, chosen: set[str]) -> SafeString:
        # Each piece is format_html's, values and labels escaped: joined they are safe too.
        return mark_safe("".join(on if value in chosen else off for value, off, on in self.items))


FILTER_CHOICES = ConfigCache(
    "console filter choices", models=("agencies.Agency", "agencies.Category", "regions.Area")
)


@dataclass(frozen=True)
class FilterChoices:
    agencies: Options
    categories: Options
    kecamatan: Options
    kelurahan: Options


def _load(region_id: int) -> FilterChoices:
    def areas(level: str) -> Options:
        rows = Area.objects.filter(region_id=region_id, level=level).order_by("name")
        return Options(rows.values_list("code", "name"))

    agencies = Agency.objects.filter(region_id=region_id, is_active=True)
    categories = Category.objects.filter(region_id=region_id, is_active=True)
    return FilterChoices(
        # In each model's own order (agencies by short name, categories as the region set them).
        agencies=Options(agencies.values_list("code", "short_name")),
        categories=Options(categories.values_list("code", "name")),
        kecamatan=areas(Area.Level.KECAMATAN),
        kelurahan=areas(Area.Level.KELURAHAN),
    )


def filter_choices(region: Region) -> FilterChoices:
    return FILTER_CHOICES.get(region.pk, lambda: _load(region.pk))
