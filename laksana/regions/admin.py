from django.contrib import admin

from laksana.common.admin import RegionScopedAdmin

from .models import Area, Region


@admin.register(Region)
class RegionAdmin(RegionScopedAdmin):
    region_field = "id"
    list_display = ["name", "slug", "code", "timezone", "tracking_prefix"]
    readonly_fields = ["complaint_seq", "created_at"]
    exclude = ["boundary"]

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
