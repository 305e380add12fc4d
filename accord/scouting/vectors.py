"""The vector index a process searches: every embedded organization's vector in memory.

The database holds the embeddings; this module keeps a copy per process, reloaded when the
database's `IndexState.token` changes. The copy is also written to files (one folder per
database and model) so a new process starts without reading every row, and so the
approximate graph is built once, not per process. Up to `EXACT_LIMIT` vectors the search is
an exact matrix product — as fast as a graph at that size and never wrong; beyond it, an HNSW
graph (usearch) answers with measured recall (see benchmarks/scouting.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection

from accord.scouting.embeddings import DIMENSIONS

EXACT_LIMIT = 200_000
GRAPH_CONNECTIVITY = 16
GRAPH_EXPANSION_ADD = 128
GRAPH_EXPANSION_SEARCH = 96
_lock = threading.Lock()
_loaded: dict[str, VectorIndex] = {}


@dataclass
class VectorIndex:
    model: str
    token: str
    ids: np.ndarray  # organization ids, ascending
    matrix: np.ndarray  # one unit vector per id
    graph: Any = None  # usearch Index when approximate
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.ids)

    @property
    def approximate(self) -> bool:
        return self.graph is not None

    def rows_of(self, organization_ids: np.ndarray) -> np.ndarray:
        """Row positions of the given ids that are in the index."""
        positions = np.searchsorted(self.ids, organization_ids)
        positions = np.clip(positions, 0, max(self.size - 1, 0))
        found = self.ids[positions] == organization_ids if self.size else positions[:0] == 0
        return positions[found]

    def search(
        self, query: np.ndarray, k: int, *, within: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """The `k` nearest organizations as (id, cosine), best first; `within` limits to ids."""
        if self.size == 0 or k <= 0:
            return []
        if within is not None:
            return self._exact(query, k, rows=self.rows_of(np.asarray(within, dtype=np.int64)))
        if self.graph is not None:
            return self._graph(query, k)
        return self._exact(query, k)

    def exact(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        return self._exact(query, k)

    def _exact(self, query: np.ndarray, k: int, rows: np.ndarray | None = None):
        matrix = self.matrix if rows is None else self.matrix[rows]
        if len(matrix) == 0:
            return []
        scores = matrix @ query.astype(np.float32)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        ids = self.ids[top] if rows is None else self.ids[rows[top]]
        return [(int(i), float(s)) for i, s in zip(ids, scores[top], strict=True)]

    def _graph(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        matches = self.graph.search(query.astype(np.float32), k)
        # usearch's inner-product distance is 1 - dot.
        return [
            (int(key), float(1.0 - distance))
            for key, distance in zip(matches.keys, matches.distances, strict=True)
        ]


def folder(model: str) -> Path:
    """Files of the index of `model` for this database (tests run several databases)."""
    db = connection.settings_dict
    where = f"{connection.vendor}|{db.get('HOST') or ''}|{db.get('PORT') or ''}|{db['NAME']}"
    key = hashlib.blake2b(where.encode(), digest_size=6).hexdigest()
    safe_model = "".join(c if c.isalnum() or c in "-_." else "_" for c in model)
    return Path(settings.SCOUTING_INDEX_DIR) / f"{connection.vendor}-{key}" / safe_model


def current(model: str) -> VectorIndex | None:
    """This process's index of `model`, reloaded if the stored embeddings changed; None when
    nothing was ever embedded with it."""
    from accord.scouting.models import IndexState

    state = IndexState.objects.filter(model=model).values_list("token", flat=True).first()
    if state is None:
        return None
    held = _loaded.get(model)
    if held is not None and held.token == state:
        return held
    with _lock:
        held = _loaded.get(model)
        if held is None or held.token != state:
            held = _load_files(model, state) or write_files(model, state)
            _loaded[model] = held
    return held


def forget() -> None:
    """Drop this process's copies (tests, and after a rebuild in the same process)."""
    _loaded.clear()


def _load_files(model: str, token: str) -> VectorIndex | None:
    where = folder(model)
    try:
        meta = json.loads((where / "meta.json").read_text())
    except (OSError, ValueError):
        return None
    if meta.get("token") != token:
        return None
    ids = np.load(where / "ids.npy")
    matrix = np.load(where / "vectors.npy", mmap_mode="r")
    graph = None
    if meta.get("graph"):
        graph = _graph_class()(ndim=DIMENSIONS, metric="ip", dtype="f32")
        graph.load(str(where / "graph.usearch"))
        graph.expansion_search = GRAPH_EXPANSION_SEARCH
    return VectorIndex(model=model, token=token, ids=ids, matrix=matrix, graph=graph)


def read_database(model: str) -> tuple[np.ndarray, np.ndarray]:
    """All stored vectors of `model`, by ascending organization id."""
    from accord.scouting.models import OrganizationEmbedding

    rows = OrganizationEmbedding.objects.filter(model=model)
    count = rows.count()
    ids = np.empty(count, dtype=np.int64)
    matrix = np.empty((count, DIMENSIONS), dtype=np.float32)
    filled = 0
    for organization_id, vector in (
        rows.order_by("organization_id").values_list("organization_id", "vector").iterator(5000)
    ):
        if filled == count:
            break  # rows added while reading wait for the next token
        ids[filled] = organization_id
        matrix[filled] = np.frombuffer(bytes(vector), dtype="<f4")
        filled += 1
    return ids[:filled], matrix[:filled]


def write_files(model: str, token: str, *, progress: Any = None) -> VectorIndex:
    """Read the database's vectors, build the graph if the index is large, write the files."""
    ids, matrix = read_database(model)
    graph = build_graph(ids, matrix, progress=progress) if len(ids) > EXACT_LIMIT else None
    where = folder(model)
    where.mkdir(parents=True, exist_ok=True)
    _save_atomically(where / "ids.npy", lambda path: np.save(path, ids))
    _save_atomically(where / "vectors.npy", lambda path: np.save(path, matrix))
    if graph is not None:
        _save_atomically(where / "graph.usearch", lambda path: graph.save(str(path)))
    meta = {"model": model, "token": token, "count": len(ids), "graph": graph is not None}
    _save_atomically(where / "meta.json", lambda path: path.write_text(json.dumps(meta)))
    return VectorIndex(model=model, token=token, ids=ids, matrix=matrix, graph=graph)


def build_graph(ids: np.ndarray, matrix: np.ndarray, *, progress: Any = None) -> Any:
    graph = _graph_class()(
        ndim=DIMENSIONS,
        metric="ip",
        dtype="f32",
        connectivity=GRAPH_CONNECTIVITY,
        expansion_add=GRAPH_EXPANSION_ADD,
        expansion_search=GRAPH_EXPANSION_SEARCH,
    )
    step = 50_000
    for start in range(0, len(ids), step):
        graph.add(ids[start : start + step], matrix[start : start + step], threads=os.cpu_count())
        if progress:
            progress(min(start + step, len(ids)), len(ids))
    return graph


def _graph_class() -> Any:
    from usearch.index import Index

    return Index


def _save_atomically(path: Path, write: Any) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    if path.suffix == ".npy":
        temporary = temporary.with_suffix(".npy")  # np.save would append one
    write(temporary)
    os.replace(temporary, path)


def patch_files(
    model: str, *, old_token: str, new_token: str, ids: np.ndarray, vectors: np.ndarray
) -> VectorIndex:
    """Bring the files from `old_token` to `new_token` by replacing or adding the given rows;
    rewrites everything from the database when the files are not at `old_token`."""
    held = _load_files(model, old_token)
    if held is None or len(ids) > max(held.size // 4, 10_000):
        return write_files(model, new_token)
    order = np.argsort(ids)
    ids, vectors = ids[order], vectors[order]
    known = np.isin(ids, held.ids)
    matrix = np.array(held.matrix)  # out of the memory map: the file is about to be replaced
    matrix[held.rows_of(ids[known])] = vectors[known]
    all_ids = np.concatenate([held.ids, ids[~known]])
    matrix = np.concatenate([matrix, vectors[~known]])
    order = np.argsort(all_ids, kind="stable")
    all_ids, matrix = all_ids[order], matrix[order]
    graph = held.graph
    if graph is None and len(all_ids) > EXACT_LIMIT:
        graph = build_graph(all_ids, matrix)
    elif graph is not None:
        if known.any():
            graph.remove(ids[known])
        graph.add(ids, vectors)
    where = folder(model)
    _save_atomically(where / "ids.npy", lambda path: np.save(path, all_ids))
    _save_atomically(where / "vectors.npy", lambda path: np.save(path, matrix))
    if graph is not None:
        _save_atomically(where / "graph.usearch", lambda path: graph.save(str(path)))
    meta = {"model": model, "token": new_token, "count": len(all_ids), "graph": graph is not None}
    _save_atomically(where / "meta.json", lambda path: path.write_text(json.dumps(meta)))
    return VectorIndex(model=model, token=new_token, ids=all_ids, matrix=matrix, graph=graph)
