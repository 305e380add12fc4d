"""Keep the scouting index in step with the directory: any change of organizations queues one
refresh, run in the background by the worker, and word search's remembered counts and scores
are forgotten here and, once the change is committed, in every other process."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import receiver

from accord.directory.signals import organizations_changed
from accord.scouting.tasks import queue_index_refresh
from accord.scouting.words import directory_changed, forget


@receiver(organizations_changed)
def _queue_index_refresh(sender: Any, **kwargs: Any) -> None:
    forget()
    transaction.on_commit(directory_changed)
    transaction.on_commit(queue_index_refresh)
