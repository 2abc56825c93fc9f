"""The platform administrator's adoption form in Django admin (superusers: a role above regions).

The same `adopt()` as `laksana region adopt`; the kabupaten/kota is typed into a field offered the
national list (an HTML datalist: searchable without JavaScript)."""

import tempfile
from pathlib import Path

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from laksana.common.errors import DomainError

from . import adoption, national
from .models import Region


def _templates() -> list[tuple[str, str]]:
    choices = [(r.slug, r.name) for r in Region.objects.order_by("name")]
    folders = sorted(p.parent.name for p in adoption.REGIONS_DIR.glob("*/region.json"))
    choices += [(f, f"{f} (data/regions/)") for f in folders if f not in dict(choices)]
    return choices


class AdoptForm(forms.Form):
    region = forms.CharField(
        label="Kabupaten/kota",
        help_text="Ketik nama atau kode Kemendagri, misalnya “73.24 Kabupaten Luwu Timur”.",
        widget=forms.TextInput(attrs={"list": "national-regions", "autocomplete": "off"}),
    )
    template = forms.ChoiceField(label="Templat (kategori, alur, batas waktu)")
    shipped_boundaries = forms.BooleanField(
        label="Pakai batas desa/kelurahan yang disertakan Laksana (bila ada)",
        required=False,
        initial=True,
    )
    kelurahan_boundaries = forms.FileField(
        label="Atau unggah batas desa/kelurahan (GeoJSON, properti kode)", required=False
    )
    slug = forms.SlugField(label="Slug (kosong: dari nama)", required=False)
    prefix = forms.CharField(label="Prefiks nomor laporan (kosong: dari nama)", required=False)
    admin_email = forms.EmailField(label="E-mail admin wilayah pertama", required=False)
    dry_run = forms.BooleanField(label="Coba dulu (tidak disimpan)", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = _templates()
        self.fields["template"].initial = adoption.DEFAULT_TEMPLATE

    def clean_region(self) -> str:
        code = (self.cleaned_data["region"] or "").strip().split(" ", 1)[0]
        names = dict(national.regions())
        if code not in names:
            matches = [
                c
                for c, n in names.items()
                if n.lower() == self.cleaned_data["region"].strip().lower()
            ]
            if len(matches) != 1:
                raise forms.ValidationError("Pilih kabupaten/kota dari daftar.")
            code = matches[0]
        return code


def adopt_view(request):
    if not request.user.is_superuser:
        raise PermissionDenied
    adopted = set(Region.objects.values_list("code", flat=True))
    result, error = None, ""
    form = AdoptForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with tempfile.TemporaryDirectory(prefix="laksana-upload-") as tmp:
            boundaries = None
            if data["kelurahan_boundaries"]:
                upload = data["kelurahan_boundaries"]
                suffix = ".geojson.gz" if upload.name.endswith(".gz") else ".geojson"
                boundaries = Path(tmp) / f"kelurahan{suffix}"
                with open(boundaries, "wb") as fh:
                    for chunk in upload.chunks():
                        fh.write(chunk)
            elif data["shipped_boundaries"]:
                boundaries = national.bundled_kelurahan_boundaries(data["region"])
            try:
                result = adoption.adopt(
                    code=data["region"],
                    template=data["template"],
                    kelurahan_boundaries=boundaries,
                    slug=data["slug"] or None,
                    prefix=data["prefix"] or None,
                    admin_email=data["admin_email"],
                    base_url=request.build_absolute_uri("/").rstrip("/"),
                    dry_run=data["dry_run"],
                )
            except (adoption.AdoptionError, DomainError, ValueError, KeyError) as exc:
                error = str(getattr(exc, "detail", exc))
    context = {
        **admin.site.each_context(request),
        "title": "Adopsi kabupaten/kota",
        "form": form,
        "national": [(c, n, c in adopted) for c, n in national.regions()],
        "result": result,
        "error": error,
        "opts": Region._meta,
    }
    return render(request, "admin/regions/region/adopt.html", context)
