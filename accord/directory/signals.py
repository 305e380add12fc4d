"""Signals the directory sends, so other apps can follow its changes without it knowing them."""

from django.dispatch import Signal

# Sent after organizations were created, changed, merged, deleted or imported (inside the
# transaction that made the change).
organizations_changed = Signal()

# Sent on SQLite, inside the transaction, with the first and last id of organizations inserted
# while the full-text insert triggers stood aside (accord/directory/bulk_indexing.py); each
# receiver indexes those rows and returns the name of the index it filled.
organizations_inserted = Signal()
