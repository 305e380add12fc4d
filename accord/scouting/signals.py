"""Keep the scouting index in step with the directory: any change of organizations queues one
refresh, run in the background by the worker."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import receiver

from accord.directory.signals import organizations_changed


@receiver(organizations_changed)
def _queue_index_refresh(sender: Any, **kwargs: Any) -> None:
    from accord.scouting.lexical import forget
    from accord.scouting.tasks import queue_index_refresh

    forget()
    transaction.on_commit(queue_index_refresh)
