"""How many organizations each word of the scouting index appears in (SQLite's fts5vocab), so
a query can leave out words so common they cost most and tell least."""

from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            "CREATE VIRTUAL TABLE scouting_organization_vocab "
            "USING fts5vocab('scouting_organization_fts', 'row')"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS scouting_organization_vocab")


class Migration(migrations.Migration):
    dependencies = [("scouting", "0002_scouting_search")]
    operations = [migrations.RunPython(forward, backward)]
