"""Conversions between the memory core's types and llmos_interfaces messages (memory part)."""

from __future__ import annotations

import math
from typing import Any

from builtin_interfaces.msg import Time
from llmos_interfaces.msg import MemoryRecord as MemoryRecordMsg
from llmos_interfaces.srv import LastCleaned, Recall, Remember

from llmos_robot.memory.records import LastCleaned as LastCleanedResult
from llmos_robot.memory.records import MemoryRecord, RecallResult
from llmos_robot.memory.store import NewRecord


def stamp_to_msg(seconds: float) -> Time:
    whole = math.floor(seconds)
    nanoseconds = min(round((seconds - whole) * 1e9), 999_999_999)
    return Time(sec=int(whole), nanosec=int(nanoseconds))


def record_to_msg(record: MemoryRecord) -> MemoryRecordMsg:
    msg = MemoryRecordMsg()
    msg.id = record.id
    msg.kind = record.kind
    msg.text = record.text
    msg.room = record.room
    msg.task = record.task
    msg.provenance = record.provenance.value
    msg.stamp = stamp_to_msg(record.stamp)
    msg.has_position = record.position is not None
    if record.position is not None:
        msg.x, msg.y = float(record.position[0]), float(record.position[1])
    msg.score = float(record.score)
    return msg


def new_record_from_request(request: Remember.Request) -> NewRecord:
    """What to store; the store validates it (provenance is required: empty is an error there)."""
    return NewRecord(
        text=request.text,
        provenance=request.provenance,
        kind=request.kind or "fact",
        room=request.room,
        task=request.task,
        position=(request.x, request.y) if request.has_position else None,
    )


def recall_arguments_from_request(request: Recall.Request) -> dict[str, Any]:
    """Keyword arguments of MemoryStore.recall; empty strings mean "no filter"."""
    arguments: dict[str, Any] = {"query": request.query, "k": int(request.k)}
    if request.room:
        arguments["room"] = request.room
    if request.kind:
        arguments["kind"] = request.kind
    if request.since:
        arguments["since"] = request.since
    if request.near:
        arguments["near"] = (request.x, request.y)
        arguments["radius"] = request.radius
    return arguments


def recall_to_response(result: RecallResult, response: Recall.Response) -> Recall.Response:
    response.ok = True
    response.records = [record_to_msg(r) for r in result.records]
    response.message = result.sentence
    return response


def last_cleaned_to_response(result: LastCleanedResult, response: LastCleaned.Response) -> LastCleaned.Response:
    response.ok = True
    response.found = result.stamp is not None
    if result.stamp is not None:
        response.stamp = stamp_to_msg(result.stamp)
    response.task = result.task
    response.coverage = float(result.coverage)
    response.sentence = result.sentence
    return response
