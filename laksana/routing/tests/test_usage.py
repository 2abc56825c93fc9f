"""Every suggestion shown is recorded with whether it was taken: the accuracy in real use."""

import pytest

from laksana.complaints import services as lifecycle
from laksana.complaints.models import Complaint
from laksana.console.tests.conftest import url
from laksana.routing import usage
from laksana.routing.models import ShownSuggestion
from laksana.routing.tests.test_routing import trained
from laksana.testing.personas import staff

pytestmark = pytest.mark.django_db

STREET_LIGHT = "lampu pju mati, jalan gelap rawan begal"


def _page(client, user, region, number) -> str:
    client.force_login(user)
    response = client.get(url(region.slug, "laporan", number))
    assert response.status_code == 200
    return response.content.decode()


def test_a_suggestion_shown_in_the_form_is_recorded_once_with_what_it_said(
    client, tangerang, submit, operator
):
    trained(tangerang)
    c, _t = submit(category_code="LAINNYA", description=STREET_LIGHT)
    _page(client, operator.user, tangerang, c.number)
    _page(client, operator.user, tangerang, c.number)  # shown again: still one record
    shown = ShownSuggestion.objects.get(complaint=c)
    assert (shown.via, shown.category, shown.agency) == ("form", "PJU", "PERKIMTAN")
    assert 0.5 <= shown.agency_confidence <= 1 and shown.region_id == tangerang.pk
    assert shown.category_taken is None and shown.agency_taken is None


def test_verifying_through_the_form_records_that_the_suggestion_was_taken(
    client, tangerang, submit, operator
):
    trained(tangerang)
    c, _t = submit(category_code="LAINNYA", description=STREET_LIGHT)
    _page(client, operator.user, tangerang, c.number)
    response = client.post(
        url(tangerang.slug, "laporan", c.number, "verify"),
        {"category": "PJU", "agency": "PERKIMTAN", "then": "dispose", "version": c.version},
    )
    assert response.status_code in (200, 302), response.content
    shown = ShownSuggestion.objects.get(complaint=c)
    assert shown.category_taken is True and shown.agency_taken is True
    assert Complaint.objects.get(pk=c.pk).status == "dispatched"  # the lifecycle wrote it


def test_a_suggestion_overruled_by_the_operator_counts_as_not_taken(
    client, tangerang, submit, operator
):
    trained(tangerang)
    c, _t = submit(category_code="LAINNYA", description=STREET_LIGHT)
    _page(client, operator.user, tangerang, c.number)
    c = lifecycle.verify(staff=operator, complaint=c)  # keeps the citizen's LAINNYA
    lifecycle.dispose(staff=operator, complaint=c, agency_code="PUPR")
    shown = ShownSuggestion.objects.get(complaint=c)
    assert shown.category_taken is False and shown.agency_taken is False


def test_the_final_agency_is_the_one_that_accepted_after_a_return(
    client, tangerang, submit, operator, pupr
):
    trained(tangerang)
    perkimtan = staff("perkimtan-tng", tangerang, "agency_staff", "PERKIMTAN")
    dlh = staff("dlh-tng", tangerang, "agency_staff", "DLH")
    right, _t = submit(category_code="LAINNYA", description=STREET_LIGHT)
    wrong, _t = submit(category_code="LAINNYA", description="lampu pju mati total di gang")
    for c in (right, wrong):
        _page(client, operator.user, tangerang, c.number)
    right = lifecycle.verify(staff=operator, complaint=right)
    right = lifecycle.dispose(staff=operator, complaint=right, agency_code="PUPR")
    right = lifecycle.return_to_operator(staff=pupr, complaint=right, reason="Bukan wewenang")
    right = lifecycle.dispose(staff=operator, complaint=right, agency_code="PERKIMTAN")
    lifecycle.accept(staff=perkimtan, complaint=right)
    wrong = lifecycle.verify(staff=operator, complaint=wrong)
    wrong = lifecycle.dispose(staff=operator, complaint=wrong, agency_code="PERKIMTAN")
    wrong = lifecycle.forward(staff=perkimtan, complaint=wrong, agency_code="DLH", reason="DLH")
    lifecycle.accept(staff=dlh, complaint=wrong)
    right_row = ShownSuggestion.objects.get(complaint=right)
    wrong_row = ShownSuggestion.objects.get(complaint=wrong)
    # Operator's first choice (PUPR) was not the suggestion, but the suggestion was right.
    assert (right_row.agency_taken, right_row.final_agency) == (False, "PERKIMTAN")
    assert (wrong_row.agency_taken, wrong_row.final_agency) == (True, "DLH")
    figure = usage.real_use(tangerang)
    assert figure["shown"] == 2 and figure["agency_taken_share"] == 0.5
    assert figure["final_known"] == 2 and figure["final_agency_top1"] == 0.5


def test_bulk_acceptance_and_the_api_record_what_they_showed(client, tangerang, submit, operator):
    from laksana.complaints.tests.test_staff_api import api_token

    trained(tangerang)
    bulk, _t = submit(category_code="LAINNYA", description="lampu pju mati jalan gelap gulita")
    api, _t = submit(category_code="LAINNYA", description="lampu pju mati sudah seminggu")
    token = api_token(client, operator.user)
    path = f"/api/v1/regions/{tangerang.slug}/staff/complaints/{api.number}"
    assert client.get(path, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    client.force_login(operator.user)
    client.post(
        url(tangerang.slug, "massal"),
        {"numbers": [bulk.number], "mode": "suggest", "min_confidence": "50"},
    )
    assert ShownSuggestion.objects.get(complaint=api).via == "api"
    row = ShownSuggestion.objects.get(complaint=bulk)
    assert row.via == "bulk" and row.agency_taken is True and row.category_taken is True


def test_a_decided_complaint_is_not_recorded_as_shown(tangerang, submit, operator):
    from laksana.routing.services import safe_suggest_for

    trained(tangerang)
    c, _t = submit(description=STREET_LIGHT)
    c = lifecycle.verify(staff=operator, complaint=c)
    c = lifecycle.dispose(staff=operator, complaint=c, agency_code="PUPR")
    assert safe_suggest_for(c, shown="api") is not None
    assert not ShownSuggestion.objects.filter(complaint=c).exists()


def test_the_routing_page_shows_the_figure_to_admins_and_leaders_only_of_their_region(
    client, tangerang, contoh, submit, operator, other_operator
):
    trained(tangerang)
    c, _t = submit(category_code="LAINNYA", description=STREET_LIGHT)
    _page(client, operator.user, tangerang, c.number)
    lifecycle.verify(staff=operator, complaint=c, category_code="PJU")
    page = url(tangerang.slug, "saran-rute")
    for role in ("region_admin", "viewer"):
        who = staff(f"{role}-routing", tangerang, role)
        client.force_login(who.user)
        response = client.get(page)
        html = response.content.decode()
        assert response.status_code == 200
        assert "Akurasi saran dalam pemakaian nyata" in html
        assert "100% (1/1)" in html  # the category taken, in both columns
        assert f'href="{page}"' in html  # in the staff menu
    client.force_login(operator.user)
    assert client.get(page).status_code == 403
    outsider = staff("admin-contoh-routing", contoh, "region_admin")
    client.force_login(outsider.user)
    assert client.get(page).status_code == 404
    own = client.get(url(contoh.slug, "saran-rute")).content.decode()
    assert "100% (1/1)" not in own and "–" in own
