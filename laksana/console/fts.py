"""Full-text search over complaints' number, title and the citizen's text, per database vendor.

SQLite: an FTS5 table with external content (the complaints table itself), kept in step by
triggers. PostgreSQL: a GIN index on the tsvector expression that `match()` repeats exactly, so
the planner uses it. The complaints table's columns stay as they are; only this app adds these.
"""

import re

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

TABLE = "console_complaint_fts"
PG_INDEX = "console_complaint_fts_idx"
PG_VECTOR = (
    "to_tsvector('simple'::regconfig, coalesce(complaints_complaint.number, '') || ' ' || "
    "coalesce(complaints_complaint.title, '') || ' ' || "
    "coalesce(complaints_complaint.description, ''))"
)
_COLUMNS = "number, title, description"
_SQLITE_TRIGGERS = {
    f"{TABLE}_ai": f"""
        CREATE TRIGGER IF NOT EXISTS {TABLE}_ai AFTER INSERT ON complaints_complaint BEGIN
          INSERT INTO {TABLE}(rowid, {_COLUMNS})
          VALUES (new.id, new.number, new.title, new.description);
        END""",
    f"{TABLE}_ad": f"""
        CREATE TRIGGER IF NOT EXISTS {TABLE}_ad AFTER DELETE ON complaints_complaint BEGIN
          INSERT INTO {TABLE}({TABLE}, rowid, {_COLUMNS})
          VALUES ('delete', old.id, old.number, old.title, old.description);
        END""",
    f"{TABLE}_au": f"""
        CREATE TRIGGER IF NOT EXISTS {TABLE}_au
        AFTER UPDATE OF number, title, description ON complaints_complaint BEGIN
          INSERT INTO {TABLE}({TABLE}, rowid, {_COLUMNS})
          VALUES ('delete', old.id, old.number, old.title, old.description);
          INSERT INTO {TABLE}(rowid, {_COLUMNS})
          VALUES (new.id, new.number, new.title, new.description);
        END""",
}
MAX_TERMS = 8


def install(schema_editor) -> None:
    """Create the search structures if missing (idempotent). Also run after every migrate: on
    SQLite, a later migration that rebuilds the complaints table drops its triggers with it."""
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            present = {row[0] for row in cursor.fetchall()}
        if set(_SQLITE_TRIGGERS) <= present:
            return
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5({_COLUMNS}, "
            "content='complaints_complaint', content_rowid='id', "
            "tokenize='unicode61 remove_diacritics 2')"
        )
        for sql in _SQLITE_TRIGGERS.values():
            schema_editor.execute(sql)
        schema_editor.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')")
    elif vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON complaints_complaint USING GIN ({PG_VECTOR})"
        )


def uninstall(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for name in _SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}")
    elif vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {PG_INDEX}")


def terms(text: str, *, limit: int = MAX_TERMS) -> list[str]:
    """The words of a search, lower-cased; punctuation and operators are dropped, so nothing a
    person types can break the query syntax."""
    return re.findall(r"\w+", (text or "").lower())[:limit]


def match(words: list[str], *, any_word: bool = False) -> Q:
    """A filter for complaints containing every word (or any, for similar-text search) as a
    prefix. Empty words match everything."""
    if not words:
        return Q()
    if connection.vendor == "postgresql":
        query = (" | " if any_word else " & ").join(f"{w}:*" for w in words)
        condition = RawSQL(
            f"{PG_VECTOR} @@ to_tsquery('simple'::regconfig, %s)",
            [query],
            output_field=BooleanField(),
        )
        return Q(condition)
    if connection.vendor == "sqlite":
        query = (" OR " if any_word else " ").join(f'"{w}"*' for w in words)
        return Q(id__in=RawSQL(f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s", [query]))
    # Any other database: a plain (slow) substring search keeps the console usable.
    parts = [Q(description__icontains=w) | Q(title__icontains=w) for w in words]
    combined = parts[0]
    for part in parts[1:]:
        combined = (combined | part) if any_word else (combined & part)
    return combined
