from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "laksana.routing"
    label = "routing"
    verbose_name = "Saran kategori dan OPD"

    def ready(self) -> None:
        from laksana.complaints import hooks

        from .duplicates import ArrivalLinks
        from .usage import UsageEvents

        # Whether a suggestion was taken, and which incident a new report belongs to, come
        # from the lifecycle's events: routing subscribes, the lifecycle knows nothing of it.
        hooks.subscribe("routing.usage", UsageEvents())
        hooks.subscribe("routing.duplicates", ArrivalLinks())
