"""The region's data folder carries its deadline rules: `region load` saves them once."""

import io
import json

import pytest
from django.core.management import call_command

from laksana.sla.models import RegionPolicy
from laksana.sla.services.policy import STAGE_FIELDS
from laksana.testing.personas import TANGERANG_DIR


@pytest.mark.django_db
def test_region_load_saves_every_stage_budget_from_the_data_and_keeps_admin_edits(tangerang):
    RegionPolicy.objects.all().delete()
    call_command("region", "load", str(TANGERANG_DIR), stdout=io.StringIO())
    data = json.loads((TANGERANG_DIR / "policy.json").read_text(encoding="utf-8"))
    assert set(data) == set(STAGE_FIELDS)
    policy = RegionPolicy.objects.get(region=tangerang)
    assert {name: getattr(policy, name) for name in STAGE_FIELDS} == data
    assert all(getattr(policy, name) for name in STAGE_FIELDS)  # no stage without a budget
    policy.resolve_days = 30
    policy.save()
    call_command("region", "load", str(TANGERANG_DIR), stdout=io.StringIO())
    assert RegionPolicy.objects.get(region=tangerang).resolve_days == 30
