from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone, translation

from laksana.common import clock
from laksana.complaints import services
from laksana.complaints.models import Event
from laksana.notify import delivery
from laksana.notify.models import Notification
from laksana.notify.render import render
from laksana.sla.tests.scenarios import with_email

from .fakes import SENT_SMS

pytestmark = pytest.mark.django_db
CITIZEN = "warga@example.id"


def _told(**filters) -> list[str]:
    return list(
        Notification.objects.filter(**filters).order_by("id").values_list("event__type", flat=True)
    )


def test_outbox_row_commits_and_rolls_back_with_its_event(submit, operator):
    c, _token = submit(email=CITIZEN)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.verify(staff=operator, complaint=c)
        raise RuntimeError("the request failed after the transition")
    assert _told(complaint=c) == ["submitted"]
    assert not Event.objects.filter(complaint=c, type="verified").exists()
    services.verify(staff=operator, complaint=c)
    row = Notification.objects.get(event__type="verified")
    assert (row.recipient, row.status, row.audience) == (CITIZEN, "pending", "citizen")


def test_citizen_is_told_of_every_public_event_but_not_of_their_own_or_internal_ones(
    submit, operator, tangerang
):
    c, _token = submit(category_code="PARKIR-LIAR", email=CITIZEN)
    dishub = with_email("dishub-tng", tangerang, "agency_staff", "DISHUB")
    from laksana.agencies.services import staff_in

    handler = staff_in(dishub, tangerang)
    c = services.verify(staff=operator, complaint=c)
    c = services.dispose(staff=operator, complaint=c)
    c = services.note(staff=operator, complaint=c, text="Pantau minggu depan.")  # internal
    c = services.accept(staff=handler, complaint=c)
    c = services.ask_reporter(staff=handler, complaint=c, question="Jam berapa biasanya?")
    c = services.answer(complaint=c, text="Sore hari.")  # the citizen's own
    c = services.respond(staff=handler, complaint=c, text="Razia dijadwalkan Jumat.")
    c = services.resolve(staff=handler, complaint=c, response="Sudah ditertibkan.")
    c = services.reopen(complaint=c, reason="Masih ada.")  # the citizen's own
    assert _told(audience="citizen") == [
        "submitted",
        "verified",
        "disposed",
        "accepted",
        "waiting",
        "responded",
        "resolved",
    ]
    # The agency's liaison is told of the new disposition; nobody else on staff.
    assert list(
        Notification.objects.filter(audience="staff").values_list("event__type", "recipient")
    ) == [("disposed", dishub.email)]


def test_phone_is_used_once_the_region_switches_sms_on(submit, settings, tangerang):
    from laksana.channels.models import ChannelSettings
    from laksana.channels.services import forget_settings

    settings.NOTIFY_CHANNELS = {
        **settings.NOTIFY_CHANNELS,
        "sms": "laksana.notify.tests.fakes.RecordingSmsChannel",
    }
    submit(phone="0812 3456 7890")
    assert not Notification.objects.exists()  # SMS is installed, not switched on in the region
    ChannelSettings.objects.create(region=tangerang, provider="sms", enabled=True)
    forget_settings(tangerang.id)
    c, _token = submit(phone="0812 3456 7890", description="Lubang kedua di jalan yang sama.")
    row = Notification.objects.get(complaint=c)
    assert (row.channel, row.recipient) == ("sms", "081234567890")
    SENT_SMS.clear()
    assert delivery.deliver(row.pk) == "sent"
    assert [m.recipient for m in SENT_SMS] == ["081234567890"]
    assert c.number in SENT_SMS[0].subject


def test_history_written_with_a_past_clock_is_not_announced(submit):
    with clock.at(timezone.now() - timedelta(days=30)):
        submit(email=CITIZEN)
    assert not Notification.objects.exists()


def test_messages_are_in_indonesian_or_in_the_language_the_citizen_wrote_in(submit, operator):
    ours, _t = submit(email=CITIZEN)
    with translation.override("en"):
        theirs, _t = submit(email="visitor@example.com", description="Big pothole near SDN 3.")
    services.verify(staff=operator, complaint=theirs)  # staff work in Indonesian
    indonesian = render(Notification.objects.get(complaint=ours))
    english = [render(n) for n in Notification.objects.filter(complaint=theirs).order_by("id")]
    assert indonesian.subject == f"[{ours.number}] Laporan Anda sudah kami terima"
    assert "Yth. Pelapor" in indonesian.body and "Diterima" in indonesian.body
    assert [m.subject for m in english] == [
        f"[{theirs.number}] We have received your report",
        f"[{theirs.number}] Your report has been verified",
    ]
    assert english[0].body.startswith("Dear reporter,")
