"""Keep the scouting index in step with the directory: any change of organizations queues one
refresh, run in the background by the worker, and word search's remembered counts and scores
are forgotten here and, once the change is committed, in every other process."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import receiver

from accord.directory.signals import organizations_changed, organizations_inserted
from accord.scouting.bulk_indexing import index_inserted
from accord.scouting.tasks import queue_index_refresh
from accord.scouting.words import directory_changed, forget


@receiver(organizations_changed)
def _queue_index_refresh(sender: Any, **kwargs: Any) -> None:
    forget()
    transaction.on_commit(directory_changed)
    transaction.on_commit(queue_index_refresh)


@receiver(organizations_inserted)
def _index_inserted(sender: Any, first_id: int, last_id: int, **kwargs: Any) -> str:
    return index_inserted(first_id, last_id)
