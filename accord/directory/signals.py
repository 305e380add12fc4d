"""Signals the directory sends, so other apps can follow its changes without it knowing them."""

from django.dispatch import Signal

# Sent after organizations were created, changed, merged, deleted or imported (inside the
# transaction that made the change).
organizations_changed = Signal()
