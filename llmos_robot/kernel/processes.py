"""The process table: every accepted task is a process with a pid, a state and its progress.

One motion process runs at a time; starting another cancels the running one first (the kernel
does that through the motion port). Interrupts preempt the running motion process.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import Enum
from typing import Any

from llmos_robot.kernel.syscalls import Syscall


class ProcessState(Enum):
    QUEUED = "queued"
    RUNNING = "running"
    PAUSED = "paused"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (ProcessState.DONE, ProcessState.FAILED, ProcessState.CANCELLED)


@dataclass(frozen=True)
class Process:
    pid: int
    syscall: Syscall
    state: ProcessState
    started: datetime
    progress: float = 0.0
    ended: datetime | None = None
    detail: str = ""

    def describe(self) -> str:
        """What the robot says about this process: "cleaning the kitchen (40% done)"."""
        what = _GERUND.get(self.syscall.name, self.syscall.name.replace("_", " "))
        arg = self.syscall.arg().replace("_", " ")
        phrase = f"{what} the {arg}" if arg else what
        if self.state is ProcessState.RUNNING:
            return f"{phrase} ({round(self.progress * 100)}% done)"
        return f"{phrase}: {self.state.value}"

    def to_json(self) -> dict[str, Any]:
        return {
            "pid": self.pid,
            **self.syscall.to_json(),
            "state": self.state.value,
            "progress": round(self.progress, 3),
            "started": self.started.isoformat(),
            "ended": self.ended.isoformat() if self.ended else None,
            "detail": self.detail,
        }


_GERUND = {
    "clean_room": "cleaning",
    "spot_clean": "spot cleaning near",
    "go_to": "driving to",
    "dock": "going back to the dock",
}


@dataclass
class ProcessTable:
    """Thread-safe: motion callbacks may arrive from another thread."""

    history: int = 50  # finished processes kept
    _processes: dict[int, Process] = field(default_factory=dict)
    _next_pid: int = 1
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self, syscall: Syscall, now: datetime) -> Process:
        with self._lock:
            process = Process(self._next_pid, syscall, ProcessState.RUNNING, now)
            self._processes[process.pid] = process
            self._next_pid += 1
            self._trim()
            return process

    def get(self, pid: int) -> Process | None:
        with self._lock:
            return self._processes.get(pid)

    def running(self) -> Process | None:
        """The motion process that is running or paused, if any."""
        with self._lock:
            active = [p for p in self._processes.values() if p.state in (ProcessState.RUNNING, ProcessState.PAUSED)]
            return active[-1] if active else None

    def update(self, pid: int, progress: float | None = None, detail: str | None = None) -> None:
        with self._lock:
            process = self._processes.get(pid)
            if process is None or process.state.finished:
                return
            self._processes[pid] = replace(
                process,
                progress=process.progress if progress is None else max(0.0, min(1.0, progress)),
                detail=process.detail if detail is None else detail,
            )

    def set_state(self, pid: int, state: ProcessState, now: datetime, detail: str | None = None) -> Process | None:
        """Move a process to `state`; a finished process stays finished. Returns the new entry."""
        with self._lock:
            process = self._processes.get(pid)
            if process is None or process.state.finished:
                return None
            updated = replace(
                process,
                state=state,
                ended=now if state.finished else None,
                progress=1.0 if state is ProcessState.DONE else process.progress,
                detail=process.detail if detail is None else detail,
            )
            self._processes[pid] = updated
            return updated

    def snapshot(self) -> list[Process]:
        with self._lock:
            return list(self._processes.values())

    def _trim(self) -> None:
        finished = [pid for pid, p in self._processes.items() if p.state.finished]
        for pid in finished[: max(0, len(finished) - self.history)]:
            del self._processes[pid]
