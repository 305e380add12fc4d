"""PostgreSQL keeps each organization's weighted search document in a stored generated column
(as its manual advises), so ranking reads it instead of parsing the texts again for every
matching row: at 100,000 organizations a query with common words took up to a second, about
30 µs a row for to_tsvector(). SQLite's FTS5 index already stores what bm25() reads."""

from django.db import migrations

# Identical to 0002's expression; the generated column now holds it.
PG_DOCUMENT = (
    "(setweight(to_tsvector('english', coalesce(name, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(one_liner, '') || ' ' || "
    "coalesce(tag_names, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce(description, '')), 'C'))"
)
POSTGRES_FORWARD = [
    "ALTER TABLE directory_organization ADD COLUMN scouting_document tsvector "
    f"GENERATED ALWAYS AS ({PG_DOCUMENT}) STORED",
    "CREATE INDEX scouting_organization_document ON directory_organization "
    "USING GIN (scouting_document)",
    "DROP INDEX IF EXISTS scouting_organization_search",
]
POSTGRES_BACKWARD = [
    f"CREATE INDEX scouting_organization_search ON directory_organization USING GIN ({PG_DOCUMENT})",
    "ALTER TABLE directory_organization DROP COLUMN IF EXISTS scouting_document",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("scouting", "0003_scouting_vocabulary")]
    operations = [migrations.RunPython(forward, backward)]
