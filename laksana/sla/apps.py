from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "laksana.sla"
    label = "sla"
    verbose_name = "Batas waktu (SLA)"

    def ready(self) -> None:
        from laksana.complaints import hooks
        from laksana.regions import calendar

        from .services import deadlines
        from .services.policy import load_calendar

        # Regions' working calendars come from their settings here (regions knows nothing of sla).
        calendar.set_loader(load_calendar)
        # The deadline fields every transition writes in its own UPDATE.
        hooks.set_deadline_policy(deadlines)
