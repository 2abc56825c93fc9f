"""Primary keys for rows loaded in bulk. Depends on Django alone: the peer's loader
(bench/peers/helpdesk_prepare.py, in django-helpdesk's own virtualenv) imports it too."""

from django.db import connection
from django.db.models import Max


def reserve_ids(model, n: int) -> int:
    """The first of n consecutive new primary keys, taken from the table's sequence."""
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'),"
                " nextval(pg_get_serial_sequence(%s, 'id')) + %s - 1)",
                [table, table, n],
            )
            return cursor.fetchone()[0] - n + 1
    return (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1
