"""Password sign-in with lockout, for staff pages (the JSON API has its own token exchange)."""

import hashlib

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from laksana.agencies.models import Membership
from laksana.common import clock, ratelimit

from . import lockout

SESSION_LOGIN_AT = "laksana_login_at"


class LockoutCheck:
    """Says why a sign-in is refused while it is locked out (instead of "wrong password")."""

    locked = False

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        try:
            lockout.check(username=username, ip=lockout.client_ip(self.request))
        except lockout.LockedOut as exc:
            self.locked = True
            raise forms.ValidationError(str(exc.detail), code="locked_out") from None
        # Failures and successes are recorded by the lockout's signal receivers (accounts.lockout).
        return super().clean()


class AdminLockoutAuthenticationForm(LockoutCheck, AdminAuthenticationForm):
    pass


class LockoutAuthenticationForm(LockoutCheck, AuthenticationForm):
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
            response["Retry-After"] = str(int(lockout.WINDOW.total_seconds()))
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


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, with its e-mails limited per address and per e-mail asked about:
    otherwise anyone could flood a staff member's inbox or probe the form without end."""

    def post(self, request, *args, **kwargs):
        email = request.POST.get("email", "").strip().lower()
        decision = ratelimit.check("password_reset", ratelimit.client_address(request))
        if decision.allowed and email:
            digest = hashlib.sha256(email.encode()).hexdigest()[:32]
            decision = ratelimit.check("password_reset_email", digest)
        if decision.allowed:
            return super().post(request, *args, **kwargs)
        form = self.get_form()
        form.is_valid()
        form.add_error(
            "email",  # the template Django ships shows this field's errors, not the form's
            _(
                "Terlalu banyak permintaan atur ulang kata sandi. Tunggu %(n)d menit, lalu "
                "coba lagi."
            )
            % {"n": max(1, -(-decision.retry_after // 60))},
        )
        response = self.render_to_response(self.get_context_data(form=form), status=429)
        response["Retry-After"] = str(decision.retry_after)
        return response
