from django.db import migrations


def forwards(apps, schema_editor):
    from laksana.console import fts

    fts.install(schema_editor)


def backwards(apps, schema_editor):
    from laksana.console import fts

    fts.uninstall(schema_editor)


class Migration(migrations.Migration):
    """Full-text search of complaints: SQLite FTS5 table and triggers, or a PostgreSQL GIN index
    on the tsvector expression. Nothing in the complaints app's schema changes."""

    dependencies = [
        ("console", "0001_templates_and_saved_filters"),
        ("complaints", "0003_desk_acknowledgment_event"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
