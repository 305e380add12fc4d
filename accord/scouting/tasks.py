"""Background work of scouting: refresh the meaning index after organizations change."""

from __future__ import annotations

import logging

from django_tasks import TaskResultStatus, task

from accord.scouting import embeddings
from accord.scouting.indexing import refresh

logger = logging.getLogger(__name__)


@task()
def refresh_index() -> dict:
    result = refresh()
    logger.info("scouting index: %s encoded, %s unchanged", result.encoded, result.unchanged)
    return {"encoded": result.encoded, "unchanged": result.unchanged}


def queue_index_refresh() -> None:
    """Queue one refresh unless one is already waiting (an import sends many changes)."""
    if not embeddings.available():
        return
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path=refresh_index.module_path, status=TaskResultStatus.READY
    ).exists()
    if not waiting:
        refresh_index.enqueue()
