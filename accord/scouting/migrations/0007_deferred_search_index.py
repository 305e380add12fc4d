"""SQLite: the stemmed index's insert trigger stands aside while the directory's bulk insert
marker holds a row, like the directory's own (directory 0005); the rows inserted meanwhile are
indexed in one pass by accord/scouting/bulk_indexing.py before the transaction commits."""

from django.db import migrations

COLUMNS = "name, one_liner, tag_names, description"
NEW = "new.id, new.name, new.one_liner, new.tag_names, new.description"
TRIGGER = "scouting_organization_fts_insert"

FORWARD = [
    f"DROP TRIGGER IF EXISTS {TRIGGER}",
    f"""CREATE TRIGGER {TRIGGER} AFTER INSERT ON directory_organization
        WHEN NOT EXISTS (SELECT 1 FROM directory_bulk_insert)
        BEGIN INSERT INTO scouting_organization_fts(rowid, {COLUMNS}) VALUES ({NEW}); END""",
]
BACKWARD = [
    f"DROP TRIGGER IF EXISTS {TRIGGER}",
    f"""CREATE TRIGGER {TRIGGER} AFTER INSERT ON directory_organization
        BEGIN INSERT INTO scouting_organization_fts(rowid, {COLUMNS}) VALUES ({NEW}); END""",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("scouting", "0006_scan_version"), ("directory", "0005_deferred_search_index")]
    operations = [migrations.RunPython(forward, backward)]
