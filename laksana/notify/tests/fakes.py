"""Stand-ins for the outside world in notification tests: a phone channel that records, mail
backends that fail or kill the process, and a webhook receiver on 127.0.0.1."""

import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.core.mail.backends.filebased import EmailBackend as FileBackend

from laksana.notify.channels import Channel, Message, WebhookChannel

SENT_SMS: list[Message] = []


class RecordingSmsChannel(Channel):
    """What the multi-channel work will plug in: here it only records what it would send."""

    name = "sms"

    def send(self, message: Message) -> None:
        SENT_SMS.append(message)


class RefusingBackend(FileBackend):
    """A mail server that does not answer."""

    def open(self):
        raise ConnectionRefusedError("mail server refused the connection")


def _die() -> None:
    os._exit(9)  # like SIGKILL: no cleanup, no exception handlers, no commit


class CrashingBackend(FileBackend):
    """Kills the worker process at LAKSANA_CRASH_AT: "open" (before anything is sent) or
    "after_send" (the message is written, the worker dies before recording it)."""

    def open(self):
        if os.environ.get("LAKSANA_CRASH_AT") == "open":
            _die()
        return super().open()

    def send_messages(self, messages):
        sent = super().send_messages(messages)
        if os.environ.get("LAKSANA_CRASH_AT") == "after_send":
            _die()
        return sent


class CrashingWebhookChannel(WebhookChannel):
    def send(self, message: Message) -> None:
        super().send(message)
        if os.environ.get("LAKSANA_CRASH_AT") == "after_send":
            _die()


class Receiver:
    """An HTTP endpoint that records each delivery (headers and JSON body). It answers with
    `statuses` in turn, the last one from then on."""

    def __init__(self, statuses=(200,)):
        self.requests: list[dict] = []
        self.statuses = list(statuses)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append(
                    {"headers": dict(self.headers), "raw": body, "json": json.loads(body)}
                )
                statuses = receiver.statuses
                self.send_response(statuses.pop(0) if len(statuses) > 1 else statuses[0])
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class PausingWebhookChannel(WebhookChannel):
    """Holds the first delivery after its row is claimed, until the test has cut the worker's
    database connection (test_worker_outage.py): `opened` is set, then it waits for `resume`."""

    opened = threading.Event()
    resume = threading.Event()

    def open(self) -> None:
        super().open()
        if not PausingWebhookChannel.resume.is_set():
            PausingWebhookChannel.opened.set()
            PausingWebhookChannel.resume.wait(30)
