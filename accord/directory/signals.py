"""Signals the directory sends, so other apps can follow its changes without it knowing them."""

from django.dispatch import Signal

# Sent after organizations were created, changed, merged or imported (inside the transaction).
organizations_changed = Signal()
