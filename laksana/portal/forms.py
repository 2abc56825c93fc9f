"""The citizens' forms. They check shapes (a number is a number, a photo is a photo, a choice is
one of the region's); the rules about complaints stay in complaints.services, whose errors are put
next to the matching field here."""

import secrets

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laksana.common.errors import DomainError, ValidationFailed
from laksana.complaints.models import Kind, Status
from laksana.complaints.photos import clean_image
from laksana.complaints.services import (
    MAX_DESCRIPTION,
    MAX_REPORT_PHOTOS,
    MAX_TEXT,
    check_submission,
)
from laksana.notify import outbox
from laksana.regions.models import Region

from . import queries

REQUIRED = {"required": gettext_lazy("Wajib diisi.")}
BAD_POINT = {
    "invalid": gettext_lazy(
        "Titik lokasi tidak terbaca. Ketuk peta sekali lagi, atau pilih kecamatan dan kelurahan."
    )
}
# Where the service's field names show up in the report form.
SERVICE_FIELDS = {"location": "lat", "lat": "lat", "lng": "lat", "photo": "photos"}


def new_idempotency_key() -> str:
    return secrets.token_urlsafe(18)


class CategorySelect(forms.Select):
    """A <select> whose options carry the category's keywords, so the small filter script can find
    "lampu mati" under "Penerangan jalan umum"."""

    keywords: dict[str, str] = {}  # replaced per form (the region's categories)
    emergencies: frozenset[str] = frozenset()  # codes of the region's emergency categories

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value and self.keywords.get(value):
            option["attrs"]["data-keywords"] = self.keywords[value]
        if value in self.emergencies:
            option["attrs"]["data-emergency"] = "1"
        return option


class MultiplePhotoInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to five photos, each checked by content (JPEG, PNG or WebP) before anything is stored."""

    widget = MultiplePhotoInput

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_REPORT_PHOTOS:
            raise ValidationError(_("Paling banyak %(n)d foto.") % {"n": MAX_REPORT_PHOTOS})
        errors = []
        for number, upload in enumerate(files, start=1):
            try:
                clean_image(upload)
            except DomainError as exc:
                errors.append(
                    _("Foto %(n)d (%(name)s): %(error)s")
                    % {"n": number, "name": upload.name, "error": exc.detail}
                )
        if errors:
            raise ValidationError(errors)
        return files


def _contact_help(region: Region) -> str:
    """What a phone number or an e-mail address is good for here: tracking always; updates only
    through a channel the installation really has (notify.outbox decides what is sent)."""
    reached = {c for c, _r in outbox.citizen_contacts(region.id, email="e", phone="p")}
    track = _("Isi nomor HP atau e-mail agar Anda dapat melacak laporan dengan nomornya.")
    if reached - {"email"} and "email" in reached:
        return track + " " + _("Kabar perkembangan dikirim ke nomor HP dan e-mail Anda.")
    if "email" in reached:
        return track + " " + _("Kabar perkembangan dikirim lewat e-mail (belum lewat SMS).")
    if reached:
        return track + " " + _("Kabar perkembangan dikirim ke nomor HP Anda.")
    return track


class ReportForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Jenis laporan"),
        choices=Kind.choices,
        initial=Kind.COMPLAINT,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Pilih jenis laporan."),
            "invalid_choice": gettext_lazy("Jenis laporan tidak dikenal."),
        },
    )
    category = forms.ChoiceField(
        label=gettext_lazy("Kategori"),
        widget=CategorySelect,
        error_messages={
            "required": gettext_lazy("Pilih kategori yang paling sesuai."),
            "invalid_choice": gettext_lazy("Kategori tidak dikenal. Pilih dari daftar."),
        },
    )
    description = forms.CharField(
        label=gettext_lazy("Ceritakan masalahnya"),
        help_text=gettext_lazy("Apa yang terjadi, sejak kapan, dan siapa yang terdampak."),
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_DESCRIPTION}),
        error_messages=REQUIRED,
    )
    lat = forms.FloatField(
        label=gettext_lazy("Lokasi"),
        required=False,
        widget=forms.HiddenInput,
        error_messages=BAD_POINT,
    )
    lng = forms.FloatField(
        label=gettext_lazy("Lokasi"),
        required=False,
        widget=forms.HiddenInput,
        error_messages=BAD_POINT,
    )
    kecamatan = forms.ChoiceField(
        label=gettext_lazy("Kecamatan"),
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy("Kecamatan tidak dikenal. Pilih dari daftar.")
        },
    )
    kelurahan = forms.ChoiceField(
        label=gettext_lazy("Kelurahan"),
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy("Kelurahan tidak dikenal. Pilih dari daftar.")
        },
    )
    address = forms.CharField(
        label=gettext_lazy("Alamat atau patokan"),
        help_text=gettext_lazy("Contoh: Jl. Merdeka No. 5, depan masjid."),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 300, "autocomplete": "street-address"}),
    )
    photos = PhotosField(
        label=gettext_lazy("Foto (boleh dikosongkan)"),
        help_text=gettext_lazy("Paling banyak 5 foto JPEG, PNG atau WebP."),
        required=False,
        widget=MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    name = forms.CharField(
        label=gettext_lazy("Nama (boleh dikosongkan)"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 120, "autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=gettext_lazy("Nomor HP (boleh dikosongkan)"),
        required=False,
        widget=forms.TextInput(
            attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel", "maxlength": 32}
        ),
    )
    email = forms.CharField(
        label=gettext_lazy("E-mail (boleh dikosongkan)"),
        required=False,
        widget=forms.TextInput(attrs={"type": "email", "autocomplete": "email", "maxlength": 254}),
    )
    anonymous = forms.BooleanField(
        label=gettext_lazy("Anonim"),
        help_text=gettext_lazy(
            "Laporan tetap tampil untuk umum, tetapi nama Anda disembunyikan dari publik dan dari "
            "OPD yang menangani."
        ),
        required=False,
    )
    confidential = forms.BooleanField(
        label=gettext_lazy("Rahasia"),
        help_text=gettext_lazy(
            "Seluruh laporan tidak ditampilkan untuk umum; hanya petugas yang menanganinya yang "
            "dapat membaca."
        ),
        required=False,
    )
    idempotency_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    # Honeypot: hidden from people (and from screen readers), filled in by naive bots.
    website = forms.CharField(
        label=gettext_lazy("Jangan isi kolom ini"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, region: Region, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.region = region
        groups = queries.grouped_categories(region)
        keywords = {c.code: f"{c.group} {c.keywords}".strip() for _g, cs in groups for c in cs}
        choices: list = [("", _("— Pilih kategori —"))]
        for group, categories in groups:
            options = [(c.code, c.name) for c in categories]
            if group:
                choices.append((group, options))
            else:
                choices.extend(options)
        self.fields["category"].choices = choices
        self.fields["email"].help_text = _contact_help(region)
        self.fields["category"].widget.keywords = keywords
        self.emergencies = frozenset(c.code for _g, cs in groups for c in cs if c.is_emergency)
        self.fields["category"].widget.emergencies = self.emergencies
        areas = queries.kecamatan_and_kelurahan(region)
        self.kecamatan_of = {k.code: kec.code for kec, ks in areas for k in ks}
        self.fields["kecamatan"].choices = [("", _("— Pilih kecamatan —"))] + [
            (k.code, k.name) for k, _ks in areas
        ]
        self.fields["kelurahan"].choices = [("", _("— Pilih kelurahan —"))] + [
            (k.name, [(c.code, c.name) for c in ks]) for k, ks in areas if ks
        ]

    @property
    def emergency_chosen(self) -> bool:
        """The category chosen (sent, or preselected from the home page) is an emergency."""
        chosen = self.data.get("category") if self.is_bound else self.initial.get("category")
        return chosen in self.emergencies

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise ValidationError(_("Kolom ini harus dikosongkan."))
        return ""

    def clean(self):
        data = super().clean()
        kecamatan, kelurahan = data.get("kecamatan"), data.get("kelurahan")
        if kecamatan and kelurahan and self.kecamatan_of.get(kelurahan) != kecamatan:
            self.add_error(
                "kelurahan", _("Kelurahan ini tidak berada di kecamatan yang Anda pilih.")
            )
        if self.errors:
            self._add_every_service_error()
        return data

    def _add_every_service_error(self) -> None:
        """The form's own checks failed: ask the service about the rest too, so the citizen sees
        every error at once instead of one round each (an empty description, then the place)."""
        data = self.cleaned_data
        try:
            check_submission(
                region=self.region,
                kind=data.get("kind") or Kind.COMPLAINT,
                category_code=data.get("category") or "",
                description=data.get("description") or "",
                lat=data.get("lat"),
                lng=data.get("lng"),
                area_code=data.get("kelurahan") or data.get("kecamatan") or None,
                address=data.get("address") or "",
                reporter_name=data.get("name") or "",
                phone=data.get("phone") or "",
                email=data.get("email") or "",
            )
        except ValidationFailed as exc:
            self.add_service_errors(exc, skip_fields_in_error=True)

    def submission(self) -> dict:
        """The keyword arguments of services.submit for this (valid) form."""
        data = self.cleaned_data
        return {
            "region": self.region,
            "kind": data["kind"],
            "category_code": data["category"],
            "description": data["description"],
            "lat": data["lat"],
            "lng": data["lng"],
            "area_code": data["kelurahan"] or data["kecamatan"] or None,
            "address": data["address"],
            "reporter_name": data["name"],
            "phone": data["phone"],
            "email": data["email"],
            "is_anonymous": data["anonymous"],
            "is_confidential": data["confidential"],
            "idempotency_key": data["idempotency_key"] or None,
        }

    def add_service_errors(self, error: DomainError, *, skip_fields_in_error: bool = False) -> None:
        """Put the service's messages next to the fields they are about (not on a field that
        already shows the form's own error, with `skip_fields_in_error`)."""
        for name, text in (error.fields or {"__all__": error.detail}).items():
            message = text or error.detail
            target = SERVICE_FIELDS.get(name, name)
            if name == "area":
                target = "kelurahan" if self.cleaned_data.get("kelurahan") else "kecamatan"
            if target not in self.fields:
                target = None
            if skip_fields_in_error and (target is None or target in self.errors):
                continue
            if message and message not in self.errors.get(target or "__all__", []):
                self.add_error(target, str(message))

    def renew_key(self) -> None:
        data = self.data.copy()
        data["idempotency_key"] = new_idempotency_key()
        self.data = data


class LookupForm(forms.Form):
    number = forms.CharField(
        label=gettext_lazy("Nomor laporan"),
        help_text=gettext_lazy("Contoh: TNG-2611-000123"),
        max_length=32,
        error_messages=REQUIRED,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    contact = forms.CharField(
        label=gettext_lazy("Nomor HP atau e-mail yang Anda pakai saat melapor"),
        max_length=254,
        error_messages=REQUIRED,
    )


RATING_CHOICES = [
    (1, gettext_lazy("1 — sangat buruk")),
    (2, gettext_lazy("2 — buruk")),
    (3, gettext_lazy("3 — cukup")),
    (4, gettext_lazy("4 — baik")),
    (5, gettext_lazy("5 — sangat baik")),
]


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=gettext_lazy("Nilai penanganan"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Pilih nilai 1 sampai 5."),
            "invalid_choice": gettext_lazy("Nilai harus 1 sampai 5."),
        },
    )
    comment = forms.CharField(
        label=gettext_lazy("Komentar (boleh dikosongkan)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_TEXT}),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Apa yang belum selesai?"),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_TEXT}),
        error_messages=REQUIRED,
    )


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Jawaban Anda"),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MAX_TEXT}),
        error_messages=REQUIRED,
    )


PERIODS = [
    ("", gettext_lazy("Kapan saja")),
    ("7", gettext_lazy("7 hari terakhir")),
    ("30", gettext_lazy("30 hari terakhir")),
    ("90", gettext_lazy("90 hari terakhir")),
    ("365", gettext_lazy("Setahun terakhir")),
]


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html: ` name="value"`, ` name` for True, nothing for False."""
    return "".join(
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
        for name, value in attrs.items()
        if value is not False
    )


class PlainSelect(forms.Select):
    """Django's Select with the markup of its templates (select.html, select_option.html,
    attrs.html) written by format_html, which escapes as the templates do. The form renderer
    renders a template per option: about a third of the public list's time, for 50 options."""

    def _render(self, template_name, context, renderer=None):
        widget = context["widget"]
        parts = [format_html('<select name="{}"', widget["name"]), _attrs(widget["attrs"]), ">"]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in options:
                parts.append(
                    format_html(
                        '\n  <option value="{}"{}>{}</option>\n',
                        option["value"],
                        mark_safe(_attrs(option["attrs"])),
                        localize(option["label"]),
                    )
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # every piece above is escaped or literal


class FilterForm(forms.Form):
    kategori = forms.ChoiceField(label=gettext_lazy("Kategori"), required=False, widget=PlainSelect)
    kecamatan = forms.ChoiceField(
        label=gettext_lazy("Kecamatan"), required=False, widget=PlainSelect
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False, widget=PlainSelect)
    periode = forms.ChoiceField(
        label=gettext_lazy("Periode"), required=False, choices=PERIODS, widget=PlainSelect
    )

    def __init__(self, region: Region, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = queries.choices(region)
        self.fields["kategori"].choices = [("", _("Semua kategori"))] + [
            (group or _("Lainnya"), [(c["code"], c["name"]) for c in categories])
            for group, categories in choices.categories
        ]
        self.fields["kecamatan"].choices = [("", _("Semua kecamatan")), *choices.kecamatan]
        self.fields["status"].choices = [("", _("Semua status")), *Status.choices]

    def filters(self) -> queries.Filters:
        """The valid filters; an invalid one is reported next to its field and ignored."""
        self.is_valid()
        data = {k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors}
        return queries.Filters(
            category=data.get("kategori", ""),
            kecamatan=data.get("kecamatan", ""),
            status=data.get("status", ""),
            days=int(data["periode"]) if data.get("periode") else None,
        )
