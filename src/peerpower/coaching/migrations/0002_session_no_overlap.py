"""A coach never holds two live sessions whose times overlap, buffers included: on PostgreSQL
an exclusion constraint (btree_gist, tstzrange) says so in the database itself. SQLite has no
such constraint; there the booking action's IMMEDIATE write transaction serialises bookings and
checks inside it (coaching.actions.session_book), so this migration does nothing on SQLite.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    """
    ALTER TABLE coaching_session ADD CONSTRAINT session_no_overlap
    EXCLUDE USING gist (
        coach_id WITH =,
        tstzrange(starts_at, blocked_until, '[)') WITH &&
    ) WHERE (status IN ('booked', 'held', 'no_show'))
    """,
]
BACKWARD = ["ALTER TABLE coaching_session DROP CONSTRAINT IF EXISTS session_no_overlap"]


def _run(statements: list[str]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("coaching", "0001_initial")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]
