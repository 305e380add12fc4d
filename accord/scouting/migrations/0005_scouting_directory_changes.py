"""PostgreSQL has no record that every committed change to the directory rewrites (SQLite's
FTS5 structure record is one), so Accord keeps one: a sequence advanced after each commit
that changed organizations. Word search remembers counts and each word's rows until it
moves (accord/scouting/lexical.py)."""

from django.db import migrations

SEQUENCE = "scouting_directory_changes"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE}")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP SEQUENCE IF EXISTS {SEQUENCE}")


class Migration(migrations.Migration):
    dependencies = [("scouting", "0004_scouting_document")]
    operations = [migrations.RunPython(forward, backward)]
