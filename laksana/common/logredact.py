"""Secrets never reach the logs: a logging filter that redacts them from every log line.

Attached in settings.LOGGING to the web server's access log (granian.access), Django's request and
development-server loggers and Laksana's own loggers. It rewrites the formatted message, so it works
whatever the format (granian's access line, Django's "Not Found: /lacak/<token>/").

Redacted: secret query parameters (Open311 `api_key`, `token`, `password`, a photo link's `sig`,
...) and the tokens carried in URL paths (portal tracking and submitted links, staff invitations,
Open311 tokens, Telegram bot tokens).
"""

import logging
import re

REDACTED = "[redacted]"

_QUERY = re.compile(
    r"(?P<name>(?:^|[?&;\s])(?:api_key|apikey|token|access_token|password|secret|key|jurisdiction_key|sig)=)"
    r"[^&;\s\"']+",
    re.IGNORECASE,
)
# URL paths whose next segment is a secret token
# (see portal/urls.py, console/urls.py, open311/urls.py).
_PATH = re.compile(
    r"(?P<prefix>/(?:lacak|lapor/terkirim|undangan|tokens)/)[^/?\s\"'.]+",
    re.IGNORECASE,
)


# Telegram's Bot API carries the bot token in the path: /bot<token>/sendMessage.
_BOT = re.compile(r"/bot\d+:[A-Za-z0-9_-]+")


def redact(text: str) -> str:
    text = _BOT.sub("/bot" + REDACTED, text)
    text = _QUERY.sub(lambda m: m.group("name") + REDACTED, text)
    return _PATH.sub(lambda m: m.group("prefix") + REDACTED, text)


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to the handler to report
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True
