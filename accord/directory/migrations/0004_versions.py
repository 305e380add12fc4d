from django.db import migrations, models

VERSION = models.PositiveIntegerField(default=0, editable=False, help_text="Bumped by every edit.")


def add_organization_version(apps, schema_editor):
    """A plain ADD COLUMN: on SQLite Django would rebuild the table, dropping the full-text
    triggers that the directory and scouting keep on it."""
    table = schema_editor.quote_name("directory_organization")
    schema_editor.execute(
        f'ALTER TABLE {table} ADD COLUMN "version" integer NOT NULL DEFAULT 0 '
        'CHECK ("version" >= 0)'
    )


def remove_organization_version(apps, schema_editor):
    table = schema_editor.quote_name("directory_organization")
    schema_editor.execute(f'ALTER TABLE {table} DROP COLUMN "version"')


class Migration(migrations.Migration):
    dependencies = [("directory", "0003_organization_name_index")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(model_name="organization", name="version", field=VERSION)
            ],
            database_operations=[
                migrations.RunPython(add_organization_version, remove_organization_version)
            ],
        ),
        migrations.AddField(model_name="person", name="version", field=VERSION),
        migrations.AddField(model_name="tag", name="version", field=VERSION),
    ]
