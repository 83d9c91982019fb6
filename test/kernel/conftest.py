"""Fakes for the kernel's ports (they satisfy the Protocols in llmos_robot.kernel.ports)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from llmos_robot.errors import LlmUnavailableError
from llmos_robot.kernel import Kernel, KernelConfig, MotionOutcome, MotionResult
from llmos_robot.kernel.local import FileMemory
from llmos_robot.kernel.ports import DoneCallback, MotionPort, ProgressCallback


class Clock:
    """A settable wall clock (UTC)."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 29, 10, 42, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class FakeMotion:
    """Records what the kernel asked for; the test ends tasks with finish()."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, ...]] = []
        self._done: DoneCallback | None = None
        self._progress: ProgressCallback | None = None

    def _start(self, *call: str, on_progress: ProgressCallback, on_done: DoneCallback) -> None:
        self.calls.append(call)
        self._progress, self._done = on_progress, on_done

    def clean_room(self, room: str, on_progress: ProgressCallback, on_done: DoneCallback) -> None:
        self._start("clean_room", room, on_progress=on_progress, on_done=on_done)

    def spot_clean(self, place: str, on_progress: ProgressCallback, on_done: DoneCallback) -> None:
        self._start("spot_clean", place, on_progress=on_progress, on_done=on_done)

    def go_to(self, place: str, on_progress: ProgressCallback, on_done: DoneCallback) -> None:
        self._start("go_to", place, on_progress=on_progress, on_done=on_done)

    def dock(self, on_progress: ProgressCallback, on_done: DoneCallback) -> None:
        self._start("dock", on_progress=on_progress, on_done=on_done)

    def pause(self) -> None:
        self.calls.append(("pause",))

    def resume(self) -> None:
        self.calls.append(("resume",))

    def stop(self) -> None:
        self.calls.append(("stop",))
        done, self._done = self._done, None
        if done is not None:
            done(MotionResult(MotionOutcome.CANCELLED, "Stopped."))

    @property
    def moves(self) -> list[tuple[str, ...]]:
        return [c for c in self.calls if c[0] in ("clean_room", "spot_clean", "go_to", "dock", "resume")]

    def progress(self, fraction: float) -> None:
        assert self._progress is not None
        self._progress(fraction, "cleaning")

    def finish(self, coverage: float = 0.93, sentence: str = "I finished cleaning the kitchen.") -> None:
        done, self._done = self._done, None
        assert done is not None, "no task is running"
        done(MotionResult(MotionOutcome.COMPLETED, sentence, coverage))


class ScriptedBackend:
    """An LLM backend that answers from a function of the last user message, and counts calls."""

    name = "scripted"
    model = "scripted-test-model"

    def __init__(self, answer: Any = None, fail: bool = False) -> None:
        self.answer = answer or (lambda text: {"syscall": "none", "room": "", "place": ""})
        self.fail = fail
        self.prompts: list[list[dict[str, str]]] = []

    def propose(self, messages: list[dict[str, str]], schema: dict[str, Any]) -> str:
        self.prompts.append(messages)
        if self.fail:
            raise LlmUnavailableError("scripted backend is down")
        return json.dumps(self.answer(messages[-1]["content"]))


_: type[MotionPort] = FakeMotion  # mypy: the fake satisfies the Protocol


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def memory(clock: Clock) -> FileMemory:
    return FileMemory(clock=clock)


@pytest.fixture
def motion() -> FakeMotion:
    return FakeMotion()


@pytest.fixture
def spoken() -> list[str]:
    return []


@pytest.fixture
def make_kernel(house, memory, motion, clock, spoken):  # type: ignore[no-untyped-def]
    def make(backends=(), config: KernelConfig | None = None) -> Kernel:  # type: ignore[no-untyped-def]
        return Kernel(house, memory, motion, list(backends), config or KernelConfig(), clock=clock, speak=spoken.append)

    return make


@pytest.fixture
def scripted():  # type: ignore[no-untyped-def]
    """Make a ScriptedBackend: scripted(answer_function) or scripted(fail=True)."""
    return ScriptedBackend


@pytest.fixture(autouse=True)
def utc_local_time(monkeypatch):  # type: ignore[no-untyped-def]
    """The robot names clock times in local time; pin it so sentences are predictable."""
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()
