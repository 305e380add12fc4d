"""Full-text index of organizations: FTS5 on SQLite, a GIN expression index on PostgreSQL."""

from django.db import migrations

FTS_COLUMNS = "name, one_liner, tag_names, city, description"

SQLITE_FORWARD = [
    f"""CREATE VIRTUAL TABLE directory_organization_fts USING fts5(
        {FTS_COLUMNS}, content='directory_organization', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER directory_organization_fts_insert AFTER INSERT ON directory_organization
        BEGIN INSERT INTO directory_organization_fts(rowid, {FTS_COLUMNS})
        VALUES (new.id, new.name, new.one_liner, new.tag_names, new.city, new.description); END""",
    f"""CREATE TRIGGER directory_organization_fts_delete AFTER DELETE ON directory_organization
        BEGIN INSERT INTO directory_organization_fts(directory_organization_fts, rowid, {FTS_COLUMNS})
        VALUES ('delete', old.id, old.name, old.one_liner, old.tag_names, old.city, old.description); END""",
    f"""CREATE TRIGGER directory_organization_fts_update AFTER UPDATE OF {FTS_COLUMNS}
        ON directory_organization BEGIN
        INSERT INTO directory_organization_fts(directory_organization_fts, rowid, {FTS_COLUMNS})
        VALUES ('delete', old.id, old.name, old.one_liner, old.tag_names, old.city, old.description);
        INSERT INTO directory_organization_fts(rowid, {FTS_COLUMNS})
        VALUES (new.id, new.name, new.one_liner, new.tag_names, new.city, new.description); END""",
    "INSERT INTO directory_organization_fts(directory_organization_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS directory_organization_fts_update",
    "DROP TRIGGER IF EXISTS directory_organization_fts_delete",
    "DROP TRIGGER IF EXISTS directory_organization_fts_insert",
    "DROP TABLE IF EXISTS directory_organization_fts",
]
POSTGRES_FORWARD = [
    """CREATE INDEX directory_organization_search ON directory_organization USING GIN (
        to_tsvector('simple', coalesce(directory_organization.name, '') || ' ' ||
        coalesce(directory_organization.one_liner, '') || ' ' ||
        coalesce(directory_organization.tag_names, '') || ' ' ||
        coalesce(directory_organization.city, '') || ' ' ||
        coalesce(directory_organization.description, '')))""",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS directory_organization_search"]


def forward(apps, schema_editor):
    statements = SQLITE_FORWARD if schema_editor.connection.vendor == "sqlite" else POSTGRES_FORWARD
    for statement in statements:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    statements = SQLITE_BACKWARD if schema_editor.connection.vendor == "sqlite" else POSTGRES_BACKWARD
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
