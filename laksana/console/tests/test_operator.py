"""The operator's work: inbox, verify, reject with templates, duplicates, aspirations, privacy,
and stale forms."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from laksana.complaints import services
from laksana.complaints.models import Complaint, Event
from laksana.console.models import RejectionTemplate

from .conftest import url

pytestmark = pytest.mark.django_db


def _numbers_in_order(html: str, numbers: list[str]) -> list[str]:
    return sorted(numbers, key=html.index)


def test_inbox_lists_new_complaints_oldest_first_with_their_deadline(
    client, submit, operator, tangerang
):
    with time_machine.travel("2026-11-02 02:00:00+00:00", tick=False):
        older, _t = submit()
    with time_machine.travel("2026-11-03 02:00:00+00:00", tick=False):
        newer, _t = submit(description="Lampu jalan mati di gang Melati sejak kemarin.")
        verified = services.verify(staff=operator, complaint=submit()[0])
    Complaint.objects.filter(pk=older.pk).update(next_deadline=timezone.now() - timedelta(hours=5))
    Complaint.objects.filter(pk=newer.pk).update(
        next_deadline=timezone.now() + timedelta(days=2, hours=3)
    )
    client.force_login(operator.user)
    html = client.get(url(tangerang.slug, "kotak-masuk")).content.decode()
    assert _numbers_in_order(html, [newer.number, older.number]) == [older.number, newer.number]
    assert verified.number not in html
    assert "lewat 5 jam" in html and "deadline-late" in html
    assert "sisa 2 hari" in html


def test_verify_sets_classification_and_title_but_keeps_the_citizens_words(
    client, submit, operator, tangerang
):
    c, _t = submit(description="Jalan  berlubang dalam, bahaya!! no hp 081234567890")
    client.force_login(operator.user)
    response = client.post(
        url(tangerang.slug, "laporan", c.number, "verify"),
        {
            "version": c.version,
            "title": "Jalan berlubang di Sukarasa",
            "category": "DRAINASE",
            "area": c.area.code,
            "priority": "3",
        },
    )
    assert response.status_code == 302
    c.refresh_from_db()
    assert (c.status, c.title, c.category.code, c.priority) == (
        "verified",
        "Jalan berlubang di Sukarasa",
        "DRAINASE",
        3,
    )
    assert c.description == "Jalan  berlubang dalam, bahaya!! no hp 081234567890"
    event = Event.objects.filter(complaint=c).last()
    assert event.type == "verified" and event.actor == operator.user


def test_reject_offers_the_regions_templates_and_accepts_one_without_javascript(
    client, submit, operator, tangerang, contoh
):
    RejectionTemplate.objects.create(region=tangerang, title="Ganda", text="Sudah dilaporkan.")
    RejectionTemplate.objects.create(region=contoh, title="Lain", text="Wilayah lain.")
    c, _t = submit()
    client.force_login(operator.user)
    page = client.get(url(tangerang.slug, "laporan", c.number)).content.decode()
    assert "Sudah dilaporkan." in page and "Wilayah lain." not in page
    client.post(
        url(tangerang.slug, "laporan", c.number, "reject"),
        {"version": c.version, "reason": "", "reason_template": "Sudah dilaporkan."},
    )
    c.refresh_from_db()
    assert c.status == "rejected"
    assert Event.objects.filter(complaint=c, type="rejected").get().text == "Sudah dilaporkan."


def test_rejection_templates_are_edited_in_the_console(client, operator, tangerang):
    client.force_login(operator.user)
    base = url(tangerang.slug, "templat", "alasan-tolak")
    assert client.post(base, {"title": "", "text": ""}).status_code == 422
    client.post(base, {"title": "Spam", "text": "Bukan laporan.", "order": "2"})
    template = RejectionTemplate.objects.get(region=tangerang)
    client.post(f"{base}{template.pk}/", {"title": "Spam", "text": "Pesan iklan.", "order": "1"})
    template.refresh_from_db()
    assert template.text == "Pesan iklan."
    client.post(f"{base}{template.pk}/", {"delete": "1"})
    assert not RejectionTemplate.objects.exists()


def test_duplicate_candidates_are_nearby_same_category_recent_or_similar_text(
    client, submit, operator, tangerang
):
    with time_machine.travel("2026-11-10 02:00:00+00:00", tick=False):
        near, _t = submit(lat=-6.1730, lng=106.6320)  # ~30 m away, same category
        far, _t = submit(lat=-6.1800, lng=106.6318, description="Aspal mengelupas parah sekali.")
        other_kind, _t = submit(
            category_code="SAMPAH", description="Tumpukan sampah di pasar belum diangkut."
        )
        worded, _t = submit(
            category_code="DRAINASE",
            lat=-6.19,
            lng=106.64,
            description="Lubang besar dalam di depan SDN 3 membuat motor terjatuh.",
        )
    with time_machine.travel("2026-10-01 02:00:00+00:00", tick=False):
        old, _t = submit(lat=-6.1729, lng=106.6319)
    with time_machine.travel("2026-11-12 02:00:00+00:00", tick=False):
        c, _t = submit(description="Lubang besar dan dalam di depan SDN 3, motor bisa jatuh.")
    client.force_login(operator.user)
    html = client.get(url(tangerang.slug, "laporan", c.number)).content.decode()
    merge_form = html[html.index("Tandai duplikat") :]
    assert near.number in merge_form and worded.number in merge_form
    for absent in (far, other_kind, old):
        assert absent.number not in merge_form
    client.post(
        url(tangerang.slug, "laporan", c.number, "merge"),
        {"version": c.version, "duplicate_of": near.number},
    )
    c.refresh_from_db()
    assert c.status == "duplicate" and c.duplicate_of_id == near.pk


def test_aspiration_is_acknowledged(client, submit, operator, tangerang):
    c, _t = submit(kind="aspirasi", description="Usul taman bermain di RW 05 Sukarasa.")
    client.force_login(operator.user)
    page = client.get(url(tangerang.slug, "laporan", c.number)).content.decode()
    assert "Catat aspirasi" in page
    client.post(
        url(tangerang.slug, "laporan", c.number, "acknowledge"),
        {"version": c.version, "text": "Terima kasih, usulan dicatat."},
    )
    assert Complaint.objects.get(pk=c.pk).status == "noted"


def test_privacy_can_only_be_strengthened(client, submit, operator, tangerang):
    c, _t = submit()
    client.force_login(operator.user)
    act = url(tangerang.slug, "laporan", c.number, "privacy")
    client.post(act, {"version": c.version, "anonymous": "1"})
    c.refresh_from_db()
    assert c.is_anonymous
    page = client.get(url(tangerang.slug, "laporan", c.number)).content.decode()
    assert 'name="anonymous"' not in page  # nothing on the page can turn it back
    response = client.post(act, {"version": c.version})  # nothing to strengthen
    assert response.status_code == 422
    assert "Tidak ada perubahan privasi." in response.content.decode()
    assert Complaint.objects.get(pk=c.pk).is_anonymous


def test_stale_form_gets_a_clear_message_in_place_and_changes_nothing(
    client, submit, operator, tangerang
):
    c, _t = submit()
    seen = c.version
    services.verify(staff=operator, complaint=c, title="Sudah diverifikasi orang lain")
    client.force_login(operator.user)
    response = client.post(
        url(tangerang.slug, "laporan", c.number, "reject"),
        {"version": seen, "reason": "Spam"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert body.lstrip().startswith('<article id="complaint"')  # the fragment htmx swaps in
    assert "baru saja diubah oleh orang lain" in body and 'role="alert"' in body
    assert Complaint.objects.get(pk=c.pk).status == "verified"
    plain = client.post(
        url(tangerang.slug, "laporan", c.number, "reject"), {"version": seen, "reason": "Spam"}
    )
    assert plain.status_code == 409 and "<html" in plain.content.decode()
