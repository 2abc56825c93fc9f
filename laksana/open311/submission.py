"""POST requests: Open311 arguments checked together, then one call of complaints.services.submit.

Location: a pengaduan needs a place we can route. `lat`+`long` or `address_id` (a kelurahan or
kecamatan Kemendagri code, e.g. 36.71.01.1001) gives one; an `address_string` alone does not (we
do not geocode free text), so it is refused with a 400 that says what to send instead. The
address string is kept as the complaint's address when sent with either.
"""

import math
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from laksana.agencies.models import Category
from laksana.common.errors import DomainError
from laksana.complaints import services
from laksana.complaints.models import Channel, Complaint, Kind
from laksana.complaints.photos import clean_image
from laksana.complaints.services.timeline import MAX_REPORT_PHOTOS
from laksana.regions.models import Region

from .errors import Open311Error, not_a_date, too_long, unknown_service
from .models import ApiKey, Submission
from .present import attribute_definitions
from .queries import parse_datetime

ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
MAX_STRING = 500
MAX_TEXT = 4000
SHORT_FIELDS = {"device_id": 100, "account_id": 100}


@dataclass
class Created:
    complaint: Complaint
    token: str
    account_id: str


def _number(raw: str, argument: str, low: float, high: float, errors: list) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not low <= value <= high:
        message = _("Harus angka antara %(low)g dan %(high)g.") % {"low": low, "high": high}
        errors.append((argument, message))
        return None
    return value


def _location(data: QueryDict, errors: list) -> tuple[float | None, float | None]:
    raw_lat, raw_long = (data.get(k, "").strip() for k in ("lat", "long"))
    if bool(raw_lat) != bool(raw_long):
        errors.append(("lat/long", _("Kirim lat dan long sekaligus.")))
        return None, None
    if not raw_lat:
        if data.get("address_id", "").strip():
            return None, None
        if data.get("address_string", "").strip():
            message = _(
                "address_string saja tidak cukup untuk menentukan lokasi. Kirim juga lat dan "
                "long, atau address_id (kode kelurahan Kemendagri, contoh 36.71.01.1001)."
            )
        else:
            message = _("Tentukan lokasi: lat dan long, atau address_id (kode kelurahan).")
        errors.append(("lat/long", message))
        return None, None
    return (
        _number(raw_lat, "lat", -90, 90, errors),
        _number(raw_long, "long", -180, 180, errors),
    )


def _attribute_value(
    region: Region, definition: dict, values: list[str], argument: str, errors: list
):
    """The answer as stored in Complaint.attributes, or None after recording why it is wrong."""
    datatype = definition["datatype"]
    values = [v.strip() for v in values if v.strip()]
    if datatype == "multivaluelist":
        keys = {v["key"] for v in definition.get("values", [])}
        unknown = [v for v in values if v not in keys]
        if unknown:
            errors.append((argument, _("Pilihan tidak dikenal: %s.") % ", ".join(unknown)))
            return None
        return list(dict.fromkeys(values))
    if len(values) > 1:
        errors.append((argument, _("Hanya satu nilai yang boleh dikirim.")))
        return None
    value = values[0]
    if datatype == "singlevaluelist":
        if value not in {v["key"] for v in definition.get("values", [])}:
            errors.append((argument, _("Pilihan tidak dikenal: %s.") % value))
            return None
        return value
    if datatype == "number":
        number = _number(value, argument, -1e15, 1e15, errors)
        return None if number is None else (int(number) if number.is_integer() else number)
    if datatype == "datetime":
        if parse_datetime(value, region) is None:
            errors.append((argument, not_a_date()))
            return None
        return value
    limit = MAX_TEXT if datatype == "text" else MAX_STRING
    if len(value) > limit:
        errors.append((argument, too_long(limit)))
        return None
    return value


def _attributes(region: Region, category: Category, data: QueryDict, errors: list) -> dict:
    """attribute[CODE]=v and attribute[CODE][]=v, checked against the service definition.
    Answers to informational attributes (variable=false) are ignored, as the spec intends."""
    definitions = {a["code"]: a for a in attribute_definitions(category)}
    sent: dict[str, list[str]] = {}
    for key in data:
        match = ATTRIBUTE.match(key)
        if match:
            sent.setdefault(match.group(1), []).extend(data.getlist(key))
        elif key.startswith("attribute"):
            errors.append((key, _("Tulis atribut sebagai attribute[KODE]=nilai.")))
    answers = {}
    for code, values in sent.items():
        definition = definitions.get(code)
        argument = f"attribute[{code}]"
        if definition is None:
            errors.append((argument, _("Atribut tidak dikenal untuk layanan ini.")))
        elif definition["variable"] and any(v.strip() for v in values):
            value = _attribute_value(region, definition, values, argument, errors)
            if value is not None:
                answers[code] = value
    refused = {argument for argument, _message in errors}
    for code, definition in definitions.items():
        argument = f"attribute[{code}]"
        required = definition["required"] and definition["variable"]
        if required and code not in answers and argument not in refused:
            errors.append((argument, _("Wajib diisi.")))
    return answers


def _photos(files: MultiValueDict, errors: list) -> list[UploadedFile]:
    """Every uploaded file is a photo of the request, whatever its field name (clients use media,
    media_file, photo, ...); each is checked now so nothing is stored when one is refused."""
    uploads = [f for name in files for f in files.getlist(name)]
    if len(uploads) > MAX_REPORT_PHOTOS:
        errors.append(("media", _("Paling banyak %(n)d foto.") % {"n": MAX_REPORT_PHOTOS}))
        return []
    for upload in uploads:
        try:
            clean_image(upload)
        except DomainError as exc:
            errors.append(("media", str(exc.detail)))
    return uploads


def _category(region: Region, code: str, errors: list) -> Category | None:
    if not code:
        errors.append(("service_code", _("Wajib diisi.")))
        return None
    category = Category.objects.filter(
        region=region, code=code, is_public=True, is_active=True
    ).first()
    if category is None:
        errors.append(("service_code", unknown_service(code)))
    return category


def _plain(data: QueryDict, errors: list) -> None:
    for key, limit in SHORT_FIELDS.items():
        if len(data.get(key, "")) > limit:
            errors.append((key, too_long(limit)))
    media_url = data.get("media_url", "").strip()
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
            if len(media_url) > 1000:
                raise DjangoValidationError("too long")
        except DjangoValidationError:
            errors.append(("media_url", _("Bukan URL http(s) yang sah.")))


def create_request(
    *, region: Region, api_key: ApiKey, data: QueryDict, files: MultiValueDict
) -> Created:
    """Check every argument (all errors at once), then submit the complaint with its photos and
    what Open311 adds, in one transaction: a refused photo leaves nothing behind."""
    errors: list[tuple[str, str]] = []
    _plain(data, errors)
    category = _category(region, data.get("service_code", "").strip(), errors)
    lat, lng = _location(data, errors)
    attributes = _attributes(region, category, data, errors) if category else {}
    uploads = _photos(files, errors)
    if errors:
        raise Open311Error(400, errors)
    name = " ".join(data.get(k, "").strip() for k in ("first_name", "last_name")).strip()
    try:
        with transaction.atomic():
            result = services.submit(
                region=region,
                category_code=category.code,
                description=data.get("description", ""),
                kind=Kind.COMPLAINT,
                lat=lat,
                lng=lng,
                area_code=data.get("address_id", "").strip() or None,
                address=data.get("address_string", ""),
                reporter_name=name,
                phone=data.get("phone", ""),
                email=data.get("email", ""),
                channel=Channel.OPEN311,
                source=api_key.name,
                attributes=attributes,
                data={"api_key": api_key.prefix},
            )
            Submission.objects.create(
                region=region,
                complaint=result.complaint,
                api_key=api_key,
                media_url=data.get("media_url", "").strip(),
                device_id=data.get("device_id", ""),
                account_id=data.get("account_id", ""),
            )
            for upload in uploads:
                services.add_photo(
                    complaint=result.complaint, actor=services.Citizen(), upload=upload
                )
    except DomainError as exc:
        raise Open311Error.from_domain(exc) from None
    return Created(result.complaint, result.token, data.get("account_id", ""))
