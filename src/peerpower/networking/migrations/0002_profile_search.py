"""The full-text index of profiles' searchable words, one per database.

SQLite: an FTS5 table over the two search columns, kept in step by triggers (so rows written
by any path, the demo loader and the benchmark's bulk load included, are found).
PostgreSQL: GIN indexes on the same tsvector expressions `queries.search_sql` uses.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SQLITE_UP = [
    "CREATE VIRTUAL TABLE networking_profile_fts USING fts5("
    "search_network, search_group, content='networking_profile', content_rowid='id',"
    " tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER networking_profile_fts_insert AFTER INSERT ON networking_profile BEGIN"
    " INSERT INTO networking_profile_fts(rowid, search_network, search_group)"
    " VALUES (new.id, new.search_network, new.search_group); END",
    "CREATE TRIGGER networking_profile_fts_delete AFTER DELETE ON networking_profile BEGIN"
    " INSERT INTO networking_profile_fts(networking_profile_fts, rowid, search_network,"
    " search_group) VALUES ('delete', old.id, old.search_network, old.search_group); END",
    "CREATE TRIGGER networking_profile_fts_update AFTER UPDATE OF search_network, search_group"
    " ON networking_profile BEGIN"
    " INSERT INTO networking_profile_fts(networking_profile_fts, rowid, search_network,"
    " search_group) VALUES ('delete', old.id, old.search_network, old.search_group);"
    " INSERT INTO networking_profile_fts(rowid, search_network, search_group)"
    " VALUES (new.id, new.search_network, new.search_group); END",
    "INSERT INTO networking_profile_fts(networking_profile_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS networking_profile_fts_update",
    "DROP TRIGGER IF EXISTS networking_profile_fts_delete",
    "DROP TRIGGER IF EXISTS networking_profile_fts_insert",
    "DROP TABLE IF EXISTS networking_profile_fts",
]
POSTGRES_UP = [
    "CREATE INDEX networking_profile_search_network ON networking_profile"
    " USING gin (to_tsvector('simple', search_network))",
    "CREATE INDEX networking_profile_search_group ON networking_profile"
    " USING gin (to_tsvector('simple', search_network || ' ' || search_group))",
]
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS networking_profile_search_group",
    "DROP INDEX IF EXISTS networking_profile_search_network",
]


def _run(schema_editor: BaseDatabaseSchemaEditor, by_vendor: dict[str, list[str]]) -> None:
    for statement in by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def up(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, {"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP})


def down(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, {"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN})


class Migration(migrations.Migration):
    dependencies = [("networking", "0001_profiles")]

    operations = [migrations.RunPython(up, down)]
