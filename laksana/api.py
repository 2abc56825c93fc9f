"""The JSON API under /api/v1/: one NinjaAPI, one error shape {"detail", "code"[, "fields"]}."""

import importlib

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from laksana.accounts.api import router as accounts_router
from laksana.common.errors import DomainError
from laksana.complaints.api import router as public_router
from laksana.complaints.staff_api import router as staff_router
from laksana.regions.api import router as regions_router

# Every operation may answer with these, in the one error shape: the exception handlers below
# apply to all routes (validation, sign-in, roles, region scope, conflicts, limits, an outage).
ERROR_STATUSES = {
    400: "Permintaan tidak valid",
    401: "Belum masuk atau token tidak sah",
    403: "Tidak berwenang",
    404: "Tidak ditemukan (termasuk data wilayah lain)",
    409: "Bentrok dengan keadaan laporan",
    413: "Kiriman terlalu besar",
    422: "Isian tidak valid",
    429: "Terlalu banyak permintaan",
    503: "Layanan sementara tidak tersedia",
}


class LaksanaAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """The schema says what the API really answers: the error statuses of every operation,
        with the error shape (checked by the schemathesis run, common/tests)."""
        from laksana.complaints.schemas import ErrorOut

        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.setdefault(
            "ErrorOut", ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        )
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for methods in schema["paths"].values():
            for operation in methods.values():
                responses = operation.setdefault("responses", {})
                for status, description in ERROR_STATUSES.items():
                    responses.setdefault(status, {"description": description, "content": error})
        return schema


api = LaksanaAPI(
    title="Laksana API",
    version="1",
    description=(
        "Complaints (laporan) of Indonesian local governments. Public endpoints take in and track "
        "complaints; staff endpoints (personal token `Authorization: Bearer lks_…` or a signed-in "
        "session) list them and move them through their lifecycle. Errors are always "
        '`{"detail": "…", "code": "…", "fields": {…}}`.'
    ),
    urls_namespace="api",
)


def _error(request: HttpRequest, status: int, detail, code: str, fields: dict | None = None):
    body = {"detail": str(detail), "code": code}
    if fields:
        body["fields"] = {k: str(v) for k, v in fields.items()}
    return api.create_response(request, body, status=status)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    response = _error(request, exc.status, exc.detail, exc.code, exc.fields)
    if getattr(exc, "retry_after", None):  # rate limits and lockouts say when to try again
        response["Retry-After"] = str(exc.retry_after)
    return response


_TYPE_MESSAGES = {
    "missing": "Wajib diisi.",
    "float_parsing": "Harus berupa angka.",
    "float_type": "Harus berupa angka.",
    "int_parsing": "Harus berupa bilangan bulat.",
    "int_type": "Harus berupa bilangan bulat.",
    "bool_parsing": "Harus true atau false.",
    "bool_type": "Harus true atau false.",
    "string_type": "Harus berupa teks.",
    "json_invalid": "Isi permintaan bukan JSON yang sah.",
}


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    fields = {}
    for error in exc.errors:
        loc = [
            str(p) for p in error.get("loc", []) if p not in ("body", "payload", "query", "form")
        ]
        name = ".".join(loc) or "body"
        fields[name] = _(_TYPE_MESSAGES.get(error.get("type"), "Nilai tidak valid."))
    return _error(
        request, 422, _("Periksa kembali isian yang dikirim."), "validation_error", fields
    )


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return _error(
        request, 401, _("Masuk terlebih dahulu atau kirim token API yang sah."), "unauthenticated"
    )


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return _error(request, exc.status_code, exc.message, "error")


@api.exception_handler(RequestDataTooBig)
def too_big(request, exc):
    return _error(request, 413, _("Kiriman terlalu besar."), "too_large")


api.add_router("/", regions_router)
api.add_router("/", public_router)
api.add_router("/", staff_router)
api.add_router("/", accounts_router)

# Each capability app with an `api.py` defining `router` adds its routes under /api/v1/ here.
for _app in ("sla", "dispatch", "console", "live", "portal"):
    try:
        _module = importlib.import_module(f"laksana.{_app}.api")
    except ModuleNotFoundError as exc:
        if exc.name != f"laksana.{_app}.api":
            raise
        continue
    api.add_router("/", _module.router)
