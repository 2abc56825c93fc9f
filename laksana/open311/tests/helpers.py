"""Calling the Open311 endpoints and checking what they answer: schemas and XML == JSON."""

import json
from pathlib import Path
from xml.etree import ElementTree as ET

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

BASE = "/open311/v2/"
TNG = {"jurisdiction_id": "kota-tangerang"}
SCHEMAS = Path(__file__).parent / "schemas"
# Containers whose children are list items, as in the specification's XML examples.
LISTS = {
    "services",
    "service_requests",
    "service_request_updates",
    "attributes",
    "values",
    "endpoints",
    "formats",
    "notes",
    "photos",
    "errors",
}


def _registry() -> Registry:
    resources = []
    for path in SCHEMAS.glob("*.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((path.name, Resource.from_contents(schema)))
    return Registry().with_resources(resources)


REGISTRY = _registry()


def validate(schema_name: str, data) -> None:
    schema = json.loads((SCHEMAS / f"{schema_name}.json").read_text(encoding="utf-8"))
    Draft202012Validator(schema, registry=REGISTRY).validate(data)


def _from_xml(element: ET.Element):
    if element.tag in LISTS:
        return [_from_xml(child) for child in element]
    if len(element):
        return {child.tag: _from_xml(child) for child in element}
    return element.text or ""


def _as_text(value):
    """JSON as XML carries it: every scalar a string, null and "" alike empty."""
    if isinstance(value, dict):
        return {k: _as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_text(v) for v in value]
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def assert_same(json_body, xml_bytes: bytes) -> None:
    """The XML document is well-formed and holds exactly what the JSON holds."""
    root = ET.fromstring(xml_bytes)
    assert _from_xml(root) == _as_text(json_body)


def both(client, path: str, params: dict | None = None, *, status: int = 200):
    """GET path in JSON and XML; check both statuses and that the two agree. Returns the JSON."""
    params = params if params is not None else TNG
    as_json = client.get(f"{BASE}{path}.json", params)
    as_xml = client.get(f"{BASE}{path}.xml", params)
    assert as_json.status_code == status, as_json.content
    assert as_xml.status_code == status, as_xml.content
    assert as_json["Content-Type"].startswith("application/json")
    assert as_xml["Content-Type"].startswith("text/xml")
    body = as_json.json()
    assert_same(body, as_xml.content)
    if status >= 400:
        validate("errors", body)
    return body


def post_both(client, path: str, make_data, *, status: int = 200):
    """POST the same thing (fresh data from make_data()) as JSON and as XML. Returns both JSONs
    (the XML one converted) after checking they have the same shape."""
    as_json = client.post(f"{BASE}{path}.json", make_data())
    as_xml = client.post(f"{BASE}{path}.xml", make_data())
    assert as_json.status_code == status, as_json.content
    assert as_xml.status_code == status, as_xml.content
    root = ET.fromstring(as_xml.content)
    return as_json.json(), _from_xml(root)


def descriptions(body: list[dict]) -> str:
    return " | ".join(e["description"] for e in body)
