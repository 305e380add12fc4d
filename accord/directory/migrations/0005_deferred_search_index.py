"""SQLite: the full-text insert trigger stands aside while the `directory_bulk_insert` marker
table holds a row, so that an import indexes the organizations it inserts in one pass before it
commits (accord/directory/bulk_indexing.py). The marker row only ever exists inside the
transaction that writes it, which on SQLite is the one writer, so no one else sees it."""

from django.db import migrations

FTS_COLUMNS = "name, one_liner, tag_names, city, description"
NEW = "new.id, new.name, new.one_liner, new.tag_names, new.city, new.description"
TRIGGER = "directory_organization_fts_insert"

FORWARD = [
    "CREATE TABLE directory_bulk_insert (marker integer NOT NULL)",
    f"DROP TRIGGER IF EXISTS {TRIGGER}",
    f"""CREATE TRIGGER {TRIGGER} AFTER INSERT ON directory_organization
        WHEN NOT EXISTS (SELECT 1 FROM directory_bulk_insert)
        BEGIN INSERT INTO directory_organization_fts(rowid, {FTS_COLUMNS}) VALUES ({NEW}); END""",
]
BACKWARD = [
    f"DROP TRIGGER IF EXISTS {TRIGGER}",
    f"""CREATE TRIGGER {TRIGGER} AFTER INSERT ON directory_organization
        BEGIN INSERT INTO directory_organization_fts(rowid, {FTS_COLUMNS}) VALUES ({NEW}); END""",
    "DROP TABLE IF EXISTS directory_bulk_insert",
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
    dependencies = [("directory", "0004_versions")]
    operations = [migrations.RunPython(forward, backward)]
