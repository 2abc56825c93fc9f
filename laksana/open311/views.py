"""GeoReport v2 endpoints: thin views over present/queries/submission/updates.

Every view answers in the format its URL ends with, and every error in Open311's own shape."""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from laksana.agencies.models import Category
from laksana.common import ratelimit
from laksana.common.errors import DomainError
from laksana.common.timefmt import local_iso
from laksana.complaints import services
from laksana.complaints.models import Complaint
from laksana.regions.models import Region

from . import present
from .errors import Open311Error, error_response, unknown_service
from .keys import authenticate
from .queries import find_requests, is_true, public_requests
from .render import respond
from .submission import create_request
from .updates import apply_update

# When this API's shape last changed (discovery's `changeset`).
CHANGESET = "2026-11-27T00:00:00Z"


def open311(*methods: str) -> Callable:
    """Allow only `methods`; turn every refusal into an Open311 error in the URL's format."""

    allowed = {*methods, "HEAD"} if "GET" in methods else set(methods)

    def decorate(view: Callable) -> Callable:
        @csrf_exempt  # machine clients authenticate with api_key, never with a session cookie
        @wraps(view)
        def wrapper(request: HttpRequest, fmt: str = "json", **kwargs) -> HttpResponse:
            try:
                if request.method not in allowed:
                    raise Open311Error(405, _("Metode %s tidak didukung di sini.") % request.method)
                _refuse_nul(request, kwargs)
                return view(request, fmt, **kwargs)
            except Open311Error as exc:
                response = error_response(fmt, exc)
            except DomainError as exc:
                response = error_response(fmt, Open311Error.from_domain(exc))
                if getattr(exc, "retry_after", None):  # rate limits say when to try again
                    response["Retry-After"] = str(exc.retry_after)
            except RequestDataTooBig:
                response = error_response(fmt, Open311Error(413, _("Kiriman terlalu besar.")))
            except (MultiPartParserError, TooManyFieldsSent, TooManyFilesSent):
                response = error_response(fmt, Open311Error(400, _("Isi kiriman rusak.")))
            if response.status_code == 405:
                response["Allow"] = ", ".join(methods)
            return response

        return wrapper

    return decorate


def _refuse_nul(request: HttpRequest, kwargs: dict) -> None:
    """NUL cannot be stored in or compared with a PostgreSQL text column: refuse it up front."""
    sent = [*kwargs.items(), *request.GET.lists()]
    if request.method == "POST":
        sent += request.POST.lists()
    errors = [
        (name, _("Berisi karakter yang tidak sah."))
        for name, values in sent
        if "\x00" in name
        or any("\x00" in v for v in ([values] if isinstance(values, str) else values))
    ]
    if errors:
        raise Open311Error(400, errors)


def _argument(request: HttpRequest, name: str) -> str:
    # POST clients put jurisdiction_id and api_key in the body or the query string.
    value = request.POST.get(name) if request.method == "POST" else None
    return (value or request.GET.get(name) or "").strip()


def jurisdiction(request: HttpRequest, *, required: bool = True) -> Region | None:
    """The region named by jurisdiction_id; optional only while this server hosts one region."""
    slug = _argument(request, "jurisdiction_id")
    if slug:
        region = Region.objects.filter(slug=slug).first()
        if region is None:
            raise Open311Error(404, [("jurisdiction_id", _("Wilayah '%s' tidak dikenal.") % slug)])
        return region
    regions = list(Region.objects.order_by("slug")[:2])
    if len(regions) == 1:
        return regions[0]
    if not required:
        return None
    message = _("Wajib diisi: server ini melayani beberapa wilayah (isi dengan slug wilayah).")
    raise Open311Error(400, [("jurisdiction_id", message)])


def _origin(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@open311("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    region = jurisdiction(request, required=False)
    base = request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": fmt}))
    base = base.rsplit("/", 1)[0] + "/"
    if region is not None:
        key_url = reverse("open311_console:keys", kwargs={"region_slug": region.slug})
        key_service = _("Admin wilayah membuat kunci API di %(url)s") % {
            "url": request.build_absolute_uri(key_url)
        }
        contact = _("Admin wilayah %(region)s") % {"region": region.name}
    else:
        key_service = _("Admin wilayah membuat kunci API di konsol: /<wilayah>/console/apikeys/")
        contact = _("Admin wilayah di setiap pemerintah daerah")
    body = {
        "changeset": CHANGESET,
        "contact": str(contact),
        "key_service": str(key_service),
        "endpoints": [
            {
                "specification": present.SPECIFICATION,
                "url": base,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return respond(fmt, body, root="discovery")


def _categories(region: Region):
    return Category.objects.filter(region=region, is_public=True, is_active=True)


@open311("GET")
def services_list(request: HttpRequest, fmt: str) -> HttpResponse:
    region = jurisdiction(request)
    return respond(fmt, [present.service(c) for c in _categories(region)], root="services")


@open311("GET")
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    region = jurisdiction(request)
    category = _categories(region).filter(code=code).first()
    if category is None:
        raise Open311Error(404, [("service_code", unknown_service(code))])
    return respond(fmt, present.service_definition(category), root="service_definition")


def _requests_response(request, fmt, region, complaints, *, extensions: bool) -> HttpResponse:
    writer = present.RequestWriter(region, origin=_origin(request), extensions=extensions)
    return respond(fmt, writer.rows(complaints), root="service_requests")


@open311("GET", "POST")
def requests_view(request: HttpRequest, fmt: str) -> HttpResponse:
    region = jurisdiction(request)
    if request.method == "POST":
        ratelimit.enforce("submit", ratelimit.client_address(request))
        api_key = authenticate(_argument(request, "api_key"), region)
        created = create_request(
            region=region, api_key=api_key, data=request.POST, files=request.FILES
        )
        notice = _("Laporan diterima dengan nomor %(number)s.") % {
            "number": created.complaint.number
        }
        body = [
            {
                "service_request_id": created.complaint.number,
                "token": created.token,
                "service_notice": str(notice),
                "account_id": created.account_id or None,
            }
        ]
        return respond(fmt, body, root="service_requests")
    page = find_requests(region, request.GET)
    return _requests_response(request, fmt, region, page.rows, extensions=page.extensions)


@open311("GET")
def request_detail(request: HttpRequest, fmt: str, number: str) -> HttpResponse:
    region = jurisdiction(request)
    extensions = is_true(request.GET.get("extensions"))
    complaints = public_requests(region).filter(number=number)
    if not complaints.exists():
        raise Open311Error(404, [("service_request_id", _("Laporan tidak ditemukan."))])
    # A list of one, as the specification says (clients index [0]).
    return _requests_response(request, fmt, region, complaints, extensions=extensions)


@open311("GET")
def token(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    region = jurisdiction(request)
    ratelimit.refuse_if_guessing(request)
    try:
        complaint = services.get_by_token(token)
    except DomainError:
        complaint = None
    if complaint is None or complaint.region_id != region.id or complaint.is_confidential:
        ratelimit.count_token_miss(request)
        raise Open311Error(404, [("token", _("Token tidak dikenal."))])
    body = [{"service_request_id": complaint.number, "token": token}]
    return respond(fmt, body, root="service_requests")


@open311("POST")
def request_updates(request: HttpRequest, fmt: str) -> HttpResponse:
    region = jurisdiction(request)
    ratelimit.enforce("write", ratelimit.client_address(request))
    api_key = authenticate(_argument(request, "api_key"), region)
    applied = apply_update(region=region, api_key=api_key, data=request.POST, files=request.FILES)
    complaint: Complaint = applied.complaint
    body = [
        {
            "update_id": applied.update_id,
            "service_request_id": complaint.number,
            "status": present.open_or_closed(complaint.status),
            "updated_datetime": local_iso(complaint.updated_at, region),
        }
    ]
    return respond(fmt, body, root="service_request_updates")


@open311("GET", "POST")
def unknown(request: HttpRequest, fmt: str, path: str = "") -> HttpResponse:
    raise Open311Error(404, _("Sumber tidak dikenal. Lihat discovery.json."))
