"""E-mail in, against a real IMAP server started by the test (pymap's in-memory backend): new
mail becomes a report, a reply to a notification the citizen's answer, threaded by header."""

import imaplib
import socket
import subprocess
import sys
import time
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.core import mail
from django.utils import timezone

from laksana.agencies.models import Category
from laksana.complaints import services as complaints
from laksana.complaints.models import Complaint, Event
from laksana.complaints.tests.images import jpeg_bytes
from laksana.mailin import services
from laksana.mailin.models import InboundMail, Mailbox
from laksana.notify import delivery
from laksana.notify.models import Notification

pytestmark = pytest.mark.django_db
USER, PASSWORD = "pengaduan", "rahasia-imap"
CITIZEN = "siti.aminah@example.org"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def imap_server():
    port = _free_port()
    pymap = [sys.executable, "-c", "from pymap.main import main; main()"]
    args = ["--host", "127.0.0.1", "--port", str(port), "--no-tls", "dict"]
    process = subprocess.Popen(
        [*pymap, *args, "--demo-user", USER, "--demo-password", PASSWORD],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"pymap exited: {process.stderr.read().decode()[-2000:]}")
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("pymap did not listen within 60 s")
    yield port
    process.terminate()
    process.wait(10)


@pytest.fixture
def inbox(imap_server, tangerang):
    box = Mailbox.objects.create(
        region=tangerang,
        address="pengaduan@tangerangkota.go.id",
        host="127.0.0.1",
        port=imap_server,
        use_ssl=False,
        username=USER,
        password=PASSWORD,
    )
    yield box
    box.password = PASSWORD
    services.poll(box)  # the server lives for the module: leave no unseen mail to the next test


def _append(port: int, message: EmailMessage) -> None:
    client = imaplib.IMAP4("127.0.0.1", port)
    client.login(USER, PASSWORD)
    client.append("INBOX", None, imaplib.Time2Internaldate(time.time()), message.as_bytes())
    client.logout()


def _mail(subject: str, body: str, *, sender=CITIZEN, photo: bool = False, **headers):
    message = EmailMessage()
    message["From"] = f"Siti Aminah <{sender}>"
    message["To"] = "pengaduan@tangerangkota.go.id"
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="example.org")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    if photo:
        message.add_attachment(
            jpeg_bytes(gps=True), maintype="image", subtype="jpeg", filename="jalan.jpg"
        )
    return message


def test_a_new_mail_naming_its_kelurahan_becomes_a_report_with_its_photo_once(
    inbox, imap_server, media_root
):
    message = _mail(
        "Jalan berlubang",
        "Jalan di depan SDN 3 Kelurahan Sukarasa berlubang dalam, sudah dua minggu.",
        photo=True,
    )
    _append(imap_server, message)
    assert services.poll(inbox) == {"report": 1}
    complaint = Complaint.objects.get(channel="email")
    assert complaint.area.name == "Sukarasa" and complaint.reporter.email == CITIZEN
    assert complaint.reporter.name == "Siti Aminah"
    assert complaint.description.startswith("Jalan berlubang\n\nJalan di depan SDN 3")
    assert complaint.attachments.count() == 1
    # The confirmation with the tracking number goes out through the outbox, to the sender, and
    # their reply to it comes back to this inbox.
    confirmation = Notification.objects.get(complaint=complaint, recipient=CITIZEN)
    assert delivery.deliver(confirmation.pk) == "sent"
    (sent,) = mail.outbox
    assert sent.reply_to == ["pengaduan@tangerangkota.go.id"] and complaint.number in sent.body
    assert services.poll(inbox) == {}  # flagged seen: not read again
    assert services.handle(inbox, message.as_bytes()).state == "seen"  # nor handled twice
    assert Complaint.objects.count() == 1


def test_without_a_place_we_ask_and_the_threaded_answer_completes_the_report(
    inbox, imap_server, media_root
):
    first = _mail("Sampah", "Sampah menumpuk di pinggir kali sudah seminggu.", photo=True)
    _append(imap_server, first)
    assert services.poll(inbox) == {"asked": 1}
    assert not Complaint.objects.exists()
    (question,) = mail.outbox
    assert question.to == [CITIZEN] and "kelurahan" in question.body
    assert question.extra_headers["Auto-Submitted"] == "auto-replied"
    asked_id = question.extra_headers["Message-ID"]
    # A reply that does not quote our question (another thread) is a new report, not the answer.
    answer = _mail(
        "Re: Di kelurahan mana? Sampah",
        "Di Kelurahan Sukarasa, Kecamatan Tangerang.\n\n> Terima kasih atas laporan Anda",
        In_Reply_To=asked_id,
        References=f"{first['Message-ID']} {asked_id}",
    )
    _append(imap_server, answer)
    assert services.poll(inbox) == {"report": 1}
    complaint = Complaint.objects.get()
    assert complaint.area.name == "Sukarasa" and complaint.channel == "email"
    assert "Sampah menumpuk di pinggir kali" in complaint.description
    assert complaint.attachments.count() == 1  # the photo of the first mail
    kept = InboundMail.objects.get(message_id=first["Message-ID"].strip("<>"))
    assert kept.state == "report" and kept.text == "" and kept.photos == []


def test_a_forged_question_id_or_another_sender_does_not_complete_anyones_report(inbox):
    services.handle(inbox, _mail("Sampah", "Sampah menumpuk di pinggir kali.").as_bytes())
    asked = InboundMail.objects.get(state="asked")
    forged = _mail(
        "Re", "Kelurahan Sukarasa", In_Reply_To=f"<mailin-ask-{asked.pk}.0000000000000000@laksana>"
    )
    other = _mail(
        "Re",
        "Kelurahan Sukarasa",
        sender="orang.lain@example.org",
        In_Reply_To=f"<{services._ask_id(asked.pk)}>",
    )
    for message in (forged, other):
        services.handle(inbox, message.as_bytes())
    asked.refresh_from_db()
    assert asked.state == "asked" and asked.complaint is None
    # Each stray message naming a kelurahan is its own new report by its own sender.
    assert sorted(Complaint.objects.values_list("reporter__email", flat=True)) == [
        "orang.lain@example.org",
        CITIZEN,
    ]


def test_a_reply_to_a_notification_answers_the_staff_question(inbox, operator, pupr, submit):
    complaint, _token = submit(email=CITIZEN)
    complaint = complaints.dispose(
        staff=operator, complaint=complaints.verify(staff=operator, complaint=complaint)
    )
    complaint = complaints.accept(staff=pupr, complaint=complaint)
    complaints.ask_reporter(staff=pupr, complaint=complaint, question="Nomor rumah berapa?")
    notice = Notification.objects.filter(complaint=complaint, recipient=CITIZEN).latest("id")
    stranger = _mail(
        "Re: pertanyaan",
        "Nomor 12.",
        sender="orang.lain@example.org",
        In_Reply_To=f"<{notice.key}@laksana>",
    )
    assert services.handle(inbox, stranger.as_bytes()).reason == "reply not from the reporter"
    reply = _mail(
        "Re: pertanyaan",
        "Rumah nomor 12, pagar hijau.\n\nPada Senin, Laksana menulis:\n> Nomor rumah berapa?",
        In_Reply_To=f"<{notice.key}@laksana>",
    )
    outcome = services.handle(inbox, reply.as_bytes())
    complaint.refresh_from_db()
    assert outcome.state == "answer" and complaint.status == "in_progress"
    answered = Event.objects.get(complaint=complaint, type="answered")
    assert answered.text == "Rumah nomor 12, pagar hijau."
    # Once answered, a further reply is told the status, and the complaint stays as it is.
    again = _mail("Re: pertanyaan", "Tambahan.", In_Reply_To=f"<{notice.key}@laksana>")
    assert services.handle(inbox, again.as_bytes()).state == "ignored"
    assert complaint.number in mail.outbox[-1].body
    assert Event.objects.filter(complaint=complaint, type="answered").count() == 1


def test_another_regions_notification_key_is_not_a_thread_here(
    inbox, contoh, other_operator, tangerang
):
    elsewhere = complaints.submit(
        region=contoh,
        category_code=Category.objects.filter(region=contoh).first().code,
        description="Lampu jalan mati sejak tiga hari di depan masjid.",
        area_code=contoh.areas.filter(level="kelurahan").first().code,
        email=CITIZEN,
    ).complaint
    notice = Notification.objects.filter(complaint=elsewhere).first()
    reply = _mail("Re", "Jawaban saya.", In_Reply_To=f"<{notice.key}@laksana>")
    assert services.handle(inbox, reply.as_bytes()).reason == "reply not from the reporter"
    assert not Event.objects.filter(complaint=elsewhere, type="answered").exists()


def test_automatic_mail_is_never_answered(inbox):
    for headers in ({"Auto_Submitted": "auto-replied"}, {"Precedence": "bulk"}):
        message = _mail("Out of office", "Saya sedang cuti sampai Senin.", **headers)
        assert services.handle(inbox, message.as_bytes()).state == "ignored"
    bounce = _mail("Undelivered", "Delivery failed.", sender="MAILER-DAEMON@example.org")
    assert services.handle(inbox, bounce.as_bytes()).state == "ignored"
    assert mail.outbox == [] and not Complaint.objects.exists()


def test_a_question_unanswered_for_a_day_expires_without_a_complaint(inbox):
    services.handle(inbox, _mail("Sampah", "Sampah menumpuk di pinggir kali.").as_bytes())
    InboundMail.objects.update(received_at=timezone.now() - timedelta(hours=25))
    assert services.expire_questions() == 1
    assert InboundMail.objects.get().state == "expired" and InboundMail.objects.get().text == ""
    assert not Complaint.objects.exists()


def test_a_refused_login_is_kept_for_the_admin_and_raises_nothing(inbox):
    inbox.password = "salah"
    inbox.save()
    assert services.poll(inbox) == {"error": 1}
    inbox.refresh_from_db()
    assert inbox.last_error and inbox.last_polled_at
