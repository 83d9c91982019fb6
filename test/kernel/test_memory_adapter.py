"""The kernel on the memory part's real store (hashing embedder: fast, no model)."""

from __future__ import annotations

import pytest

from llmos_robot.kernel import Kernel, Verdict
from llmos_robot.kernel.memory_adapter import StoreMemory


@pytest.fixture
def store(tmp_path, house):  # type: ignore[no-untyped-def]
    memory = pytest.importorskip("llmos_robot.memory")
    opened = memory.MemoryStore(tmp_path / "memory", memory.HashingEmbedder(), world=house)
    yield opened
    opened.close()


def test_a_clean_recorded_in_the_store_makes_the_next_request_a_polite_refusal(store, house, motion):
    kernel = Kernel(house, StoreMemory(store), motion)
    kernel.handle("clean the kitchen")
    motion.finish(coverage=0.91)
    answer = store.last_cleaned("kitchen")
    assert answer.task == "clean_room" and answer.coverage == pytest.approx(0.91)
    again = kernel.handle("clean the kitchen")
    assert again.verdict is Verdict.RECENTLY_CLEANED and "I already cleaned the kitchen" in again.say
    kernel.handle("remember that the bleach is in the cleaning cupboard")
    assert "bleach" in kernel.handle("what do you remember about the bleach?").say
