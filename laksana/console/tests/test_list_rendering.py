"""The lists' filter options and rows, written from prepared values (issue 20): what the page
shows is what the template loops and tags showed, selected options stay selected, every name is
escaped, and an administrator's change shows at once in this process."""

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from laksana.agencies.models import Category
from laksana.complaints.models import Status
from laksana.console import rows
from laksana.console.options import Options, filter_choices

from .conftest import url

pytestmark = pytest.mark.django_db


def _options(choices, selected="") -> str:
    template = Template("{% load console %}{% options choices selected %}")
    return template.render(Context({"choices": choices, "selected": selected}))


def test_options_mark_the_selected_values_and_escape_values_and_labels():
    pairs = [("A&B", 'Jalan "rusak" <b>'), ("PJU", "Lampu"), ("X", "Lain")]
    want = (
        '<option value="A&amp;B">Jalan &quot;rusak&quot; &lt;b&gt;</option>'
        '<option value="PJU" selected>Lampu</option>'
        '<option value="X">Lain</option>'
    )
    # The region's choices, written once per process, and plain pairs give the same markup.
    assert _options(Options(pairs), "PJU") == _options(pairs, "PJU") == want
    assert _options(pairs, ["PJU", "X"]).count(" selected") == 2
    assert " selected" not in _options(Options(pairs), "")
    # A list of statuses selects each value, never a value that merely contains one.
    assert _options(Status.choices, ["verified"]).count(" selected") == 1


def test_the_filter_form_keeps_what_was_chosen_and_escapes_category_names(
    client, operator, tangerang
):
    Category.objects.filter(region=tangerang, code="PJU").update(name="Lampu <mati> & padam")
    client.force_login(operator.user)
    query = "?category=PJU&status=verified&status=dispatched&kecamatan=36.71.03"
    html = client.get(url(tangerang.slug, "laporan") + query).content.decode()
    assert '<option value="PJU" selected>Lampu &lt;mati&gt; &amp; padam</option>' in html
    assert '<option value="verified" selected>' in html
    assert '<option value="dispatched" selected>' in html
    assert '<option value="36.71.03" selected>' in html
    assert "<mati>" not in html


def test_a_category_renamed_in_this_process_shows_at_once(client, operator, tangerang):
    client.force_login(operator.user)
    page = url(tangerang.slug, "laporan")
    assert "Lampu jalan padam" not in client.get(page).content.decode()
    category = Category.objects.get(region=tangerang, code="PJU")
    category.name = "Lampu jalan padam"
    category.save()  # saving drops the process's choices (laksana.common.configcache)
    assert '<option value="PJU">Lampu jalan padam</option>' in client.get(page).content.decode()


def test_filter_choices_are_read_once_and_only_the_regions(tangerang, contoh):
    first = filter_choices(tangerang)
    with CaptureQueriesContext(connection) as queries:
        assert filter_choices(tangerang) is first
    assert len(queries) == 0
    codes = {value for value, _off, _on in filter_choices(contoh).kecamatan.items}
    assert codes and not codes & {value for value, _off, _on in first.kecamatan.items}


def test_a_list_row_shows_what_the_desk_row_shows_of_a_complaint(submit, operator, tangerang):
    complaint, _token = submit(description="Jalan berlubang.\nSudah seminggu.")
    r = rows.rows([complaint], region=tangerang, masked=False)[0]
    assert r["url"] == reverse(
        "console:complaint", kwargs={"region_slug": tangerang.slug, "number": complaint.number}
    )
    summary = Template('{% include "console/_summary.html" %}').render(Context({"r": r}))
    listed = Template('{% include "console/_rows.html" %}').render(
        Context({"rows": [r], "region": tangerang, "operator": True, "queue": "inbox"})
    )
    assert summary.strip() in listed  # the list writes the summary cell out, the same
    assert "Jalan berlubang." in summary and "Sudah seminggu" not in summary


def test_complaint_addresses_are_quoted_as_reverse_quotes_them(tangerang):
    url_of = rows._complaint_url(tangerang)
    for number in ("TNG-2611-000123", "LAPOR 12", "a&b?c#d", "ü"):
        assert url_of(number) == reverse(
            "console:complaint", kwargs={"region_slug": tangerang.slug, "number": number}
        )


def test_rows_name_category_agency_and_area_without_a_query_per_row(
    client, in_state, operator, tangerang
):
    road = in_state("dispatched")
    client.force_login(operator.user)
    page = url(tangerang.slug, "laporan")
    client.get(page)  # the region's names are kept after this
    with CaptureQueriesContext(connection) as few:
        html = client.get(page).content.decode()
    for name in (road.category.name, road.agency.short_name, road.area.name):
        assert name in html
    assert road.area.parent.name in html
    for _ in range(3):
        in_state("dispatched")
    with CaptureQueriesContext(connection) as more:
        client.get(page)
    assert len(more) == len(few)
    # An agency made inactive since keeps its name on the rows it holds.
    road.agency.is_active = False
    road.agency.save()
    assert road.agency.short_name in client.get(page).content.decode()


def test_the_menu_offers_the_other_regions_a_person_works_in(client, operator, tangerang, contoh):
    from laksana.agencies.models import Membership

    client.force_login(operator.user)
    page = url(tangerang.slug, "kotak-masuk")
    assert f'href="/{contoh.slug}/console/"' not in client.get(page).content.decode()
    Membership.objects.create(user=operator.user, region=contoh, role="viewer")
    html = client.get(page).content.decode()  # the membership saved here drops what was kept
    assert f'<a href="/{contoh.slug}/console/">{contoh.name}</a>' in html
    assert f'href="/{tangerang.slug}/console/">{tangerang.name}</a>' not in html
