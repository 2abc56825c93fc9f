"""`laksana region export` and `import`: a region's whole configuration moved between
installations or used as a template (issue 17, item 4)."""

import json

import pytest
from django.core.management import call_command

from laksana.agencies.models import AreaRule, Category
from laksana.console.models import RejectionTemplate
from laksana.regions.adoption import adopt
from laksana.regions.models import Area, Region
from laksana.regions.services import _geometry
from laksana.regions.transfer import export_region, import_region
from laksana.sla.models import DayOverride

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_geometry():
    _geometry.clear()
    yield
    _geometry.clear()


@pytest.fixture
def bangka_selatan(tangerang):
    region = adopt(code="19.03").region  # approximate desa: exported as such
    policy = region.sla_policy
    DayOverride.objects.create(policy=policy, date="2026-12-28", note="Hari jadi kabupaten")
    RejectionTemplate.objects.create(region=region, title="Di luar wilayah", text="Maaf, ...")
    AreaRule.objects.create(
        region=region,
        category=Category.objects.get(region=region, code="PKL"),
        area=Area.objects.get(region=region, code="19.03.01"),
        agency=region.agencies.get(code="KEC-19.03.01"),
    )
    return region


def test_export_then_import_elsewhere_gives_the_same_configuration(bangka_selatan, tmp_path):
    exported = export_region(bangka_selatan)
    text = json.dumps(exported)
    assert "@" not in text and "complaint" not in text  # no people, no complaints
    path = tmp_path / "region.json"
    path.write_text(text)
    bangka_selatan.delete()  # a fresh installation, as far as this region goes
    call_command("region", "import", str(path))
    region = Region.objects.get(code="19.03")
    assert export_region(region) == exported
    assert Area.objects.filter(region=region, approximate=True).count() == 53
    assert AreaRule.objects.get(region=region).agency.code == "KEC-19.03.01"
    call_command("region", "import", str(path))  # idempotent
    assert export_region(Region.objects.get(code="19.03")) == exported


def test_an_export_is_a_template_for_another_adoption(bangka_selatan, tmp_path, capsys):
    call_command("region", "export", bangka_selatan.slug)
    path = tmp_path / "basel.json"
    path.write_text(capsys.readouterr().out)
    result = adopt(code="73.24", template=str(path))
    assert result.template == "kabupaten-bangka-selatan"
    pju = Category.objects.get(region=result.region, code="PJU")
    assert pju.default_agency.code == "PERKIM" and pju.default_agency.region == result.region


def test_an_import_may_not_take_another_regions_code_or_prefix(bangka_selatan):
    exported = export_region(bangka_selatan)
    with pytest.raises(ValueError, match="here already"):
        import_region(exported, slug="basel-copy")
    other = exported | {"region": exported["region"] | {"code": "19.99", "slug": "x"}}
    with pytest.raises(ValueError, match="prefix"):
        import_region(other)
