"""Stored XSS, tested as an attacker would: every stored text a region admin or a citizen can set
holds a script payload, and every page and panel is opened as every role in Chromium. Any script
run, dialog or CSP violation fails, naming the page and the field (see laksana.testing.payloads)."""

import os

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Error as PlaywrightError

from laksana.accounts import staffing
from laksana.accounts.services import create_token
from laksana.agencies.models import Agency, Category
from laksana.complaints import services
from laksana.complaints.models import Complaint
from laksana.console.models import RejectionTemplate, ResponseTemplate, SavedFilter
from laksana.console.navigation import places
from laksana.dispatch import assignments, roster
from laksana.dispatch.models import Assignment, Desk, FieldOfficer
from laksana.live.tests.conftest import live_connections_closed, served  # noqa: F401
from laksana.live.tests.support import session_cookie
from laksana.notify.models import WebhookEndpoint
from laksana.regions.models import Area
from laksana.sla.models import DayOverride, RegionPolicy
from laksana.testing.browser import launch_chromium, playwright_session
from laksana.testing.payloads import Watch, payload
from laksana.testing.personas import IN_TANGERANG, staff

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = pytest.mark.django_db(transaction=True)
SLUG = "kota-tangerang"


def _poison(region):
    """Every stored text of the region gets a payload; returns (public number, token)."""
    region.name = payload("region name", limit=200)
    # 16 characters hold no script call; this at least breaks out of any script or attribute.
    region.emergency_number = '"></script><b>'

    region.save()
    for agency in Agency.objects.filter(region=region):
        agency.short_name = payload(f"agency {agency.code} short name", limit=80)
        agency.name = payload(f"agency {agency.code} name")
        agency.save()
    for category in Category.objects.filter(region=region):
        category.name = payload(f"category {category.code} name")
        category.group = payload(f"category {category.code} group", limit=80)
        category.description = payload(f"category {category.code} description")
        category.save()
    for area in Area.objects.filter(region=region):
        area.name = payload(f"area {area.code} name", limit=120)
        area.save()
    people = {
        "operator": staff("xss-operator", region, "operator"),
        "liaison": staff("xss-liaison", region, "agency_staff", "PUPR"),
        "officer": staff("xss-officer", region, "field_officer", "PUPR"),
        "leader": staff("xss-leader", region, "viewer"),
        "admin": staff("xss-admin", region, "region_admin"),
    }
    for role, member in people.items():
        User.objects.filter(pk=member.user.pk).update(
            first_name=payload(f"{role} first name", limit=150),
            last_name=payload(f"{role} last name", limit=150),
            is_staff=role == "admin",
        )
    RejectionTemplate.objects.create(
        region=region, title=payload("rejection title", limit=100), text=payload("rejection text")
    )
    ResponseTemplate.objects.create(
        region=region,
        agency=Agency.objects.get(region=region, code="PUPR"),
        title=payload("response title", limit=100),
        text=payload("response text"),
    )
    operator, liaison = people["operator"], people["liaison"]
    result = services.submit(
        region=region,
        category_code="JALAN-RUSAK",
        description=payload("complaint description"),
        address=payload("complaint address"),
        reporter_name=payload("reporter name", limit=120),
        phone="081234567890",
        lat=IN_TANGERANG[0],
        lng=IN_TANGERANG[1],
    )
    complaint = result.complaint
    complaint = services.verify(staff=operator, complaint=complaint)
    complaint = services.dispose(
        staff=operator, complaint=complaint, agency_code="PUPR", note=payload("disposition note")
    )
    complaint = services.accept(staff=liaison, complaint=complaint)
    complaint = services.respond(staff=liaison, complaint=complaint, text=payload("response"))
    services.note(staff=liaison, complaint=complaint, text=payload("internal note"))
    officer = FieldOfficer.objects.get(region=region, user=people["officer"].user)
    task = assignments.assign(
        staff=liaison,
        complaint=complaint,
        officers=[officer],
        instructions=payload("assignment instructions"),
    )[0]
    Complaint.objects.filter(pk=complaint.pk).update(
        attributes={"payload": payload("complaint attribute value")},
        title=payload("complaint title", limit=200),
    )
    Assignment.objects.filter(pk=task.pk).update(notes=payload("field task notes"))
    citizen = _citizen_round(region, operator, liaison)
    roster.ensure_desks(region)
    for desk in Desk.objects.filter(region=region):
        desk.name = payload(f"desk {desk.pk} name", limit=120)
        desk.save()
    invitation = _poison_settings(region, people)
    return people, complaint, result.token, task, citizen, invitation


def _poison_settings(region, people):
    """The names people give to things: invitations, saved filters, webhooks, API tokens and the
    region's own days off. Returns the invitation's token (its page is public)."""
    for role, member in people.items():
        SavedFilter.objects.create(
            region=region,
            user=member.user,
            name=payload(f"{role} saved filter name", limit=80),
            query="status=submitted",
        )
    create_token(user=people["admin"].user, name=payload("API token name", limit=100))
    WebhookEndpoint.objects.create(
        region=region, name=payload("webhook name", limit=120), url="https://example.org/hook"
    )
    policy = RegionPolicy.objects.filter(region=region).first() or RegionPolicy.objects.create(
        region=region
    )
    DayOverride.objects.create(
        policy=policy, date="2026-12-24", note=payload("day off note", limit=200)
    )
    return staffing.invite(
        admin=people["admin"],
        email="undangan@example.org",
        role="operator",
        name=payload("invitation name", limit=150),
    ).token


def _citizen_round(region, operator, liaison):
    """A second complaint through the citizen's own steps: an answer, a reopen and a rating."""
    Category.objects.filter(region=region, code="DRAINASE").update(needs_photo_to_resolve=False)
    result = services.submit(
        region=region,
        category_code="DRAINASE",
        description=payload("second complaint description"),
        lat=IN_TANGERANG[0],
        lng=IN_TANGERANG[1],
    )
    c = services.verify(staff=operator, complaint=result.complaint)
    c = services.dispose(staff=operator, complaint=c, agency_code="PUPR")
    c = services.accept(staff=liaison, complaint=c)
    c = services.ask_reporter(staff=liaison, complaint=c, question=payload("question"))
    c = services.answer(complaint=c, text=payload("citizen answer"))
    c = services.resolve(staff=liaison, complaint=c, response=payload("resolution"))
    c = services.reopen(complaint=c, reason=payload("reopen reason"))
    c = services.resolve(staff=liaison, complaint=c, response=payload("second resolution"))
    services.rate(complaint=c, rating=2, comment=payload("rating comment"))
    return c.number, result.token


def test_no_stored_text_runs_as_script_on_any_page_for_any_role(served, tangerang):  # noqa: F811
    people, complaint, token, task, (second, second_token), invitation = _poison(tangerang)
    number = complaint.number
    cookies = {role: session_cookie(member.user) for role, member in people.items()}
    # Each role's own menu first, so a page added to the navigation is covered unasked.
    menus = {role: [p.url for p in places(member, "/")] for role, member in people.items()}
    base = f"/{SLUG}"
    public = [
        "/",
        f"{base}/",
        f"{base}/lapor/",
        f"{base}/laporan/",
        f"{base}/laporan/{number}/",
        f"{base}/lacak/{token}/",
        f"{base}/lapor/terkirim/{token}/",
        f"{base}/lacak/nomor/{number}/",
        f"{base}/laporan/{second}/",
        f"{base}/lacak/{second_token}/",
        f"{base}/console/undangan/{invitation}/",
    ]
    console = [
        f"{base}/console/",
        f"{base}/console/kotak-masuk/",
        f"{base}/console/siap-disposisi/",
        f"{base}/console/meja-opd/",
        f"{base}/console/laporan/",
        f"{base}/console/laporan/{number}/",
        f"{base}/console/laporan/{second}/",
        f"{base}/console/templat/alasan-tolak/",
        f"{base}/console/templat/tanggapan/",
        f"{base}/console/staf/",
        f"{base}/live/",
        f"{base}/live/desk/PUPR/",
        f"{base}/field/",
        f"{base}/field/assign/{number}/",
        f"{base}/field/officers/",
        f"{base}/field/tasks/{task.pk}/",
        f"{base}/field/roster/",
        f"{base}/field/roster/history/",
        f"{base}/field/roster/report/",
        "/api/v1/docs",
    ]
    admin = [
        "/admin/",
        "/admin/agencies/agency/",
        "/admin/agencies/category/",
        "/admin/agencies/membership/",
        "/admin/complaints/complaint/",
        "/admin/regions/region/",
        "/admin/regions/area/",
        f"/admin/complaints/complaint/{complaint.pk}/change/",
        f"/admin/regions/region/{tangerang.pk}/change/",
        f"/admin/agencies/agency/{Agency.objects.get(region=tangerang, code='PUPR').pk}/change/",
        f"/admin/agencies/category/{complaint.category_id}/change/",
        f"/admin/regions/area/{complaint.area_id}/change/",
        "/admin/notify/webhookendpoint/",
        f"/admin/notify/webhookendpoint/{WebhookEndpoint.objects.get(region=tangerang).pk}/change/",
        "/admin/accounts/apitoken/",
        "/admin/sla/dayoverride/",
        "/admin/sla/regionpolicy/",
    ]
    watch = Watch()
    opened = dict.fromkeys(["citizen", *people], 0)
    live_lat = -6.15  # the live complaints' places, southwards from the reports above
    with playwright_session() as playwright:
        browser = launch_chromium(playwright)
        try:
            visits = [("citizen", None, public)] + [
                (role, cookies[role], menus[role] + console + (admin if role == "admin" else []))
                for role in people
            ]
            for role, cookie, paths in visits:
                context = browser.new_context(locale="id-ID")
                watch.attach(context, role)
                if cookie:
                    context.add_cookies(
                        [{"name": "sessionid", "value": cookie, "url": served.base}]
                    )
                page = context.new_page()
                for path in paths:
                    try:
                        response = page.goto(served.base + path, wait_until="load")
                    except PlaywrightError:
                        continue  # a page this role may not open may answer with an empty 403
                    if path.endswith("/live/") and role == "operator" and response.ok:
                        # A live event while the wall is open: a new complaint with payload text.
                        page.wait_for_selector('#wall-mode[data-state="live"]')
                        # 2 km from every other report (the wall opens more than once): a row
                        # of its own, not folded into another's as "+1 laporan serupa".
                        live_lat -= 0.02
                        live_number = served.submit(
                            lat=live_lat,
                            lng=106.64,
                            description=payload("live complaint description"),
                            name=payload("live reporter name", limit=120),
                        )
                        page.wait_for_selector(f'#incoming li[data-number="{live_number}"]')
                    watch.check(page, role, path)
                    opened[role] += response is not None and response.ok
                context.close()
        finally:
            browser.close()
    assert not watch.problems, "\n".join(watch.problems)
    # Every role saw pages with the payloads, not only refusals.
    assert all(n >= 5 for n in opened.values()), opened
