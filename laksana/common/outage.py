"""A database that is briefly unavailable answers 503 with Retry-After, never a 500 traceback.

Clients and proxies can then tell an outage (retry soon: intake with an Idempotency-Key is safe
to repeat) from a bug. Django turns an exception into a 500 response in whichever middleware
layer it was raised, before an outer middleware sees it, so the exception is noted on the
request when Django reports it (`got_request_exception`) and the outermost middleware swaps
that 500 for a 503: pages get a short Indonesian page, /api/ the API's {"detail", "code"} and
/open311/ Open311's list of errors.
"""

import logging
import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError, connection
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.deprecation import MiddlewareMixin
from django.utils.translation import gettext as _

log = logging.getLogger("laksana.outage")

RETRY_AFTER_SECONDS = 5
# PostgreSQL SQLSTATE classes and codes that mean "the server is not there for us right now":
# 08 connection exceptions, 53 insufficient resources (too many connections), 57P0x shutdown
# (admin, crash, cannot connect now: a restart in progress).
OUTAGE_SQLSTATE_PREFIXES = ("08", "53", "57P01", "57P02", "57P03")
# SQLite's messages for the same (its file cannot be reached, or stays locked past the timeout).
SQLITE_OUTAGE = ("unable to open database file", "database is locked", "disk i/o error")


def is_outage(exc: BaseException | None) -> bool:
    """Whether `exc` says the database cannot be reached, rather than that a query is wrong."""
    if isinstance(exc, InterfaceError):
        return True  # the connection is closed or broken
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate is not None:
        return sqlstate.startswith(OUTAGE_SQLSTATE_PREFIXES)
    if type(cause).__module__.startswith("psycopg"):
        return True  # no SQLSTATE: the client library lost or never had the connection
    return any(text in str(exc).lower() for text in SQLITE_OUTAGE)


def database_unreachable() -> BaseException | None:
    """The outage error when the database does not answer now, else None. For errors that hide
    their cause (pydantic wraps an OperationalError raised while the API serialises a lazy
    queryset into a ValidationError): asked only when a request has already failed."""
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except (OperationalError, InterfaceError) as exc:
        return exc if is_outage(exc) else None
    except Exception:  # e.g. a transaction already aborted: the database is there
        return None
    return None


@receiver(got_request_exception)
def _note_outage(sender, request=None, **kwargs) -> None:
    exc = sys.exc_info()[1]
    if request is None or exc is None:
        return
    if is_outage(exc):
        request._laksana_outage = exc
    elif (unreachable := database_unreachable()) is not None:
        request._laksana_outage = unreachable


def unavailable(request) -> HttpResponse:
    message = _("Layanan sedang tidak dapat menjangkau basis data. Coba lagi sebentar lagi.")
    path = request.path
    if path.startswith("/api/"):
        response = JsonResponse({"detail": message, "code": "unavailable"}, status=503)
    elif path.startswith("/open311/"):
        from laksana.open311.render import respond

        fmt = "xml" if path.endswith(".xml") else "json"
        response = respond(fmt, [{"code": 503, "description": message}], root="errors", status=503)
    else:
        page = render_to_string("unavailable.html", {"message": message}, request=None)
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseOutageMiddleware(MiddlewareMixin):
    """Outermost: a 500 caused by a database outage becomes a 503 with Retry-After."""

    def process_response(self, request, response):
        exc = getattr(request, "_laksana_outage", None)
        if exc is not None and response.status_code == 500:
            log.warning(
                "database unavailable: %s %s answered 503 (%s)", request.method, request.path, exc
            )
            return unavailable(request)
        return response
