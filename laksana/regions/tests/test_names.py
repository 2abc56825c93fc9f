"""A region's names kept per process for the lists (regions.names, issue 20)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from laksana.agencies.models import Agency, Category
from laksana.regions import names
from laksana.regions.models import Area

pytestmark = pytest.mark.django_db


def test_names_are_the_regions_own_active_or_not_with_each_kelurahans_kecamatan(tangerang, contoh):
    Agency.objects.filter(region=tangerang, code="PUPR").update(is_active=False)
    known = names.names(tangerang)
    pupr = Agency.objects.get(region=tangerang, code="PUPR")
    assert known.agencies[pupr.pk] == pupr.short_name
    kelurahan = Area.objects.filter(region=tangerang, level="kelurahan").select_related("parent")
    kelurahan = kelurahan.first()
    assert known.areas[kelurahan.pk] == ("kelurahan", kelurahan.name, kelurahan.parent.name)
    others = set(Category.objects.filter(region=contoh).values_list("pk", flat=True))
    assert others and not others & set(known.categories)


def test_names_are_read_once_and_again_for_one_made_elsewhere(tangerang):
    first = names.names(tangerang)
    with CaptureQueriesContext(connection) as read:
        assert names.covering(tangerang, categories=list(first.categories)) is first
    assert len(read) == 0
    # As another process would add it: no signal drops this process's names.
    [made] = Category.objects.bulk_create(
        [Category(region=tangerang, code="BARU", name="Baru", order=99)]
    )
    assert names.covering(tangerang, categories=[made.pk]).categories[made.pk] == ("Baru", False)
