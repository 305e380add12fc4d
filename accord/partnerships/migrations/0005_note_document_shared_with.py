"""Shared notes and documents name the parties they are shared with.

Existing shared items keep being read by whoever read them, except where that was the leak: in a
partnership with one party they are shared with it; with several, an item a partner user wrote
is shared with that user's own party only, and an item written internally with all parties.
"""

from django.db import migrations, models


def share_existing(apps, schema_editor):
    PartnershipParty = apps.get_model("partnerships", "PartnershipParty")
    parties_by_partnership: dict[int, list] = {}
    for party in PartnershipParty.objects.order_by("pk"):
        parties_by_partnership.setdefault(party.partnership_id, []).append(party)
    for model_name, author_field in (("Note", "author"), ("Document", "uploaded_by")):
        model = apps.get_model("partnerships", model_name)
        rows = model.objects.filter(visibility="shared").select_related(author_field)
        for item in rows.iterator():
            parties = parties_by_partnership.get(item.partnership_id, [])
            author = getattr(item, author_field)
            if len(parties) > 1 and author is not None and author.role == "partner":
                parties = [p for p in parties if p.organization_id == author.organization_id]
            item.shared_with.set(parties)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("partnerships", "0004_stagegate_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="document",
            name="shared_with",
            field=models.ManyToManyField(
                blank=True, related_name="shared_%(class)ss", to="partnerships.partnershipparty"
            ),
        ),
        migrations.AddField(
            model_name="note",
            name="shared_with",
            field=models.ManyToManyField(
                blank=True, related_name="shared_%(class)ss", to="partnerships.partnershipparty"
            ),
        ),
        migrations.RunPython(share_existing, migrations.RunPython.noop),
    ]
