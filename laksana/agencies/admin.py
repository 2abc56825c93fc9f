from django.contrib import admin

from laksana.common.admin import RegionScopedAdmin

from .models import Agency, AreaRule, Category, Membership


@admin.register(Agency)
class AgencyAdmin(RegionScopedAdmin):
    list_display = ["code", "short_name", "name", "kind", "is_active", "region"]
    search_fields = ["code", "short_name", "name"]


@admin.register(Category)
class CategoryAdmin(RegionScopedAdmin):
    list_display = ["code", "name", "group", "default_agency", "is_public", "is_active", "region"]
    list_filter = ["group", "is_public"]
    search_fields = ["code", "name"]


@admin.register(AreaRule)
class AreaRuleAdmin(RegionScopedAdmin):
    list_display = ["category", "area", "agency", "region"]


@admin.register(Membership)
class MembershipAdmin(RegionScopedAdmin):
    list_display = ["user", "role", "agency", "region"]
    list_filter = ["role"]
