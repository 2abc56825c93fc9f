"""Per-region channel settings in the region admin. Credentials are write-only: the form never
sends a stored secret back to the browser (only its last four characters, masked), and leaving a
secret field empty keeps the stored one."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _

from laksana.common.admin import RegionScopedAdmin

from . import services, whatsapp
from .models import SECRET_FIELDS, ChannelSettings


def masked(value: str) -> str:
    return "••••" + value[-4:] if len(value) > 8 else ("••••" if value else "")


class ChannelSettingsForm(forms.ModelForm):
    gateway_url = forms.URLField(
        label=ChannelSettings._meta.get_field("gateway_url").verbose_name,
        max_length=500,
        required=False,
        assume_scheme="https",
    )

    class Meta:
        model = ChannelSettings
        fields = [
            "region",
            "provider",
            "enabled",
            "phone_number_id",
            "access_token",
            "app_secret",
            "verify_token",
            "bot_token",
            "secret_token",
            "gateway_url",
            "api_key",
            "sender",
            "whatsapp_templates",
        ]
        widgets = {name: forms.PasswordInput(render_value=False) for name in SECRET_FIELDS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SECRET_FIELDS:
            field = self.fields[name]
            stored = getattr(self.instance, name, "") if self.instance.pk else ""
            if stored:
                field.help_text = _("Tersimpan: %(masked)s. Kosongkan untuk tetap memakainya.") % {
                    "masked": masked(stored)
                } + (f" {field.help_text}" if field.help_text else "")
            field.required = False

    def clean_whatsapp_templates(self):
        names = self.cleaned_data.get("whatsapp_templates") or {}
        problems = whatsapp.check_names(names)
        if problems:
            raise forms.ValidationError(problems)
        return names

    def clean(self):
        cleaned = super().clean()
        for name in SECRET_FIELDS:
            if not cleaned.get(name) and self.instance.pk:
                cleaned[name] = getattr(self.instance, name)  # empty: keep the stored secret
        return cleaned


@admin.register(ChannelSettings)
class ChannelSettingsAdmin(RegionScopedAdmin):
    form = ChannelSettingsForm
    list_display = ["region", "provider", "enabled", "updated_at"]
    list_filter = ["provider", "enabled", "region"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.forget_settings(obj.region_id)
