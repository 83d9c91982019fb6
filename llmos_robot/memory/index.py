"""The FAISS index over record embeddings: exact inner-product search, keyed by record id.

It is a cache of the vectors kept in SQLite. The file is written atomically (temp file + rename)
beside a small JSON note of what it holds; `VectorIndex.load` refuses a file that does not match
its note, and the store then rebuilds it from SQLite.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faiss
import numpy as np
from numpy.typing import NDArray

INDEX_FILE = "index.faiss"
NOTE_FILE = "index.json"


class IndexFileError(Exception):
    """The index file is missing, unreadable or does not match its note (internal: triggers a rebuild)."""


@dataclass(frozen=True)
class Hit:
    record_id: int
    score: float


class VectorIndex:
    """Exact cosine search (inner product of unit vectors) with record ids as FAISS ids."""

    def __init__(self, dimension: int, embedder_name: str) -> None:
        self.dimension = dimension
        self.embedder_name = embedder_name
        self._index: Any = faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))
        self.max_id = 0  # highest record id in the index (ids only grow)

    @property
    def size(self) -> int:
        return int(self._index.ntotal)

    def add(self, ids: Iterable[int], vectors: NDArray[np.float32]) -> None:
        id_array = np.fromiter(ids, dtype=np.int64)
        if len(id_array) == 0:
            return
        if vectors.shape != (len(id_array), self.dimension):
            raise ValueError(f"expected {len(id_array)} x {self.dimension} vectors, got {vectors.shape}")
        self._index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), id_array)
        self.max_id = max(self.max_id, int(id_array.max()))

    def search(self, vector: NDArray[np.float32], k: int, allowed: NDArray[np.int64] | None = None) -> list[Hit]:
        """The k nearest records, best first; only ids in `allowed` when it is given."""
        if self.size == 0 or k <= 0:
            return []
        query = np.ascontiguousarray(vector.reshape(1, self.dimension), dtype=np.float32)
        if allowed is None:
            scores, ids = self._index.search(query, min(k, self.size))
        else:
            if len(allowed) == 0:
                return []
            params = faiss.SearchParameters()
            selector = faiss.IDSelectorBatch(np.ascontiguousarray(allowed, dtype=np.int64))
            params.sel = selector
            scores, ids = self._index.search(query, min(k, len(allowed), self.size), params=params)
        return [Hit(int(i), float(s)) for s, i in zip(scores[0], ids[0], strict=True) if i >= 0]

    def save(self, folder: Path) -> None:
        """Write index + note atomically; a crash mid-write leaves the previous pair (or none)."""
        temporary = folder / f"{INDEX_FILE}.{os.getpid()}.tmp"  # per process: two may share a folder
        faiss.write_index(self._index, str(temporary))
        _fsync(temporary)
        note = {"dimension": self.dimension, "embedder": self.embedder_name, "size": self.size, "max_id": self.max_id}
        note_temporary = folder / f"{NOTE_FILE}.{os.getpid()}.tmp"
        note_temporary.write_text(json.dumps(note), encoding="utf-8")
        _fsync(note_temporary)
        # The note goes first: a note describing an older index is caught by the size check.
        os.replace(note_temporary, folder / NOTE_FILE)
        os.replace(temporary, folder / INDEX_FILE)

    @classmethod
    def load(cls, folder: Path, dimension: int, embedder_name: str) -> VectorIndex:
        index_path, note_path = folder / INDEX_FILE, folder / NOTE_FILE
        if not index_path.is_file():
            raise IndexFileError(f"{index_path} is missing")
        try:
            note = json.loads(note_path.read_text(encoding="utf-8"))
            raw = faiss.read_index(str(index_path))
        except (OSError, ValueError, RuntimeError) as err:
            raise IndexFileError(f"{index_path} is unreadable ({err})") from err
        if note.get("dimension") != dimension or note.get("embedder") != embedder_name:
            raise IndexFileError(f"{index_path} was built by another embedder ({note.get('embedder')})")
        if raw.d != dimension or raw.ntotal != note.get("size") or not hasattr(raw, "id_map"):
            raise IndexFileError(f"{index_path} does not match its note ({raw.ntotal} vectors, note says {note})")
        index = cls(dimension, embedder_name)
        index._index = raw
        ids = faiss.vector_to_array(raw.id_map)
        index.max_id = int(ids.max()) if len(ids) else 0
        if index.max_id != note.get("max_id"):
            raise IndexFileError(f"{index_path} does not match its note (highest id {index.max_id})")
        return index


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())
