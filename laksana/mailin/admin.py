"""A region's inbox and the messages read from it, in Django admin (region-scoped). The IMAP
password is written, never shown again."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from laksana.common.admin import RegionScopedAdmin

from .models import InboundMail, Mailbox


class MailboxForm(forms.ModelForm):
    password = forms.CharField(
        label=_("kata sandi"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Kosongkan untuk tetap memakai kata sandi yang tersimpan."),
    )

    class Meta:
        model = Mailbox
        fields = [
            "region",
            "address",
            "host",
            "port",
            "use_ssl",
            "username",
            "password",
            "folder",
            "is_active",
        ]

    def clean_password(self):
        given = self.cleaned_data.get("password")
        if given:
            return given
        if self.instance.pk:
            return Mailbox.objects.get(pk=self.instance.pk).password
        raise forms.ValidationError(_("Isi kata sandi kotak masuk."))


@admin.register(Mailbox)
class MailboxAdmin(RegionScopedAdmin):
    form = MailboxForm
    list_display = ["address", "host", "is_active", "last_polled_at", "last_error", "region"]
    readonly_fields = ["last_polled_at", "last_error"]


@admin.register(InboundMail)
class InboundMailAdmin(RegionScopedAdmin):
    list_display = ["received_at", "sender", "subject", "state", "reason", "complaint", "region"]
    list_filter = ["state", "region"]
    readonly_fields = [f.name for f in InboundMail._meta.fields]

    def has_add_permission(self, request):
        return False
