from django.contrib import admin
from django.db.models import Sum
from django.urls import path

from laksana.common.admin import RegionScopedAdmin

from .models import Area, Region


@admin.register(Region)
class RegionAdmin(RegionScopedAdmin):
    region_field = "id"
    list_display = ["name", "slug", "code", "timezone", "tracking_prefix"]
    readonly_fields = ["complaint_seq", "created_at"]
    exclude = ["boundary"]
    change_list_template = "admin/regions/region/change_list.html"
    HEALTH = ["complaints", "overdue", "staff", "channels"]

    def get_urls(self):
        from .adoption_admin import adopt_view

        adopt = path("adopt/", self.admin_site.admin_view(adopt_view), name="regions_region_adopt")
        return [adopt, *super().get_urls()]

    def get_list_display(self, request):
        # The platform view: a superuser sees every region's health at a glance.
        extra = self.HEALTH if request.user.is_superuser else []
        return [*self.list_display, *extra]

    # Health columns: the services' counters, not COUNT(*) over complaints (the presentation
    # layer reads the apps above regions; regions' own code does not).
    @admin.display(description="laporan")
    def complaints(self, obj):
        from laksana.complaints.models import StatusCount

        total = StatusCount.objects.filter(region=obj).aggregate(n=Sum("count"))["n"]
        return total or 0

    @admin.display(description="terlambat")
    def overdue(self, obj):
        from laksana.sla.services.counts import overdue_counts

        return sum(overdue_counts(obj).values())

    @admin.display(description="staf")
    def staff(self, obj):
        from laksana.agencies.models import Membership

        return Membership.objects.filter(region=obj).values("user").distinct().count()

    @admin.display(description="kanal (Open311, webhook)")
    def channels(self, obj):
        from laksana.notify.models import WebhookEndpoint
        from laksana.open311.models import ApiKey

        keys = ApiKey.objects.filter(region=obj, revoked_at__isnull=True).count()
        hooks = WebhookEndpoint.objects.filter(region=obj, is_active=True).count()
        return f"{keys}, {hooks}"

    def get_queryset(self, request):
        from laksana.common.admin import admin_region_ids

        qs = admin.ModelAdmin.get_queryset(self, request)
        ids = admin_region_ids(request.user)
        return qs if ids is None else qs.filter(pk__in=ids)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def _allowed(self, request, obj=None):
        from laksana.common.admin import admin_region_ids

        ids = admin_region_ids(request.user)
        if ids is None:
            return True
        return bool(ids) and (obj is None or obj.pk in ids)

    has_view_permission = has_change_permission = _allowed


@admin.register(Area)
class AreaAdmin(RegionScopedAdmin):
    list_display = ["code", "name", "level", "parent", "postcode", "region"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    exclude = ["boundary"]
