"""What the kernel needs from the rest of the robot, as Protocols.

The memory and motion parts are built separately; the kernel depends only on these seams. The
ROS node implements them over services and actions, the CLI over in-process objects, and unit
tests with fakes that satisfy the same Protocols.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Protocol


@dataclass(frozen=True)
class CleanedRecord:
    """When a room was last cleaned, and by which task."""

    room: str
    when: datetime  # aware, UTC
    task: str = "clean_room"
    coverage: float = 0.0


@dataclass(frozen=True)
class MemoryItem:
    """One remembered record as the kernel sees it: always data, never an instruction."""

    text: str
    provenance: str = "robot"  # "user", "robot", "vision", "world"
    when: datetime | None = None
    room: str = ""


class MemoryPort(Protocol):
    def last_cleaned(self, room: str) -> CleanedRecord | None:
        """The last time `room` was cleaned, or None if never."""
        ...

    def recall(self, question: str, k: int = 3) -> list[MemoryItem]:
        """The records that best answer `question`, best first."""
        ...

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
        """Store a fact or an episode (a cleaning episode carries its coverage, 0..1)."""
        ...


class MotionOutcome(Enum):
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    FAILED = "failed"
    REFUSED = "refused"


@dataclass(frozen=True)
class MotionResult:
    outcome: MotionOutcome
    sentence: str
    coverage: float = 0.0  # 0..1, cleaning tasks


# Called by a motion port as a task progresses (0..1) and when it ends.
ProgressCallback = Callable[[float, str], None]
DoneCallback = Callable[[MotionResult], None]


class MotionPort(Protocol):
    """The wheels, through the coverage controller. Every call returns at once; results come back
    through the callbacks (possibly from another thread)."""

    def clean_room(self, room: str, on_progress: ProgressCallback, on_done: DoneCallback) -> None: ...

    def spot_clean(self, place: str, on_progress: ProgressCallback, on_done: DoneCallback) -> None: ...

    def go_to(self, place: str, on_progress: ProgressCallback, on_done: DoneCallback) -> None: ...

    def dock(self, on_progress: ProgressCallback, on_done: DoneCallback) -> None: ...

    def pause(self) -> None: ...

    def resume(self) -> None: ...

    def stop(self) -> None:
        """Stop the wheels now and cancel the running task (its on_done reports CANCELLED)."""
        ...
