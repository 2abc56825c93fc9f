"""Open311's own error shape: a list of {code, description}, several at once when several
arguments are wrong. The code is the HTTP status, as in the specification's examples."""

from django.http import HttpResponse
from django.utils.translation import gettext as _

from laksana.common.errors import DomainError, ValidationFailed

from .render import respond

# Our statuses for domain errors. 422 (a field the complaint rules refuse) is Open311's 400.
STATUSES = {422: 400}
# Field names used by the complaint services -> the Open311 argument a client sent.
ARGUMENTS = {
    "category": "service_code",
    "location": "lat/long",
    "lat": "lat",
    "lng": "long",
    "area": "address_id",
    "address": "address_string",
    "name": "first_name/last_name",
    "photo": "media",
    "response": "description",
    "reason": "description",
    "text": "description",
}


class Open311Error(Exception):
    """Raised by the Open311 layer; `errors` is a list of (argument or "", message)."""

    def __init__(self, status: int, errors: list[tuple[str, str]] | str):
        self.status = status
        self.errors = [("", errors)] if isinstance(errors, str) else errors
        super().__init__("; ".join(str(m) for _a, m in self.errors))

    @classmethod
    def from_domain(cls, exc: DomainError) -> "Open311Error":
        """One error per refused field when the service named them with a message (submit does),
        else the service's own message."""
        status = STATUSES.get(exc.status, exc.status)
        if isinstance(exc, ValidationFailed) and exc.code == "validation_error" and exc.fields:
            return cls(
                status,
                [(ARGUMENTS.get(f, f), str(m) or str(exc.detail)) for f, m in exc.fields.items()],
            )
        argument = ARGUMENTS.get(next(iter(exc.fields), ""), next(iter(exc.fields), ""))
        return cls(status, [(argument, str(exc.detail))])


def describe(argument: str, message: str) -> str:
    return f"{argument}: {message}" if argument else str(message)


def error_response(fmt: str, exc: Open311Error) -> HttpResponse:
    body = [{"code": exc.status, "description": describe(a, m)} for a, m in exc.errors]
    return respond(fmt, body, root="errors", status=exc.status)


# Messages several checks share (one msgid each to translate).
def too_long(limit: int) -> str:
    return _("Terlalu panjang: paling banyak %(n)d karakter.") % {"n": limit}


def not_a_date() -> str:
    return _("Bukan tanggal ISO-8601, contoh 2026-01-31T00:00:00+07:00.")


def unknown_service(code: str) -> str:
    return _("Layanan '%(code)s' tidak dikenal.") % {"code": code}
