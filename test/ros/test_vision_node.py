"""The vision node over real ROS 2 topics: rendered frames in; detections, interrupts and memory sightings out."""

from __future__ import annotations

import math

import pytest
from llmos_interfaces.msg import Detections, Interrupt
from llmos_interfaces.srv import Remember
from nav_msgs.msg import Odometry
from rclpy.parameter import Parameter
from sensor_msgs.msg import Image

from llmos_robot.ros import conversions as conv
from llmos_robot.ros import vision_conversions as vconv
from llmos_robot.ros.vision_node import VisionNode
from llmos_robot.sim import SimConfig, Simulator
from llmos_robot.sim._mujoco import mujoco
from llmos_robot.sim.simulator import Odometry as SimOdometry
from llmos_robot.vision import Detection, DetectionKind, VisionResult
from llmos_robot.world import default_world_path, load_world
from llmos_robot.world.geometry import Pose2D

pytestmark = [pytest.mark.ros, pytest.mark.sim]


@pytest.fixture(scope="module")
def frames():
    """Rendered frames (and the poses they were taken from) of a marker and of a close person."""
    world = load_world(default_world_path())
    with Simulator(world, SimConfig(camera=True)) as sim:

        def look(pose):
            sim.data.qpos[0], sim.data.qpos[1] = pose.x, pose.y
            sim.data.qpos[3:7] = [math.cos(pose.yaw / 2), 0.0, 0.0, math.sin(pose.yaw / 2)]
            mujoco.mj_forward(sim.model, sim.data)
            return sim.render().copy()

        bleach = Pose2D(2.3, 1.4, -math.pi / 2)
        person = Pose2D(7.7, 4.2, 0.3)  # the person's feet ~0.6 m ahead
        yield {"bleach": (bleach, look(bleach)), "person": (person, look(person))}


class Listener:
    def __init__(self, node, topic, msg_type):
        self.messages = []
        node.create_subscription(msg_type, topic, self.messages.append, 10)


def start(ros, **parameters):
    overrides = [Parameter("localisation", value="ground_truth"), Parameter("max_rate", value=0.0)]
    overrides += [Parameter(k, value=v) for k, v in parameters.items()]
    return ros.add(VisionNode(context=ros.context, parameter_overrides=overrides))


def send(client, truth_pub, image_pub, pose, image, stamp=1.0):
    truth_pub.publish(conv.odometry_to_msg(SimOdometry(pose, 0.0, 0.0), stamp, "map", "base_footprint"))
    image_pub.publish(conv.image_to_msg(image, stamp, "camera_rgb_frame"))


def test_a_close_person_raises_the_interrupt_and_detections_are_published(ros, frames):
    node = start(ros, person_stop_distance=1.2)
    client = ros.node("client")
    detections = Listener(client, "vision/detections", Detections)
    interrupts = Listener(client, "interrupts", Interrupt)
    debug = Listener(client, "vision/debug_image", Image)
    truth = client.create_publisher(Odometry, "sim/ground_truth", 10)
    images = client.create_publisher(Image, "camera/image_raw", 10)
    pose, image = frames["person"]
    client.create_timer(0.2, lambda: send(client, truth, images, pose, image))
    assert ros.wait_for(lambda: interrupts.messages, timeout=20)
    interrupt = interrupts.messages[0]
    assert interrupt.kind == Interrupt.PERSON and interrupt.active and interrupt.source == "vision"
    assert interrupt.detail.startswith("a person")
    people = [d for m in detections.messages for d in m.detections if d.kind == "person"]
    assert (
        people and people[0].has_position and math.dist((people[0].position.x, people[0].position.y), (8.5, 4.4)) < 0.5
    )
    assert detections.messages[0].header.frame_id == "map"
    assert ros.wait_for(lambda: debug.messages) and debug.messages[0].encoding == "rgb8"
    assert node.frames > 0


def test_marker_sightings_go_to_memory_with_vision_provenance(ros, frames):
    start(ros)
    memory = ros.node("memory")
    requests = []

    def remember(request, response):
        requests.append(request)
        response.ok, response.id = True, str(len(requests))
        return response

    memory.create_service(Remember, "memory/remember", remember)
    client = ros.node("client")
    truth = client.create_publisher(Odometry, "sim/ground_truth", 10)
    images = client.create_publisher(Image, "camera/image_raw", 10)
    pose, image = frames["bleach"]
    client.create_timer(0.2, lambda: send(client, truth, images, pose, image))
    assert ros.wait_for(lambda: requests, timeout=20)
    ros.wait_for(lambda: False, timeout=1.0)  # more frames of the same marker ...
    assert len(requests) == 1  # ... are not stored again
    request = requests[0]
    assert request.provenance == "vision" and request.kind == "sighting" and request.room == "bathroom"
    assert "bleach" in request.text and request.has_position
    assert math.dist((request.x, request.y), (2.3, 0.2)) < 0.1


def test_without_memory_and_with_bad_frames_the_node_keeps_going(ros, frames):
    node = start(ros)
    client = ros.node("client")
    detections = Listener(client, "vision/detections", Detections)
    truth = client.create_publisher(Odometry, "sim/ground_truth", 10)
    images = client.create_publisher(Image, "camera/image_raw", 10)
    bad = conv.image_to_msg(frames["bleach"][1], 1.0, "camera_rgb_frame")
    bad.encoding = "mono16"
    short = conv.image_to_msg(frames["bleach"][1], 1.0, "camera_rgb_frame")
    short.data = bytes(short.data)[:1000]
    images.publish(bad)
    images.publish(short)
    pose, image = frames["bleach"]
    client.create_timer(0.2, lambda: send(client, truth, images, pose, image))
    assert ros.wait_for(lambda: detections.messages, timeout=20)  # no memory service: still publishing
    assert node.stored == 0
    assert any(d.kind == "marker" and d.label == "bleach" for d in detections.messages[-1].detections)


def test_conversions_round_trip():
    detection = Detection(DetectionKind.MARKER, 0.9, (1, 2, 3, 4), "bleach", (2.3, 0.2), "map", 1.2, 1)
    back = vconv.detection_from_msg(vconv.detection_to_msg(detection))
    assert (back.kind, back.label, back.box, back.position) == (
        DetectionKind.MARKER,
        "bleach",
        (1, 2, 3, 4),
        (2.3, 0.2),
    )
    msg = vconv.detections_to_msg(VisionResult((detection,)), 3.5, "map")
    assert conv.time_from_msg(msg.header.stamp) == pytest.approx(3.5) and len(msg.detections) == 1
    request = vconv.sighting_to_request("I saw the bleach.", "bathroom", None)
    assert request.provenance == "vision" and not request.has_position
