"""The vector index a process searches: every embedded organization's vector in memory.

The database holds the embeddings; this module keeps a copy per process, reloaded when the
database's `IndexState.token` changes. The copy is also written to files (one folder per
database and model) so a new process starts without reading every row, and so the
approximate index is built once, not per process. Up to `EXACT_LIMIT` vectors the search is
an exact matrix product — measured as fast as anything at that size, and never wrong; beyond
it, an inverted-file index (faiss IVF-Flat: the vectors clustered around about 4·√n
centroids, a query scanning the `PROBES` nearest clusters) proposes candidates that are
re-scored exactly. At a million vectors it was measured against faiss HNSW (M 32/48,
efConstruction 60-200, efSearch up to 1024): HNSW reached recall@10 0.74-0.95 of exact after
3-10 minutes of building, IVF 0.99-1.00 after one minute, at 1-3 ms a query
(benchmarks/scouting.py measures it in every run).

The approximate index knows rows by position. New organizations (higher ids) are appended
to it (each to its nearest cluster); a changed organization's row is updated in the matrix,
so its score is right, but the index keeps filing it under its old vector until it is
rebuilt, which happens once such stale rows pass `STALE_LIMIT` of the index, or once it has
grown to `REGROW_FACTOR` times the size its clusters were trained on.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection

from accord.scouting.embeddings import DIMENSIONS
from accord.scouting.models import IndexState, OrganizationEmbedding

EXACT_LIMIT = 5_000
PROBES = 128  # clusters scanned per query
TRAINING_POINTS_PER_CLUSTER = 40
STALE_LIMIT = 0.05
REGROW_FACTOR = 2.0
FORMAT = 2  # of the files; other formats are rebuilt from the database
_lock = threading.Lock()
_loaded: dict[str, VectorIndex] = {}


def _new_lock_after_fork() -> None:
    global _lock  # one held by another thread at the fork would never be released in the child
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_new_lock_after_fork)


@dataclass
class VectorIndex:
    model: str
    token: str
    ids: np.ndarray  # organization ids, ascending
    matrix: np.ndarray  # one unit vector per id
    ivf: Any = None  # faiss IndexIVFFlat over the rows, when approximate
    stale: int = 0  # rows changed since the approximate index was built
    trained_on: int = 0  # rows when its clusters were trained

    @property
    def size(self) -> int:
        return len(self.ids)

    @property
    def approximate(self) -> bool:
        return self.ivf is not None

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
        if self.ivf is not None:
            return self._approximate(query, k)
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

    def _approximate(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        import faiss

        # One query, one thread. OpenMP's thread count is per calling thread, and idle OpenMP
        # workers spin on the cores the database needs (hybrid p95 at a million organizations
        # 54 ms with two, 47 ms with one, alternating in one run).
        faiss.omp_set_num_threads(1)
        query = query.astype(np.float32)
        _, found = self.ivf.search(query[None, :], min(2 * k + 10, self.size))
        rows = found[0][found[0] >= 0]
        return self._exact(query, k, rows=np.sort(rows))


def folder(model: str) -> Path:
    """Files of the index of `model` for this database (tests run several databases)."""
    db = connection.settings_dict
    where = f"{connection.vendor}|{db.get('HOST') or ''}|{db.get('PORT') or ''}|{db['NAME']}"
    if "memory" in str(db["NAME"]):
        where += f"|{os.getpid()}"  # an in-memory database is this process's alone
    key = hashlib.blake2b(where.encode(), digest_size=6).hexdigest()
    safe_model = "".join(c if c.isalnum() or c in "-_." else "_" for c in model)
    return Path(settings.SCOUTING_INDEX_DIR) / f"{connection.vendor}-{key}" / safe_model


def current(model: str) -> VectorIndex | None:
    """This process's index of `model`, reloaded if the stored embeddings changed; None when
    nothing was ever embedded with it."""
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
    if meta.get("token") != token or meta.get("format") != FORMAT:
        return None
    ids = np.load(where / "ids.npy")
    matrix = np.load(where / "vectors.npy", mmap_mode="r")
    ivf = _read_ivf(where / "ivf.faiss") if meta.get("ivf") else None
    return VectorIndex(
        model=model,
        token=token,
        ids=ids,
        matrix=matrix,
        ivf=ivf,
        stale=meta.get("stale", 0),
        trained_on=meta.get("trained_on", 0),
    )


def read_database(model: str) -> tuple[np.ndarray, np.ndarray]:
    """All stored vectors of `model`, by ascending organization id."""
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
    """Read the database's vectors, build the IVF index if there are many, write the files."""
    ids, matrix = read_database(model)
    ivf = build_ivf(matrix, progress=progress) if len(ids) > EXACT_LIMIT else None
    index = VectorIndex(
        model=model, token=token, ids=ids, matrix=matrix, ivf=ivf, trained_on=len(ids)
    )
    _save(index, ivf_changed=True)
    return index


def _save(index: VectorIndex, *, ivf_changed: bool) -> None:
    where = folder(index.model)
    where.mkdir(parents=True, exist_ok=True)
    _save_atomically(where / "ids.npy", lambda path: np.save(path, index.ids))
    _save_atomically(where / "vectors.npy", lambda path: np.save(path, index.matrix))
    if index.ivf is not None and ivf_changed:
        _save_atomically(where / "ivf.faiss", lambda path: _write_ivf(index.ivf, path))
    (where / "graph.faiss").unlink(missing_ok=True)  # the HNSW graph of format 1
    meta = {
        "format": FORMAT,
        "model": index.model,
        "token": index.token,
        "count": index.size,
        "ivf": index.ivf is not None,
        "stale": index.stale,
        "trained_on": index.trained_on,
    }
    _save_atomically(where / "meta.json", lambda path: path.write_text(json.dumps(meta)))


def build_ivf(matrix: np.ndarray, *, progress: Any = None) -> Any:
    """An IVF-Flat index over the rows: clusters trained on a sample, then every row filed."""
    import faiss

    faiss.omp_set_num_threads(os.cpu_count() or 1)
    clusters = max(
        1, min(round(4 * np.sqrt(len(matrix))), len(matrix) // TRAINING_POINTS_PER_CLUSTER)
    )
    quantizer = faiss.IndexFlatIP(DIMENSIONS)
    ivf = faiss.IndexIVFFlat(quantizer, DIMENSIONS, clusters, faiss.METRIC_INNER_PRODUCT)
    sample_size = min(len(matrix), TRAINING_POINTS_PER_CLUSTER * clusters)
    sample = np.random.default_rng(0).choice(len(matrix), sample_size, replace=False)
    ivf.train(np.ascontiguousarray(matrix[np.sort(sample)], dtype=np.float32))
    step = 50_000
    for start in range(0, len(matrix), step):
        ivf.add(np.ascontiguousarray(matrix[start : start + step], dtype=np.float32))
        if progress:
            progress(min(start + step, len(matrix)), len(matrix))
    _for_queries(ivf)
    return ivf


def _for_queries(ivf: Any) -> None:
    ivf.nprobe = PROBES


def _read_ivf(path: Path) -> Any:
    import faiss

    ivf = faiss.read_index(str(path))
    _for_queries(ivf)
    return ivf


def _write_ivf(ivf: Any, path: Path) -> None:
    import faiss

    faiss.write_index(ivf, str(path))


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
    new_ids, new_vectors = ids[~known], vectors[~known]
    appended = held.size == 0 or not len(new_ids) or new_ids[0] > held.ids[-1]
    all_ids = np.concatenate([held.ids, new_ids])
    matrix = np.concatenate([matrix, new_vectors])
    if not appended:
        order = np.argsort(all_ids, kind="stable")
        all_ids, matrix = all_ids[order], matrix[order]
    index = VectorIndex(
        model=model,
        token=new_token,
        ids=all_ids,
        matrix=matrix,
        ivf=held.ivf,
        stale=held.stale + int(known.sum()),
        trained_on=held.trained_on,
    )
    rebuild = len(all_ids) > EXACT_LIMIT and (
        index.ivf is None
        or not appended
        or index.stale > STALE_LIMIT * len(all_ids)
        or len(all_ids) > REGROW_FACTOR * index.trained_on
    )
    if rebuild:
        index.ivf, index.stale, index.trained_on = build_ivf(matrix), 0, len(all_ids)
    elif index.ivf is not None and len(new_ids):
        index.ivf.add(np.ascontiguousarray(new_vectors, dtype=np.float32))
    elif len(all_ids) <= EXACT_LIMIT:
        index.ivf = None
    _save(index, ivf_changed=rebuild or len(new_ids) > 0)
    return index
