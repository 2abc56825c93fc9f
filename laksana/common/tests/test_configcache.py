"""Configuration rows kept per process (laksana.common.configcache; issue 15, item 8): a second
submission reads no region, category, deadline rules or webhook endpoints again, and a change
made in this process is seen by the next request at once."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from laksana.agencies.models import Category
from laksana.common import configcache
from laksana.notify.models import Notification, WebhookEndpoint
from laksana.regions.services import get_region
from laksana.sla.models import CategoryPolicy, RegionPolicy
from laksana.testing.personas import IN_TANGERANG

pytestmark = pytest.mark.django_db
URL = "/api/v1/regions/kota-tangerang/complaints"
CONFIG_TABLES = (
    "regions_region",
    "regions_area",
    "agencies_category",
    "sla_regionpolicy",
    "sla_categorypolicy",
    "sla_dayoverride",
    "notify_webhookendpoint",
)


def _submit(client, category="SAMPAH"):
    body = {
        "category": category,
        "description": "Sampah menumpuk di depan pasar sudah lima hari, bau sekali.",
        "lat": IN_TANGERANG[0],
        "lng": IN_TANGERANG[1],
    }
    with CaptureQueriesContext(connection) as queries:
        response = client.post(URL, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    return [
        table
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT")
        for table in CONFIG_TABLES
        if f'FROM "{table}"' in q["sql"]
    ]


def test_a_second_submission_reads_no_configuration_again(client, tangerang):
    first = _submit(client)
    assert {"regions_region", "agencies_category", "sla_regionpolicy"} <= set(first)
    assert _submit(client) == []


def test_a_change_in_this_process_is_seen_at_once(client, tangerang):
    region = get_region("kota-tangerang")
    assert get_region("kota-tangerang") is region
    _submit(client)
    RegionPolicy.objects.update_or_create(region=tangerang, defaults={"verify_days": 9})
    assert get_region("kota-tangerang") is not region
    assert "sla_regionpolicy" in _submit(client)

    category = Category.objects.get(region=tangerang, code="SAMPAH")
    CategoryPolicy.objects.create(category=category, region=tangerang, verify_days=2)
    assert "sla_categorypolicy" in _submit(client)

    category.is_public = False
    category.save()
    body = {"category": "SAMPAH", "description": "Sampah menumpuk lagi di depan pasar, bau."}
    refused = client.post(URL, data=json.dumps(body), content_type="application/json")
    assert refused.status_code == 422 and "category" in refused.json()["fields"]


def test_a_new_webhook_endpoint_is_told_of_the_next_submission(client, tangerang):
    _submit(client)
    WebhookEndpoint.objects.create(region=tangerang, name="Gudang data", url="https://example.id/h")
    _submit(client)
    assert Notification.objects.filter(channel="webhook").count() == 1


def test_kept_rows_are_read_again_after_config_seconds(client, tangerang, monkeypatch):
    _submit(client)
    monkeypatch.setattr(configcache, "CONFIG_SECONDS", 0.0)
    assert "regions_region" in _submit(client)
