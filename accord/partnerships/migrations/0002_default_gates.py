from django.db import migrations


def install(apps, schema_editor):
    from accord.partnerships.gates import DEFAULT_GATES

    StageGate = apps.get_model("partnerships", "StageGate")
    for stage, spec in DEFAULT_GATES.items():
        StageGate.objects.get_or_create(stage=str(stage), defaults=spec)


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
