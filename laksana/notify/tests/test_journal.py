"""The SMTP outcome outlives a database drop (issue 15, item 9): a real SMTP server (aiosmtpd on
127.0.0.1) takes the message, the database goes away before the outbox row hears of it, and the
next worker settles the row from the journal: delivered, one message at the server, nothing
uncertain. Only an attempt whose outcome nobody saw stays `uncertain` for a person."""

import socket
from contextlib import contextmanager
from email import message_from_bytes

import psycopg
import pytest
from aiosmtpd.controller import Controller
from django.db import OperationalError, connection

from laksana.notify import delivery, journal
from laksana.notify.models import Notification
from laksana.sla.worker import Worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("committed")]
CITIZEN = "warga@example.id"


class MailServer:
    """An SMTP server that keeps what it accepts and answers like Postfix ("queued as ...").
    `on_accept` runs just before the 250 answer goes out."""

    def __init__(self):
        self.messages: list[bytes] = []
        self.on_accept = None
        with socket.socket() as probe:  # a free port (aiosmtpd checks it by connecting)
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        if self.on_accept is not None:
            self.on_accept()
        self.messages.append(envelope.content)
        return f"250 2.0.0 Ok: queued as Q{len(self.messages):04d}"

    def stop(self):
        self.controller.stop()


@pytest.fixture
def mail_server(settings, tmp_path):
    server = MailServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.DATA_DIR = tmp_path  # this test's own journal
    yield server
    server.stop()


@contextmanager
def _database_drops_at_the_sent_update():
    """The database fails the statement that records `sent` (and nothing before it): from this
    process's side, what a database restarting at that moment looks like."""

    def fail_the_sent_update(execute, sql, params, many, context):
        if sql.startswith('UPDATE "notify_notification"') and N.SENT in (params or ()):
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(fail_the_sent_update):
        yield


def _terminate_at_accept():
    """PostgreSQL: the mail server accepts while the database kills the worker's session, so
    the `sent` update meets a connection that is really gone."""
    pid = connection.connection.info.backend_pid
    db = connection.settings_dict

    def terminate():
        with psycopg.connect(
            host=db["HOST"] or "127.0.0.1",
            port=db["PORT"] or 5432,
            user=db["USER"],
            password=db["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
        ) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])

    return terminate


N = Notification.Status


def _restart_the_worker():
    """A new worker process: it holds nothing, and settles from the journal on start."""
    delivery._held.clear()
    connection.close()
    Worker(worker_id="restarted", periodic=()).run_until_idle()


@pytest.mark.parametrize("drop", ["failed_update", "terminated_session"])
def test_mail_taken_before_the_database_dropped_ends_delivered_once(submit, mail_server, drop):
    if drop == "terminated_session" and connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no server session to terminate")
    c, _token = submit(email=CITIZEN)
    row = Notification.objects.get(complaint=c, channel="email")
    connection.ensure_connection()

    if drop == "terminated_session":
        mail_server.on_accept = _terminate_at_accept()
        with pytest.raises(OperationalError):
            delivery.deliver(row.pk)
    else:
        with _database_drops_at_the_sent_update(), pytest.raises(OperationalError):
            delivery.deliver(row.pk)
    mail_server.on_accept = None
    connection.close()

    row.refresh_from_db()
    assert row.status == N.SENDING  # what the database alone knows: the outcome is open
    [entry] = journal.outcomes().values()
    assert entry["step"] == "sent" and entry["receipt"].startswith("250 2.0.0 Ok: queued as")

    _restart_the_worker()  # also runs the row's queued delivery job: nothing more is sent

    row.refresh_from_db()
    assert row.status == N.SENT and row.receipt == "250 2.0.0 Ok: queued as Q0001"
    [raw] = mail_server.messages
    message = message_from_bytes(raw)
    assert message["Message-ID"] == f"<{row.key}@laksana>"
    assert message["X-Laksana-Delivery"] == str(row.key)
    assert not Notification.objects.filter(status=N.UNCERTAIN).exists()
    assert journal.outcomes() == {}  # settled lines are dropped


def test_only_an_attempt_nobody_saw_answered_stays_uncertain(submit, mail_server):
    """The worker died after announcing the hand-over and before any answer was journalled:
    the message may or may not have left, and only that row waits for a person."""
    taken, _ = submit(email=CITIZEN)
    unknown, _ = submit(email="lain@example.id")
    rows = {c.pk: Notification.objects.get(complaint=c, channel="email") for c in (taken, unknown)}
    with _database_drops_at_the_sent_update(), pytest.raises(OperationalError):
        delivery.deliver(rows[taken.pk].pk)
    row = rows[unknown.pk]
    Notification.objects.filter(pk=row.pk).update(status=N.SENDING, attempts=1)
    journal.write(str(row.key), 1, "handing")

    _restart_the_worker()

    assert Notification.objects.get(pk=rows[taken.pk].pk).status == N.SENT
    assert Notification.objects.get(pk=row.pk).status == N.UNCERTAIN
    assert len(mail_server.messages) == 1
