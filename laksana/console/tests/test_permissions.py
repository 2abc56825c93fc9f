"""The permission matrix: every staff page and staff API endpoint × every persona, from ONE table.

Personas: the seven roles in Kota Tangerang (agency roles in Dinas PUPR), staff of the other
region (Kota Contoh) and anonymous. Expected answers, derived from the table by `expected()`:
- allowed role: the page's success code (200, or 302 after a plain-form POST; the API's 200/201);
- anonymous: 302 to the sign-in page (console) or 401 (API);
- staff of the other region: 404, whatever the endpoint;
- own region, page not for the role: 403 (console pages check the role before anything else);
- own region, a complaint the role cannot see (agency roles before disposition, field officers in
  the API): 404; a complaint it sees but may not act on: 403 (from the lifecycle services).
"""

import pytest

from laksana.accounts.models import Invitation
from laksana.complaints.models import Complaint
from laksana.console.tests.permission_table import (
    CASES,
    HANDLERS,
    PERSONAS,
    TABLE,
    Ctx,
    expected,
)

pytestmark = pytest.mark.django_db


def _login(client, persona: str, tangerang, contoh):
    from laksana.testing.personas import staff

    if persona == "anonymous":
        return None
    if persona == "other_region":
        user = staff("op-contoh", contoh, "operator").user
    else:
        agency = "PUPR" if persona in HANDLERS | {"field_officer"} else None
        user = staff(f"{persona}-tng", tangerang, persona, agency).user
    client.force_login(user)
    return user


@pytest.mark.parametrize(("endpoint", "persona"), CASES, ids=[f"{e.name}-{p}" for e, p in CASES])
def test_permission_matrix(client, in_state, tangerang, contoh, media_root, endpoint, persona):
    ctx = Ctx(user=_login(client, persona, tangerang, contoh))
    # Anonymous callers are refused before any lookup, so they get a complaint that does not
    # exist (a missing sign-in check would then answer 404, not 302/401, and fail the case).
    # Staff of the other region always get the real thing: their 404 must come from the region.
    anonymous = persona == "anonymous"
    if endpoint.state and not anonymous:
        ctx.c = in_state(endpoint.state, **endpoint.fields)
    elif endpoint.state:
        ctx.c = Complaint(number="TNG-2611-999999", version=1)
    if endpoint.setup and not anonymous:
        endpoint.setup(ctx, tangerang)
    path = endpoint.path.format(
        slug=tangerang.slug, n=ctx.c.number if ctx.c else "", x=ctx.extra.get("x", "0")
    )
    ctx.other = ctx.other or ctx.c
    # Console pages refuse anonymous callers before reading a form; the API validates the body.
    data = {} if anonymous and not endpoint.api else endpoint.data(ctx)
    if endpoint.method == "GET":
        response = client.get(path)
    elif endpoint.api and "photo" not in data:
        response = client.post(path, data, content_type="application/json")
    else:
        response = client.post(path, data)
    want = expected(endpoint, persona)
    assert response.status_code == want, response.content.decode()[:600]
    if want == 302 and persona == "anonymous":
        assert response["Location"].startswith("/accounts/login/")


def test_matrix_covers_every_console_url_and_staff_api_route():
    """A new page or API route must be added to the table above (or this fails)."""
    from laksana.complaints.staff_api import router
    from laksana.console import urls

    api_routes = {
        (method, path)
        for path, view in router.path_operations.items()
        for op in view.operations
        for method in op.methods
    }
    tabled_api = {
        (e.method, "/regions/{slug}/staff/complaints" + e.path.split("complaints", 1)[1])
        for e in TABLE
        if e.api
    }
    normal = {(m, p.replace("{number}", "{n}").split("?")[0]) for m, p in api_routes}
    tabled = {(m, p.split("?")[0]) for m, p in tabled_api}
    assert normal == tabled
    console_names = {u.name for u in urls.urlpatterns} - {"invitation"}  # token is the permission
    covered = {
        "home", "inbox", "ready", "record", "desk", "working", "complaints", "complaint", "act",
        "bulk", "save_filter", "delete_filter", "rejection_templates", "rejection_template",
        "response_templates", "response_template", "staff", "staff_manage", "onboarding",
    }  # fmt: skip
    assert console_names == covered
    assert len(CASES) == len(TABLE) * len(PERSONAS)


def test_invitation_page_is_open_to_whoever_holds_the_link(client, tangerang):
    from laksana.accounts import staffing
    from laksana.testing.personas import staff

    admin = staff("adm-tng", tangerang, "region_admin")
    invited = staffing.invite(admin=admin, email="baru@example.id", role="viewer")
    assert client.get(f"/{tangerang.slug}/console/undangan/{invited.token}/").status_code == 200
    assert client.get(f"/{tangerang.slug}/console/undangan/salah/").status_code == 404
    assert client.get(f"/kota-contoh/console/undangan/{invited.token}/").status_code == 404
    assert Invitation.objects.count() == 1
