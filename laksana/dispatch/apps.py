from django.apps import AppConfig
from django.db.models.signals import post_save


def _profile_for_new_officer(sender, instance, created, raw=False, **kwargs) -> None:
    """Every field_officer membership gets its officer profile, whoever creates the membership."""
    if raw or instance.role != "field_officer" or instance.agency_id is None:
        return
    from .officers import ensure_officer

    ensure_officer(region=instance.region, user=instance.user, agency=instance.agency)


class DispatchConfig(AppConfig):
    name = "laksana.dispatch"
    label = "dispatch"
    verbose_name = "Dispatch"

    def ready(self) -> None:
        from laksana.agencies.models import Membership

        post_save.connect(
            _profile_for_new_officer, sender=Membership, dispatch_uid="dispatch_officer_profile"
        )
