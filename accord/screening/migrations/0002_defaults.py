from django.db import migrations


def install(apps, schema_editor):
    from accord.screening.defaults import DUE_DILIGENCE_ITEMS

    TemplateItem = apps.get_model("screening", "DueDiligenceTemplateItem")
    for position, (kind, title) in enumerate(DUE_DILIGENCE_ITEMS):
        TemplateItem.objects.get_or_create(
            title=title, defaults={"kind": kind, "position": position}
        )
    # Engagement now waits for due diligence (installs that kept the original gate get it too).
    StageGate = apps.get_model("partnerships", "StageGate")
    gate = StageGate.objects.filter(stage="engaging").first()
    if gate is not None and "due_diligence" not in gate.required_fields:
        gate.required_fields = [*gate.required_fields, "due_diligence"]
        gate.save(update_fields=["required_fields"])


class Migration(migrations.Migration):
    dependencies = [
        ("screening", "0001_initial"),
        ("partnerships", "0002_default_gates"),
    ]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
