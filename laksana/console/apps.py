from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_search(sender, using="default", **kwargs) -> None:
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    from . import fts

    connection = connections[using]
    recorder = MigrationRecorder(connection)
    if ("console", "0002_complaint_full_text_search") not in recorder.applied_migrations():
        return
    with connection.schema_editor() as editor:
        fts.install(editor)


class ConsoleConfig(AppConfig):
    name = "laksana.console"
    label = "console"
    verbose_name = "Konsol petugas"

    def ready(self) -> None:
        post_migrate.connect(_ensure_search, sender=self)
