"""The outbox and webhook endpoints in Django admin: failed and uncertain deliveries are listed
here for the region's admins, who may send them again."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from laksana.common.admin import RegionScopedAdmin

from . import tasks
from .models import Notification, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(RegionScopedAdmin):
    list_display = ["name", "url", "event_types", "is_active", "region"]
    list_filter = ["is_active", "region"]


@admin.register(Notification)
class NotificationAdmin(RegionScopedAdmin):
    list_display = [
        "id",
        "created_at",
        "channel",
        "audience",
        "recipient",
        "complaint",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
    ]
    list_filter = ["status", "channel", "audience", "region"]
    search_fields = ["recipient", "complaint__number"]
    list_select_related = ["complaint"]
    actions = ["send_again"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Kirim ulang yang gagal atau tidak pasti"))
    def send_again(self, request, queryset):
        count = tasks.resend(queryset)
        self.message_user(request, _("%(n)d notifikasi dijadwalkan ulang.") % {"n": count})
