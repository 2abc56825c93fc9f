"""Django admin scoped to regions: a region admin sees and edits only their own regions' rows."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from laksana.agencies.models import Membership, Role


def admin_region_ids(user) -> list[int] | None:
    """None means every region (superuser); else the regions where the user is region admin."""
    if user.is_superuser:
        return None
    return list(
        Membership.objects.filter(user=user, role=Role.REGION_ADMIN).values_list(
            "region_id", flat=True
        )
    )


class RegionScopedAdmin(admin.ModelAdmin):
    region_field = "region"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        ids = admin_region_ids(request.user)
        return qs if ids is None else qs.filter(**{f"{self.region_field}__in": ids})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        ids = admin_region_ids(request.user)
        if ids is not None:
            model = db_field.related_model
            if model is get_user_model():
                # Only people already in one of the admin's regions: others join by invitation,
                # which they accept themselves (a foreign id in a POST fails form validation).
                kwargs["queryset"] = model.objects.filter(memberships__region_id__in=ids).distinct()
                kwargs["error_messages"] = {
                    "invalid_choice": _(
                        "Orang ini belum terdaftar di wilayah Anda. Undang mereka; mereka "
                        "bergabung setelah menerima undangan."
                    )
                }
            elif model._meta.label == "regions.Region":
                kwargs["queryset"] = model.objects.filter(pk__in=ids)
            elif any(f.name == "region" for f in model._meta.fields):
                kwargs["queryset"] = model.objects.filter(region_id__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_module_permission(self, request):
        return request.user.is_active and (
            request.user.is_superuser or bool(admin_region_ids(request.user))
        )

    def _allowed(self, request, obj=None):
        if not self.has_module_permission(request):
            return False
        ids = admin_region_ids(request.user)
        if obj is None or ids is None:
            return True
        return getattr(obj, f"{self.region_field}_id") in ids

    has_view_permission = has_change_permission = has_add_permission = _allowed
    has_delete_permission = _allowed
