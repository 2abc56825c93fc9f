"""Domain errors: raised by services, turned into one JSON shape by the API and messages by pages.

Each error carries a machine `code` and a `detail` a person understands (Indonesian by default,
translated through Django's i18n), plus the HTTP status an interface should answer with.
"""

from typing import Any


class DomainError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, detail: Any, *, code: str | None = None, fields: dict | None = None):
        super().__init__(str(detail))
        self.detail = detail
        if code:
            self.code = code
        self.fields = fields or {}


class ValidationFailed(DomainError):
    status = 422
    code = "validation_error"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class InvalidTransition(DomainError):
    status = 409
    code = "invalid_transition"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class TooLarge(DomainError):
    status = 413
    code = "too_large"


class StorageUnavailable(DomainError):
    """The photo store cannot be written now (read-only media, permissions, I/O error)."""

    status = 503
    code = "storage_unavailable"
    retry_after = 60


class StorageFull(StorageUnavailable):
    """The photo store is full (ENOSPC, EDQUOT): 507 Insufficient Storage."""

    status = 507
    code = "storage_full"
