from django.db import migrations

REQUIREMENT = "pilot_scaled"


def require(apps, schema_editor):
    """An install's gate into `active` asks for a pilot decided to scale, as a new one does."""
    StageGate = apps.get_model("partnerships", "StageGate")
    for gate in StageGate.objects.filter(stage="active"):
        if REQUIREMENT not in gate.required_fields:
            gate.required_fields = [*gate.required_fields, REQUIREMENT]
            gate.save(update_fields=["required_fields"])


def release(apps, schema_editor):
    StageGate = apps.get_model("partnerships", "StageGate")
    for gate in StageGate.objects.filter(stage="active"):
        gate.required_fields = [f for f in gate.required_fields if f != REQUIREMENT]
        gate.save(update_fields=["required_fields"])


class Migration(migrations.Migration):
    dependencies = [("pilots", "0001_initial"), ("partnerships", "0005_note_document_shared_with")]
    operations = [migrations.RunPython(require, release)]
