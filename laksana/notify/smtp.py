"""SMTP with the one fact the outbox needs: did the server take the message?

smtplib reports a failed DATA, but not whether the failure came before the message's final
"." (nothing was taken: safe to send again) or after it, while waiting for the reply (the
server may have queued it: sending again could make two). TrackedSMTP notes the moment the
final "." goes out and the server's reply, so EmailChannel can tell "refused" from "unknown".
"""

import smtplib

from django.core.mail.backends.smtp import EmailBackend as DjangoSmtpBackend


class TrackedSMTP(smtplib.SMTP):
    terminated = False  # the whole message, final "." included, was written to the socket
    reply: tuple[int, bytes] | None = None  # the server's answer to it

    def data(self, msg):
        self.terminated, self.reply, self._in_data = False, None, True
        try:
            self.reply = super().data(msg)
        finally:
            self._in_data = False
        return self.reply

    def send(self, s):
        super().send(s)
        if getattr(self, "_in_data", False) and (
            s.endswith(b"\r\n.\r\n") if isinstance(s, bytes) else s.endswith("\r\n.\r\n")
        ):
            self.terminated = True


class TrackedSMTP_SSL(smtplib.SMTP_SSL, TrackedSMTP):  # noqa: N801 - smtplib's naming
    pass


class EmailBackend(DjangoSmtpBackend):
    """Django's SMTP backend on TrackedSMTP (EmailChannel uses it in place of Django's)."""

    @property
    def connection_class(self):
        return TrackedSMTP_SSL if self.use_ssl else TrackedSMTP
