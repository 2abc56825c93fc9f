"""WhatsApp end to end: webhooks in (signed as Meta signs them), replies out to a stand-in of the
Cloud API running as a real HTTP server, through the outbox."""

import hashlib
import hmac
import json

from laksana.channels.models import ChatReport, Conversation, InboundMessage
from laksana.channels.standins import whatsapp_webhook
from laksana.complaints import services as complaints
from laksana.complaints.models import Attachment, Complaint
from laksana.notify.models import Notification
from laksana.testing.personas import IN_TANGERANG

from . import meta

WA_ID = "6281234567890"
counter = iter(range(1, 10_000))


def payload(message: dict, *, phone_number_id="1000001") -> dict:
    n = next(counter)
    message = {"from": WA_ID, "id": f"wamid.IN{n:04d}", "timestamp": "1764720000", **message}
    return whatsapp_webhook(
        {"contacts": [{"profile": {"name": "Siti"}, "wa_id": WA_ID}], "messages": [message]},
        phone_number_id=phone_number_id,
        display_phone_number="6221555000",
    )


def post(client, body: dict, *, secret="app-secret-tng", region="kota-tangerang"):
    meta.hears(body)
    raw = json.dumps(body).encode()
    signature = "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return client.post(
        f"/channels/{region}/whatsapp/",
        raw,
        content_type="application/json",
        headers={"X-Hub-Signature-256": signature},
    )


def text(body: str) -> dict:
    return {"type": "text", "text": {"body": body}}


def last_sent(stand_in) -> dict:
    return stand_in.sent("whatsapp")[-1]["json"]


def body_of(sent: dict) -> str:
    if sent["type"] == "text":
        return sent["text"]["body"]
    return sent["interactive"]["body"]["text"]


def test_verify_handshake_answers_the_challenge_only_with_the_right_token(client, whatsapp_tng):
    url = "/channels/kota-tangerang/whatsapp/"
    ok = client.get(
        url,
        {"hub.mode": "subscribe", "hub.verify_token": "verify-tng", "hub.challenge": "1158201444"},
    )
    assert (ok.status_code, ok.content) == (200, b"1158201444")
    wrong = client.get(
        url, {"hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "x"}
    )
    assert wrong.status_code == 403


def test_conversation_from_hello_to_tracking_number_and_status(
    client, whatsapp_tng, stand_in, deliver_outbox, operator
):
    assert post(client, payload(text("Halo"))).status_code == 200
    deliver_outbox()
    assert "Ceritakan apa yang terjadi" in body_of(last_sent(stand_in))

    post(client, payload(text("Jalan berlubang dalam di depan SDN 3, sudah dua minggu.")))
    deliver_outbox()
    asked = last_sent(stand_in)
    assert asked["interactive"]["type"] == "location_request_message"
    assert asked["to"] == WA_ID

    lat, lng = IN_TANGERANG
    post(client, payload({"type": "location", "location": {"latitude": lat, "longitude": lng}}))
    deliver_outbox()
    assert "foto" in body_of(last_sent(stand_in)).lower()

    post(client, payload({"type": "image", "image": {"id": "MEDIA77", "mime_type": "image/jpeg"}}))
    deliver_outbox()
    listing = last_sent(stand_in)["interactive"]
    assert listing["type"] == "list"
    rows = listing["action"]["sections"][0]["rows"]
    assert 1 < len(rows) <= 10
    assert rows[0]["id"] == "cat:JALAN-RUSAK"  # suggested from the words "jalan berlubang"

    choice = {
        "type": "interactive",
        "interactive": {
            "type": "list_reply",
            "list_reply": {"id": "cat:JALAN-RUSAK", "title": "Jalan rusak"},
        },
    }
    post(client, payload(choice))
    assert deliver_outbox() == ["sent"]
    complaint = Complaint.objects.get()
    confirmation = body_of(last_sent(stand_in))
    assert complaint.number in confirmation
    assert "/kota-tangerang/lacak/" in confirmation
    assert complaint.channel == "whatsapp"
    assert complaint.category.code == "JALAN-RUSAK"
    assert complaint.area is not None and complaint.lat == lat
    assert complaint.reporter.phone == "081234567890"
    assert Attachment.objects.filter(complaint=complaint, purpose="report").count() == 1
    # The photo was fetched from the Graph API with the region's token, not shown by URL.
    media_calls = [c for c in stand_in.calls if c["path"] == "/v21.0/MEDIA77"]
    assert media_calls[0]["headers"]["Authorization"] == "Bearer wa-access-token-tng"
    # The draft is gone once submitted.
    conversation = Conversation.objects.get()
    assert (conversation.step, conversation.draft) == ("idle", {})

    post(client, payload(text(f"status {complaint.number}")))
    deliver_outbox()
    assert "Diterima" in body_of(last_sent(stand_in))

    # Updates come back on WhatsApp; the question from staff is answered by replying.
    complaint = complaints.verify(staff=operator, complaint=complaint)
    complaint = complaints.ask_reporter(
        staff=operator, complaint=complaint, question="Di sisi jalan yang mana?"
    )
    deliver_outbox()
    updates = [body_of(s["json"]) for s in stand_in.sent("whatsapp")[-2:]]
    assert all(complaint.number in u for u in updates)
    assert "Balas pesan ini" in updates[1]
    post(client, payload(text("Sisi utara, dekat halte.")))
    deliver_outbox()
    complaint.refresh_from_db()
    assert complaint.status == "verified"
    assert complaint.events.filter(type="answered", text="Sisi utara, dekat halte.").exists()
    assert "Jawaban Anda" in body_of(last_sent(stand_in))


def test_signature_mismatch_is_refused_and_nothing_stored(client, whatsapp_tng, stand_in):
    response = post(client, payload(text("Halo")), secret="not-the-secret")
    assert response.status_code == 403
    unsigned = client.post(
        "/channels/kota-tangerang/whatsapp/", b"{}", content_type="application/json"
    )
    assert unsigned.status_code == 403
    assert not InboundMessage.objects.exists()
    assert not Conversation.objects.exists()
    assert not Notification.objects.exists()


def test_the_same_provider_message_twice_creates_one_complaint(client, whatsapp_tng, stand_in):
    body = payload(text("LAPOR JALAN-RUSAK Sukarasa jalan berlubang dalam di depan sekolah"))
    post(client, body)
    conversation = Conversation.objects.get()
    assert conversation.step == "photo"
    skip = payload(text("LEWATI"))
    assert post(client, skip).status_code == 200
    assert post(client, skip).status_code == 200  # Meta retries a webhook it thinks failed
    assert Complaint.objects.count() == 1
    assert InboundMessage.objects.count() == 2
    assert Notification.objects.filter(channel="whatsapp").count() == 2  # one reply each


def test_a_region_webhook_refuses_another_regions_credentials(
    client, whatsapp_tng, whatsapp_contoh, stand_in
):
    # Kota Contoh's app secret on Kota Tangerang's webhook: refused.
    response = post(
        client, payload(text("Halo"), phone_number_id="2000002"), secret="app-secret-contoh"
    )
    assert response.status_code == 403
    # Well signed for Kota Tangerang, but for Kota Contoh's number: taken in by nobody.
    response = post(client, payload(text("Halo"), phone_number_id="2000002"))
    assert response.status_code == 200
    assert not Conversation.objects.exists()
    # A region without WhatsApp switched on has no webhook.
    whatsapp_contoh.delete()
    assert post(client, payload(text("Halo")), region="kota-contoh").status_code == 404


def test_malformed_or_unknown_payloads_answer_200_and_store_nothing(client, whatsapp_tng):
    assert post(client, {"object": "page", "entry": []}).status_code == 200
    assert (
        post(
            client,
            {
                "object": "whatsapp_business_account",
                "entry": [
                    {
                        "changes": [
                            {
                                "field": "messages",
                                "value": {
                                    "metadata": {"phone_number_id": "1000001"},
                                    "messages": [{"type": "text"}],
                                },
                            }
                        ]
                    }
                ],
            },
        ).status_code
        == 200
    )
    statuses = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "changes": [
                    {
                        "field": "messages",
                        "value": {"statuses": [{"id": "wamid.x", "status": "delivered"}]},
                    }
                ]
            }
        ],
    }
    assert post(client, statuses).status_code == 200
    assert not InboundMessage.objects.exists()
    assert not Notification.objects.exists()


def test_batal_cancels_and_berhenti_stops_every_message(
    client, whatsapp_tng, stand_in, deliver_outbox
):
    post(client, payload(text("Lampu jalan mati sudah tiga malam di gang kami.")))
    post(client, payload(text("BATAL")))
    deliver_outbox()
    assert "dibatalkan" in body_of(last_sent(stand_in))
    assert Conversation.objects.get().step == "idle"
    post(client, payload(text("BERHENTI")))
    before = Notification.objects.count()
    post(client, payload(text("Halo")))
    assert Notification.objects.count() == before  # silence
    post(client, payload(text("MULAI")))
    assert Notification.objects.count() == before + 1


def test_a_draft_left_for_24_hours_expires_without_a_complaint(client, whatsapp_tng, time_machine):
    time_machine.move_to("2026-12-01 08:00:00+00:00", tick=False)
    post(client, payload(text("Got mampet, air meluap ke jalan setiap hujan.")))
    time_machine.move_to("2026-12-02 09:00:00+00:00", tick=False)
    from laksana.channels import tasks

    assert tasks.expire.call() == {"drafts": 1, "sms_parts": 0}
    assert Conversation.objects.get().draft == {}
    assert not Complaint.objects.exists()
    assert not ChatReport.objects.exists()
