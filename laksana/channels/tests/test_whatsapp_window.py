"""WhatsApp's 24-hour customer-service window, against the stand-in of the Cloud API that enforces
it as Meta does: updates days after the citizen's last message go as approved templates, a text
the provider still refuses with 131047 is sent again as the template, and the window opens again
when the citizen writes."""

import json
import re
import urllib.error
import urllib.request

import pytest

from laksana.channels import whatsapp
from laksana.channels.models import ChannelSettings, Conversation
from laksana.complaints import services as complaints
from laksana.complaints.models import Complaint
from laksana.notify.models import Notification

from .test_whatsapp import WA_ID, body_of, payload, post, text

REPORT = "LAPOR JALAN-RUSAK Sukarasa jalan berlubang dalam di depan sekolah"


@pytest.fixture
def reported(client, whatsapp_tng, stand_in, deliver_outbox, time_machine):
    """A complaint reported by WhatsApp on 1 December, its replies delivered."""
    time_machine.move_to("2026-12-01 08:00:00+00:00", tick=False)
    post(client, payload(text(REPORT)))
    post(client, payload(text("LEWATI")))
    assert set(deliver_outbox()) == {"sent"}
    return Complaint.objects.get(channel="whatsapp")


def _template(call: dict) -> dict:
    assert call["json"]["type"] == "template", call["json"]
    return call["json"]["template"]


def _parameters(template: dict) -> list[str]:
    (body,) = [c for c in template["components"] if c["type"] == "body"]
    return [p["text"] for p in body["parameters"]]


def test_updates_days_later_go_as_templates_and_the_window_reopens_when_the_citizen_writes(
    client, reported, stand_in, deliver_outbox, operator, time_machine
):
    conversation = Conversation.objects.get()
    assert conversation.last_inbound_at.isoformat().startswith("2026-12-01T08:00")
    time_machine.move_to("2026-12-03 09:00:00+00:00", tick=False)  # two days later
    before = len(stand_in.sent("whatsapp"))
    complaint = complaints.verify(staff=operator, complaint=reported)
    complaint = complaints.ask_reporter(
        staff=operator, complaint=complaint, question="Di sisi jalan\nyang mana?"
    )
    assert deliver_outbox() == ["sent", "sent"]
    verified, question = stand_in.sent("whatsapp")[before:]  # no text tried first
    assert verified["refused"] is None and question["refused"] is None
    template = _template(verified)
    assert template["name"] == "laksana_laporan_diverifikasi"
    assert template["language"] == {"code": "id"}
    assert _parameters(template) == [complaint.number, "Diverifikasi"]
    # The question travels in the template (one line, as Meta requires): the citizen can answer.
    template = _template(question)
    assert template["name"] == "laksana_pertanyaan_petugas"
    assert _parameters(template) == [
        complaint.number,
        "Menunggu tanggapan pelapor",
        "Di sisi jalan yang mana?",
    ]
    receipts = Notification.objects.filter(complaint=complaint).values_list("receipt", flat=True)
    assert all("template laksana_" in r for r in receipts)

    # The citizen answers: the window is open again, the reply is plain text.
    post(client, payload(text("Sisi utara, dekat halte.")))
    assert deliver_outbox() == ["sent"]
    reply = stand_in.sent("whatsapp")[-1]
    assert reply["json"]["type"] == "text" and reply["refused"] is None
    assert "Jawaban Anda" in body_of(reply["json"])
    complaint.refresh_from_db()
    assert complaint.status == "verified"
    # And an update within 24 hours of it is text again.
    time_machine.move_to("2026-12-03 20:00:00+00:00", tick=False)
    complaints.dispose(staff=operator, complaint=complaint)
    assert deliver_outbox() == ["sent"]
    assert stand_in.sent("whatsapp")[-1]["json"]["type"] == "text"


def test_a_text_the_provider_refuses_with_131047_is_sent_again_as_the_template(
    client, reported, stand_in, deliver_outbox, operator, time_machine
):
    # Our record says the citizen wrote an hour ago, the provider heard nothing for two days
    # (e.g. the webhook came late): the text is refused, the template follows in the same attempt.
    time_machine.move_to("2026-12-03 09:00:00+00:00", tick=False)
    Conversation.objects.update(last_inbound_at="2026-12-03T08:00:00+00:00")
    before = len(stand_in.sent("whatsapp"))
    complaint = complaints.verify(staff=operator, complaint=reported)
    assert deliver_outbox() == ["sent"]
    refused, template = stand_in.sent("whatsapp")[before:]
    assert refused["json"]["type"] == "text"
    assert refused["refused"]["error"]["code"] == 131047
    assert refused["refused"]["error"]["message"] == "(#131047) Re-engagement message"
    assert _template(template)["name"] == "laksana_laporan_diverifikasi"
    assert template["refused"] is None
    row = Notification.objects.get(complaint=complaint, channel="whatsapp", status="sent")
    assert row.receipt.startswith("HTTP 200 wamid.OUT") and "template" in row.receipt


def test_a_text_taken_then_reported_failed_with_131047_goes_again_as_the_template(
    client, reported, stand_in, deliver_outbox, operator, time_machine
):
    """The Cloud API may take the text and report 131047 later, in a status webhook."""
    stand_in.window_reported_later = True
    time_machine.move_to("2026-12-03 09:00:00+00:00", tick=False)
    Conversation.objects.update(last_inbound_at="2026-12-03T08:00:00+00:00")
    complaint = complaints.verify(staff=operator, complaint=reported)
    assert deliver_outbox() == ["sent"]
    (wamid,) = stand_in.undelivered  # taken, never delivered
    row = Notification.objects.get(complaint=complaint, channel="whatsapp")
    assert row.receipt == f"HTTP 200 {wamid}"
    report = stand_in.status_webhook(wamid, "1000001")
    assert post(client, report).status_code == 200
    row.refresh_from_db()
    assert row.status == "pending" and "131047" in row.last_error
    assert deliver_outbox() == ["sent"]
    template = stand_in.sent("whatsapp")[-1]
    assert _template(template)["name"] == "laksana_laporan_diverifikasi"
    row.refresh_from_db()
    assert row.status == "sent" and "template laksana_laporan_diverifikasi" in row.receipt
    # Meta repeats a webhook it thinks failed: the update is not sent a third time.
    assert post(client, report).status_code == 200
    assert deliver_outbox() == []
    # Another region's webhook cannot make this region's row go again.
    other = stand_in.status_webhook(wamid, "2000002")
    assert post(client, other).status_code == 200
    row.refresh_from_db()
    assert row.status == "sent"


def test_a_regions_own_template_names_are_used(
    client, reported, stand_in, deliver_outbox, operator, whatsapp_tng, time_machine
):
    time_machine.move_to("2026-12-05 09:00:00+00:00", tick=False)
    ChannelSettings.objects.filter(pk=whatsapp_tng.pk).update(
        whatsapp_templates={"verified": "tng_verifikasi", "*": "tng_kabar"}
    )
    stand_in.approved["tng_verifikasi"] = 2  # what the region got approved by Meta
    complaint = complaints.verify(staff=operator, complaint=reported)
    assert deliver_outbox() == ["sent"]
    assert _template(stand_in.sent("whatsapp")[-1])["name"] == "tng_verifikasi"
    # A kind with a template of its own by default keeps it; the region's "*" is for the rest.
    assert whatsapp.template_name(ChannelSettings.objects.get(pk=whatsapp_tng.pk), "closed") == (
        "laksana_laporan_ditutup"
    )
    complaint = complaints.dispose(staff=operator, complaint=complaint)
    assert deliver_outbox() == ["sent"]  # disposed has its own default template
    assert _template(stand_in.sent("whatsapp")[-1])["name"] == "laksana_laporan_diteruskan"


def test_an_unapproved_template_is_a_permanent_failure_with_the_providers_code(
    client, reported, stand_in, deliver_outbox, operator, whatsapp_tng, time_machine
):
    time_machine.move_to("2026-12-05 09:00:00+00:00", tick=False)
    ChannelSettings.objects.filter(pk=whatsapp_tng.pk).update(
        whatsapp_templates={"verified": "tidak_disetujui"}
    )
    complaint = complaints.verify(staff=operator, complaint=reported)
    assert deliver_outbox() == ["failed"]
    row = Notification.objects.get(complaint=complaint, channel="whatsapp")
    assert row.last_error == "PermanentError: HTTP 400 error 132001"


def test_a_conversation_reply_held_past_the_window_fails_with_a_clear_reason(
    client, whatsapp_tng, stand_in, deliver_outbox, time_machine
):
    time_machine.move_to("2026-12-01 08:00:00+00:00", tick=False)
    post(client, payload(text("Halo")))
    time_machine.move_to("2026-12-02 09:00:00+00:00", tick=False)  # the worker was away a day
    assert deliver_outbox() == ["failed"]
    assert "24-hour window" in Notification.objects.get().last_error
    assert stand_in.sent("whatsapp") == []  # nothing the provider would refuse was tried


def _send(stand_in, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{stand_in.url}/v21.0/1000001/messages",
        data=json.dumps(body).encode(),
        method="POST",
        headers={
            "Authorization": "Bearer wa-access-token-tng",
            "Content-Type": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_the_stand_in_enforces_the_window_and_checks_templates_as_the_cloud_api(stand_in):
    message = {"messaging_product": "whatsapp", "to": WA_ID, "type": "text", "text": {"body": "x"}}
    status, answer = _send(stand_in, message)
    assert status == 400 and answer["error"]["code"] == 131047
    assert "24 hours" in answer["error"]["error_data"]["details"]
    stand_in.citizen_wrote(WA_ID)
    assert _send(stand_in, message)[0] == 200
    stand_in.citizen_wrote(WA_ID, at=0)  # their last message long ago
    assert _send(stand_in, message)[0] == 400

    def template(name, values):
        parameters = [{"type": "text", "text": v} for v in values]
        return {
            "messaging_product": "whatsapp",
            "to": WA_ID,
            "type": "template",
            "template": {
                "name": name,
                "language": {"code": "id"},
                "components": [{"type": "body", "parameters": parameters}],
            },
        }

    assert _send(stand_in, template("laksana_laporan_selesai", ["TNG-1", "Selesai"]))[0] == 200
    status, answer = _send(stand_in, template("laksana_laporan_selesai", ["TNG-1"]))
    assert (status, answer["error"]["code"]) == (400, 132000)
    status, answer = _send(stand_in, template("tidak_ada", ["TNG-1", "Selesai"]))
    assert (status, answer["error"]["code"]) == (400, 132001)


def test_every_kind_names_a_template_whose_variables_the_adapter_fills():
    for kind, name in whatsapp.DEFAULT_TEMPLATES.items():
        count, body = whatsapp.TEMPLATES[name]
        expected = 3 if kind in whatsapp.WITH_TEXT else 2
        assert count == expected, kind
        assert all(f"{{{{{i}}}}}" in body for i in range(1, count + 1)), name
        # Meta refuses a body that starts or ends with a variable.
        assert not re.match(r"^\W*\{\{", body) and not re.search(r"\}\}\W*$", body), name
