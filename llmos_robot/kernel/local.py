"""In-process stand-ins for the memory and motion parts, for the CLI when no stack runs.

`FileMemory` keeps records as JSON lines in a directory (or only in RAM), recalls by shared
words, and answers `last_cleaned` from episodes. `TimedMotion` completes a task after a
simulated duration (the floor area at a nominal cleaning rate), on a background timer.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from llmos_robot.kernel.ports import (
    CleanedRecord,
    DoneCallback,
    MemoryItem,
    MotionOutcome,
    MotionResult,
    ProgressCallback,
)
from llmos_robot.world import World

RECORDS_FILE = "kernel_memory.jsonl"
_WORD = re.compile(r"[a-z0-9]+")
_STOPWORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "to",
        "of",
        "in",
        "on",
        "at",
        "is",
        "was",
        "were",
        "did",
        "do",
        "you",
        "i",
        "my",
        "and",
        "or",
        "it",
        "what",
        "when",
        "where",
        "how",
    ]
)


class FileMemory:
    """A small MemoryPort: JSON lines under `directory` (None: kept in RAM only)."""

    def __init__(
        self, directory: Path | str | None = None, clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)
    ) -> None:
        self.clock = clock
        self.path = Path(directory) / RECORDS_FILE if directory else None
        self.records: list[dict[str, str]] = []
        if self.path is not None and self.path.is_file():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    self.records.append(json.loads(line))
        self._lock = threading.Lock()

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
        when = self.clock()
        self.add(text, kind=kind, room=room, task=task, provenance=provenance, when=when, coverage=coverage or 0.0)

    def add(
        self, text: str, *, kind: str, room: str, task: str, provenance: str, when: datetime, coverage: float = 0.0
    ) -> None:
        record = {
            "text": text,
            "kind": kind,
            "room": room,
            "task": task,
            "provenance": provenance,
            "when": when.isoformat(),
            "coverage": str(coverage),
        }
        with self._lock:
            self.records.append(record)
            if self.path is not None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with self.path.open("a", encoding="utf-8") as out:
                    out.write(json.dumps(record) + "\n")

    def last_cleaned(self, room: str) -> CleanedRecord | None:
        with self._lock:
            episodes = [
                r for r in self.records if r["kind"] == "episode" and r["room"] == room and r["task"] == "clean_room"
            ]
        if not episodes:
            return None
        last = max(episodes, key=lambda r: r["when"])
        return CleanedRecord(room, datetime.fromisoformat(last["when"]), last["task"], float(last.get("coverage") or 0))

    def recall(self, question: str, k: int = 3) -> list[MemoryItem]:
        wanted = set(_WORD.findall(question.lower())) - _STOPWORDS
        with self._lock:
            scored = [(len(wanted & set(_WORD.findall(r["text"].lower()))), i, r) for i, r in enumerate(self.records)]
        best = sorted((s for s in scored if s[0] > 0), key=lambda s: (-s[0], -s[1]))[:k]
        return [
            MemoryItem(r["text"], r["provenance"], datetime.fromisoformat(r["when"]), r["room"]) for _, _, r in best
        ]


class TimedMotion:
    """A MotionPort that pretends: each task ends after its simulated duration, scaled by `speedup`."""

    def __init__(
        self, world: World, cleaning_rate_m2_s: float = 0.05, drive_time_s: float = 20.0, speedup: float = 60.0
    ) -> None:
        self.world = world
        self.cleaning_rate_m2_s = cleaning_rate_m2_s
        self.drive_time_s = drive_time_s
        self.speedup = speedup
        self._timer: threading.Timer | None = None
        self._done: DoneCallback | None = None
        self._lock = threading.Lock()

    def _run(
        self, seconds: float, sentence: str, coverage: float, on_progress: ProgressCallback, on_done: DoneCallback
    ) -> None:
        self.stop()
        with self._lock:
            self._done = on_done
            on_progress(0.0, "started")

            def finish() -> None:
                with self._lock:
                    done, self._done, self._timer = self._done, None, None
                if done is not None:
                    done(MotionResult(MotionOutcome.COMPLETED, sentence, coverage))

            self._timer = threading.Timer(seconds / self.speedup, finish)
            self._timer.daemon = True
            self._timer.start()

    def clean_room(self, room: str, on_progress: ProgressCallback, on_done: DoneCallback) -> None:
        area = self.world.room(room).area
        label = self.world.room(room).label
        self._run(area / self.cleaning_rate_m2_s, f"I finished cleaning the {label}.", 0.95, on_progress, on_done)

    def spot_clean(self, place: str, on_progress: ProgressCallback, on_done: DoneCallback) -> None:
        label = self.world.place(place).label
        self._run(self.drive_time_s * 2, f"I cleaned around the {label}.", 1.0, on_progress, on_done)

    def go_to(self, place: str, on_progress: ProgressCallback, on_done: DoneCallback) -> None:
        self._run(self.drive_time_s, f"I'm at the {place.replace('_', ' ')}.", 0.0, on_progress, on_done)

    def dock(self, on_progress: ProgressCallback, on_done: DoneCallback) -> None:
        self._run(self.drive_time_s, "I'm back on my dock.", 0.0, on_progress, on_done)

    def pause(self) -> None:
        pass  # the pretend clock does not pause; the process table still shows "paused"

    def resume(self) -> None:
        pass

    def stop(self) -> None:
        with self._lock:
            timer, done, self._timer, self._done = self._timer, self._done, None, None
        if timer is not None:
            timer.cancel()
        if done is not None:
            done(MotionResult(MotionOutcome.CANCELLED, "Stopped."))
