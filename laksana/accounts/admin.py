from django.contrib import admin

from .models import ApiToken
from .views import AdminLockoutAuthenticationForm


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    has_view_permission = has_change_permission = has_delete_permission = (
        lambda self, request, obj=None: request.user.is_superuser
    )

    def has_add_permission(self, request):
        return False  # tokens are created through the API or `laksana token`, shown once


# The admin's sign-in says why it refuses while locked out (the lockout itself covers it anyway).
admin.site.login_form = AdminLockoutAuthenticationForm
