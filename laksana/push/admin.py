from django.contrib import admin

from .models import PushSubscription


@admin.register(PushSubscription)
class PushSubscriptionAdmin(admin.ModelAdmin):
    """Which staff browsers receive alerts; deleting one stops its pushes (the person can
    subscribe again). The keys are the browser's and are not shown."""

    list_display = ("user", "region", "created", "last_success", "failures", "user_agent")
    list_filter = ("region",)
    search_fields = ("user__username", "user__email")
    fields = ("user", "region", "endpoint", "user_agent", "created", "last_success", "failures")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
