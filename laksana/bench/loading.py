"""Loading generated rows: primary keys, COPY (or bulk_create), the PostgreSQL settings of a
bulk load, one consistent transaction per chunk."""

import json
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connection, transaction
from django.db.models import F

from laksana.complaints.models import StatusCount
from laksana.regions.models import Region


def fast_session() -> None:
    """Foreign-key triggers are skipped (session_replication_role): the row builder only writes
    keys it has just reserved or read, and the SQLite path, which keeps checking them, runs the
    same builder in the tests. Commits do not wait for the WAL flush: a crash would only lose
    throwaway bench data."""
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        try:
            with transaction.atomic():
                cursor.execute("SET session_replication_role = replica")
        except DatabaseError:  # not a superuser: keep the checks, just slower
            pass


@contextmanager
def bulk_session(tables: list, *, rebuild_indexes: bool) -> Iterator[None]:
    """PostgreSQL settings for a bulk load, undone afterwards.

    Foreign-key triggers are skipped (session_replication_role): the row builder only writes keys
    it has just reserved or read, and the SQLite path, which keeps checking them, runs the same
    builder in the tests. Commits do not wait for the WAL flush (a crash would only lose the
    throwaway bench data). With `rebuild_indexes`, indexes that back no constraint are dropped
    and recreated from their own definitions at the end.
    """
    if connection.vendor != "postgresql":
        yield
        return
    names = [model._meta.db_table for model, _columns in tables]
    fast_session()
    with connection.cursor() as cursor:
        definitions = []
        if rebuild_indexes:
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)"
                " FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid"
                " WHERE t.relname = ANY(%s) AND NOT i.indisprimary"
                " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
                [names],
            )
            definitions = cursor.fetchall()
            for name, _definition in definitions:
                cursor.execute(f"DROP INDEX {name}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for _name, definition in definitions:
                cursor.execute(definition)
            cursor.execute("RESET session_replication_role")
            cursor.execute("RESET synchronous_commit")


def write_rows(model, columns: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    if connection.vendor == "postgresql":
        sql = f'COPY "{model._meta.db_table}" ({", ".join(columns)}) FROM STDIN'
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
        return
    json_columns = {
        f.attname for f in model._meta.concrete_fields if f.get_internal_type() == "JSONField"
    }
    objs = []
    for row in rows:
        values = dict(zip(columns, row, strict=True))
        for name in json_columns & values.keys():
            values[name] = json.loads(values[name])
        objs.append(model(**values))
    model.objects.bulk_create(objs, batch_size=500)


def _add_counters(region: Region, counters: Counter) -> None:
    for (agency_key, status), n in counters.items():
        updated = StatusCount.objects.filter(
            region=region, agency_key=agency_key, status=status
        ).update(count=F("count") + n)
        if not updated:
            StatusCount.objects.create(region=region, agency_key=agency_key, status=status, count=n)


def write_chunk(region: Region, tables: list, rows: dict, counters: Counter, n: int) -> None:
    """One chunk in one transaction: its rows, the status counters and the region's sequence,
    so a committed chunk is always consistent."""
    with transaction.atomic():
        for model, columns in tables:
            write_rows(model, columns, rows[model])
        _add_counters(region, counters)
        Region.objects.filter(pk=region.pk).update(complaint_seq=F("complaint_seq") + n)
