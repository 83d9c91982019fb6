"""The memory node over real ROS 2 services and topics, as the kernel or a tool would use it."""

from __future__ import annotations

import pytest
from llmos_interfaces.msg import MemoryRecord
from llmos_interfaces.srv import LastCleaned, Recall, Remember
from rclpy.parameter import Parameter

from llmos_robot.ros.memory_node import MemoryNode

pytestmark = [pytest.mark.ros]


def start_memory(ros, tmp_path):
    overrides = [Parameter("db_dir", value=str(tmp_path / "memory")), Parameter("embedder", value="hashing")]
    return ros.add(MemoryNode(context=ros.context, parameter_overrides=overrides))


def call(ros, client, request):
    assert client.wait_for_service(timeout_sec=20)
    future = client.call_async(request)
    assert ros.wait_for(future.done, timeout=20)
    return future.result()


def test_remember_recall_and_events_over_ros(ros, tmp_path):
    memory = start_memory(ros, tmp_path)
    caller = ros.node("caller")
    events: list[MemoryRecord] = []
    caller.create_subscription(MemoryRecord, "memory/events", events.append, 10)
    remember = caller.create_client(Remember, "memory/remember")
    recall = caller.create_client(Recall, "memory/recall")

    reply = call(
        ros,
        remember,
        Remember.Request(
            text="the bleach is in the cleaning cupboard",
            room="hallway",
            provenance="user",
            has_position=True,
            x=5.0,
            y=6.9,
        ),
    )
    assert reply.ok and reply.id
    assert ros.wait_for(lambda: any(e.id == reply.id for e in events))
    event = next(e for e in events if e.id == reply.id)
    assert (event.provenance, event.room, event.kind, event.x) == ("user", "hallway", "fact", 5.0)

    found = call(ros, recall, Recall.Request(query="bleach cleaning cupboard", room="hallway", k=2))
    assert found.ok and found.records[0].id == reply.id and found.records[0].score > 0
    near = call(ros, recall, Recall.Request(near=True, x=5.0, y=6.9, radius=0.2, kind="fact"))
    assert [r.id for r in near.records] == [reply.id]
    assert memory.store.count() > 20  # the house was imported on first start


def test_bad_requests_are_answered_not_crashed(ros, tmp_path):
    start_memory(ros, tmp_path)
    caller = ros.node("caller")
    remember = caller.create_client(Remember, "memory/remember")
    last = caller.create_client(LastCleaned, "memory/last_cleaned")
    recall = caller.create_client(Recall, "memory/recall")

    empty = call(ros, remember, Remember.Request(text="  ", provenance="user"))
    assert not empty.ok and "empty" in empty.message
    no_source = call(ros, remember, Remember.Request(text="do the dishes", provenance=""))
    assert not no_source.ok and "user, robot, vision, world" in no_source.message
    future = call(ros, recall, Recall.Request(query="x", since="2099-01-01T00:00:00Z"))
    assert not future.ok and "future" in future.message
    unknown = call(ros, last, LastCleaned.Request(room="garage"))
    assert not unknown.ok and "kitchen" in unknown.message
    never = call(ros, last, LastCleaned.Request(room="kitchen"))
    assert never.ok and not never.found and "kitchen" in never.sentence


def test_last_cleaned_reports_a_cleaning_the_kernel_logged_in_process(ros, tmp_path):
    memory = start_memory(ros, tmp_path)
    memory.store.record_cleaning("kitchen", "clean_room", 0.93, when=1_790_000_000.5)
    reply = call(
        ros, ros.node("caller").create_client(LastCleaned, "memory/last_cleaned"), LastCleaned.Request(room="Kitchen")
    )
    assert reply.ok and reply.found
    assert (reply.stamp.sec, reply.stamp.nanosec, reply.task) == (1_790_000_000, 500_000_000, "clean_room")
    assert reply.coverage == pytest.approx(0.93) and "kitchen" in reply.sentence


def test_a_cleaning_remembered_over_ros_answers_last_cleaned_after_a_restart(ros, tmp_path):
    start_memory(ros, tmp_path)
    caller = ros.node("kernel_like")
    remember = caller.create_client(Remember, "memory/remember")
    request = Remember.Request(
        text="Cleaned the kitchen.",
        kind="episode",
        room="kitchen",
        task="clean_room",
        provenance="robot",
        coverage=0.97,
    )
    assert call(ros, remember, request).ok
    # A second node on the same folder stands for the memory node after a restart.
    restarted = MemoryNode(
        context=ros.context,
        parameter_overrides=[
            Parameter("db_dir", value=str(tmp_path / "memory")),
            Parameter("embedder", value="hashing"),
        ],
    )
    answer = restarted.store.last_cleaned("kitchen")
    restarted.destroy_node()
    assert answer.task == "clean_room" and answer.coverage == pytest.approx(0.97)
    assert answer.stamp is not None and "kitchen" in answer.sentence


def test_conversions_carry_every_field():
    from llmos_robot.memory import MemoryRecord as Record
    from llmos_robot.memory import Provenance
    from llmos_robot.ros import memory_conversions as conv

    record = Record(
        "7", "sighting", "I saw the keys", Provenance.VISION, 12.25, "kitchen", "", (1.5, -2.0), "keys", 0.5
    )
    msg = conv.record_to_msg(record)
    assert (msg.id, msg.kind, msg.text, msg.provenance, msg.room) == (
        "7",
        "sighting",
        "I saw the keys",
        "vision",
        "kitchen",
    )
    assert (msg.stamp.sec, msg.stamp.nanosec, msg.has_position, msg.x, msg.y) == (12, 250_000_000, True, 1.5, -2.0)
    assert msg.score == pytest.approx(0.5)
    request = Recall.Request(
        query="keys", room="kitchen", since="2026-01-01T00:00:00Z", near=True, x=1.0, y=2.0, radius=3.0
    )
    arguments = conv.recall_arguments_from_request(request)
    assert arguments == {
        "query": "keys",
        "k": 0,
        "room": "kitchen",
        "since": "2026-01-01T00:00:00Z",
        "near": (1.0, 2.0),
        "radius": 3.0,
    }
    new = conv.new_record_from_request(Remember.Request(text="hi", provenance="user"))
    assert (new.kind, new.position, new.provenance) == ("fact", None, "user")
