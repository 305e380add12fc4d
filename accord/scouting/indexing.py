"""Build and refresh the embeddings of organizations, incrementally.

An organization needs (re)encoding when it has no embedding, one of another model, or was
updated after it was embedded; if its text did not actually change (a new city, say) only the
timestamp moves. `embedded_at` is the organization's own `updated_at` as read, so a change made
while the refresh runs is picked up by the next one.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accord.directory.models import Organization
from accord.scouting import embeddings, vectors
from accord.scouting.models import IndexState, OrganizationEmbedding
from accord.scouting.text import organization_text, text_hash

BATCH = 256
Progress = Callable[[int, int], None]


class IndexUnavailable(Exception):
    """Meaning search cannot run here; the message says why and what to do."""


@dataclass
class RefreshResult:
    model: str
    organizations: int
    encoded: int
    unchanged: int
    seconds: float
    rebuilt: bool

    @property
    def rate(self) -> float:
        return self.encoded / self.seconds if self.seconds else 0.0


def stale_organizations(model: str):
    return Organization.objects.filter(
        Q(embedding__isnull=True)
        | ~Q(embedding__model=model)
        | Q(updated_at__gt=F("embedding__embedded_at"))
    )


def status(model: str | None = None) -> dict:
    """How complete the index is, for pages and `accord index status`."""
    model = model or embeddings.model_name()
    state = IndexState.objects.filter(model=model).first()
    total = Organization.objects.count()
    return {
        "model": model,
        "available": embeddings.available(),
        "reason": embeddings.unavailable_reason(),
        "built": state is not None,
        "embedded": state.count if state else 0,
        "organizations": total,
        "built_at": state.built_at if state else None,
    }


def refresh(*, rebuild: bool = False, progress: Progress | None = None) -> RefreshResult:
    """Encode what changed since the last refresh (everything when `rebuild`)."""
    reason = embeddings.unavailable_reason()
    if reason:
        raise IndexUnavailable(reason)
    model = embeddings.model_name()
    started = time.perf_counter()
    state = IndexState.objects.filter(model=model).first()
    rebuilt = rebuild or state is None or state.dimensions != embeddings.DIMENSIONS
    if rebuilt:
        OrganizationEmbedding.objects.all().delete()
    else:
        OrganizationEmbedding.objects.exclude(model=model).delete()
    pending = list(
        stale_organizations(model)
        .order_by("pk")
        .values_list("pk", "name", "one_liner", "tag_names", "description", "updated_at")
    )
    known = dict(
        OrganizationEmbedding.objects.filter(
            organization_id__in=[row[0] for row in pending], model=model
        ).values_list("organization_id", "text_hash")
        if len(pending) < 50_000
        else OrganizationEmbedding.objects.filter(model=model).values_list(
            "organization_id", "text_hash"
        )
    )
    encoded, unchanged = 0, 0
    changed_ids: list[int] = []
    changed_vectors: list[np.ndarray] = []
    if progress:
        progress(0, len(pending))
    all_texts = {row[0]: organization_text(*row[1:5]) for row in pending}
    # Batches of similar length: the model pads each batch to its longest text.
    pending.sort(key=lambda row: len(all_texts[row[0]]))
    for start in range(0, len(pending), BATCH):
        batch = pending[start : start + BATCH]
        texts = {row[0]: all_texts[row[0]] for row in batch}
        hashes = {pk: text_hash(text) for pk, text in texts.items()}
        same = [row for row in batch if known.get(row[0]) == hashes[row[0]]]
        fresh = [row for row in batch if known.get(row[0]) != hashes[row[0]]]
        OrganizationEmbedding.objects.bulk_update(
            [OrganizationEmbedding(organization_id=row[0], embedded_at=row[5]) for row in same],
            ["embedded_at"],
        )
        unchanged += len(same)
        if fresh:
            matrix = embeddings.encode([texts[row[0]] for row in fresh])
            OrganizationEmbedding.objects.bulk_create(
                [
                    OrganizationEmbedding(
                        organization_id=row[0],
                        model=model,
                        text_hash=hashes[row[0]],
                        vector=matrix[i].astype("<f4").tobytes(),
                        embedded_at=row[5],
                    )
                    for i, row in enumerate(fresh)
                ],
                update_conflicts=True,
                unique_fields=["organization"],
                update_fields=["model", "text_hash", "vector", "embedded_at"],
            )
            changed_ids += [row[0] for row in fresh]
            changed_vectors.append(matrix)
            encoded += len(fresh)
        if progress:
            progress(min(start + BATCH, len(pending)), len(pending))
    _publish(model, state, rebuilt, changed_ids, changed_vectors)
    return RefreshResult(
        model=model,
        organizations=Organization.objects.count(),
        encoded=encoded,
        unchanged=unchanged,
        seconds=time.perf_counter() - started,
        rebuilt=rebuilt,
    )


def _publish(
    model: str,
    state: IndexState | None,
    rebuilt: bool,
    changed_ids: list[int],
    changed_vectors: list[np.ndarray],
) -> None:
    """Give the stored embeddings a new token and bring the index files to it."""
    if state is not None and not rebuilt and not changed_ids:
        return
    new_token = uuid.uuid4().hex
    count = OrganizationEmbedding.objects.filter(model=model).count()
    with transaction.atomic():
        IndexState.objects.exclude(model=model).delete()
        IndexState.objects.update_or_create(
            model=model,
            defaults={
                "dimensions": embeddings.DIMENSIONS,
                "token": new_token,
                "count": count,
                "built_at": timezone.now(),
            },
        )
    if rebuilt or state is None:
        vectors.write_files(model, new_token)
    else:
        vectors.patch_files(
            model,
            old_token=state.token,
            new_token=new_token,
            ids=np.asarray(changed_ids, dtype=np.int64),
            vectors=np.concatenate(changed_vectors),
        )
