"""Conversions between the kernel's core types and ROS messages (one function per direction)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from builtin_interfaces.msg import Time
from llmos_interfaces.msg import Interrupt, MemoryRecord, ProcessInfo, ProcessTable
from llmos_interfaces.srv import LastCleaned

from llmos_robot.kernel.guard import Channel
from llmos_robot.kernel.ports import CleanedRecord, MemoryItem
from llmos_robot.kernel.processes import Process

# Transcript.source values that are the user's own voice or keyboard.
USER_SOURCES = frozenset({"", "microphone", "file", "text", "user"})
INTERRUPT_KINDS = {
    Interrupt.BUMPER: "bumper",
    Interrupt.PERSON: "person",
    Interrupt.ESTOP: "estop",
    Interrupt.BATTERY_LOW: "battery_low",
}


def datetime_to_msg(when: datetime | None) -> Time:
    """A zero Time for None (e.g. a process that has not ended)."""
    if when is None:
        return Time()
    seconds = when.timestamp()
    whole = int(seconds // 1)
    return Time(sec=whole, nanosec=min(999_999_999, round((seconds - whole) * 1e9)))


def datetime_from_msg(stamp: Time) -> datetime:
    return datetime.fromtimestamp(stamp.sec + stamp.nanosec * 1e-9, tz=timezone.utc)


def channel_from_source(source: str) -> Channel:
    """Which channel a transcript came from: only the user's sources may instruct."""
    source = source.strip().lower()
    if source in USER_SOURCES:
        return Channel.USER
    for channel in (Channel.VISION, Channel.MEMORY, Channel.ROBOT):
        if source == channel.value:
            return channel
    return Channel.TOOL


def interrupt_from_msg(msg: Interrupt) -> tuple[str, bool, str]:
    """(kind name, active, detail)."""
    return INTERRUPT_KINDS.get(int(msg.kind), f"unknown_{int(msg.kind)}"), bool(msg.active), str(msg.detail)


def process_to_msg(process: Process) -> ProcessInfo:
    return ProcessInfo(
        pid=process.pid,
        syscall=process.syscall.name,
        args_json=json.dumps(dict(process.syscall.args)),
        state=process.state.value,
        progress=float(process.progress),
        started=datetime_to_msg(process.started),
        ended=datetime_to_msg(process.ended),
        detail=process.detail,
    )


def process_table_to_msg(processes: list[Process], now: datetime, frame_id: str = "") -> ProcessTable:
    msg = ProcessTable(processes=[process_to_msg(p) for p in processes])
    msg.header.stamp = datetime_to_msg(now)
    msg.header.frame_id = frame_id
    return msg


def cleaned_from_response(room: str, response: LastCleaned.Response) -> CleanedRecord | None:
    if not response.ok or not response.found:
        return None
    return CleanedRecord(
        room, datetime_from_msg(response.stamp), response.task or "clean_room", float(response.coverage)
    )


def memory_item_from_msg(record: MemoryRecord) -> MemoryItem:
    when = datetime_from_msg(record.stamp) if record.stamp.sec else None
    return MemoryItem(str(record.text), str(record.provenance) or "robot", when, str(record.room))
