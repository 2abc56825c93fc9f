import pytest

from laksana.agencies.models import Category
from laksana.open311.tests.helpers import TNG, both, descriptions, validate

pytestmark = pytest.mark.django_db


def test_discovery_lists_this_endpoint_in_both_formats(client, tangerang):
    body = both(client, "discovery")
    validate("discovery", body)
    endpoint = body["endpoints"][0]
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert "/kota-tangerang/console/apikeys/" in body["key_service"]


def test_discovery_needs_no_jurisdiction_even_with_several_regions(client, tangerang, contoh):
    body = both(client, "discovery", {})
    validate("discovery", body)
    assert "/console/apikeys/" in body["key_service"]


def test_services_are_the_regions_public_active_categories(client, tangerang, road):
    Category.objects.filter(region=tangerang, code="BANJIR").update(is_public=False)
    body = both(client, "services")
    validate("services", body)
    codes = [s["service_code"] for s in body]
    expected = Category.objects.filter(region=tangerang, is_public=True, is_active=True)
    assert codes == [c.code for c in expected] and "BANJIR" not in codes
    jalan = next(s for s in body if s["service_code"] == "JALAN-RUSAK")
    assert jalan == {
        "service_code": "JALAN-RUSAK",
        "service_name": "Jalan rusak / berlubang",
        "description": "",
        "metadata": True,
        "type": "realtime",
        "keywords": "jalan, lubang, aspal",
        "group": "Infrastruktur",
    }
    assert next(s for s in body if s["service_code"] == "DRAINASE")["metadata"] is False


def test_services_of_another_region_are_its_own(client, contoh):
    body = both(client, "services", {"jurisdiction_id": "kota-contoh"})
    assert [s["service_code"] for s in body] == ["JALAN-RUSAK", "SAMPAH", "LAINNYA"]


def test_service_definition_lists_attributes_in_order_with_values(client, road):
    body = both(client, "services/JALAN-RUSAK")
    validate("service_definition", body)
    assert body["service_code"] == "JALAN-RUSAK"
    assert [a["code"] for a in body["attributes"]] == [
        "SIZE",
        "LANES",
        "DEPTH",
        "SEEN",
        "NOTE",
        "INFO",
    ]
    size = body["attributes"][0]
    assert size["required"] is True and size["variable"] is True
    assert size["values"] == [{"key": "small", "name": "Kecil"}, {"key": "large", "name": "Besar"}]
    assert "values" not in body["attributes"][2]
    assert body["attributes"][5]["variable"] is False


def test_a_badly_edited_attribute_does_not_break_the_definition(client, road):
    road.attributes = [*road.attributes[:1], {"code": "X", "order": "first"}, {"no": "code"}]
    road.save()
    body = both(client, "services/JALAN-RUSAK")
    validate("service_definition", body)
    assert [a["code"] for a in body["attributes"]] == ["SIZE", "X"]
    assert body["attributes"][1]["datatype"] == "string"


def test_service_definition_without_attributes_is_an_empty_list(client, tangerang):
    body = both(client, "services/DRAINASE")
    validate("service_definition", body)
    assert body == {"service_code": "DRAINASE", "attributes": []}


def test_unknown_service_is_404(client, tangerang):
    body = both(client, "services/TIDAK-ADA", status=404)
    assert body[0]["code"] == 404 and "TIDAK-ADA" in body[0]["description"]


def test_service_of_another_region_is_404(client, tangerang, contoh):
    Category.objects.create(region=contoh, code="PANTAI", name="Pantai kotor")
    both(client, "services/PANTAI", {"jurisdiction_id": "kota-contoh"})
    both(client, "services/PANTAI", TNG, status=404)


def test_unknown_jurisdiction_is_404(client, tangerang):
    body = both(client, "services", {"jurisdiction_id": "kota-atlantis"}, status=404)
    assert "jurisdiction_id" in descriptions(body)


def test_missing_jurisdiction_with_several_regions_is_400(client, tangerang, contoh):
    body = both(client, "services", {}, status=400)
    assert descriptions(body).startswith("jurisdiction_id:")


def test_errors_follow_the_callers_language(client, tangerang):
    response = client.get(
        "/open311/v2/services.json", {"jurisdiction_id": "x"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 404
    assert "Unknown region" in response.json()[0]["description"]


def test_unknown_resource_answers_in_open311_shape(client, tangerang):
    response = client.get("/open311/v2/nothing-here.xml")
    assert response.status_code == 404 and response.content.startswith(b"<?xml")
    assert client.get("/open311/v2/nothing").json()[0]["code"] == 404


def test_wrong_method_is_405_with_allow(client, tangerang):
    response = client.post("/open311/v2/services.json", TNG)
    assert response.status_code == 405 and response["Allow"] == "GET"
    validate("errors", response.json())
    assert client.head("/open311/v2/services.json", TNG).status_code == 200
