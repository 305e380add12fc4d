"""Full-text index for scouting: stemmed, so "batteries" finds "battery" (the directory's own
index matches word prefixes for type-ahead and is not stemmed). FTS5 with the porter tokenizer
on SQLite; a weighted `english` text-search expression with a GIN index on PostgreSQL."""

from django.db import migrations

COLUMNS = "name, one_liner, tag_names, description"
NEW = "new.id, new.name, new.one_liner, new.tag_names, new.description"
OLD = "old.id, old.name, old.one_liner, old.tag_names, old.description"

SQLITE_FORWARD = [
    f"""CREATE VIRTUAL TABLE scouting_organization_fts USING fts5(
        {COLUMNS}, content='directory_organization', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER scouting_organization_fts_insert AFTER INSERT ON directory_organization
        BEGIN INSERT INTO scouting_organization_fts(rowid, {COLUMNS}) VALUES ({NEW}); END""",
    f"""CREATE TRIGGER scouting_organization_fts_delete AFTER DELETE ON directory_organization
        BEGIN INSERT INTO scouting_organization_fts(scouting_organization_fts, rowid, {COLUMNS})
        VALUES ('delete', {OLD}); END""",
    f"""CREATE TRIGGER scouting_organization_fts_update AFTER UPDATE OF {COLUMNS}
        ON directory_organization BEGIN
        INSERT INTO scouting_organization_fts(scouting_organization_fts, rowid, {COLUMNS})
        VALUES ('delete', {OLD});
        INSERT INTO scouting_organization_fts(rowid, {COLUMNS}) VALUES ({NEW}); END""",
    "INSERT INTO scouting_organization_fts(scouting_organization_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS scouting_organization_fts_update",
    "DROP TRIGGER IF EXISTS scouting_organization_fts_delete",
    "DROP TRIGGER IF EXISTS scouting_organization_fts_insert",
    "DROP TABLE IF EXISTS scouting_organization_fts",
]
# The expression of the index; 0004 moves it into a stored column.
PG_DOCUMENT = (
    "(setweight(to_tsvector('english', coalesce(name, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(one_liner, '') || ' ' || "
    "coalesce(tag_names, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce(description, '')), 'C'))"
)
POSTGRES_FORWARD = [
    f"CREATE INDEX scouting_organization_search ON directory_organization USING GIN ({PG_DOCUMENT})"
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS scouting_organization_search"]


def forward(apps, schema_editor):
    sqlite = schema_editor.connection.vendor == "sqlite"
    for statement in SQLITE_FORWARD if sqlite else POSTGRES_FORWARD:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    sqlite = schema_editor.connection.vendor == "sqlite"
    for statement in SQLITE_BACKWARD if sqlite else POSTGRES_BACKWARD:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("scouting", "0001_initial"), ("directory", "0003_organization_name_index")]
    operations = [migrations.RunPython(forward, backward)]
