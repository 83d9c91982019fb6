"""Memory-store fixtures: a store in a temp folder on the house, with a clock the test moves."""

from __future__ import annotations

import contextlib

import pytest

from llmos_robot.memory import HashingEmbedder, MemoryStore

START = 1_790_000_000.0  # 2026-09-21, a fixed "now" so times in assertions are exact


class FakeClock:
    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def open_store(tmp_path, house, clock):
    """open_store(**overrides) -> MemoryStore in tmp_path/memory; closed after the test."""
    opened: list[MemoryStore] = []

    def _open(**overrides):
        options = {"embedder": HashingEmbedder(), "world": house, "clock": clock}
        options.update(overrides)
        store = MemoryStore(tmp_path / "memory", **options)
        opened.append(store)
        return store

    yield _open
    for store in opened:
        with contextlib.suppress(Exception):
            store.close()


@pytest.fixture
def store(open_store):
    return open_store()
