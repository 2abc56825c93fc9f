"""Region admins edit their region's deadline rules here; superusers also see the job queue."""

import django_tasks_db.admin  # noqa: F401  (registers the task list: failed jobs, tracebacks)
from django.contrib import admin

from laksana.common.admin import RegionScopedAdmin, admin_region_ids

from .models import CategoryPolicy, DayOverride, EscalationLevel, PeriodicJob, RegionPolicy


class PolicyInline(admin.TabularInline):
    """Rows of the policy being edited: whoever may edit that policy (a region admin of its
    region, see RegionScopedAdmin) may edit them."""

    def _allowed(self, request, obj=None):
        user = request.user
        return user.is_active and (user.is_superuser or bool(admin_region_ids(user)))

    has_view_permission = has_add_permission = _allowed
    has_change_permission = has_delete_permission = _allowed


class DayOverrideInline(PolicyInline):
    model = DayOverride
    extra = 1


class EscalationLevelInline(PolicyInline):
    model = EscalationLevel
    extra = 0


@admin.register(RegionPolicy)
class RegionPolicyAdmin(RegionScopedAdmin):
    list_display = [
        "region",
        "weekend",
        "office_start",
        "office_end",
        "duty_start",
        "duty_end",
        "verify_days",
        "ack_minutes",
        "respond_days",
        "resolve_days",
        "autoclose_days",
    ]
    inlines = [DayOverrideInline, EscalationLevelInline]
    fieldsets = [
        (None, {"fields": ["region"]}),
        (
            "Kalender kerja",
            {
                "fields": [
                    "weekend",
                    "national_holidays",
                    ("office_start", "office_end"),
                    ("duty_start", "duty_end"),
                ]
            },
        ),
        (
            "Batas waktu per tahap",
            {
                "fields": [
                    "verify_days",
                    "ack_minutes",
                    "respond_days",
                    "resolve_days",
                    "autoclose_days",
                ]
            },
        ),
    ]


@admin.register(DayOverride)
class DayOverrideAdmin(RegionScopedAdmin):
    region_field = "policy"  # the policy's key is the region's id
    list_display = ["date", "kind", "note", "policy"]
    list_filter = ["kind", "policy"]
    date_hierarchy = "date"


@admin.register(CategoryPolicy)
class CategoryPolicyAdmin(RegionScopedAdmin):
    list_display = [
        "category",
        "region",
        "verify_days",
        "ack_minutes",
        "respond_days",
        "resolve_days",
        "autoclose_days",
    ]
    list_filter = ["region"]


@admin.register(PeriodicJob)
class PeriodicJobAdmin(admin.ModelAdmin):
    list_display = ["name", "next_run_at", "last_run_at"]
    readonly_fields = ["name", "next_run_at", "last_run_at"]

    def has_add_permission(self, request):
        return False
