"""Password sign-in with lockout, for staff pages (the JSON API has its own token exchange)."""

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from laksana.agencies.models import Membership
from laksana.common import clock

from . import lockout

SESSION_LOGIN_AT = "laksana_login_at"


class LockoutAuthenticationForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Nama pengguna atau kata sandi salah."),
        "inactive": _("Akun ini tidak aktif."),
    }
    username = forms.CharField(
        label=_("Nama pengguna"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Kata sandi"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    locked = False

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip = lockout.client_ip(self.request)
        try:
            lockout.check(username=username, ip=ip)
        except lockout.LockedOut as exc:
            self.locked = True
            raise forms.ValidationError(str(exc.detail), code="locked_out") from None
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            lockout.record_failure(username=username, ip=ip)
            raise
        lockout.record_success(username=username, ip=ip)
        return cleaned


class LoginView(auth_views.LoginView):
    form_class = LockoutAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        # The console ends sessions this long after sign-in, however active (see console.access).
        self.request.session[SESSION_LOGIN_AT] = clock.now().timestamp()
        return response

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.locked:
            response.status_code = 429
        return response

    def get_default_redirect_url(self):
        membership = (
            Membership.objects.filter(user=self.request.user)
            .select_related("region")
            .order_by("region__name")
            .first()
        )
        if membership is None:
            return "/"
        roles = set(
            Membership.objects.filter(user=self.request.user, region=membership.region).values_list(
                "role", flat=True
            )
        )
        # Field officers have no console: their place is their task list.
        page = "dispatch:home" if roles == {"field_officer"} else "console:home"
        return reverse(page, kwargs={"region_slug": membership.region.slug})
