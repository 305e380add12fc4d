from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_organization_search")]

    operations = [
        migrations.AddIndex(
            model_name="organization",
            index=models.Index(fields=["name", "id"], name="directory_org_name_id_idx"),
        ),
    ]
