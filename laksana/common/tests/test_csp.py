"""Every kind of response carries a Content-Security-Policy that lets no inline script run."""

import pytest

from laksana.testing.personas import staff

pytestmark = pytest.mark.django_db

PUBLIC = [
    "/",
    "/kota-tangerang/",
    "/kota-tangerang/lapor/",
    "/kota-tangerang/console/",
    "/admin/login/",
    "/api/v1/docs",
    "/api/v1/openapi.json",
    "/open311/v2/services.json?jurisdiction_id=kota-tangerang",
    "/tidak-ada-halaman-ini/",
]
STAFF = ["/kota-tangerang/console/", "/kota-tangerang/live/", "/kota-tangerang/field/"]


def _script_sources(response) -> list[str]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{response.request['PATH_INFO']} has no Content-Security-Policy"
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in header.split(";") if part.strip()
    )
    assert directives.get("object-src") == "'none'"
    return directives["script-src"].split()


def _check(response) -> None:
    sources = _script_sources(response)
    assert "'self'" in sources
    assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources, sources


@pytest.mark.parametrize("path", PUBLIC)
def test_public_pages_and_errors_carry_a_policy_without_inline_script(client, tangerang, path):
    _check(client.get(path))


@pytest.mark.parametrize("path", STAFF)
def test_staff_pages_carry_a_policy_without_inline_script(client, tangerang, path):
    client.force_login(staff("csp-operator", tangerang, "operator").user)
    response = client.get(path, follow=True)
    assert response.status_code == 200, path
    _check(response)
