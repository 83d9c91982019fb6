"""The memory part's in-process store (llmos_robot.memory.MemoryStore) as the kernel's MemoryPort."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from llmos_robot.kernel.ports import CleanedRecord, MemoryItem, MemoryPort

if TYPE_CHECKING:
    from llmos_robot.memory import MemoryStore
    from llmos_robot.world import World

CLEANING_TASKS = frozenset({"clean_room"})


class StoreMemory:
    """Adapter: episodes of cleaning become the store's exact `record_cleaning` entries."""

    def __init__(self, store: MemoryStore) -> None:
        self.store = store

    def last_cleaned(self, room: str) -> CleanedRecord | None:
        from llmos_robot.memory import CleanedStatus

        answer = self.store.last_cleaned(room)
        if answer.status is not CleanedStatus.CLEANED or answer.stamp is None:
            return None
        when = datetime.fromtimestamp(answer.stamp, tz=timezone.utc)
        return CleanedRecord(answer.room, when, answer.task, answer.coverage)

    def recall(self, question: str, k: int = 3) -> list[MemoryItem]:
        result = self.store.recall(question, k=k)
        return [
            MemoryItem(r.text, r.provenance.value, datetime.fromtimestamp(r.stamp, tz=timezone.utc), r.room)
            for r in result.records
        ]

    def remember(
        self,
        text: str,
        *,
        kind: str = "fact",
        room: str = "",
        task: str = "",
        provenance: str = "user",
        coverage: float | None = None,
    ) -> None:
        if kind == "episode" and task in CLEANING_TASKS and room and coverage is not None:
            self.store.record_cleaning(room, task, max(0.0, min(1.0, coverage)), provenance=provenance)
        else:
            self.store.remember(text, provenance=provenance, kind=kind, room=room, task=task)


def open_memory(directory: Path | str | None, world: World) -> tuple[MemoryPort, str]:
    """The memory store in `directory` (the memory part's, with MiniLM embeddings) or, when that
    part is not installed or no directory is given, the kernel's small file memory. Returns the
    port and a sentence saying which."""
    from llmos_robot.kernel.local import FileMemory

    if directory is None:
        return FileMemory(), "memory: none (nothing is kept after this run)"
    try:
        from llmos_robot.memory import MemoryStore, MiniLMEmbedder

        store = MemoryStore(directory, MiniLMEmbedder(), world=world)
    except ImportError as err:
        return FileMemory(
            directory
        ), f"memory: {directory} (kernel file memory; the memory store is unavailable: {err})"
    return StoreMemory(store), f"memory: {directory} (memory store)"
