"""The sim node over real ROS 2 topics: a test node drives it and listens like any client would."""

from __future__ import annotations

import math

import pytest
from geometry_msgs.msg import Twist, TwistStamped
from llmos_interfaces.msg import Bumper
from nav_msgs.msg import OccupancyGrid, Odometry
from rclpy.parameter import Parameter
from rclpy.qos import DurabilityPolicy, QoSProfile
from rosgraph_msgs.msg import Clock
from sensor_msgs.msg import CameraInfo, Image, Imu, LaserScan

from llmos_robot.ros import conversions as conv
from llmos_robot.ros.sim_node import SimNode

pytestmark = [pytest.mark.ros, pytest.mark.sim]


def start_sim(ros, **parameters):
    overrides = [Parameter("real_time_factor", value=2.0)]
    overrides += [Parameter(k, value=v) for k, v in parameters.items()]
    return ros.add(SimNode(context=ros.context, parameter_overrides=overrides))


class Listener:
    def __init__(self, node, topic, msg_type, qos=10):
        self.messages = []
        node.create_subscription(msg_type, topic, self.messages.append, qos)

    @property
    def last(self):
        return self.messages[-1]


def test_commands_move_the_robot_and_sensors_arrive_in_sim_time(ros):
    sim = start_sim(ros)
    client = ros.node("client")
    odom = Listener(client, "odom", Odometry)
    scan = Listener(client, "scan", LaserScan)
    clock = Listener(client, "/clock", Clock)
    imu = Listener(client, "imu", Imu)
    image = Listener(client, "camera/image_raw", Image)
    info = Listener(client, "camera/camera_info", CameraInfo)
    bumper = Listener(client, "bumper", Bumper)
    cmd = client.create_publisher(TwistStamped, "cmd_vel", 10)
    client.create_timer(0.05, lambda: cmd.publish(conv.twist_to_msg(0.2, 0.0)))

    assert ros.wait_for(lambda: odom.messages and odom.last.pose.pose.position.x > 0.3, timeout=30)
    assert scan.messages and imu.messages and image.messages and info.messages and bumper.messages
    # Stamps are simulated time (the sim started at 0), not the wall clock.
    latest_clock = conv.time_from_msg(clock.last.clock)
    scan_stamp = conv.time_from_msg(scan.last.header.stamp)
    assert 0 < scan_stamp <= latest_clock + 0.2 < 1000
    assert scan.last.header.frame_id == "base_scan" and len(scan.last.ranges) == 360
    assert odom.last.header.frame_id == "odom" and odom.last.child_frame_id == "base_footprint"
    assert (image.last.width, image.last.height, image.last.encoding) == (320, 240, "rgb8")
    assert info.last.k[0] > 0
    assert not bumper.last.pressed
    assert sim.sim.true_pose().distance_to(sim.sim.spawn) > 0.3


def test_map_is_latched_for_late_subscribers(ros):
    start_sim(ros, camera=False)
    client = ros.node("late_client")
    latched = QoSProfile(depth=1, durability=DurabilityPolicy.TRANSIENT_LOCAL)
    grid = Listener(client, "map", OccupancyGrid, latched)
    assert ros.wait_for(lambda: grid.messages)
    msg = grid.last
    assert msg.info.resolution == pytest.approx(0.05)
    assert len(msg.data) == msg.info.width * msg.info.height
    assert 100 in msg.data and 0 in msg.data and -1 in msg.data


def test_nan_and_absurd_commands_are_refused(ros):
    sim = start_sim(ros, camera=False)
    client = ros.node("bad_client")
    cmd = client.create_publisher(TwistStamped, "cmd_vel", 10)
    bad = [conv.twist_to_msg(math.nan, 0.0), conv.twist_to_msg(0.0, math.inf), conv.twist_to_msg(500.0, 0.0)]
    client.create_timer(0.05, lambda: cmd.publish(bad[int(sim.sim.time * 10) % 3]))
    start = sim.sim.time
    assert ros.wait_for(lambda: sim.sim.time > start + 3.0)
    assert sim.sim.true_pose().distance_to(sim.sim.spawn) < 0.01


def test_wheels_stop_when_commands_stop(ros):
    sim = start_sim(ros, camera=False)
    client = ros.node("brief_client")
    cmd = client.create_publisher(TwistStamped, "cmd_vel", 10)
    sent = []

    def publish_for_one_second():
        if sim.sim.time < 1.0:
            cmd.publish(conv.twist_to_msg(0.2, 0.0))
            sent.append(sim.sim.time)

    client.create_timer(0.05, publish_for_one_second)
    assert ros.wait_for(lambda: sim.sim.time > 3.0)
    moved_at_3 = sim.sim.true_pose().distance_to(sim.sim.spawn)
    assert sent and moved_at_3 > 0.05
    assert ros.wait_for(lambda: sim.sim.time > 4.0)
    assert sim.sim.true_pose().distance_to(sim.sim.spawn) == pytest.approx(moved_at_3, abs=0.005)


def test_plain_twist_when_configured(ros):
    sim = start_sim(ros, camera=False, cmd_vel_stamped=False)
    client = ros.node("twist_client")
    cmd = client.create_publisher(Twist, "cmd_vel", 10)
    client.create_timer(0.05, lambda: cmd.publish(conv.twist_to_msg(0.0, 1.0).twist))
    assert ros.wait_for(lambda: abs(sim.sim.odometry().pose.yaw) > 0.5, timeout=30)
