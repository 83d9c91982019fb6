"""The map node publishes the house map, latched, for Gazebo and the real robot."""

import pytest
from nav_msgs.msg import OccupancyGrid
from rclpy.qos import DurabilityPolicy, QoSProfile

from llmos_robot.ros.map_node import MapNode

pytestmark = pytest.mark.ros


def test_map_node_latches_the_world_grid(ros, house_grid):
    ros.add(MapNode(context=ros.context))
    client = ros.node("map_client")
    received = []
    client.create_subscription(
        OccupancyGrid, "map", received.append, QoSProfile(depth=1, durability=DurabilityPolicy.TRANSIENT_LOCAL)
    )
    assert ros.wait_for(lambda: received)
    msg = received[-1]
    assert (msg.info.width, msg.info.height) == (house_grid.shape[1], house_grid.shape[0])
    assert list(msg.data) == house_grid.cells.flatten().tolist()
