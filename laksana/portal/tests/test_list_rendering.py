"""The public list's filter form written without a template per option (issue 20): the same markup
as Django's own Select, selected values kept, names escaped; and the read pages' choices and rows
read without a query per row."""

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from laksana.agencies.models import Category
from laksana.portal import queries
from laksana.portal.forms import FilterForm, PlainSelect

pytestmark = pytest.mark.django_db

CHOICES = [
    ("", "Semua"),
    ("Jalan & <jembatan>", [("JALAN", 'Jalan "rusak"'), ("JEMBATAN", "Jembatan")]),
    ("PJU", "Lampu"),
    (3, 3000),  # not a string: formatted as the templates format it
]


class Plain(forms.Form):
    pick = forms.ChoiceField(choices=CHOICES, required=False, widget=PlainSelect)
    many = forms.MultipleChoiceField(
        choices=CHOICES,
        required=False,
        widget=type("M", (PlainSelect,), {"allow_multiple_selected": True}),
    )
    must = forms.ChoiceField(choices=CHOICES, help_text="Pilih satu.", widget=PlainSelect)


class Templated(forms.Form):
    pick = forms.ChoiceField(choices=CHOICES, required=False)
    many = forms.MultipleChoiceField(choices=CHOICES, required=False)
    must = forms.ChoiceField(choices=CHOICES, help_text="Pilih satu.")


@pytest.mark.parametrize(
    "data",
    [None, {"pick": "JALAN", "many": ["PJU", "JEMBATAN"], "must": ""}, {"pick": "<x>"}],
)
def test_plain_select_writes_what_djangos_select_templates_write(data):
    plain, templated = Plain(data), Templated(data)
    for name in ("pick", "many", "must"):  # errors (aria-invalid) and help texts included
        assert str(plain[name]) == str(templated[name])
    assert "&lt;jembatan&gt;" in str(plain["pick"]) and "&quot;rusak&quot;" in str(plain["pick"])


def test_the_public_filter_keeps_what_was_chosen_and_escapes_names(client, tangerang):
    Category.objects.filter(region=tangerang, code="PJU").update(name="Lampu <mati> & padam")
    html = client.get(f"/{tangerang.slug}/laporan/?kategori=PJU&status=verified").content.decode()
    assert '<option value="PJU" selected>Lampu &lt;mati&gt; &amp; padam</option>' in html
    assert '<option value="verified" selected>' in html
    assert "<mati>" not in html
    form = FilterForm(tangerang, {"kategori": "PJU", "status": "verified"})
    assert form.filters() == queries.Filters(category="PJU", status="verified")


def test_the_read_pages_choices_are_kept_and_dropped_on_a_change(tangerang):
    first = queries.choices(tangerang)
    with CaptureQueriesContext(connection) as read:
        assert queries.choices(tangerang) is first
    assert len(read) == 0
    category = Category.objects.get(region=tangerang, code="PJU")
    category.name = "Lampu jalan padam"
    category.save()
    names = {c["name"] for _group, cs in queries.choices(tangerang).categories for c in cs}
    assert "Lampu jalan padam" in names


def test_the_home_page_reads_no_region_per_complaint(
    client, submit, tangerang, publish_at_once, django_assert_max_num_queries
):
    for _ in range(5):
        submit()
    client.get(f"/{tangerang.slug}/")  # the headline and the choices are kept after this
    with django_assert_max_num_queries(2):  # the newest complaints (and nothing per row)
        html = client.get(f"/{tangerang.slug}/").content.decode()
    assert html.count('class="card complaint"') == 5
