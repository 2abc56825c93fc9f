from django.contrib import admin

from laksana.common.admin import RegionScopedAdmin

from .models import Complaint


@admin.register(Complaint)
class ComplaintAdmin(RegionScopedAdmin):
    """Read-only: complaints change only through the lifecycle services (console, API)."""

    list_display = ["number", "status", "category", "agency", "submitted_at", "region"]
    list_filter = ["status", "kind", "channel"]
    search_fields = ["number"]
    readonly_fields = [f for f in ["number"]]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
