"""Adoption as a person does it (issue 17, figures): the platform administrator adopts Kabupaten
Luwu Timur from the admin's form in Chromium and gets the new admin's invitation link, then a
citizen's complaint is located, routed and accepted over HTTP. The machine time from the form's
submit to the acceptance is printed (target ≤ 30 s; no timing is asserted)."""

import json
import os
import time

import pytest
from django.contrib.auth.models import User
from shapely.geometry import shape

from laksana.accounts.services import create_token
from laksana.agencies.models import Role
from laksana.live.tests.conftest import live_connections_closed, served  # noqa: F401
from laksana.live.tests.support import session_cookie
from laksana.regions import national
from laksana.regions.models import Region
from laksana.regions.services import _geometry
from laksana.testing.browser import launch_chromium, playwright_session
from laksana.testing.personas import PASSWORD, person

from .test_adoption import boundary_features

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = pytest.mark.django_db(transaction=True)


def _api(page, base, method, path, body, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    response = page.request.fetch(
        base + path, method=method, data=json.dumps(body), headers=headers
    )
    assert response.ok, (path, response.status, response.text()[:500])
    return response.json()


def test_a_platform_admin_adopts_luwu_timur_and_its_first_complaint_is_accepted(
    served,  # noqa: F811
    tangerang,
    capsys,
):
    _geometry.clear()
    platform = User.objects.create_superuser("platform", "platform@example.go.id", PASSWORD)
    cookie = session_cookie(platform)
    maleku = next(
        f
        for f in boundary_features(national.bundled_kelurahan_boundaries("73.24"))
        if f["properties"]["kode"] == "73.24.01.2001"
    )
    point = shape(maleku["geometry"]).representative_point()
    with playwright_session() as playwright:
        browser = launch_chromium(playwright)
        try:
            context = browser.new_context(locale="id-ID")
            context.add_cookies([{"name": "sessionid", "value": cookie, "url": served.base}])
            page = context.new_page()
            page.goto(served.base + "/admin/regions/region/")
            page.get_by_role("link", name="Adopsi kabupaten/kota").click()
            page.locator('input[name="region"]').fill("73.24 Kabupaten Luwu Timur")
            page.locator('input[name="shipped_boundaries"]').check()
            page.locator('input[name="admin_email"]').fill("kominfo@luwutimurkab.go.id")
            started = time.monotonic()
            page.locator('input[name="region"]').press("Enter")
            link = page.locator("#invitation-link")
            link.wait_for(timeout=120_000)
            adopted_in = time.monotonic() - started
            invitation = link.inner_text().strip() or link.get_attribute("href")
            assert "/kabupaten-luwu-timur/console/undangan/" in invitation
            region = Region.objects.get(code="73.24")

            # The operator and PUPR's liaison would be invited by the new admin; made here, with
            # their API tokens (what an integration or a phone app holds).
            _t, op = create_token(user=person("op-ltm", region, Role.OPERATOR), name="uji")
            liaison_user = person("pupr-ltm", region, Role.AGENCY_STAFF, "PUPR")
            _t, liaison = create_token(user=liaison_user, name="uji")
            citizen = browser.new_context(locale="id-ID").new_page()
            flow = time.monotonic()
            base = f"/api/v1/regions/{region.slug}"
            submitted = _api(
                citizen,
                served.base,
                "POST",
                base + "/complaints",
                {
                    "category": "JALAN-RUSAK",
                    "description": "Jalan desa berlubang besar di depan SD, bahaya buat motor.",
                    "lat": point.y,
                    "lng": point.x,
                },
            )
            number = submitted["number"]
            assert number.startswith("LTM-")

            staff = base + f"/staff/complaints/{number}"
            _api(citizen, served.base, "POST", staff + "/verify", {}, op)
            disposed = _api(citizen, served.base, "POST", staff + "/dispose", {}, op)
            accepted = _api(citizen, served.base, "POST", staff + "/accept", {}, liaison)
            routed_in = time.monotonic() - flow
            assert "PUPR" in json.dumps(disposed)  # routed by the category's agency function
            assert accepted["status"] == "in_progress"
            detail = citizen.request.get(
                served.base + staff, headers={"Authorization": f"Bearer {liaison}"}
            ).json()
            assert "Maleku" in json.dumps(detail)  # located in the desa the point is in
        finally:
            browser.close()
    with capsys.disabled():
        print(
            f"\nadoption: Luwu Timur adopted from the form in {adopted_in:.1f} s; its first "
            f"complaint located, routed and accepted in {routed_in:.1f} s "
            f"(total {adopted_in + routed_in:.1f} s of machine time)"
        )
